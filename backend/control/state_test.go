package control

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/internal/testwait"
)

func TestInstanceState(t *testing.T) {
	in := func(states ...string) []cloud.Instance {
		var out []cloud.Instance
		for _, s := range states {
			out = append(out, cloud.Instance{State: s})
		}
		return out
	}
	for _, c := range []struct {
		states []string
		want   op.State
	}{
		{[]string{"running", "running"}, op.StateRunning},
		{[]string{"stopped", "stopped"}, op.StateStopped},
		{[]string{"running", "stopped"}, op.StatePartly},
		{[]string{"running", "pending"}, op.StateStarting},
		{[]string{"stopped", "stopping"}, op.StateStopping},
		{[]string{"running", "terminated"}, op.StateBroken},
		{[]string{"pending", "terminated"}, op.StateStarting},
		{nil, op.StateStopped},
	} {
		if got := InstanceState(in(c.states...)); got != c.want {
			t.Errorf("InstanceState(%v) = %q, want %q", c.states, got, c.want)
		}
	}
}

func TestAHeldEnvironmentIsStartingOrStopping(t *testing.T) {
	running := &op.Progress{Action: op.Start, Outcome: op.OutcomeRunning}
	for _, c := range []struct {
		run  *op.Progress
		busy string
		from op.State
		want op.State
	}{
		{nil, "", op.StatePartly, op.StatePartly},
		{running, "start", op.StatePartly, op.StateStarting},
		{&op.Progress{Action: op.Stop, Outcome: op.OutcomeRunning}, "stop", op.StateRunning, op.StateStopping},
		{&op.Progress{Action: op.Start, Outcome: op.OutcomeDone}, "", op.StatePartly, op.StatePartly}, // a run that ended says what is
		{&op.Progress{Action: op.Start, Outcome: op.OutcomeRefused}, "stop", op.StateRunning, op.StateStopping},
		{nil, "stop", op.StatePartly, op.StateStopping},                       // another process's stop
		{nil, "reboot i-0db00000000000001", op.StateRunning, op.StateRunning}, // an instance action
		{nil, "start i-0db00000000000001", op.StateStopped, op.StateStopped},  // one too
		{running, "", op.StateStopped, op.StateStarting},                      // before a refresh saw the lock
		// A run that went wrong needs attention whatever its instances say, until the next one.
		{&op.Progress{Action: op.Start, Outcome: op.OutcomeFailed}, "", op.StatePartly, op.StateAttention},
		{&op.Progress{Action: op.Stop, Outcome: op.OutcomeCancelled}, "", op.StateRunning, op.StateAttention},
		{&op.Progress{Action: op.Start, Outcome: op.OutcomeInterrupted}, "", op.StateStopped, op.StateAttention},
		{&op.Progress{Action: op.Start, Outcome: op.OutcomeFailed}, "stop", op.StatePartly, op.StateStopping}, // the next run
	} {
		var h *lock.Holder
		if c.busy != "" {
			h = &lock.Holder{Action: c.busy}
		}
		if got := StateOf(c.from, h, c.run); got != c.want {
			t.Errorf("run %+v, lock %q, instances %q: state %q, want %q", c.run, c.busy, c.from, got, c.want)
		}
	}
}

// An instance seen starting again by a run has no launch time until the
// next read: the one read before belongs to its previous run (AWS sets a new
// one at every start), and would show as an uptime of days.
func TestAnInstanceSeenStartingForgetsItsOldLaunchTime(t *testing.T) {
	old := t0.Add(-24 * time.Hour)
	st := &Status{Stages: []StageStatus{{Name: "db", Instances: []cloud.Instance{
		{ID: "i-1", State: cloud.Stopped, LaunchTime: old}, {ID: "i-2", State: cloud.Running, LaunchTime: old}}}}}
	next := st.Observed("i-1", cloud.Pending).Observed("i-2", cloud.Running)
	if in := next.Stages[0].Instances; !in[0].LaunchTime.IsZero() || in[0].State != cloud.Pending || !in[1].LaunchTime.Equal(old) {
		t.Errorf("after the run saw i-1 pending: %+v", in)
	}
	if !st.Stages[0].Instances[0].LaunchTime.Equal(old) {
		t.Error("Observed changed the status it copied")
	}
	if next.State != op.StateStarting {
		t.Errorf("state %q", next.State)
	}
}

