package op

import (
	"slices"
	"time"
)

// Outline is what a progress fold knows of an operation before its first
// event: its stages in run order, with their instances, gates and
// timeouts (orchestrate.Plan.Outline makes one). Without one, a fold
// learns the stages from the events, in the order they name them.
type Outline struct {
	Env    string         `json:"env"`
	Action Action         `json:"action"`
	Stages []OutlineStage `json:"stages"`
}

// OutlineStage is one stage of an outline.
type OutlineStage struct {
	Name      string     `json:"name"`
	Instances []Instance `json:"instances"`
	// Gates are named as the events name them ("running", "tcp 5432").
	Gates          []OutlineGate `json:"gates"`
	TimeoutSeconds float64       `json:"timeoutSeconds"`
}

// OutlineGate is one gate of a stage. A per-instance gate is passed by
// each instance; a stage gate (the settle delay) once by the stage.
type OutlineGate struct {
	Name        string `json:"name"`
	PerInstance bool   `json:"perInstance"`
}

// Instance is one instance as the progress shows it: its last observed
// EC2 state ("missing" once EC2 no longer knows it; "" until observed
// when the outline did not say).
type Instance struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	State string `json:"state"`
}

// StageStatus is where a stage is in an operation.
type StageStatus string

// Stage statuses.
const (
	StagePending   StageStatus = "pending" // not begun
	StageActive    StageStatus = "active"
	StageReady     StageStatus = "ready" // for a stop: every instance stopped
	StageSkipped   StageStatus = "skipped"
	StageFailed    StageStatus = "failed"
	StageCancelled StageStatus = "cancelled" // abandoned because another stage failed, or the run was cancelled
	// StageNotStarted: the operation ended (failed or was cancelled) before
	// this stage began.
	StageNotStarted StageStatus = "not-started"
)

// Progress is an operation's progress: what every front end shows of it.
// It is a value: a Tracker hands out copies.
type Progress struct {
	Env    string `json:"env"`
	Action Action `json:"action"`
	// Outcome is running from the run-started event on, then how it ended;
	// empty before the first event.
	Outcome Outcome   `json:"outcome"`
	Started time.Time `json:"started,omitzero"` // the run-started event's time
	// Elapsed is the latest event's time since the start, in seconds.
	Elapsed float64 `json:"elapsed"`
	// Events counts the events folded in, so a listener that may receive
	// two progress values out of order keeps the later one.
	Events int             `json:"events"`
	Stages []StageProgress `json:"stages"`
	// Failure says where a failed (or refused) operation stopped.
	Failure *Failure `json:"failure,omitempty"`
	// Message is the run-started summary while it runs, then the final
	// event's message (what failed and what was left up, what a cancel
	// left, why it was refused).
	Message string `json:"message,omitempty"`
	// Launches are the stacks a launch, terminate or clean-up works on,
	// in the order its events name them (launch.go).
	Launches []LaunchProgress `json:"launches,omitempty"`
}

// StageProgress is one stage of a Progress.
type StageProgress struct {
	Name   string      `json:"name"`
	Status StageStatus `json:"status"`
	// State is the stage's state word while the operation works on it or
	// has done it (starting/running for a start, stopping/stopped for a
	// stop, failed); empty when the instances' own state applies.
	State     State      `json:"state,omitempty"`
	Instances []Instance `json:"instances"`
	// Waiting is the gate being waited on, while the stage is active.
	Waiting *Waiting `json:"waiting,omitempty"`
	// Passed of Total gate checks: per-instance gates times instances, plus
	// the stage gates.
	Passed int `json:"passed"`
	Total  int `json:"total"`
	// Started and TimeoutSeconds let a window count down to the timeout.
	Started        time.Time `json:"started,omitzero"`
	TimeoutSeconds float64   `json:"timeoutSeconds,omitempty"`
	Message        string    `json:"message,omitempty"`
}

// Waiting is a gate being waited on.
type Waiting struct {
	Gate     string `json:"gate"`
	Instance string `json:"instance,omitempty"`
	Name     string `json:"name,omitempty"`
	// Address is what the gate checks on that instance (127.0.0.10:5432, a URL).
	Address string `json:"address,omitempty"`
}

// Failure is where an operation failed, and what it left running.
type Failure struct {
	Stage    string `json:"stage,omitempty"`
	Instance string `json:"instance,omitempty"`
	Name     string `json:"name,omitempty"`
	Gate     string `json:"gate,omitempty"`
	Message  string `json:"message"`
	// LeftRunning names ("id (Name)") the instances last seen running or
	// pending when a run failed.
	LeftRunning []string `json:"leftRunning,omitempty"`
}

// Finished reports whether the operation has ended.
func (p Progress) Finished() bool { return p.Outcome != "" && p.Outcome != OutcomeRunning }

// Stage returns the named stage, or nil.
func (p *Progress) Stage(name string) *StageProgress {
	for i := range p.Stages {
		if p.Stages[i].Name == name {
			return &p.Stages[i]
		}
	}
	return nil
}

