package op

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func pct(n int) *int { return &n }

func TestFoldLaunch(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ev := func(typ EventType, e Event) Event {
		e.Type, e.Env, e.Action, e.Time = typ, "shop", Launch, at
		return e
	}
	const st = "cc-shop-api-1"
	events := []Event{
		ev(EventRunStarted, Event{Message: "launching api-1"}),
		ev(EventLaunchPreview, Event{Stack: st, Name: "api-1", Message: "t3.small"}),
		ev(EventLaunchStarted, Event{Stack: st, StackID: "arn:stack/1", Status: "CREATE_IN_PROGRESS"}),
		ev(EventStackEvent, Event{Stack: st, Status: "CREATE_IN_PROGRESS"}),
		ev(EventStackEvent, Event{Stack: st, Resource: "Instance", ResourceType: "AWS::EC2::Instance", Status: "CREATE_IN_PROGRESS"}),
		ev(EventStackEvent, Event{Stack: st, Resource: "Instance", ResourceType: "AWS::EC2::Instance", Status: "CREATE_IN_PROGRESS", Instance: "i-1", Reason: "Resource creation Initiated"}),
		ev(EventInstanceState, Event{Stack: st, Instance: "i-1", Name: "api-1", State: "pending"}),
		ev(EventInstanceState, Event{Stack: st, Instance: "i-1", Name: "api-1", State: "running"}),
		ev(EventBootProgress, Event{Stack: st, Instance: "i-1", Percent: pct(0), Message: "starting"}),
		ev(EventBootProgress, Event{Stack: st, Instance: "i-1", Percent: pct(40), Message: "installing packages"}),
		ev(EventStackEvent, Event{Stack: st, Resource: "Instance", ResourceType: "AWS::EC2::Instance", Status: "CREATE_COMPLETE"}),
		ev(EventStackEvent, Event{Stack: st, Status: "CREATE_COMPLETE"}),
		ev(EventDNSUpdated, Event{Stack: st, Instance: "i-1", Resource: "api-1.test.example.com", Status: "CREATE"}),
		ev(EventLaunchDone, Event{Stack: st, Instance: "i-1", Message: "ready"}),
		ev(EventRunDone, Event{Message: "done"}),
	}
	p := Fold(Outline{}, events...)
	if p.Outcome != OutcomeDone || p.Action != Launch || len(p.Stages) != 0 || len(p.Launches) != 1 {
		t.Fatalf("progress %+v", p)
	}
	l := p.Launches[0]
	if l.Stack != st || l.StackID != "arn:stack/1" || l.Status != "CREATE_COMPLETE" || l.Instance != "i-1" || l.Name != "api-1" ||
		l.State != "running" || l.Percent == nil || *l.Percent != 40 || l.BootMessage != "installing packages" ||
		l.DNS != "api-1.test.example.com" || l.Outcome != OutcomeDone || !l.Started.Equal(at) || l.Reason != "" {
		t.Errorf("launch %+v", l)
	}
	if len(l.Resources) != 1 || l.Resources[0] != (ResourceProgress{LogicalID: "Instance", Type: "AWS::EC2::Instance", Status: "CREATE_COMPLETE"}) {
		t.Errorf("resources %+v", l.Resources)
	}
	// A copy is a copy.
	tr := NewTracker(Outline{})
	for _, e := range events {
		tr.Apply(e)
	}
	a := tr.Progress()
	*a.Launches[0].Percent = 99
	a.Launches[0].Resources[0].Status = "x"
	if b := tr.Progress(); *b.Launches[0].Percent != 40 || b.Launches[0].Resources[0].Status != "CREATE_COMPLETE" {
		t.Error("Progress shares the launches with the tracker")
	}
}