// A stage follows the run while it is in progress, not the last refresh;
// stages the run has not reached or abandoned keep the refreshed state.
func TestAStagesStateDuringARun(t *testing.T) {
	run := func(a op.Action, s op.StageStatus) *op.Progress {
		p := op.Fold(op.Outline{Env: "e", Action: a, Stages: []op.OutlineStage{{Name: "db"}}},
			op.Event{Env: "e", Action: a, Type: op.EventRunStarted})
		switch s {
		case op.StageActive:
			p = op.Fold(op.Outline{Env: "e", Action: a, Stages: []op.OutlineStage{{Name: "db"}}},
				op.Event{Env: "e", Action: a, Type: op.EventRunStarted}, op.Event{Env: "e", Action: a, Type: op.EventStageStarted, Stage: "db"})
		case op.StagePending:
		default:
			typ := map[op.StageStatus]op.EventType{op.StageReady: op.EventStageReady, op.StageSkipped: op.EventStageSkipped,
				op.StageFailed: op.EventStageFailed, op.StageCancelled: op.EventStageCancelled}[s]
			p = op.Fold(op.Outline{Env: "e", Action: a, Stages: []op.OutlineStage{{Name: "db"}}},
				op.Event{Env: "e", Action: a, Type: op.EventRunStarted}, op.Event{Env: "e", Action: a, Type: typ, Stage: "db"})
		}
		return &p
	}
	for _, c := range []struct {
		action  op.Action
		status  op.StageStatus
		refresh op.State
		want    op.State
	}{
		{op.Start, op.StageActive, op.StateStopped, op.StateStarting},
		{op.Start, op.StageReady, op.StateStopped, op.StateRunning},
		{op.Start, op.StageSkipped, op.StateRunning, op.StateRunning},
		{op.Stop, op.StageActive, op.StateRunning, op.StateStopping},
		{op.Stop, op.StageReady, op.StateRunning, op.StateStopped},
		{op.Start, op.StageFailed, op.StatePartly, op.StateBroken},
		{op.Start, op.StagePending, op.StateStopped, op.StateStopped},
		{op.Start, op.StageCancelled, op.StatePartly, op.StatePartly},
	} {
		if got := StageStateOf(c.refresh, run(c.action, c.status), "db"); got != c.want {
			t.Errorf("%s, stage %s, refreshed %q: %q, want %q", c.action, c.status, c.refresh, got, c.want)
		}
	}
	if got := StageStateOf(op.StateRunning, nil, "db"); got != op.StateRunning {
		t.Errorf("no run: %q", got)
	}
	done := op.Fold(op.Outline{}, op.Event{Env: "e", Action: op.Start, Type: op.EventStageStarted, Stage: "db"},
		op.Event{Env: "e", Action: op.Start, Type: op.EventRunDone})
	if got := StageStateOf(op.StateStopped, &done, "db"); got != op.StateStopped {
		t.Errorf("after the run ended the stage reads %q, want the refreshed state", got)
	}
}

