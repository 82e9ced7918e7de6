package op

import (
	"slices"
	"strings"
	"time"
)

// A launch, a terminate and a clean-up are operations like a start: they
// begin with run-started and end with run-done, run-failed or
// run-cancelled. In between their events name a stack (Event.Stack), and
// the fold keeps one LaunchProgress per stack:
//
//	launch-preview  what will be launched (Name, Message)
//	launch-started  CreateStack accepted (StackID)
//	stack-event     one CloudFormation event: the stack's own (Resource "")
//	                or a resource's, with Status and Reason; Instance once
//	                the instance resource has its id
//	instance-state  the instance's EC2 state (State, Message: the reason)
//	boot-progress   what the instance says of its boot (Percent, Message)
//	dns-updated     the Route 53 record (Resource: its name; Status: the change)
//	launch-done     ready: CREATE_COMPLETE and running
//	launch-failed   failed or timed out (Reason), before its clean-up
//	cleanup-done    the stack is deleted (Status DELETE_COMPLETE) or what
//	                remains (Status, Message)

// LaunchProgress is one stack of a launch, terminate or clean-up.
type LaunchProgress struct {
	Stack   string `json:"stack"`
	StackID string `json:"stackId,omitempty"`
	// Status is the stack's CloudFormation status as its events say.
	Status   string `json:"status,omitempty"`
	Instance string `json:"instance,omitempty"`
	Name     string `json:"name,omitempty"`
	// State is the instance's EC2 state.
	State string `json:"state,omitempty"`
	// Percent and BootMessage are the instance's own boot progress; nil
	// while it has said nothing (it never gates readiness).
	Percent     *int   `json:"percent,omitempty"`
	BootMessage string `json:"bootMessage,omitempty"`
	// Resources are the stack's resources, in the order events named them.
	Resources []ResourceProgress `json:"resources"`
	// Reason is why it failed: the first resource that failed, else the stack's.
	Reason string `json:"reason,omitempty"`
	// DNS is the record's name while Cloud Control keeps one for it.
	DNS string `json:"dns,omitempty"`
	// Outcome is running until it is ready (done), failed or cancelled.
	Outcome Outcome `json:"outcome"`
	// CleanedUp: its stack was deleted (a failed launch's, a terminate's,
	// a clean-up's).
	CleanedUp bool      `json:"cleanedUp,omitempty"`
	Started   time.Time `json:"started,omitzero"`
	Message   string    `json:"message,omitempty"`
}

// ResourceProgress is one resource of a stack.
type ResourceProgress struct {
	LogicalID string `json:"logicalId"`
	Type      string `json:"type,omitempty"`
	Status    string `json:"status"`
	Reason    string `json:"reason,omitempty"`
}

// Launch returns the named stack's progress, or nil.
func (p *Progress) Launch(stack string) *LaunchProgress {
	for i := range p.Launches {
		if p.Launches[i].Stack == stack {
			return &p.Launches[i]
		}
	}
	return nil
}

// applyLaunch folds the stack side of an event (most events have none).
func (t *Tracker) applyLaunch(e Event) {
	p := &t.p
	if e.Type == EventRunCancelled {
		for i := range p.Launches {
			if p.Launches[i].Outcome == OutcomeRunning {
				p.Launches[i].Outcome = OutcomeCancelled
			}
		}
		return
	}
	if e.Stack == "" {
		return
	}
	l := p.Launch(e.Stack)
	if l == nil {
		p.Launches = append(p.Launches, LaunchProgress{Stack: e.Stack, Outcome: OutcomeRunning, Resources: []ResourceProgress{}})
		l = &p.Launches[len(p.Launches)-1]
	}
	l.StackID = orText(e.StackID, l.StackID)
	l.Name = orText(e.Name, l.Name)
	if e.Instance != "" && e.Type != EventDNSUpdated {
		l.Instance = e.Instance
	}
	switch e.Type {
	case EventLaunchPreview:
		l.Message = e.Message
	case EventLaunchStarted:
		l.Started, l.Message = e.Time, e.Message
		l.Status = orText(e.Status, l.Status)
	case EventStackEvent:
		l.stackEvent(e)
	case EventInstanceState:
		l.State = e.State
	case EventBootProgress:
		if e.Percent != nil {
			n := *e.Percent
			l.Percent = &n
		}
		l.BootMessage = e.Message
	case EventDNSUpdated:
		if e.Status == "DELETE" {
			l.DNS = ""
		} else {
			l.DNS = e.Resource
		}
	case EventLaunchDone:
		l.Outcome, l.Message = OutcomeDone, e.Message
	case EventLaunchFailed:
		l.Outcome, l.Message = OutcomeFailed, e.Message
		l.Reason = orText(l.Reason, e.Reason)
	case EventCleanupDone:
		l.Status, l.Message = orText(e.Status, l.Status), e.Message
		l.CleanedUp = e.Status == "DELETE_COMPLETE"
		if l.CleanedUp && l.Instance != "" {
			l.State = "terminated" // CloudFormation deletes an instance by terminating it
		}
		if l.Outcome == OutcomeRunning && l.CleanedUp && p.Action != Launch {
			l.Outcome = OutcomeDone // a terminate's or clean-up's stack is done once deleted
		}
	}
}

// stackEvent folds one CloudFormation event.
func (l *LaunchProgress) stackEvent(e Event) {
	if e.Resource == "" {
		l.Status = e.Status
		if strings.HasSuffix(e.Status, "_FAILED") && l.Reason == "" {
			l.Reason = e.Reason
		}
		return
	}
	i := slices.IndexFunc(l.Resources, func(r ResourceProgress) bool { return r.LogicalID == e.Resource })
	if i < 0 {
		l.Resources = append(l.Resources, ResourceProgress{LogicalID: e.Resource})
		i = len(l.Resources) - 1
	}
	r := &l.Resources[i]
	r.Type, r.Status, r.Reason = orText(e.ResourceType, r.Type), e.Status, e.Reason
	// The first resource that failed says why; the others were cancelled
	// because of it.
	if strings.HasSuffix(e.Status, "_FAILED") && l.Reason == "" && e.Reason != "" && !Cancelled(e.Reason) {
		l.Reason = e.LabelledReason()
	}
}

// Cancelled reports whether a resource's reason only says that
// CloudFormation stopped it because another one failed.
func Cancelled(reason string) bool { return strings.Contains(reason, "Resource creation cancelled") }

// LabelledReason is a resource event's reason with its resource: "Instance
// (AWS::EC2::Instance): no capacity".
func (e Event) LabelledReason() string {
	what := e.Resource
	if e.ResourceType != "" {
		what += " (" + e.ResourceType + ")"
	}
	if what == "" {
		return e.Reason
	}
	return what + ": " + e.Reason
}

func cloneLaunches(in []LaunchProgress) []LaunchProgress {
	if in == nil {
		return nil
	}
	out := slices.Clone(in)
	for i := range out {
		out[i].Resources = slices.Clone(out[i].Resources)
		if out[i].Percent != nil {
			n := *out[i].Percent
			out[i].Percent = &n
		}
	}
	return out
}
