package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/orchestrate"
	"cloudcontrol/backend/paths"
)

func pathsDefault() paths.Dirs { return paths.Default() }

func newEnvPlanCmd(g *globals) *cobra.Command {
	var asJSON, stop bool
	cmd := &cobra.Command{
		Use:   "plan NAME",
		Short: "Show what starting (or, with --stop, stopping) NAME would do, in which order",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			action := orchestrate.ActionStart
			if stop {
				action = orchestrate.ActionStop
			}
			prep, err := g.service("cli").Plan(cmd.Context(), args[0], action)
			if err != nil {
				return fail(exitFor(err), err)
			}
			if asJSON {
				return writeJSON(g.stdout, prep.Plan)
			}
			return prep.Plan.Write(g.stdout)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan as JSON")
	cmd.Flags().BoolVar(&stop, "stop", false, "plan a stop instead of a start")
	return cmd
}

func newEnvRunCmd(g *globals, action string) *cobra.Command {
	var asJSON bool
	verb := map[string]string{orchestrate.ActionStart: "Start", orchestrate.ActionStop: "Stop"}[action]
	cmd := &cobra.Command{
		Use:   action + " NAME",
		Short: verb + " NAME stage by stage, waiting for each stage's gates",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			var sink printer
			if asJSON {
				sink = newJSONPrinter(g.stdout)
			} else {
				sink = newTextPrinter(g.stdout)
			}
			_, err := g.service("cli").Run(cmd.Context(), name, action, sink)
			if err == nil {
				return nil
			}
			code := exitFor(err)
			if errors.Is(err, context.Canceled) || cmd.Context().Err() != nil {
				code = ExitCancelled
			}
			if !sink.Reported() {
				// The run never started (invalid file, busy, wrong account...):
				// scripts still get one line saying why.
				sink.Refused(name, action, err)
			}
			return fail(code, err)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON event per line")
	return cmd
}

// printer is an orchestrate.Sink that also reports a run that never began.
type printer interface {
	orchestrate.Sink
	Reported() bool
	Refused(env, action string, err error)
}

type jsonPrinter struct {
	mu  sync.Mutex
	enc *json.Encoder
	n   int
}

func newJSONPrinter(w io.Writer) *jsonPrinter { return &jsonPrinter{enc: json.NewEncoder(w)} }

func (p *jsonPrinter) Emit(e orchestrate.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	_ = p.enc.Encode(e)
}

func (p *jsonPrinter) Reported() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.n > 0 }

func (p *jsonPrinter) Refused(env, action string, err error) {
	p.Emit(orchestrate.Event{Time: time.Now(), Env: env, Action: action, Type: "run-refused", Message: err.Error()})
}

// textPrinter writes progress for people: stage by stage, instance states,
// the gate being waited on, elapsed time.
type textPrinter struct {
	mu sync.Mutex
	w  io.Writer
	n  int
}

func newTextPrinter(w io.Writer) *textPrinter { return &textPrinter{w: w} }

func (p *textPrinter) Reported() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.n > 0 }

func (p *textPrinter) Refused(string, string, error) {}

func (p *textPrinter) Emit(e orchestrate.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	line := describe(e)
	if line == "" {
		return
	}
	for i, l := range strings.Split(line, "\n") {
		if i == 0 {
			fmt.Fprintf(p.w, "[%6.1fs] %s\n", e.Elapsed, l)
		} else {
			fmt.Fprintf(p.w, "          %s\n", l)
		}
	}
}

func instanceLabel(e orchestrate.Event) string {
	switch {
	case e.Name != "" && e.Instance != "":
		return e.Name + " (" + e.Instance + ")"
	case e.Instance != "":
		return e.Instance
	}
	return ""
}

func describe(e orchestrate.Event) string {
	inst := instanceLabel(e)
	on := ""
	if inst != "" {
		on = " on " + inst
	}
	switch e.Type {
	case orchestrate.EventRunStarted:
		return e.Message
	case orchestrate.EventStageStarted:
		return fmt.Sprintf("stage %s: %s", e.Stage, orDefault(e.Message, "started"))
	case orchestrate.EventStageSkipped:
		return fmt.Sprintf("stage %s: %s", e.Stage, orDefault(e.Message, "nothing to do"))
	case orchestrate.EventActionSent:
		return fmt.Sprintf("  %s", e.Message)
	case orchestrate.EventInstanceState:
		msg := fmt.Sprintf("  %s is %s", inst, e.State)
		if e.Message != "" {
			msg += " (" + e.Message + ")"
		}
		return msg
	case orchestrate.EventGateWaiting:
		return fmt.Sprintf("  waiting for %s%s", gateText(e), on)
	case orchestrate.EventGatePassed:
		return fmt.Sprintf("  %s ok%s", gateText(e), on)
	case orchestrate.EventStageReady:
		done := "ready"
		if e.Action == orchestrate.ActionStop {
			done = "stopped"
		}
		return strings.TrimSpace(fmt.Sprintf("stage %s %s %s", e.Stage, done, e.Message))
	case orchestrate.EventStageFailed:
		return fmt.Sprintf("stage %s FAILED: %s", e.Stage, e.Message)
	case orchestrate.EventRunDone:
		return orDefault(e.Message, e.Env+": done")
	case orchestrate.EventRunFailed:
		return "FAILED: " + e.Message
	case orchestrate.EventRunCancelled:
		return "CANCELLED: " + e.Message
	}
	return e.Message
}

// gateText names a gate with what it checked on this instance when known:
// "tcp 127.0.0.10:5432" rather than "tcp 5432".
func gateText(e orchestrate.Event) string {
	if e.Message == "" {
		return e.Gate
	}
	kind, _, _ := strings.Cut(e.Gate, " ")
	return kind + " " + e.Message
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
