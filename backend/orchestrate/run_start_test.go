package orchestrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cloud/cloudtest"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

func threeTiers(h *harness) *env.Environment {
	h.fleet.Add("i-db1", "db-1", cloud.Stopped, nil)
	h.fleet.Add("i-app1", "app-1", cloud.Stopped, nil)
	h.fleet.Add("i-app2", "app-2", cloud.Stopped, nil)
	h.fleet.Add("i-web1", "web-1", cloud.Stopped, nil)
	return environment(
		stage("data", []string{}, "db-1"),
		stage("app", []string{"data"}, "app-1", "app-2"),
		stage("web", []string{"app"}, "web-1"),
	)
}

func TestStartThreeTiersInOrder(t *testing.T) {
	h := newHarness(t)
	p := h.plan(threeTiers(h), op.Start)
	res, err := h.run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	starts := h.fleet.CallsOf("Start")
	if len(starts) != 3 {
		t.Fatalf("want one Start call per stage, got %d: %+v", len(starts), starts)
	}
	// Each stage is started the moment the poll sees the one before running (10s each).
	want := []struct {
		ids []string
		at  time.Duration
	}{{[]string{"i-db1"}, 0}, {[]string{"i-app1", "i-app2"}, 10 * time.Second}, {[]string{"i-web1"}, 20 * time.Second}}
	for i, w := range want {
		if !slices.Equal(starts[i].IDs, w.ids) || starts[i].At.Sub(t0) != w.at {
			t.Errorf("Start call %d: got %v at %s, want %v at %s", i, starts[i].IDs, starts[i].At.Sub(t0), w.ids, w.at)
		}
	}
	if res.Outcome != op.OutcomeDone || h.elapsed() != 30*time.Second {
		t.Errorf("outcome %s after %s, want done after 30s", res.Outcome, h.elapsed())
	}
	for _, in := range res.Instances {
		if in.State != cloud.Running {
			t.Errorf("%s ended %s", in.ID, in.State)
		}
	}
	var ready []string
	for _, ev := range h.eventsOf(op.EventStageReady) {
		ready = append(ready, ev.Stage)
	}
	if !slices.Equal(ready, []string{"data", "app", "web"}) {
		t.Errorf("stage-ready events for %v, want data, app, web", ready)
	}
	if e := h.eventsOf(op.EventRunDone); len(e) != 1 || e[0].Elapsed != 30 {
		t.Errorf("run-done events: %+v", e)
	}
}

func TestParallelBranchesAndDiamond(t *testing.T) {
	h := newHarness(t)
	h.fleet.Add("i-a", "a", cloud.Stopped, nil)
	h.fleet.Add("i-b", "b", cloud.Stopped, nil).StartTook = 40 * time.Second
	h.fleet.Add("i-c", "c", cloud.Stopped, nil)
	h.fleet.Add("i-d", "d", cloud.Stopped, nil)
	h.fleet.Add("i-e", "e", cloud.Stopped, nil)
	// root (a) and an independent root (e); b and c both after a; d after b and c.
	e := environment(stage("a", []string{}, "a"), stage("b", []string{"a"}, "b"),
		stage("c", []string{"a"}, "c"), stage("d", []string{"b", "c"}, "d"), stage("e", []string{}, "e"))
	if _, err := h.run(context.Background(), h.plan(e, op.Start)); err != nil {
		t.Fatal(err)
	}
	at := h.callTimes("Start")
	want := map[string]time.Duration{"i-a": 0, "i-e": 0, "i-b": 10 * time.Second, "i-c": 10 * time.Second, "i-d": 50 * time.Second}
	for id, w := range want {
		if at[id] != w {
			t.Errorf("%s started at %s, want %s (all: %v)", id, at[id], w, at)
		}
	}
	if n := len(h.fleet.CallsOf("Start")); n != 5 {
		t.Errorf("want 5 Start calls (one per stage), got %d", n)
	}
}

