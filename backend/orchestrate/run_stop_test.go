package orchestrate

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cloud/cloudtest"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

// runningDiamond is data <- (app, jobs) <- web, everything running; jobs stops slowly.
func runningDiamond(h *harness) *env.Environment {
	for _, n := range []string{"db", "app", "jobs", "web"} {
		h.fleet.Add("i-"+n, n, cloud.Running, nil)
	}
	h.fleet.Inst("i-jobs").StopTook = 40 * time.Second
	return environment(stage("data", []string{}, "db"), stage("app", []string{"data"}, "app"),
		stage("jobs", []string{"data"}, "jobs"), stage("web", []string{"app"}, "web"))
}

// upDiamond plans stopping runningDiamond.
func upDiamond(h *harness) *Plan { return h.plan(runningDiamond(h), op.Stop) }

func TestStopInReverseWithParallelBranches(t *testing.T) {
	h := newHarness(t)
	p := upDiamond(h)
	res, err := h.run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	// jobs has nothing after it: it stops at once, alongside web; app after
	// web (15s); data only once app and jobs (40s) are both stopped.
	at := h.callTimes("Stop")
	want := map[string]time.Duration{"i-web": 0, "i-jobs": 0, "i-app": 15 * time.Second, "i-db": 40 * time.Second}
	for id, w := range want {
		if at[id] != w {
			t.Errorf("%s stopped at %s, want %s (all: %v)", id, at[id], w, at)
		}
	}
	if res.Outcome != op.OutcomeDone || h.elapsed() != 55*time.Second {
		t.Errorf("outcome %s after %s, want done after 55s", res.Outcome, h.elapsed())
	}
	for _, in := range res.Instances {
		if in.State != cloud.Stopped {
			t.Errorf("%s ended %s", in.ID, in.State)
		}
	}
	if n := len(h.fleet.CallsOf("Stop")); n != 4 {
		t.Errorf("%d Stop calls, want one per stage", n)
	}
}

func TestStopInListedOrderIsSequential(t *testing.T) {
	h := newHarness(t)
	e := runningDiamond(h)
	e.Stop.Order = []string{"jobs", "web", "app", "data"}
	e.Stop.Reverse = false
	p := h.plan(e, op.Stop)
	if _, err := h.run(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	var order []string
	var times []time.Duration
	for _, c := range h.fleet.CallsOf("Stop") {
		order = append(order, c.IDs...)
		times = append(times, c.At.Sub(t0))
	}
	if !slices.Equal(order, []string{"i-jobs", "i-web", "i-app", "i-db"}) {
		t.Errorf("stop order %v", order)
	}
	if !slices.Equal(times, []time.Duration{0, 40 * time.Second, 55 * time.Second, 70 * time.Second}) {
		t.Errorf("stop times %v, want one after the other", times)
	}
}

func TestStopWaitsForPendingAndSkipsStoppedAndTerminated(t *testing.T) {
	h := newHarness(t)
	h.fleet.Add("i-p", "p", cloud.Pending, nil)
	h.fleet.Script("i-p", 10*time.Second, cloudtest.Step{State: cloud.Running})
	h.fleet.Add("i-s", "s", cloud.Stopped, nil)
	h.fleet.Add("i-t", "t", cloud.Terminated, nil)
	h.fleet.Add("i-r", "r", cloud.Running, nil)
	e := environment(stage("a", []string{}, "s"), stage("b", []string{"a"}, "p", "r"))
	e.Stages[1].Instances = append(e.Stages[1].Instances, idSel("i-t"))
	p := h.plan(e, op.Stop)
	if len(p.Warnings) != 1 {
		t.Errorf("want a warning for the terminated instance, got %v", p.Warnings)
	}
	if _, err := h.run(context.Background(), p); err != nil {
		t.Fatalf("EC2 refuses to stop a pending instance; the run must wait for running: %v", err)
	}
	stops := h.fleet.CallsOf("Stop")
	if len(stops) != 2 || !slices.Equal(stops[0].IDs, []string{"i-r"}) || stops[0].At != t0 ||
		!slices.Equal(stops[1].IDs, []string{"i-p"}) || stops[1].At.Sub(t0) != 10*time.Second {
		t.Errorf("Stop calls %+v, want i-r at once and i-p once it runs at 10s", stops)
	}
	if h.fleet.State("i-p") != cloud.Stopped {
		t.Errorf("i-p is %s", h.fleet.State("i-p"))
	}
	skipped := false
	for _, n := range h.eventsOf(op.EventNote) {
		skipped = skipped || (n.Instance == "i-t" && n.State == cloud.Terminated)
	}
	if !skipped {
		t.Error("the terminated instance was not reported as skipped")
	}
	if ev := h.eventsOf(op.EventStageSkipped); len(ev) != 1 || ev[0].Stage != "a" {
		t.Errorf("stage a (already stopped) must be skipped: %+v", ev)
	}
}

func TestStopErrorAndTimeout(t *testing.T) {
	h := newHarness(t)
	p := upDiamond(h)
	h.fleet.StopErr = errors.New("api error UnauthorizedOperation: not allowed")
	_, err := h.run(context.Background(), p)
	mustContain(t, errString(err), "EC2 refused to stop", "UnauthorizedOperation")

	h = newHarness(t)
	p = upDiamond(h)
	h.fleet.Inst("i-web").StopTook = time.Hour
	p.Stages[0].Timeout = Seconds(time.Minute)
	_, err = h.run(context.Background(), p)
	var re *RunError
	if !errors.As(err, &re) || re.Stage != "web" || re.Gate != GateStopped || re.Instance != "i-web" {
		t.Fatalf("want web to time out waiting for stopped, got %v", err)
	}
	mustContain(t, err.Error(), "i-web (web): stopping")
	if h.fleet.State("i-db") != cloud.Running {
		t.Error("data was stopped although web never stopped")
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
