package runbook

import (
	"fmt"
	"slices"
	"time"

	"cloudcontrol/backend/env"
	"cloudcontrol/backend/orchestrate"
)

// Timing compares how long the app and the runbook should take. The app
// runs independent stages side by side; Automation runs steps one after
// another, and aws:changeInstanceState always waits for both status checks.
type Timing struct {
	Action string `json:"action"`
	// App is the app's critical path; Runbook the runbook's sum of stages.
	App     orchestrate.Seconds `json:"appSeconds"`
	Runbook orchestrate.Seconds `json:"runbookSeconds"`
	Stages  []StageTiming       `json:"stages"` // in the runbook's order
	// Notes say where the difference comes from, for a plan or a preview.
	Notes []string `json:"notes,omitempty"`
}

// StageTiming is one stage's expected duration and end in both.
type StageTiming struct {
	Name        string              `json:"name"`
	App         orchestrate.Seconds `json:"appSeconds"`
	Runbook     orchestrate.Seconds `json:"runbookSeconds"`
	AppDone     orchestrate.Seconds `json:"appDoneSeconds"`
	RunbookDone orchestrate.Seconds `json:"runbookDoneSeconds"`
}

func withDefaults(est orchestrate.Estimates) orchestrate.Estimates {
	if est.Start <= 0 {
		est.Start = orchestrate.DefaultStartEstimate
	}
	if est.Stop <= 0 {
		est.Stop = orchestrate.DefaultStopEstimate
	}
	if est.StatusChecks <= 0 {
		est.StatusChecks = orchestrate.DefaultChecksEstimate
	}
	return est
}

// EstimateTiming compares the two for a cold run of e (every instance
// stopped for a start, running for a stop) with typical EC2 timings.
func EstimateTiming(e *env.Environment, action string, est orchestrate.Estimates) Timing {
	est = withDefaults(est)
	app, rb := map[string]time.Duration{}, map[string]time.Duration{}
	var notes []string
	for _, st := range e.Stages {
		if action == actionStop {
			app[st.Name], rb[st.Name] = est.Stop, est.Stop
			continue
		}
		app[st.Name] = est.Start + st.Ready.Delay.D()
		rb[st.Name] = app[st.Name] + est.StatusChecks
		if st.Ready.StatusChecks {
			app[st.Name] += est.StatusChecks
		} else {
			notes = append(notes, checksNote(st.Name, est))
		}
	}
	order, after := e.StartOrder(), map[string][]string{}
	for _, st := range e.Stages {
		after[st.Name] = st.After
	}
	if action == actionStop {
		order, after = e.Stop.Order, stopAfter(e)
	}
	return timing(action, order, after, app, rb, notes)
}

// PlanTiming compares the two for a plan, from its own expected durations
// (measured or estimated for the instances' current states).
func PlanTiming(p *orchestrate.Plan, est orchestrate.Estimates) Timing {
	est = withDefaults(est)
	app, rb := map[string]time.Duration{}, map[string]time.Duration{}
	after := map[string][]string{}
	var order, notes []string
	start := string(p.Action) == actionStart
	for _, ps := range p.Stages {
		order = append(order, ps.Name)
		after[ps.Name] = ps.After
		app[ps.Name], rb[ps.Name] = ps.Expected.D(), ps.Expected.D()
		if !start {
			continue
		}
		starting, allUp := false, true
		for _, in := range ps.Instances {
			starting = starting || in.Do == orchestrate.DoStart || in.Do == orchestrate.DoWait || in.Do == orchestrate.DoStartWhenStopped
			allUp = allUp && in.Do == orchestrate.DoAlreadyRunning
		}
		hasChecks := slices.ContainsFunc(ps.Gates, func(g orchestrate.Gate) bool { return g.Kind == orchestrate.GateStatusChecks })
		if starting && !hasChecks {
			rb[ps.Name] += est.StatusChecks
			notes = append(notes, checksNote(ps.Name, est))
		}
		for _, g := range ps.Gates {
			if g.Kind == orchestrate.GateDelay && allUp { // the app skips it then; the runbook sleeps
				rb[ps.Name] += g.Delay.D()
			}
		}
	}
	return timing(string(p.Action), order, after, app, rb, notes)
}

func checksNote(stage string, est orchestrate.Estimates) string {
	return fmt.Sprintf("stage %q has no status-checks gate, but aws:changeInstanceState waits for both status checks anyway (about %s more)",
		stage, orchestrate.Seconds(est.StatusChecks))
}

// stopAfter is the stop graph: with order reverse a stage stops once the
// stages that start after it stopped; a written order is a sequence.
func stopAfter(e *env.Environment) map[string][]string {
	after := map[string][]string{}
	if e.Stop.Reverse {
		for _, st := range e.Stages {
			after[st.Name] = []string{}
		}
		for _, st := range e.Stages {
			for _, a := range st.After {
				after[a] = append(after[a], st.Name)
			}
		}
		return after
	}
	for i, name := range e.Stop.Order {
		after[name] = []string{}
		if i > 0 {
			after[name] = []string{e.Stop.Order[i-1]}
		}
	}
	return after
}

func timing(action string, order []string, after map[string][]string, app, rb map[string]time.Duration, notes []string) Timing {
	t := Timing{Action: action, Stages: []StageTiming{}}
	done := map[string]time.Duration{}
	var sum time.Duration
	for _, name := range order {
		var begin time.Duration
		for _, a := range after[name] {
			begin = max(begin, done[a])
		}
		done[name] = begin + app[name]
		sum += rb[name]
		t.App = max(t.App, orchestrate.Seconds(done[name]))
		t.Stages = append(t.Stages, StageTiming{Name: name, App: orchestrate.Seconds(app[name]), Runbook: orchestrate.Seconds(rb[name]),
			AppDone: orchestrate.Seconds(done[name]), RunbookDone: orchestrate.Seconds(sum)})
	}
	t.Runbook = orchestrate.Seconds(sum)
	var sequential time.Duration
	for _, name := range order {
		sequential += app[name]
	}
	if sequential > t.App.D() {
		notes = append([]string{fmt.Sprintf("Automation runs the stages one after another where the app runs independent stages side by side: about %s instead of %s",
			orchestrate.Seconds(sequential), t.App)}, notes...)
	}
	t.Notes = notes
	return t
}
