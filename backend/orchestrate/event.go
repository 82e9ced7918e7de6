// Package orchestrate turns an environment into a plan (pure data) and runs it:
// stage by stage, gated, with a timeout, reporting through a Sink.
package orchestrate

import "time"

// Actions.
const (
	ActionStart = "start"
	ActionStop  = "stop"
)

// Event types. The command line prints them, the window draws them, the
// history stores them: they are the one report of what a run does.
const (
	EventRunStarted    = "run-started"    // Message: the plan summary
	EventStageStarted  = "stage-started"  // Stage
	EventStageSkipped  = "stage-skipped"  // Stage: already in the wanted state
	EventActionSent    = "action-sent"    // Stage, Message: which instances were started/stopped
	EventInstanceState = "instance-state" // Stage, Instance, State: an observed EC2 state change
	EventGateWaiting   = "gate-waiting"   // Stage, Gate, Instance (optional), Message: the address or URL checked
	EventGatePassed    = "gate-passed"    // Stage, Gate, Instance (optional), Message: the address or URL checked
	EventStageReady    = "stage-ready"    // Stage (for stop: all stopped)
	EventStageFailed   = "stage-failed"   // Stage, Instance, Gate, Message
	// EventStageCancelled: Stage, Message: a stage in progress abandoned
	// because another stage failed.
	EventStageCancelled = "stage-cancelled"
	// EventNote: Stage (optional), Instance (optional), Message: worth
	// knowing but changes nothing (a retried call, a skipped instance).
	EventNote         = "note"
	EventRunDone      = "run-done"
	EventRunFailed    = "run-failed"    // Message: what failed and what was left up
	EventRunCancelled = "run-cancelled" // Message: what state things were left in
)

// Event is one thing that happened in a run.
type Event struct {
	Time     time.Time `json:"time"`
	Env      string    `json:"env"`
	Action   string    `json:"action"`
	Type     string    `json:"type"`
	Stage    string    `json:"stage,omitempty"`
	Instance string    `json:"instance,omitempty"`
	Name     string    `json:"name,omitempty"` // the instance's Name tag
	State    string    `json:"state,omitempty"`
	Gate     string    `json:"gate,omitempty"`
	Message  string    `json:"message,omitempty"`
	// Elapsed is the time since the run started, in seconds.
	Elapsed float64 `json:"elapsed"`
}

// Sink receives a run's events. Emit is called from the run's goroutine
// only, in order; a slow sink slows the run, so sinks should be quick.
type Sink interface {
	Emit(Event)
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(Event)

// Emit calls f.
func (f SinkFunc) Emit(e Event) { f(e) }
