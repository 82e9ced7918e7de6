package orchestrate

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
)

// doText is how the text plan words each Do for action.
func doText(do string, action op.Action) string {
	switch do {
	case DoCannot:
		return countWord(do, action)
	case DoAlreadyRunning:
		return "already running"
	case DoWait:
		return "wait (pending)"
	case DoStartWhenStopped:
		return "wait until stopped, then start"
	case DoStopWhenRunning:
		return "wait until running, then stop"
	case DoWaitStopped:
		return "wait (stopping)"
	case DoAlreadyStopped:
		return "already stopped"
	}
	return do
}

// String returns the plan as Write prints it.
func (p *Plan) String() string {
	var b strings.Builder
	_ = p.Write(&b)
	return b.String()
}

// Write prints the plan for people: a header, then each stage with its
// gates and its instances, in columns.
func (p *Plan) Write(w io.Writer) error {
	ew := &errWriter{w: w}
	where := []string{}
	if p.Profile != "" {
		where = append(where, cloud.CredentialsOf(p.Profile))
	}
	where = append(where, "region "+p.Region)
	if p.Account != "" {
		where = append(where, "account "+p.Account)
	}
	ew.printf("Plan: %s %s (%s)\n", p.Action, p.Env, strings.Join(where, ", "))
	total := 0
	for _, s := range p.Stages {
		total += len(s.Instances)
	}
	if p.Caller != "" {
		ew.printf("As %s\n", p.Caller)
	}
	ew.printf("%d stage(s), %d instance(s): %s. Expected to take about %s.\n",
		len(p.Stages), total, p.summary(), p.Expected)
	var col [4]int // column widths, the same for every stage so the plan reads as one table
	for _, s := range p.Stages {
		for _, in := range s.Instances {
			col = [4]int{max(col[0], len(in.ID)), max(col[1], len(dash(in.Name))), max(col[2], len(dash(in.Type))), max(col[3], len(in.State))}
		}
	}
	for i, s := range p.Stages {
		after := "nothing"
		if len(s.After) > 0 {
			after = strings.Join(s.After, ", ")
		}
		gates := make([]string, len(s.Gates))
		for k, g := range s.Gates {
			gates[k] = g.String()
			if g.Kind == GateCommand { // said in full: it runs on the instances
				gates[k] = fmt.Sprintf("command %s (SSM Run Command; each instance registered with SSM within %s of running)",
					strconv.Quote(strings.Join(g.Command, "\n")), g.Grace)
			}
		}
		from := ""
		switch {
		case s.ExpectedFrom == ExpectedFromLastRun:
			from = " as last time"
		case s.Settled && hasDelay(s):
			from = " (ready since the last start: no delay while all run)"
		}
		ew.printf("\n%d. %s  (after %s; timeout %s; expected %s%s, done by about %s)\n",
			i+1, s.Name, after, s.Timeout, s.Expected, from, s.ExpectedDone)
		ew.printf("   ready when: %s\n", strings.Join(gates, ", "))
		for _, in := range s.Instances {
			shared := ""
			if len(in.SharedWith) > 0 {
				shared = "  (shared with " + strings.Join(in.SharedWith, ", ") + ")"
			}
			ew.printf("   %-*s  %-*s  %-*s  %-*s  -> %s%s\n", col[0], in.ID, col[1], dash(in.Name), col[2], dash(in.Type),
				col[3], in.State, doText(in.Do, p.Action), shared)
			if checks := checkText(in.Checks); p.Action == op.Start && checks != "" {
				ew.printf("   %*s  checks: %s\n", col[0], "", checks)
			}
		}
	}
	if r := p.Runbook; r != nil {
		ew.printf("\nIn AWS (%s): the %s runbook should take about %s, against %s here.\n", r.Why, p.Action, r.Seconds, r.App)
		for _, n := range r.Notes {
			ew.printf("   %s\n", n)
		}
	}
	for _, m := range p.Warnings {
		ew.printf("\nwarning: %s", m)
	}
	for _, m := range p.Errors {
		ew.printf("\nerror: %s", m)
	}
	if len(p.Warnings)+len(p.Errors) > 0 {
		ew.printf("\n")
	}
	return ew.err
}

// summary is the plan's Summary, or, for a plan read from elsewhere
// without one, the same words from its counts.
func (p *Plan) summary() string {
	if p.Summary != "" {
		return p.Summary
	}
	return countText(p.Counts, p.Action)
}

// checkText lists an instance's checks as the run names what it checks:
// "running, tcp 10.0.0.5:5432, http http://10.0.0.5/health".
func checkText(checks []PlanCheck) string {
	parts := make([]string, 0, len(checks))
	for _, c := range checks {
		if c.Address == "" {
			parts = append(parts, c.Gate)
			continue
		}
		kind, _, _ := strings.Cut(c.Gate, " ")
		parts = append(parts, kind+" "+c.Address)
	}
	return strings.Join(parts, ", ")
}

func hasDelay(s PlanStage) bool {
	for _, g := range s.Gates {
		if g.Kind == GateDelay && g.Delay > 0 {
			return true
		}
	}
	return false
}

// countText says how many instances get each Do, in a fixed order: "3 to
// start, 2 already running". It is the one wording of a plan's summary and
// of what a run finds to do (a stage it skips says it too).
func countText(counts map[string]int, action op.Action) string {
	var parts []string
	for _, do := range []string{DoStart, DoStartWhenStopped, DoWait, DoAlreadyRunning,
		DoStop, DoStopWhenRunning, DoWaitStopped, DoAlreadyStopped, DoCannot} {
		if n := counts[do]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, countWord(do, action)))
		}
	}
	if len(parts) == 0 {
		return "nothing to do"
	}
	return strings.Join(parts, ", ")
}

func countWord(do string, action op.Action) string {
	switch do {
	case DoStart:
		return "to start"
	case DoStartWhenStopped:
		return "to start once stopped"
	case DoWait:
		return "pending"
	case DoStop:
		return "to stop"
	case DoStopWhenRunning:
		return "to stop once running"
	case DoWaitStopped:
		return "stopping"
	case DoCannot: // terminated or shutting down
		if action == op.Stop {
			return "terminated (skipped)"
		}
		return "terminated (cannot start)"
	}
	return doText(do, action)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// errWriter keeps the first write error so Write can print without checking
// every line.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