// While another process's start holds the environment, env status says
// starting and who holds it.
func TestStatusSaysWhoHoldsTheEnvironment(t *testing.T) {
	r := newRig(t, map[string]string{"shop": shop}, nil)
	r.addShop()
	r.fleet.Inst("i-db").Instance.State = cloud.Running
	st, err := r.svc.Status(context.Background(), "shop")
	if err != nil || st.State != op.StatePartly || st.Holder != nil || st.Stages[0].State != op.StateRunning {
		t.Fatalf("free: %+v, %v", st, err)
	}
	l := r.hold("shop", lock.Holder{Action: "start", Client: "window", User: "alice", PID: 42, Since: t0})
	st, err = r.svc.Status(context.Background(), "shop")
	if err != nil || st.State != op.StateStarting || st.Holder == nil || st.Holder.Client != "window" || st.Holder.PID != 42 {
		t.Fatalf("held: %+v, %v", st, err)
	}
	next, err := r.svc.Refresh(context.Background(), mustEnv(t, r, "shop"), st)
	if err != nil || next.State != op.StateStarting || next.Holder == nil {
		t.Errorf("refreshed while held: %+v, %v", next, err)
	}
	// With the holding start's events in the usage history (another process
	// writes them at every stage boundary), the status says where it is.
	rec, err := r.hist.Begin(context.Background(), history.Operation{Env: "shop", Action: "start", Who: "alice", Client: "window", Started: t0})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []op.Event{{Type: op.EventRunStarted}, {Type: op.EventStageStarted, Stage: "data"}, {Type: op.EventStageReady, Stage: "data"},
		{Type: op.EventStageStarted, Stage: "app"}} {
		e.Time, e.Env, e.Action = t0, "shop", op.Start
		rec.Emit(e)
	}
	testwait.Until(t, 5*time.Second, "the start's events are on disk", func() bool { evs, _ := r.hist.Events(context.Background(), rec.ID()); return len(evs) == 4 })
	st, err = r.svc.Status(context.Background(), "shop")
	if err != nil || st.Progress == nil || st.Progress.Outcome != op.OutcomeRunning || st.State != op.StateStarting {
		t.Fatalf("held, with history: %+v, %v", st, err)
	}
	if st.Stages[0].State != op.StateRunning || st.Stages[1].State != op.StateStarting ||
		st.Progress.Stages[1].Name != "app" || st.Progress.Stages[1].Status != op.StageActive {
		t.Errorf("stages %+v, progress %+v; want data running (ready) and app starting", st.Stages, st.Progress.Stages)
	}
	// A finished operation of the same action is not the one in progress.
	if err := rec.End(context.Background(), "done", "", t0); err != nil {
		t.Fatal(err)
	}
	if st, _ = r.svc.Status(context.Background(), "shop"); st.Progress != nil || st.State != op.StateStarting {
		t.Errorf("held, its operation ended: %+v", st)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if next, _ = r.svc.Refresh(context.Background(), mustEnv(t, r, "shop"), st); next.State != op.StatePartly || next.Holder != nil {
		t.Errorf("refreshed once free: %+v", next)
	}
	// What a run observes moves the status at once.
	moved := next.Observed("i-app1", cloud.Pending)
	if moved.State != op.StateStarting || moved.Stages[1].State != op.StateStarting || next.Stages[1].Instances[0].State != cloud.Stopped {
		t.Errorf("observed pending: %+v (the original must not change: %+v)", moved, next.Stages[1])
	}
}

func mustEnv(t *testing.T, r *rig, name string) *env.Environment {
	t.Helper()
	e, err := r.svc.Environment(name)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// A refresh is one Describe per region, whatever the number of
// instances; an instance EC2 no longer returns is shown terminated.
func TestRefreshIsOneDescribePerRegion(t *testing.T) {
	r := newRig(t, map[string]string{"shop": shop}, nil)
	r.addShop()
	west2 := r.fleet.Add("i-0fa00000000000001", "far", cloud.Running, nil)
	west2.Instance.Region = "eu-west-2"
	prev := &Status{Env: "shop", Stages: []StageStatus{
		{Name: "data", Instances: []cloud.Instance{{ID: "i-db", Region: "eu-west-1"}, {ID: "i-gone", Region: "eu-west-1", State: cloud.Running}}},
		{Name: "app", Instances: []cloud.Instance{{ID: "i-app1", Region: "eu-west-1"}, {ID: "i-0fa00000000000001", Region: "eu-west-2"}}},
	}}
	st, err := r.svc.Refresh(context.Background(), mustEnv(t, r, "shop"), prev)
	if err != nil {
		t.Fatal(err)
	}
	calls := r.fleet.CallsOf("Describe")
	var regions []string
	for _, c := range calls {
		regions = append(regions, c.Region)
	}
	slices.Sort(regions)
	if !slices.Equal(regions, []string{"eu-west-1", "eu-west-2"}) || len(calls[0].IDs)+len(calls[1].IDs) != 4 {
		t.Errorf("Describe calls %+v, want one per region for all four ids", calls)
	}
	if got := st.Stages[0].Instances[1]; got.State != cloud.Terminated {
		t.Errorf("the vanished instance reads %+v, want terminated", got)
	}
	if st.State != op.StateBroken || st.Stages[1].State != op.StatePartly || !st.Checked.Equal(t0) {
		t.Errorf("refreshed %+v", st)
	}
}

func TestInstanceActionsActOnTheEnvironmentsInstancesInTheirRegion(t *testing.T) {
	r := newRig(t, map[string]string{"shop": strings.Replace(shop, "instances: [{name: db}]", "instances: [{name: db}, i-0fa00000000000001]", 1)}, nil)
	r.addShop()
	r.fleet.Add("i-0fa00000000000001", "far", cloud.Running, nil).Instance.Region = "eu-west-2"
	r.fleet.Add("i-other", "other", cloud.Running, nil)
	e := mustEnv(t, r, "shop")
	ctx := context.Background()
	if err := r.svc.InstanceAction(ctx, e, "i-0fa00000000000001", InstanceReboot); err != nil {
		t.Fatal(err)
	}
	if c := r.fleet.CallsOf("Reboot"); len(c) != 1 || c[0].Region != "eu-west-2" || !slices.Equal(c[0].IDs, []string{"i-0fa00000000000001"}) {
		t.Errorf("reboot calls %+v, want i-0fa00000000000001 in eu-west-2", c)
	}
	if err := r.svc.InstanceAction(ctx, e, "i-db", InstanceStart); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.InstanceAction(ctx, e, "i-other", InstanceStop); err == nil || !strings.Contains(err.Error(), "not part of shop") {
		t.Errorf("acting on another instance: %v", err)
	}
	if err := r.svc.InstanceAction(ctx, e, "i-db", "explode"); err == nil || !strings.Contains(err.Error(), "unknown instance action") {
		t.Errorf("an unknown action: %v", err)
	}
	if c := r.fleet.CallsOf("Start"); len(c) != 1 || c[0].Region != "eu-west-1" || len(r.fleet.CallsOf("Stop")) != 0 {
		t.Errorf("start calls %+v, stops %+v", c, r.fleet.CallsOf("Stop"))
	}
	// Under the environment's lock: refused while a start holds it.
	r.hold("shop", lock.Holder{Action: "start", Client: "tray"})
	if err := r.svc.InstanceAction(ctx, e, "i-db", InstanceStop); !IsRefusal(err) {
		t.Errorf("while a start holds it: %v, want a refusal", err)
	}
	if len(r.operations("shop")) != 0 {
		t.Error("an instance action was recorded as an operation")
	}
}
