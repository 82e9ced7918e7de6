package control

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/internal/testwait"
)

// shopSettle: data (db) with a 20s settle delay, then app.
const shopSettle = `name: shop
region: eu-west-1
stages:
  - name: data
    instances: [{name: db}]
    ready: {delay: 20s}
  - name: app
    instances: [{name: app-1}, {name: app-2}]
`

// delayEvents are the events of a run about data's delay.
func delayEvents(evs []op.Event) []string {
	var out []string
	for _, e := range evs {
		if e.Stage == "data" && strings.HasPrefix(e.Gate, "delay") {
			out = append(out, string(e.Type)+" "+e.Message)
		}
	}
	return out
}

// A crash in a stage's delay (its program died: the usage history has the
// stage begun, never ready) leaves the stage not ready, though all its
// instances run: the rerun checks its gates and waits the delay again.
// After a start that got the stage ready, the delay is not waited again.
func TestADelayCutByACrashIsWaitedAgain(t *testing.T) {
	r := newRig(t, map[string]string{"shop": shopSettle}, nil)
	r.addShop()
	r.fleet.Inst("i-db").Instance.State = cloud.Running // started by the run that crashed
	crashed, err := r.hist.Begin(context.Background(), history.Operation{Env: "shop", Action: "start", Who: "bob", Client: "cli", Started: t0.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []op.Event{{Type: op.EventRunStarted}, {Type: op.EventStageStarted, Stage: "data"},
		{Type: op.EventActionSent, Stage: "data"}, {Type: op.EventGateWaiting, Stage: "data", Gate: "delay 20s"}} {
		e.Time, e.Env, e.Action = t0.Add(-time.Minute), "shop", op.Start
		crashed.Emit(e)
	}
	testwait.Until(t, 5*time.Second, "the crashed start's events are on disk", func() bool {
		evs, _ := r.hist.Events(context.Background(), crashed.ID())
		return len(evs) >= 2
	})
	// ...and then its process was killed: the operation is never ended, its lock is gone.

	prep, err := r.svc.Plan(context.Background(), "shop", op.Start)
	if err != nil || prep.Plan.Stages[0].Settled {
		t.Fatalf("the plan after the crash: %+v, %v; want data not known ready", prep, err)
	}
	sink := &events{}
	began := r.clock.Now()
	if err := r.drive(func() error { _, err := r.svc.Run(context.Background(), "shop", op.Start, sink); return err }); err != nil {
		t.Fatal(err)
	}
	if got := delayEvents(sink.all()); !slices.Equal(got, []string{"gate-waiting ", "gate-passed "}) {
		t.Errorf("data's delay after the crash: %q, want waited again", got)
	}
	if took := r.clock.Since(began); took < 20*time.Second {
		t.Errorf("the rerun took %s; data's 20s delay was not waited", took)
	}

	// That start got data ready: the next start skips its delay.
	sink = &events{}
	if err := r.drive(func() error { _, err := r.svc.Run(context.Background(), "shop", op.Start, sink); return err }); err != nil {
		t.Fatal(err)
	}
	for _, e := range sink.all() {
		if e.Stage == "data" && e.Type != op.EventStageSkipped {
			t.Errorf("data after a start that got it ready: %s %s %s", e.Type, e.Gate, e.Message)
		}
	}
	// A stop in between: its stages are not known ready any more.
	if err := r.drive(func() error { _, err := r.svc.Run(context.Background(), "shop", op.Stop, nil); return err }); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"i-db", "i-app1", "i-app2"} { // started again by hand
		r.fleet.Inst(id).Instance.State = cloud.Running
	}
	if prep, err := r.svc.Plan(context.Background(), "shop", op.Start); err != nil || prep.Plan.Stages[0].Settled {
		t.Errorf("after a stop: %+v, %v; want data not known ready", prep, err)
	}
}

// sharing: shop and reports share the database.
const reports = `name: reports
region: eu-west-1
stages:
  - name: db
    instances: [{name: db}]
  - name: jobs
    instances: [{name: jobs-1}]
`

// A stop that would stop an instance another environment holds running is
// refused, naming both, while that environment is being started (its lock
// says so) or runs; --force stops it anyway. The plans and the status say
// which other environments share which instances.
func TestAStopOfASharedInstanceIsRefused(t *testing.T) {
	r := newRig(t, map[string]string{"shop": shop, "reports": reports}, nil)
	r.addShop()
	r.fleet.Add("i-jobs1", "jobs-1", cloud.Stopped, nil)
	for _, id := range []string{"i-db", "i-app1", "i-app2"} {
		r.fleet.Inst(id).Instance.State = cloud.Running
	}

	prep, err := r.svc.Plan(context.Background(), "shop", op.Stop)
	if err != nil {
		t.Fatal(err)
	}
	db := prep.Plan.Stages[1].Instances[0]
	if db.ID != "i-db" || !slices.Equal(db.SharedWith, []string{"reports"}) || len(prep.Plan.Stages[0].Instances[0].SharedWith) != 0 {
		t.Errorf("the stop plan's instances: %+v %+v", db, prep.Plan.Stages[0].Instances)
	}
	st, err := r.svc.Status(context.Background(), "shop")
	if err != nil || len(st.Shared) != 1 || st.Shared[0].ID != "i-db" || !slices.Equal(st.Shared[0].Envs, []string{"reports"}) {
		t.Errorf("the status's sharing: %+v, %v", st.Shared, err)
	}

	// reports is being started (its lock says so): shop's stop is refused.
	l := r.hold("reports", lock.Holder{Action: "start", Client: "window", User: "alice", PID: 42, Since: t0})
	sink := &events{}
	_, err = r.svc.Run(context.Background(), "shop", op.Stop, sink)
	var shared *SharedError
	if !errors.As(err, &shared) || !IsRefusal(err) || OutcomeOf(context.Background(), err) != op.OutcomeRefused {
		t.Fatalf("stop while reports starts: %v, want a refusal", err)
	}
	for _, want := range []string{"shop", "reports", "i-db (db)", "being started", "--force"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal %q does not say %q", err, want)
		}
	}
	if r.fleet.State("i-db") != cloud.Running || len(r.fleet.CallsOf("Stop")) != 0 {
		t.Error("a refused stop stopped something")
	}
	if ops := r.operations("shop"); len(ops) != 1 || ops[0].Result != "refused" {
		t.Errorf("recorded %+v, want refused", ops)
	}
	if ev := sink.all(); len(ev) != 1 || ev[0].Type != op.EventRunRefused {
		t.Errorf("the sink heard %+v", ev)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}

	// reports runs (its instances say so): refused too; plan --stop warns.
	r.fleet.Inst("i-jobs1").Instance.State = cloud.Running
	if _, err = r.svc.Run(context.Background(), "shop", op.Stop, nil); !errors.As(err, &shared) || !strings.Contains(err.Error(), "which is running") {
		t.Fatalf("stop while reports runs: %v", err)
	}
	if prep, _ := r.svc.Plan(context.Background(), "shop", op.Stop); len(prep.Plan.Warnings) != 1 ||
		!strings.Contains(prep.Plan.Warnings[0], "reports, which is running") {
		t.Errorf("plan --stop warnings %q", prep.Plan.Warnings)
	}

	// --force stops it, saying so.
	sink = &events{}
	if err := r.drive(func() error {
		_, err := r.svc.RunWith(context.Background(), "shop", op.Stop, sink, RunOptions{Force: true})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if r.fleet.State("i-db") != cloud.Stopped {
		t.Error("the forced stop did not stop the database")
	}
	if !slices.ContainsFunc(sink.all(), func(e op.Event) bool {
		return e.Type == op.EventNote && strings.Contains(e.Message, "reports") && strings.Contains(e.Message, "--force")
	}) {
		t.Errorf("the forced stop did not say what it stopped under reports: %+v", sink.types())
	}

	// reports stopped: shop's stop goes ahead without --force.
	r.fleet.Inst("i-jobs1").Instance.State = cloud.Stopped
	for _, id := range []string{"i-db", "i-app1", "i-app2"} {
		r.fleet.Inst(id).Instance.State = cloud.Running
	}
	if err := r.drive(func() error { _, err := r.svc.Run(context.Background(), "shop", op.Stop, nil); return err }); err != nil {
		t.Errorf("stop while reports is stopped: %v", err)
	}
}

// Every read of AWS made without a run has a bound: a status whose
// DescribeInstances hangs gives up at ReadTimeout, saying so.
func TestAReadOfAWSWithoutARunIsBounded(t *testing.T) {
	r := newRig(t, map[string]string{"shop": shop}, func(o *Options) { o.ReadTimeout = 30 * time.Second })
	r.addShop()
	r.svc.opts.Connect = func(_ context.Context, profile, region string) (Session, error) {
		return &fakeSession{fleet: &hangingFind{r.fleet}, profile: "default", region: "eu-west-1", account: account}, nil
	}
	done := make(chan error, 1)
	go func() { _, err := r.svc.Status(context.Background(), "shop"); done <- err }()
	for {
		select {
		case err := <-done:
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer from AWS within 30s") {
				t.Fatalf("a hung status: %v", err)
			}
			if took := r.clock.Since(t0); took < 30*time.Second || took > 31*time.Second {
				t.Errorf("it gave up after %s", took)
			}
			return
		case <-time.After(time.Millisecond):
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if r.clock.BlockUntilContext(ctx, 1) != nil {
				cancel()
				t.Fatal("the status neither ended nor waited on the clock")
			}
			cancel()
			r.clock.Advance(time.Second)
		}
	}
}

// hangingFind is a fleet whose Find answers only when its context ends.
type hangingFind struct{ cloud.Fleet }

func (f *hangingFind) Find(ctx context.Context, _ string, _ cloud.Query) ([]cloud.Instance, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// The plan has the caller's ARN and EC2 estimates scaled to a faster
// sandbox (Options.EstimateScale).
func TestThePlanHasTheCallerAndScaledEstimates(t *testing.T) {
	r := newRig(t, map[string]string{"shop": shop}, func(o *Options) { o.EstimateScale = 0.2 })
	r.addShop()
	prep, err := r.svc.Plan(context.Background(), "shop", op.Start)
	if err != nil {
		t.Fatal(err)
	}
	if p := prep.Plan; p.Caller != "arn:aws:iam::"+account+":user/tester" || p.Stages[0].Expected.D() != 9*time.Second || p.Summary != "3 to start" {
		t.Errorf("plan caller %q, data expected %s, summary %q", p.Caller, p.Stages[0].Expected, p.Summary)
	}
}