func TestAPIEconomyThousandInstances(t *testing.T) {
	h := newHarness(t)
	var stages []env.Stage
	for s := range 5 {
		for i := range 200 {
			name := fmt.Sprintf("s%d-%03d", s, i)
			h.fleet.Add("i-"+name, name, cloud.Stopped, map[string]string{"Stage": fmt.Sprint(s)})
		}
		st := env.Stage{Name: fmt.Sprintf("s%d", s), After: []string{}, Ready: env.Ready{StatusChecks: true},
			Instances: []env.Selector{{Tags: map[string]string{"Stage": fmt.Sprint(s)}}}}
		if s > 0 {
			st.After = []string{fmt.Sprintf("s%d", s-1)}
		}
		stages = append(stages, st)
	}
	p := h.plan(environment(stages...), op.Start)
	if _, err := h.run(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"Describe", "StatusChecks"} {
		for tick, n := range h.fleet.PerTick(m) {
			if n > 1 {
				t.Errorf("%d %s calls at %s, want at most 1 per region per tick", n, m, tick)
			}
		}
	}
	// 5 stages x (10s start + 30s checks), one poll a second, plus the first.
	if n := len(h.fleet.CallsOf("Describe")); n != 201 {
		t.Errorf("Describe called %d times, want 201 (one per tick)", n)
	}
	if n := len(h.fleet.CallsOf("StatusChecks")); n == 0 || n > 5*31 {
		t.Errorf("StatusChecks called %d times, want only while some stage waits on them", n)
	}
	starts := h.fleet.CallsOf("Start")
	if len(starts) != 5 {
		t.Fatalf("want 5 batched Start calls, got %d", len(starts))
	}
	for _, c := range starts {
		if len(c.IDs) != 200 {
			t.Errorf("a Start call carried %d ids, want 200", len(c.IDs))
		}
	}
}

func TestStatusChecksGateAndImpaired(t *testing.T) {
	h := newHarness(t)
	e := threeTiers(h)
	e.Stages[0].Ready.StatusChecks = true
	if _, err := h.run(context.Background(), h.plan(e, op.Start)); err != nil {
		t.Fatal(err)
	}
	// db runs at 10s, its checks pass 30s later: only then does app start.
	if at := h.callTimes("Start")["i-app1"]; at != 40*time.Second {
		t.Errorf("app started at %s, want 40s (after db's status checks)", at)
	}
	if len(h.eventsOf(op.EventGatePassed)) == 0 {
		t.Error("no gate-passed events")
	}

	h = newHarness(t)
	e = threeTiers(h)
	e.Stages[0].Ready.StatusChecks = true
	bad := cloud.Checks{Instance: cloud.CheckOK, System: cloud.CheckImpaired}
	h.fleet.Inst("i-db1").OnStart = func(now time.Time) []cloudtest.Step {
		return []cloudtest.Step{{At: now.Add(5 * time.Second), State: cloud.Running}, {At: now.Add(8 * time.Second), Checks: &bad}}
	}
	_, err := h.run(context.Background(), h.plan(e, op.Start))
	var re *RunError
	if !errors.As(err, &re) || re.Stage != "data" || re.Instance != "i-db1" || re.Gate != GateStatusChecks {
		t.Fatalf("want a RunError for i-db1's status checks, got %v", err)
	}
	mustContain(t, err.Error(), "i-db1 (db-1)", "impaired", "left running: i-db1 (db-1)")
	if h.elapsed() > 10*time.Second {
		t.Errorf("impaired checks noticed after %s, want at once", h.elapsed())
	}
}

