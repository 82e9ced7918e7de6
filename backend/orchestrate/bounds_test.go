package orchestrate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cloud/cloudtest"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

// hangingFleet is a cloudtest.Fleet whose Describe, once hang is set,
// answers only when its context ends, as a hung endpoint does; it keeps
// the deadline each such call was given.
type hangingFleet struct {
	*cloudtest.Fleet
	hang      atomic.Bool
	mu        sync.Mutex
	deadlines []time.Time
}

func (f *hangingFleet) Describe(ctx context.Context, region string, ids []string) ([]cloud.Instance, error) {
	if !f.hang.Load() {
		return f.Fleet.Describe(ctx, region, ids)
	}
	d, _ := ctx.Deadline()
	f.mu.Lock()
	f.deadlines = append(f.deadlines, d)
	f.mu.Unlock()
	<-ctx.Done()
	return nil, fmt.Errorf("%s: DescribeInstances: %w", region, ctx.Err())
}

// realRun runs p on the real clock (a hung call does not follow a fake
// one) with a short tick, and says how long it took.
func (h *harness) realRun(p *Plan, fleet cloud.Fleet) (time.Duration, error) {
	h.t.Helper()
	r := h.runner
	r.Clock, r.Tick, r.MaxTick, r.Fleet, r.Settle = nil, 10*time.Millisecond, 10*time.Millisecond, fleet, nil
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	began := time.Now()
	_, err := r.Run(ctx, p)
	return time.Since(began), err
}

// An AWS call that hangs while a stage waits is bounded by what is left of
// the stage's timeout: the stage fails at its timeout, not when the call
// gives up on its own.
func TestAHungCallEndsAtTheStageTimeout(t *testing.T) {
	h := newHarness(t)
	h.fleet.Add("i-db1", "db-1", cloud.Stopped, nil)
	e := environment(stage("data", []string{}, "db-1"))
	e.Stages[0].Timeout = env.Duration(300 * time.Millisecond)
	p := h.plan(e, op.Start)
	hung := &hangingFleet{Fleet: h.fleet}
	var stageAt time.Time
	h.onEvent = func(ev op.Event) {
		switch ev.Type {
		case op.EventStageStarted:
			stageAt = ev.Time
		case op.EventActionSent:
			hung.hang.Store(true) // the start went out; AWS stops answering
		}
	}
	took, err := h.realRun(p, hung)
	var re *RunError
	if !errors.As(err, &re) || re.Stage != "data" {
		t.Fatalf("want stage data to fail, got %v", err)
	}
	mustContain(t, err.Error(), "timed out after 0s", "polling EC2 kept failing")
	if took < 300*time.Millisecond || took > 2*time.Second {
		t.Errorf("the stage failed after %s, want at its 300ms timeout", took)
	}
	hung.mu.Lock()
	defer hung.mu.Unlock()
	if len(hung.deadlines) == 0 {
		t.Fatal("no Describe hung")
	}
	for _, d := range hung.deadlines {
		if d.IsZero() || d.After(stageAt.Add(300*time.Millisecond)) {
			t.Errorf("a Describe made while the stage waited had deadline %v, want by the stage's timeout at %v", d, stageAt.Add(300*time.Millisecond))
		}
	}
}

// A call hung in a stage with a long timeout is cut at the per-call bound
// and tried again; calls that keep getting no answer end the run as AWS
// unreachable, long before the stage's 15 minutes.
func TestAHungCallIsBoundedByTheCallTimeout(t *testing.T) {
	h := newHarness(t)
	h.runner.CallTimeout = 100 * time.Millisecond
	h.fleet.Add("i-db1", "db-1", cloud.Stopped, nil)
	p := h.plan(environment(stage("data", []string{}, "db-1")), op.Start)
	hung := &hangingFleet{Fleet: h.fleet}
	hung.hang.Store(true)
	took, err := h.realRun(p, hung)
	var re *RunError
	if !errors.As(err, &re) || !errors.Is(err, cloud.ErrUnreachable) {
		t.Fatalf("want the run to fail as AWS unreachable, got %v", err)
	}
	mustContain(t, err.Error(), "no answer within 100ms", "3 polls in a row")
	if took < 300*time.Millisecond || took > 2*time.Second {
		t.Errorf("the run gave up after %s, want after three 100ms calls", took)
	}
}

// Several polls in a row that cannot reach AWS end the run at once, saying
// so and what was left running (the start it had sent included); a
// throttle does not (AWS answered), nor do failures that polls in between
// recover from.
func TestAnUnreachableAWSEndsTheRunEarly(t *testing.T) {
	h := newHarness(t)
	h.fleet.Add("i-db1", "db-1", cloud.Running, nil)
	h.fleet.Add("i-app1", "app-1", cloud.Stopped, nil)
	p := h.plan(environment(stage("data", []string{}, "db-1"), stage("app", []string{"data"}, "app-1")), op.Start)
	dead := fmt.Errorf("eu-west-1: DescribeInstances: cannot reach AWS at http://127.0.0.1:4566: connection refused: %w", cloud.ErrUnreachable)
	h.onEvent = func(ev op.Event) {
		if ev.Type == op.EventActionSent {
			h.fleet.DescribeErrs = []error{dead, dead, dead, dead, dead, dead}
		}
	}
	_, err := h.run(context.Background(), p)
	var re *RunError
	if !errors.As(err, &re) || re.Stage != "app" || !errors.Is(err, cloud.ErrUnreachable) {
		t.Fatalf("want stage app to fail as AWS unreachable, got %v", err)
	}
	mustContain(t, err.Error(), "cannot reach AWS at http://127.0.0.1:4566", "3 polls in a row", "left running: i-db1 (db-1), i-app1 (app-1) (start sent)")
	if took := h.elapsed(); took > 5*time.Second {
		t.Errorf("the run waited %s on an unreachable AWS", took)
	}

	h2 := newHarness(t)
	h2.fleet.Add("i-db1", "db-1", cloud.Stopped, nil)
	throttled := fmt.Errorf("eu-west-1: DescribeInstances: Request limit exceeded. (RequestLimitExceeded): %w", cloud.ErrThrottled)
	h2.fleet.DescribeErrs = []error{throttled, throttled, throttled, throttled, dead, dead, throttled, dead, dead}
	if _, err := h2.run(context.Background(), h2.plan(environment(stage("data", []string{}, "db-1")), op.Start)); err != nil {
		t.Fatalf("a throttled AWS, and failures with answers in between, must not end the run: %v", err)
	}
}

// A cancelled stop says what state things are in after the cancel, read
// again, not as last seen: the instance it had just stopped is stopping.
func TestACancelledStopReadsTheStatesAgain(t *testing.T) {
	h := newHarness(t)
	h.fleet.Add("i-db1", "db-1", cloud.Running, nil)
	p := h.plan(environment(stage("data", []string{}, "db-1")), op.Stop)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.onEvent = func(ev op.Event) {
		if ev.Type == op.EventActionSent {
			cancel() // the stop went out; the run last saw db-1 running
		}
	}
	res, err := h.run(ctx, p)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want a cancelled run, got %v", err)
	}
	mustContain(t, err.Error(), "running: none", "stopping: i-db1 (db-1)")
	if strings.Contains(err.Error(), "context canceled") {
		t.Errorf("the cancelled run says %q", err)
	}
	if len(res.Instances) != 1 || res.Instances[0].State != cloud.Stopping {
		t.Errorf("the result has %+v, want db-1 stopping", res.Instances)
	}
}
