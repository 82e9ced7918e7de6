package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/op"
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
			action := op.Start
			if stop {
				action = op.Stop
			}
			prep, err := g.service("cli").Plan(cmd.Context(), args[0], action)
			if err != nil {
				return fail(exitFor(cmd.Context(), err), safeError(err))
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

func newEnvRunCmd(g *globals, action op.Action) *cobra.Command {
	var asJSON, force bool
	verb := map[op.Action]string{op.Start: "Start", op.Stop: "Stop"}[action]
	cmd := &cobra.Command{
		Use:   string(action) + " NAME",
		Short: verb + " NAME stage by stage, waiting for each stage's gates",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// A run that never begins (invalid file, busy, pinned elsewhere...)
			// still tells scripts why: its one event is run-refused.
			var sink op.Sink = newTextPrinter(g.stdout)
			if asJSON {
				sink = newJSONPrinter(g.stdout)
			}
			if _, err := g.service("cli").RunWith(cmd.Context(), args[0], action, sink, control.RunOptions{Force: force}); err != nil {
				return fail(exitFor(cmd.Context(), err), safeError(err))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON event per line")
	if action == op.Stop {
		cmd.Flags().BoolVar(&force, "force", false, "stop instances other environments share even while they run")
	}
	return cmd
}

// jsonPrinter writes one JSON event per line, for scripts.
type jsonPrinter struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func newJSONPrinter(w io.Writer) *jsonPrinter { return &jsonPrinter{enc: json.NewEncoder(w)} }

func (p *jsonPrinter) Emit(e op.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.enc.Encode(e)
}

// textPrinter writes progress for people: stage by stage, instance states,
// the gate being waited on, elapsed time.
type textPrinter struct {
	mu sync.Mutex
	w  io.Writer
}

func newTextPrinter(w io.Writer) *textPrinter { return &textPrinter{w: w} }

func (p *textPrinter) Emit(e op.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := describe(e)
	if line == "" {
		return
	}
	// Names from AWS and text from files reach the terminal here: each
	// line is escaped (a Name tag with a newline cannot forge one).
	for i, l := range strings.Split(line, "\n") {
		l = termSafe(l) // messages carry text from files and from AWS
		if i == 0 {
			fmt.Fprintf(p.w, "[%6.1fs] %s\n", e.Elapsed, l)
		} else {
			fmt.Fprintf(p.w, "          %s\n", l)
		}
	}
}

func instanceLabel(e op.Event) string {
	switch {
	case e.Name != "" && e.Instance != "":
		return e.Name + " (" + e.Instance + ")"
	case e.Instance != "":
		return e.Instance
	}
	return ""
}

func describe(e op.Event) string {
	if line, ok := describeLaunch(e); ok { // launch_print.go
		return line
	}
	inst := instanceLabel(e)
	on := ""
	if inst != "" {
		on = " on " + inst
	}
	switch e.Type {
	case op.EventRunStarted:
		return e.Message
	case op.EventStageStarted:
		return fmt.Sprintf("stage %s: %s", e.Stage, orDefault(e.Message, "started"))
	case op.EventStageSkipped:
		return fmt.Sprintf("stage %s: %s", e.Stage, orDefault(e.Message, "nothing to do"))
	case op.EventActionSent:
		return fmt.Sprintf("  %s", e.Message)
	case op.EventInstanceState:
		msg := fmt.Sprintf("  %s is %s", inst, e.State)
		if e.Message != "" {
			msg += " (" + e.Message + ")"
		}
		return msg
	case op.EventGateWaiting:
		return fmt.Sprintf("  waiting for %s%s", gateText(e), on)
	case op.EventGatePassed:
		return fmt.Sprintf("  %s ok%s", gateText(e), on)
	case op.EventStageReady:
		done := "ready"
		if e.Action == op.Stop {
			done = "stopped"
		}
		return strings.TrimSpace(fmt.Sprintf("stage %s %s %s", e.Stage, done, e.Message))
	case op.EventStageFailed:
		return fmt.Sprintf("stage %s FAILED: %s", e.Stage, e.Message)
	case op.EventRunDone:
		return orDefault(e.Message, e.Env+": done")
	case op.EventRunFailed:
		return "FAILED: " + e.Message
	case op.EventRunCancelled:
		return "CANCELLED: " + e.Message
	case op.EventRunRefused:
		return "" // the command says why on stderr
	case op.EventChangeApplied:
		return "  " + e.Message
	}
	return e.Message
}

// gateText names a gate with what it checked on this instance when known:
// "tcp 127.0.0.10:5432" rather than "tcp 5432".
func gateText(e op.Event) string {
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