// Tracker folds one operation's events into its Progress, one event at a
// time; the progress is always Fold(outline, the events so far). It is not
// safe for concurrent use: an operation's events come from one goroutine.
type Tracker struct {
	outline Outline
	events  []Event
	p       Progress
	passed  map[string][]string // stage -> gate|instance keys passed
	known   map[string][]string // stage -> gate|instance keys seen, for stages the outline did not give
}

// NewTracker starts a fold from an outline (the zero Outline: learn
// everything from the events).
func NewTracker(o Outline) *Tracker {
	t := &Tracker{}
	t.reset(o)
	return t
}

// Fold is the progress of an operation with this outline after these events.
func Fold(o Outline, events ...Event) Progress {
	t := NewTracker(o)
	for _, e := range events {
		t.Apply(e)
	}
	return t.Progress()
}

func (t *Tracker) reset(o Outline) {
	t.outline = o
	t.p = Progress{Env: o.Env, Action: o.Action, Stages: make([]StageProgress, 0, len(o.Stages))}
	t.passed, t.known = map[string][]string{}, map[string][]string{}
	for _, s := range o.Stages {
		perInstance, stage := 0, 0
		for _, g := range s.Gates {
			if g.PerInstance {
				perInstance++
			} else {
				stage++
			}
		}
		t.p.Stages = append(t.p.Stages, StageProgress{Name: s.Name, Status: StagePending,
			Instances: append([]Instance{}, s.Instances...), Total: max(1, len(s.Instances)*perInstance+stage),
			TimeoutSeconds: s.TimeoutSeconds})
	}
}

// Outline sets the outline (an Outliner) and folds the events so far again.
func (t *Tracker) Outline(o Outline) {
	events := t.events
	t.events = nil
	t.reset(o)
	for _, e := range events {
		t.Apply(e)
	}
}

// Emit applies the event (a Sink).
func (t *Tracker) Emit(e Event) { t.Apply(e) }

// Progress returns a copy of the progress so far.
func (t *Tracker) Progress() Progress {
	p := t.p
	p.Stages = slices.Clone(p.Stages)
	for i := range p.Stages {
		s := &p.Stages[i]
		s.Instances = slices.Clone(s.Instances)
		if s.Waiting != nil {
			w := *s.Waiting
			s.Waiting = &w
		}
	}
	if p.Failure != nil {
		f := *p.Failure
		f.LeftRunning = slices.Clone(f.LeftRunning)
		p.Failure = &f
	}
	p.Launches = cloneLaunches(p.Launches)
	return p
}

// Apply folds one event in. It reports false, and changes nothing, for an
// event of another environment or action than the one being followed.
func (t *Tracker) Apply(e Event) bool {
	p := &t.p
	if p.Env == "" && p.Action == "" {
		p.Env, p.Action = e.Env, e.Action
	}
	if e.Env != p.Env || e.Action != p.Action {
		return false
	}
	t.events = append(t.events, e)
	p.Events++
	p.Elapsed = max(p.Elapsed, e.Elapsed)
	t.applyLaunch(e) // launch.go: the stacks' side of the same events
	switch e.Type {
	case EventRunStarted:
		// A new run, or a resume after a failure: every stage afresh.
		p.Outcome, p.Started, p.Elapsed, p.Message, p.Failure = OutcomeRunning, e.Time, e.Elapsed, e.Message, nil
		clear(t.passed)
		for i := range p.Stages {
			s := &p.Stages[i]
			s.Status, s.Passed, s.Waiting, s.Message, s.Started = StagePending, 0, nil, "", time.Time{}
			s.State = ""
		}
	case EventStageStarted:
		s := t.stage(e.Stage)
		s.Status, s.Message, s.Started = StageActive, e.Message, e.Time
	case EventStageSkipped:
		s := t.stage(e.Stage)
		s.Status, s.Passed, s.Message = StageSkipped, s.Total, e.Message
	case EventInstanceState:
		if in := t.instance(e); in != nil {
			in.State = e.State
		}
	case EventGateWaiting:
		s := t.stage(e.Stage)
		t.instance(e)
		t.see(s, e)
		if s.Status == StagePending {
			s.Status = StageActive
		}
		if s.Started.IsZero() {
			s.Started = e.Time
		}
		s.Waiting = &Waiting{Gate: e.Gate, Instance: e.Instance, Name: e.Name, Address: e.Message}
	case EventGatePassed:
		s := t.stage(e.Stage)
		t.instance(e)
		t.see(s, e)
		key := e.Gate + "|" + e.Instance
		if !slices.Contains(t.passed[s.Name], key) {
			t.passed[s.Name] = append(t.passed[s.Name], key)
			s.Passed = min(s.Total, len(t.passed[s.Name]))
		}
		if w := s.Waiting; w != nil && w.Gate == e.Gate && w.Instance == e.Instance {
			s.Waiting = nil
		}
	case EventStageReady:
		s := t.stage(e.Stage)
		s.Status, s.Passed, s.Waiting, s.Message = StageReady, s.Total, nil, e.Message
	case EventStageFailed:
		s := t.stage(e.Stage)
		s.Status, s.Waiting, s.Message = StageFailed, nil, e.Message
		p.Failure = &Failure{Stage: e.Stage, Instance: e.Instance, Name: e.Name, Gate: e.Gate, Message: orText(e.Message, "failed")}
	case EventStageCancelled:
		s := t.stage(e.Stage)
		s.Status, s.Waiting, s.Message = StageCancelled, nil, e.Message
	case EventRunDone:
		p.Outcome, p.Message = OutcomeDone, e.Message
	case EventRunFailed:
		p.Outcome, p.Message = OutcomeFailed, e.Message
		t.settle("abandoned: the run failed")
		f := p.Failure
		if f == nil {
			f = &Failure{Message: orText(e.Message, "failed")}
			p.Failure = f
		}
		// The stage-failed event said where; run-failed may say it too.
		f.Stage, f.Instance, f.Name, f.Gate = orText(f.Stage, e.Stage), orText(f.Instance, e.Instance),
			orText(f.Name, e.Name), orText(f.Gate, e.Gate)
		f.LeftRunning = t.leftRunning()
	case EventRunCancelled:
		p.Outcome, p.Message = OutcomeCancelled, e.Message
		t.settle("cancelled")
	case EventRunRefused:
		p.Outcome, p.Message = OutcomeRefused, e.Message
		p.Failure = &Failure{Message: orText(e.Message, "refused")}
	}
	for i := range p.Stages {
		p.Stages[i].State = stageState(p.Action, p.Stages[i].Status)
	}
	return true
}

