// Package op is the vocabulary every operation on an environment shares
// (its actions, event types, outcomes and states), the one Event type
// operations report through a Sink, and the progress fold that turns
// events into what a person sees (progress.go). It imports nothing of the
// app: the orchestrator, control, the history and every front end speak it.
package op

import "time"

// Action is what an operation does to an environment.
type Action string

// Actions. Start and stop exist today; the others are reserved for the
// operations to come, so their names are settled once.
const (
	Start     Action = "start"
	Stop      Action = "stop"
	Launch    Action = "launch"
	Terminate Action = "terminate"
	CleanUp   Action = "clean-up"
	Deploy    Action = "deploy"
	Lease     Action = "lease"
)

// EventType says what an Event reports.
type EventType string

// Event types. The command line prints them, the window draws them, the
// history stores them: they are the one report of what an operation does.
const (
	EventRunStarted    EventType = "run-started"    // Message: the plan summary
	EventStageStarted  EventType = "stage-started"  // Stage
	EventStageSkipped  EventType = "stage-skipped"  // Stage: already in the wanted state
	EventActionSent    EventType = "action-sent"    // Stage, Message: which instances were started/stopped
	EventInstanceState EventType = "instance-state" // Stage, Instance, State: an observed EC2 state change
	EventGateWaiting   EventType = "gate-waiting"   // Stage, Gate, Instance (optional), Message: the address or URL checked
	EventGatePassed    EventType = "gate-passed"    // Stage, Gate, Instance (optional), Message: the address or URL checked
	EventStageReady    EventType = "stage-ready"    // Stage (for stop: all stopped)
	EventStageFailed   EventType = "stage-failed"   // Stage, Instance, Gate, Message
	// EventStageCancelled: Stage, Message: a stage in progress abandoned
	// because another stage failed.
	EventStageCancelled EventType = "stage-cancelled"
	// EventNote: Stage (optional), Instance (optional), Message: worth knowing
	// but changes nothing (a retried call, a skipped instance).
	EventNote         EventType = "note"
	EventRunDone      EventType = "run-done"
	EventRunFailed    EventType = "run-failed"    // Message: what failed and what was left up
	EventRunCancelled EventType = "run-cancelled" // Message: what state things were left in
	// EventRunRefused: Message: why the operation never began (busy, pinned to
	// another account, profile or region, an invalid file, a plan that
	// could not be made). It is the only event of such an operation.
	EventRunRefused EventType = "run-refused"

	// Launching, terminating and cleaning up (launch, terminate, clean-up;
	// see launch.go for what each carries).
	EventLaunchPreview EventType = "launch-preview" // Stack, Name, Message: what is launched where, at what price
	EventLaunchStarted EventType = "launch-started" // Stack, StackID, Name: CreateStack accepted
	EventStackEvent    EventType = "stack-event"    // Stack, Resource ("" for the stack itself), ResourceType, Status, Reason, Instance
	EventBootProgress  EventType = "boot-progress"  // Stack, Instance, Percent, Message: what the instance says of its boot
	EventDNSUpdated    EventType = "dns-updated"    // Stack, Instance, Resource (the record's name), Status (CREATE, UPSERT, DELETE), Message
	EventLaunchDone    EventType = "launch-done"    // Stack, Instance, Name, Message: ready (CREATE_COMPLETE and running)
	EventLaunchFailed  EventType = "launch-failed"  // Stack, Instance, Reason (the first resource's failure), Message
	EventCleanupDone   EventType = "cleanup-done"   // Stack, Status (DELETE_COMPLETE, or the status it was left in), Message: what remains

	// EventChangeApplied: Message: one change made in AWS by a deploy, its
	// removal or a lease ("created document CloudControl-shop-start
	// version 1", "tagged 3 instance(s) with the lease").
	EventChangeApplied EventType = "change-applied"
)

// Outcome is how an operation ended, or OutcomeRunning while it has not.
type Outcome string

// Outcomes, as the history records them and the window shows them.
const (
	OutcomeRunning   Outcome = "running"
	OutcomeDone      Outcome = "done"
	OutcomeFailed    Outcome = "failed"
	OutcomeCancelled Outcome = "cancelled"
	OutcomeRefused   Outcome = "refused" // never began: nothing was changed
	// OutcomeInterrupted: the program running it ended before it finished (the
	// history closes such operations).
	OutcomeInterrupted Outcome = "interrupted"
)

// State is what an environment (or one of its stages) is doing, as every
// front end names it.
type State string

// States. StateStopped to StateBroken are read from AWS or decided from an operation
// in progress; StateUnknown and StateInvalid are only the window's.
const (
	StateStopped  State = "stopped"
	StateStarting State = "starting"
	StateRunning  State = "running"
	StatePartly   State = "partly running"
	StateStopping State = "stopping"
	StateBroken   State = "failed"  // an instance is terminated or shutting down
	StateUnknown  State = "unknown" // never read from AWS and nothing cached
	StateInvalid  State = "invalid" // the file is broken and has no good version to act on
	// StateAttention: the last start or stop failed or was cancelled and
	// nobody has run another or dismissed it (control.StateOf decides it).
	StateAttention State = "needs attention"
)

// Event is one thing that happened in an operation. Its JSON is a contract
// (`env start --json`, the history, the window): fields are only ever
// added, as omitempty.
type Event struct {
	Time     time.Time `json:"time"`
	Env      string    `json:"env"`
	Action   Action    `json:"action"`
	Type     EventType `json:"type"`
	Stage    string    `json:"stage,omitempty"`
	Instance string    `json:"instance,omitempty"`
	Name     string    `json:"name,omitempty"` // the instance's Name tag
	State    string    `json:"state,omitempty"`
	Gate     string    `json:"gate,omitempty"`
	Message  string    `json:"message,omitempty"`
	// Elapsed is the time since the operation started, in seconds.
	Elapsed float64 `json:"elapsed"`

	// A launch's, terminate's or clean-up's: the stack's name and id, a
	// resource's logical id (or the DNS record's name) and type, the
	// CloudFormation status (or the DNS change), the reason of a failure,
	// and the instance's boot progress (0..100).
	Stack        string `json:"stack,omitempty"`
	StackID      string `json:"stackId,omitempty"`
	Resource     string `json:"resource,omitempty"`
	ResourceType string `json:"resourceType,omitempty"`
	Status       string `json:"status,omitempty"`
	Reason       string `json:"reason,omitempty"`
	Percent      *int   `json:"percent,omitempty"`
}

// Sink receives an operation's events. Emit is called from the operation's
// goroutine only, in order; a slow sink slows the operation, so sinks
// should be quick.
type Sink interface {
	Emit(Event)
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(Event)

// Emit calls f.
func (f SinkFunc) Emit(e Event) { f(e) }

// Outliner is a Sink that also wants the operation's outline, told once it
// is known and before its first event (a progress fold starts from it).
type Outliner interface {
	Outline(Outline)
}