func TestDelayOnTheClockAndSkippedWhenAlreadyUp(t *testing.T) {
	h := newHarness(t)
	e := threeTiers(h)
	e.Stages[0].Ready.Delay = env.Duration(30 * time.Second)
	if _, err := h.run(context.Background(), h.plan(e, op.Start)); err != nil {
		t.Fatal(err)
	}
	if at := h.callTimes("Start")["i-app1"]; at != 40*time.Second {
		t.Errorf("app started at %s, want 40s (10s start + 30s delay)", at)
	}

	// Everything already up and known ready: nothing is started and the delay is not waited again.
	h2 := newHarness(t)
	e = threeTiers(h2)
	e.Stages[0].Ready.Delay = env.Duration(30 * time.Second)
	for _, fi := range h2.fleet.Insts() {
		fi.Instance.State = cloud.Running
	}
	res, err := h2.run(context.Background(), h2.planSettled(e, op.Start, "data", "app", "web"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(h2.fleet.CallsOf("Start")); n != 0 || h2.elapsed() != 0 {
		t.Errorf("already-up env: %d Start calls, took %s; want none, at once", n, h2.elapsed())
	}
	if got := stageOutcomes(res); got["data"] != op.StageSkipped || got["web"] != op.StageSkipped {
		t.Errorf("stage outcomes %v, want skipped", got)
	}
}

func TestResumeAfterFailureStartsNothingTwice(t *testing.T) {
	h := newHarness(t)
	e := threeTiers(h)
	e.Stages[0].Ready.Delay = env.Duration(20 * time.Second)
	// app-2 has no capacity: it goes pending, then back to stopped.
	h.fleet.Inst("i-app2").OnStart = func(now time.Time) []cloudtest.Step {
		return []cloudtest.Step{{At: now.Add(3 * time.Second), State: cloud.Stopped, Reason: "Server.InsufficientInstanceCapacity"}}
	}
	_, err := h.run(context.Background(), h.plan(e, op.Start))
	var re *RunError
	if !errors.As(err, &re) || re.Stage != "app" || re.Instance != "i-app2" {
		t.Fatalf("want app-2 to fail stage app, got %v", err)
	}
	mustContain(t, err.Error(), "i-app2 (app-2)", "went back to stopped", "InsufficientInstanceCapacity", "left running:", "i-db1 (db-1)", "i-app1 (app-1)")
	if h.fleet.State("i-db1") != cloud.Running {
		t.Error("the failed run stopped what it had started; it must leave it up")
	}
	if n := len(h.fleet.CallsOf("Start")); n != 2 {
		t.Errorf("%d Start calls: web must not start after app failed", n)
	}

	// Fixed; run start again with a fresh plan.
	h.fleet.Inst("i-app2").OnStart = nil
	before := len(h.fleet.CallsOf("Start"))
	h.events = nil
	res, err := h.run(context.Background(), h.planSettled(e, op.Start, "data")) // the failed run got data ready
	if err != nil {
		t.Fatal(err)
	}
	var again []string
	for _, c := range h.fleet.CallsOf("Start")[before:] {
		again = append(again, c.IDs...)
	}
	if !slices.Equal(again, []string{"i-app2", "i-web1"}) {
		t.Errorf("resume started %v, want only [i-app2 i-web1]", again)
	}
	if got := stageOutcomes(res); got["data"] != op.StageSkipped {
		t.Errorf("data was up and ready; outcome %q, want skipped (no second delay)", got["data"])
	}
}

func TestInstancesThatNeverComeUpFailAtOnce(t *testing.T) {
	cases := []struct {
		name    string
		script  func(h *harness)
		message []string
	}{
		{"terminated", func(h *harness) {
			h.fleet.Inst("i-app1").OnStart = func(now time.Time) []cloudtest.Step {
				return []cloudtest.Step{{At: now.Add(4 * time.Second), State: cloud.Terminated, Reason: "Server.InternalError"}}
			}
		}, []string{"i-app1 (app-1)", "was terminated", "Server.InternalError"}},
		{"missing", func(h *harness) {
			h.fleet.Inst("i-app1").OnStart = func(now time.Time) []cloudtest.Step {
				return []cloudtest.Step{{At: now.Add(4 * time.Second), Gone: true}}
			}
		}, []string{"i-app1 (app-1)", "no longer exists"}},
		{"back to stopped", func(h *harness) {
			h.fleet.Inst("i-app1").OnStart = func(now time.Time) []cloudtest.Step {
				return []cloudtest.Step{{At: now.Add(2 * time.Second), State: cloud.Running},
					{At: now.Add(4 * time.Second), State: cloud.Stopping, Reason: "Client.InstanceInitiatedShutdown"}}
			}
		}, []string{"i-app1 (app-1)", "stopping", "Client.InstanceInitiatedShutdown"}},
		{"never leaves stopped", func(h *harness) {
			h.fleet.Inst("i-app1").OnStart = func(now time.Time) []cloudtest.Step {
				return []cloudtest.Step{{At: now, State: cloud.Stopped}}
			}
		}, []string{"i-app1 (app-1)", "still stopped"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			e := threeTiers(h)
			c.script(h)
			_, err := h.run(context.Background(), h.plan(e, op.Start))
			var re *RunError
			if !errors.As(err, &re) || re.Stage != "app" || re.Instance != "i-app1" {
				t.Fatalf("want stage app to fail on i-app1, got %v", err)
			}
			mustContain(t, err.Error(), c.message...)
			// app starts at 10s; the trouble shows within a few polls, far from the 15m timeout.
			if h.elapsed() > 20*time.Second {
				t.Errorf("failure noticed after %s, want at once", h.elapsed())
			}
			if f := h.eventsOf(op.EventRunFailed); len(f) != 1 || f[0].Instance != "i-app1" {
				t.Errorf("run-failed events: %+v", f)
			}
		})
	}
}

func TestTimeoutNamesGateAndInstances(t *testing.T) {
	h := newHarness(t)
	e := threeTiers(h)
	e.Stages[1].Timeout = env.Duration(time.Minute)
	h.fleet.Inst("i-app2").StartTook = time.Hour
	_, err := h.run(context.Background(), h.plan(e, op.Start))
	var re *RunError
	if !errors.As(err, &re) || re.Stage != "app" || re.Gate != GateRunning {
		t.Fatalf("want a timeout of stage app on gate running, got %v", err)
	}
	mustContain(t, err.Error(), "timed out after 1m0s waiting for running", "i-app2 (app-2): pending")
	if h.elapsed() != 70*time.Second {
		t.Errorf("timed out at %s, want 70s (app began at 10s, 1m timeout)", h.elapsed())
	}
}

func TestCancelMidRunReportsWhatIsUp(t *testing.T) {
	h := newHarness(t)
	e := threeTiers(h)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.onEvent = func(ev op.Event) {
		if ev.Type == op.EventInstanceState && ev.Instance == "i-app1" && ev.State == cloud.Pending {
			cancel()
		}
	}
	res, err := h.run(ctx, h.plan(e, op.Start))
	if !errors.Is(err, context.Canceled) || res.Outcome != op.OutcomeCancelled {
		t.Fatalf("want a cancelled run, got %v (%s)", err, res.Outcome)
	}
	ev := h.eventsOf(op.EventRunCancelled)
	if len(ev) != 1 {
		t.Fatalf("run-cancelled events: %+v", ev)
	}
	mustContain(t, ev[0].Message, "ready: data", "in progress: app", "running: i-db1 (db-1)", "pending: i-app1 (app-1), i-app2 (app-2)")
	// The error reads as the event does: what the cancel left, not the context's "context canceled".
	if err.Error() != ev[0].Message || strings.Contains(err.Error(), "context canceled") {
		t.Errorf("the cancelled run's error reads %q; want the event's message %q", err, ev[0].Message)
	}
	if got := stageOutcomes(res); got["app"] != op.StageCancelled || got["web"] != op.StagePending {
		t.Errorf("stage outcomes %v", got)
	}
	if n := len(h.fleet.CallsOf("Start")); n != 2 {
		t.Errorf("%d Start calls after cancel, want 2", n)
	}
}

func TestThrottledDescribeIsRetriedAndStartErrorFails(t *testing.T) {
	h := newHarness(t)
	e := threeTiers(h)
	throttled := errors.New("api error Throttling: Rate exceeded")
	h.fleet.DescribeErrs = []error{throttled, throttled, throttled}
	if _, err := h.run(context.Background(), h.plan(e, op.Start)); err != nil {
		t.Fatalf("a throttled Describe must be retried, not fail the run: %v", err)
	}
	notes := h.eventsOf(op.EventNote)
	if len(notes) != 2 {
		t.Fatalf("want one note for the failures and one for the recovery, got %+v", notes)
	}
	mustContain(t, notes[0].Message, "Rate exceeded", "retrying")
	if at := h.callTimes("Start")["i-db1"]; at != 0 {
		t.Errorf("db started at %s; Start does not need a working Describe", at)
	}

	h = newHarness(t)
	e = threeTiers(h)
	h.fleet.StartErr = errors.New("api error UnauthorizedOperation: You are not authorized to perform this operation")
	_, err := h.run(context.Background(), h.plan(e, op.Start))
	var re *RunError
	if !errors.As(err, &re) || re.Stage != "data" {
		t.Fatalf("want stage data to fail, got %v", err)
	}
	mustContain(t, err.Error(), "EC2 refused to start i-db1 (db-1)", "UnauthorizedOperation")
}

func TestBackoffWhileNothingChanges(t *testing.T) {
	h := newHarness(t)
	h.fleet.Add("i-slow", "slow", cloud.Stopped, nil).StartTook = 5 * time.Minute
	h.fleet.Add("i-next", "next", cloud.Stopped, nil)
	e := environment(stage("a", []string{}, "slow"), stage("b", []string{"a"}, "next"))
	if _, err := h.run(context.Background(), h.plan(e, op.Start)); err != nil {
		t.Fatal(err)
	}
	d := h.fleet.CallsOf("Describe")
	if len(d) > 120 {
		t.Errorf("%d Describe calls in 5 minutes of nothing happening: the poller does not back off", len(d))
	}
	var gaps []time.Duration
	for i := 1; i < len(d); i++ {
		gaps = append(gaps, d[i].At.Sub(d[i-1].At))
	}
	if slices.Max(gaps) > 5*time.Second {
		t.Errorf("a gap of %s between polls, more than MaxTick", slices.Max(gaps))
	}
	for _, g := range gaps[:backoffAfter] {
		if g != time.Second {
			t.Fatalf("backed off too early: gaps %v", gaps[:backoffAfter])
		}
	}
	// slow runs at 300s; the poll that sees it must be within MaxTick, and
	// the next stage's instance (10s) is then seen at Tick pace again.
	at := h.callTimes("Start")["i-next"]
	if at < 300*time.Second || at > 305*time.Second {
		t.Errorf("next started at %s, want within MaxTick of 300s", at)
	}
	if end := h.elapsed(); end > at+11*time.Second {
		t.Errorf("run ended %s after the last start; want the Tick pace back after a change", end-at)
	}
}

// A stage whose instances all run is ready without its delay only when it
// is known ready from before (its gates passed in a start that got that
// far): a crash in its delay left it running but not settled, so a rerun
// checks its gates and waits the delay again. The plan says which.
func TestADelayIsWaitedAgainUnlessTheStageIsKnownReady(t *testing.T) {
	for _, settled := range []bool{false, true} {
		h := newHarness(t)
		e := threeTiers(h)
		e.Stages[0].Ready.Delay = env.Duration(20 * time.Second)
		for _, fi := range h.fleet.Insts() {
			fi.Instance.State = cloud.Running
		}
		res, err := Resolve(context.Background(), e, h.fleet, "eu-west-1")
		if err != nil {
			t.Fatal(err)
		}
		p, err := NewPlan(e, op.Start, res, PlanOptions{Settled: map[string]bool{"data": settled, "app": true, "web": true}})
		if err != nil {
			t.Fatal(err)
		}
		if p.Stages[0].Settled != settled || (p.Stages[0].Expected.D() == 20*time.Second) == settled {
			t.Errorf("settled %v: the plan says settled %v, expects %s", settled, p.Stages[0].Settled, p.Stages[0].Expected)
		}
		out, err := h.run(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		took, data := h.elapsed(), stageOutcomes(out)["data"]
		switch {
		case settled && (took != 0 || data != op.StageSkipped):
			t.Errorf("known ready: data %s after %s, want skipped at once", data, took)
		case !settled && (took != 20*time.Second || data != op.StageReady):
			t.Errorf("not known ready: data %s after %s, want ready after its 20s delay", data, took)
		}
	}
}