// settle ends the stages an ended run left behind: one still active is
// cancelled (nothing waits on its gate any more), one never begun did not
// start. An ended run never shows a stage as active or waiting.
func (t *Tracker) settle(why string) {
	for i := range t.p.Stages {
		s := &t.p.Stages[i]
		switch s.Status {
		case StageActive:
			s.Status, s.Waiting, s.Message = StageCancelled, nil, why
		case StagePending:
			s.Status, s.Waiting = StageNotStarted, nil
		}
	}
}

// stage returns the named stage, adding it (last) when the outline did not name it.
func (t *Tracker) stage(name string) *StageProgress {
	if s := t.p.Stage(name); s != nil {
		return s
	}
	t.p.Stages = append(t.p.Stages, StageProgress{Name: name, Status: StagePending, Instances: []Instance{}, Total: 1})
	return &t.p.Stages[len(t.p.Stages)-1]
}

// instance returns the event's instance in its stage (or wherever it is
// known), adding it to its stage when nothing knew it; nil without one.
func (t *Tracker) instance(e Event) *Instance {
	if e.Instance == "" {
		return nil
	}
	if e.Stage != "" {
		s := t.stage(e.Stage)
		if i := slices.IndexFunc(s.Instances, func(in Instance) bool { return in.ID == e.Instance }); i >= 0 {
			return &s.Instances[i]
		}
		s.Instances = append(s.Instances, Instance{ID: e.Instance, Name: e.Name})
		return &s.Instances[len(s.Instances)-1]
	}
	for si := range t.p.Stages {
		s := &t.p.Stages[si]
		if i := slices.IndexFunc(s.Instances, func(in Instance) bool { return in.ID == e.Instance }); i >= 0 {
			return &s.Instances[i]
		}
	}
	return nil
}

// see counts a gate check of a stage the outline did not give, so its
// total grows with what the events show.
func (t *Tracker) see(s *StageProgress, e Event) {
	if slices.ContainsFunc(t.outline.Stages, func(o OutlineStage) bool { return o.Name == s.Name }) {
		return
	}
	key := e.Gate + "|" + e.Instance
	if !slices.Contains(t.known[s.Name], key) {
		t.known[s.Name] = append(t.known[s.Name], key)
		s.Total = max(s.Total, len(t.known[s.Name]))
	}
}

// leftRunning names the instances last seen running or pending, in stage order.
func (t *Tracker) leftRunning() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range t.p.Stages {
		for _, in := range s.Instances {
			// EC2's own state names (backend/cloud spells them too).
			if (in.State == "running" || in.State == "pending") && !seen[in.ID] {
				seen[in.ID] = true
				out = append(out, Label(in.ID, in.Name))
			}
		}
	}
	return out
}

// stageState is the word a stage shows while an operation works on it.
func stageState(a Action, s StageStatus) State {
	switch {
	case s == StageFailed:
		return StateBroken
	case a == Start && s == StageActive:
		return StateStarting
	case a == Start && (s == StageReady || s == StageSkipped):
		return StateRunning
	case a == Stop && s == StageActive:
		return StateStopping
	case a == Stop && (s == StageReady || s == StageSkipped):
		return StateStopped
	}
	return ""
}

// Label names an instance in messages: "i-0abc (web-1)", or the id alone.
func Label(id, name string) string {
	if name == "" {
		return id
	}
	return id + " (" + name + ")"
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