func TestFoldLaunchFailureKeepsTheFirstReason(t *testing.T) {
	ev := func(typ EventType, e Event) Event { e.Type, e.Env, e.Action = typ, "shop", Launch; return e }
	p := Fold(Outline{},
		ev(EventRunStarted, Event{}),
		ev(EventStackEvent, Event{Stack: "s", Resource: "Volume", ResourceType: "AWS::EC2::Volume", Status: "CREATE_FAILED", Reason: "Resource creation cancelled"}),
		ev(EventStackEvent, Event{Stack: "s", Resource: "Instance", ResourceType: "AWS::EC2::Instance", Status: "CREATE_FAILED", Reason: "no capacity"}),
		ev(EventStackEvent, Event{Stack: "s", Status: "ROLLBACK_IN_PROGRESS", Reason: "The following resource(s) failed to create: [Instance]."}),
		ev(EventLaunchFailed, Event{Stack: "s", Reason: "ignored: the first resource said it", Message: "deleting"}),
		ev(EventInstanceState, Event{Stack: "s", Instance: "i-1", State: "running"}),
		ev(EventCleanupDone, Event{Stack: "s", Status: "DELETE_COMPLETE", Message: "deleted"}),
		ev(EventRunFailed, Event{Message: "failed"}),
	)
	l := p.Launches[0]
	if l.Reason != "Instance (AWS::EC2::Instance): no capacity" || l.Outcome != OutcomeFailed || !l.CleanedUp || l.Status != "DELETE_COMPLETE" || l.State != "terminated" {
		t.Errorf("failed launch %+v", l)
	}
	if p.Outcome != OutcomeFailed || p.Failure == nil || p.Failure.Message != "failed" {
		t.Errorf("progress %+v", p)
	}
}

func TestFoldLaunchCancelledAndTerminate(t *testing.T) {
	ev := func(a Action, typ EventType, e Event) Event { e.Type, e.Env, e.Action = typ, "shop", a; return e }
	p := Fold(Outline{}, ev(Launch, EventRunStarted, Event{}), ev(Launch, EventLaunchStarted, Event{Stack: "s"}),
		ev(Launch, EventCleanupDone, Event{Stack: "s", Status: "DELETE_FAILED", Message: "Instance remains"}),
		ev(Launch, EventRunCancelled, Event{}))
	if l := p.Launches[0]; l.Outcome != OutcomeCancelled || l.CleanedUp || l.Status != "DELETE_FAILED" {
		t.Errorf("cancelled launch %+v", l)
	}
	p = Fold(Outline{}, ev(Terminate, EventRunStarted, Event{}),
		ev(Terminate, EventDNSUpdated, Event{Stack: "s", Resource: "a.example.com", Status: "DELETE"}),
		ev(Terminate, EventCleanupDone, Event{Stack: "s", Status: "DELETE_COMPLETE"}), ev(Terminate, EventRunDone, Event{}))
	if l := p.Launches[0]; l.Outcome != OutcomeDone || !l.CleanedUp || l.DNS != "" || l.State != "" {
		t.Errorf("terminated %+v", l)
	}
}

// A start's events and progress read as they always did: the launch fields
// are omitted.
func TestStartJSONHasNoLaunchFields(t *testing.T) {
	e := Event{Env: "shop", Action: Start, Type: EventInstanceState, Stage: "db", Instance: "i-1", State: "running"}
	b, _ := json.Marshal(e)
	for _, k := range []string{"stack", "resource", "status", "reason", "percent"} {
		if strings.Contains(string(b), `"`+k) {
			t.Errorf("a start event carries %s: %s", k, b)
		}
	}
	p := Fold(Outline{}, Event{Env: "shop", Action: Start, Type: EventRunStarted}, e)
	b, _ = json.Marshal(p)
	if strings.Contains(string(b), "launches") {
		t.Errorf("a start's progress carries launches: %s", b)
	}
	if zero, _ := json.Marshal(Event{Percent: pct(0)}); !strings.Contains(string(zero), `"percent":0`) {
		t.Errorf("0%% is said: %s", zero)
	}
}
