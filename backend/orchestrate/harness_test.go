package orchestrate

import (
	"cloudcontrol/backend/cloud/cloudtest"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

var t0 = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

// harness runs plans against a cloudtest.Fleet on a fake clock, advancing the
// clock one second each time the runner waits on it.
type harness struct {
	t      *testing.T
	clock  *clockwork.FakeClock
	fleet  *cloudtest.Fleet
	mu     sync.Mutex
	events []op.Event
	// onEvent, when set, sees every event as it is emitted (from the run's goroutine).
	onEvent func(op.Event)
	runner  Runner
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	clock := clockwork.NewFakeClockAt(t0)
	h := &harness{t: t, clock: clock, fleet: cloudtest.NewFleet(clock)}
	h.runner = Runner{Fleet: h.fleet, Clock: clock, Tick: time.Second, MaxTick: 5 * time.Second,
		CheckTimeout: time.Second, Sink: op.SinkFunc(h.emit), Settle: &Settle{}}
	return h
}

func (h *harness) emit(e op.Event) {
	// Every type the runner emits is in the vocabulary the window binds.
	if !slices.ContainsFunc(op.AllEventTypes, func(v struct {
		Value  op.EventType
		TSName string
	}) bool {
		return v.Value == e.Type
	}) {
		h.t.Errorf("the run emitted %q, an event type op does not list", e.Type)
	}
	h.mu.Lock()
	h.events = append(h.events, e)
	h.mu.Unlock()
	if h.onEvent != nil {
		h.onEvent(e)
	}
}

// plan resolves e against the fake fleet and builds the plan.
func (h *harness) plan(e *env.Environment, action op.Action) *Plan {
	h.t.Helper()
	res, err := Resolve(context.Background(), e, h.fleet, "eu-west-1")
	if err != nil {
		h.t.Fatalf("resolve: %v", err)
	}
	p, err := NewPlan(e, action, res, PlanOptions{})
	if err != nil {
		h.t.Fatalf("plan: %v", err)
	}
	return p
}

// planSettled is plan with the named stages known ready from before.
func (h *harness) planSettled(e *env.Environment, action op.Action, stages ...string) *Plan {
	h.t.Helper()
	res, err := Resolve(context.Background(), e, h.fleet, "eu-west-1")
	if err != nil {
		h.t.Fatalf("resolve: %v", err)
	}
	settled := map[string]bool{}
	for _, s := range stages {
		settled[s] = true
	}
	p, err := NewPlan(e, action, res, PlanOptions{Settled: settled})
	if err != nil {
		h.t.Fatalf("plan: %v", err)
	}
	return p
}

// run runs the plan to its end, failing the test if the runner ever stops
// waiting on the clock without finishing, or takes over 20s of real time.
// Time moves one second whenever the runner waits on the clock with no
// network check or AWS call in flight.
func (h *harness) run(ctx context.Context, p *Plan) (Result, error) {
	h.t.Helper()
	var res Result
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		r := h.runner
		res, err = r.Run(ctx, p)
	}()
	wait, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go func() {
		select {
		case <-done:
			cancel()
		case <-wait.Done():
		}
	}()
	for {
		if h.clock.BlockUntilContext(wait, 1) != nil {
			select {
			case <-done:
				return res, err
			default:
				h.t.Fatalf("the run neither finished nor waited on the clock within 20s")
			}
		}
		h.runner.Settle.Advance(wait, h.clock, time.Second)
	}
}

func (h *harness) elapsed() time.Duration { return h.clock.Since(t0) }

// eventsOf returns the events of one type, in order.
func (h *harness) eventsOf(typ op.EventType) []op.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []op.Event
	for _, e := range h.events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// startTimes maps each Start call's first id to its time since t0.
func (h *harness) callTimes(method string) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, c := range h.fleet.CallsOf(method) {
		for _, id := range c.IDs {
			out[id] = c.At.Sub(t0)
		}
	}
	return out
}

// stage builds a stage selecting instances by Name tag, after the given stages.
func stage(name string, after []string, names ...string) env.Stage {
	st := env.Stage{Name: name, After: after, Pos: env.Pos{File: "test.yaml", Line: 1, Col: 3}}
	for i, n := range names {
		st.Instances = append(st.Instances, env.Selector{Name: n, Pos: env.Pos{File: "test.yaml", Line: 10 + i, Col: 9}})
	}
	return st
}

func environment(stages ...env.Stage) *env.Environment {
	e := &env.Environment{Name: "payments", File: "test.yaml", Pos: env.Pos{File: "test.yaml", Line: 1, Col: 1}, Stages: stages}
	for i := len(stages) - 1; i >= 0; i-- {
		e.Stop.Order = append(e.Stop.Order, stages[i].Name)
	}
	e.Stop.Reverse = true // what the parser gives a file that says reverse or nothing
	return e
}

func mustContain(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("%q\n  does not contain %q", s, p)
		}
	}
}

func stageOutcomes(res Result) map[string]op.StageStatus {
	out := map[string]op.StageStatus{}
	for _, s := range res.Stages {
		out[s.Name] = s.Outcome
	}
	return out
}

func idSel(id string) env.Selector {
	return env.Selector{ID: id, Pos: env.Pos{File: "test.yaml", Line: 30, Col: 9}}
}
