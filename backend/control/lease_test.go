package control

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
)

func (a *awsRig) startLeased(d time.Duration) (*LeaseResult, error) {
	a.t.Helper()
	sink := &events{}
	err := a.drive(func() error {
		_, err := a.svc.StartEnv(context.Background(), a.env("shop"), StartOptions{Lease: d}, sink)
		return err
	})
	for _, e := range sink.all() {
		if e.Type == op.EventNote && strings.Contains(e.Message, "leased until") {
			return &LeaseResult{Message: e.Message}, err
		}
	}
	return nil, err
}

// deployedShop is shop with its runbooks and roles deployed.
func deployedShop(t *testing.T) *awsRig {
	t.Helper()
	a := newAWSRig(t, map[string]string{"shop": shop})
	a.addShop()
	if _, err := a.deploy("shop", DeployOptions{CreateRoles: true}, nil); err != nil {
		t.Fatal(err)
	}
	return a
}

// leaseSchedule is shop's lease schedule as the fake Scheduler has it.
func (a *awsRig) leaseSchedule() (*cloud.Schedule, error) {
	return a.aws.Scheduler.GetSchedule(context.Background(), "eu-west-1", "cloudcontrol-shop", "lease")
}

func leaseOf(a *awsRig, id string) (until, by string) {
	t := a.fleet.Tags(id)
	return t[cloud.TagLeaseUntil], t[cloud.TagLeaseBy]
}

// Without the stop runbook deployed, a lease is tags only, and it says
// plainly that only a running app keeps it.
func TestStartWithALeaseNotDeployed(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": shop})
	a.addShop()
	res, err := a.startLeased(2 * time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	want := t0.Add(2 * time.Hour).Format(time.RFC3339)
	for _, id := range []string{"i-db", "i-app1", "i-app2"} {
		if until, by := leaseOf(a, id); until != want || by != alice {
			t.Errorf("%s leased until %q by %q", id, until, by)
		}
	}
	if res == nil || !strings.Contains(res.Message, "only a running Cloud Control app stops it then: the lease is kept only while the app is open") {
		t.Errorf("result %+v", res)
	}
	// The lease is tagged before anything starts.
	if tags, starts := a.fleet.CallsOf("Tag"), a.fleet.CallsOf("Start"); tags[0].At.After(starts[0].At) {
		t.Error("the lease was set after the start")
	}
	st, _ := a.svc.Status(context.Background(), "shop")
	if st.LeaseUntil == nil || !st.LeaseUntil.Equal(t0.Add(2*time.Hour)) || st.LeaseByName != "alice" || st.LeasedInstances != 3 {
		t.Errorf("who %+v", st.Who)
	}
}

// With the stop runbook deployed, a one-time schedule runs it at the
// lease's end and deletes itself: the environment stops with no app.
// Extending moves it, ending removes it.
func TestALeaseHeldInAWS(t *testing.T) {
	a := deployedShop(t)
	a.runbooksRun(t, "shop", "i-db", "i-app1", "i-app2")
	res, err := a.startLeased(2 * time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Message, "AWS stops it then with the deployed stop runbook (schedule cloudcontrol-shop/lease), also with every laptop closed") {
		t.Errorf("message %q", res.Message)
	}
	end := t0.Add(2 * time.Hour)
	sc, err := a.leaseSchedule()
	if err != nil {
		t.Fatal(err)
	}
	if sc.Expression != AtExpression(end) || sc.Timezone != "UTC" || !sc.DeleteAfter || sc.RoleARN != a.aws.IAM.ARN("CloudControl-shop-scheduler") {
		t.Errorf("lease schedule %+v", sc)
	}
	if held, err := a.svc.LeaseHeld(context.Background(), a.env("shop"), end); !held || err != nil {
		t.Errorf("held %v %v", held, err)
	}
	// It is Cloud Control's, as env status says and env deploy --remove
	// (which deletes only its own) needs.
	if d, err := a.svc.Deployed(context.Background(), a.env("shop")); err != nil || d.Lease == nil || !d.Lease.Ours {
		t.Errorf("deployed lease %+v %v", d, err)
	}

	// Bob extends Alice's lease: allowed, and her name is said.
	a.as(bob)
	lr, err := a.svc.Lease(context.Background(), a.env("shop"), LeaseRequest{Extend: time.Hour}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lr.PreviousByName != "alice" || lr.ByName != "bob" || !lr.Until.Equal(end.Add(time.Hour)) ||
		!strings.HasPrefix(lr.Message, "extended the lease alice held on shop (until 11:00) by 1h0m0s: until 12:00") {
		t.Errorf("extend %+v", lr)
	}
	if sc, _ := a.leaseSchedule(); sc.Expression != AtExpression(end.Add(time.Hour)) {
		t.Errorf("the lease schedule did not move: %s", sc.Expression)
	}
	if until, by := leaseOf(a, "i-db"); until != end.Add(time.Hour).Format(time.RFC3339) || by != bob {
		t.Errorf("tags %s %s", until, by)
	}
	ops := a.operations("shop")
	if ops[0].Action != "lease" || ops[0].Result != "done" {
		t.Errorf("history %+v", ops[0])
	}

	// Its time comes with nobody's app open: AWS stops it, and the schedule is gone.
	a.clock.Advance(3*time.Hour + time.Second)
	a.aws.Scheduler.Fire()
	a.clock.Advance(time.Minute)
	for _, id := range []string{"i-db", "i-app1", "i-app2"} {
		if s := a.fleet.State(id); s != cloud.Stopped {
			t.Errorf("%s is %s after the lease", id, s)
		}
	}
	if ex := a.aws.Docs.Executions(); !slices.Equal(ex, []string{"CloudControl-shop-stop"}) {
		t.Errorf("executions %v", ex)
	}
	if _, err := a.leaseSchedule(); !errors.Is(err, cloud.ErrNotFound) {
		t.Errorf("the lease schedule is still there: %v", err)
	}
}

func TestEndingALease(t *testing.T) {
	a := deployedShop(t)
	if _, err := a.startLeased(time.Hour); err != nil {
		t.Fatal(err)
	}
	lr, err := a.svc.Lease(context.Background(), a.env("shop"), LeaseRequest{End: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lr.Until != nil || !strings.HasPrefix(lr.Message, "ended the lease of shop (it was until 10:00, by alice)") {
		t.Errorf("end %+v", lr)
	}
	if until, _ := leaseOf(a, "i-app1"); until != "" {
		t.Errorf("still leased until %s", until)
	}
	if _, err := a.leaseSchedule(); !errors.Is(err, cloud.ErrNotFound) {
		t.Errorf("the lease schedule stays: %v", err)
	}
	if _, err := a.svc.Lease(context.Background(), a.env("shop"), LeaseRequest{End: true}, nil); err == nil || !strings.Contains(err.Error(), "shop has no lease to end") {
		t.Errorf("ending twice: %v", err)
	}
}

// A stop through Cloud Control ends the lease; a later start clears what
// a stop elsewhere left, so an old lease never stops a new run.
func TestStopEndsTheLeaseAndStartClearsAStaleOne(t *testing.T) {
	a := deployedShop(t)
	if _, err := a.startLeased(time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := a.drive(func() error { _, err := a.svc.Run(context.Background(), "shop", op.Stop, nil); return err }); err != nil {
		t.Fatal(err)
	}
	if until, _ := leaseOf(a, "i-db"); until != "" {
		t.Errorf("the stop left the lease until %s", until)
	}
	if _, err := a.leaseSchedule(); !errors.Is(err, cloud.ErrNotFound) {
		t.Errorf("the stop left the lease schedule: %v", err)
	}
	// Stopped elsewhere with its lease on.
	if _, err := a.startLeased(time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := a.fleet.Stop(context.Background(), "eu-west-1", []string{"i-db", "i-app1", "i-app2"}); err != nil {
		t.Fatal(err)
	}
	a.clock.Advance(time.Minute)
	sink := &events{}
	a.as(bob)
	if err := a.drive(func() error { _, err := a.svc.Run(context.Background(), "shop", op.Start, sink); return err }); err != nil {
		t.Fatal(err)
	}
	if until, _ := leaseOf(a, "i-db"); until != "" {
		t.Errorf("a start without a lease kept the old one until %s", until)
	}
	if _, err := a.leaseSchedule(); !errors.Is(err, cloud.ErrNotFound) {
		t.Errorf("the old lease schedule would stop the new run: %v", err)
	}
	var said []string
	for _, e := range sink.all() {
		if e.Type == op.EventChangeApplied {
			said = append(said, e.Message)
		}
	}
	if !slices.Equal(said, []string{"removed the lease left on 3 stopped instance(s)", "deleted the lease schedule left from before", "tagged 3 instance(s) as started by bob"}) {
		t.Errorf("said %q", said)
	}
}

// Bad leases are refused with a clear message, and nothing is tagged.
func TestBadLeasesAreRefused(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": shop})
	a.addShop()
	for _, c := range []struct {
		req  LeaseRequest
		want string
	}{
		{LeaseRequest{For: 0}, "say one of"},
		{LeaseRequest{For: -time.Hour}, "a lease cannot be negative"},
		{LeaseRequest{For: 30 * time.Second}, "at least a minute"},
		{LeaseRequest{For: 8 * 24 * time.Hour}, "a lease is at most 7 days (168h)"},
		{LeaseRequest{For: time.Hour, End: true}, "say one of"},
		{LeaseRequest{Extend: -time.Hour}, "positive"},
		{LeaseRequest{For: time.Hour}, "shop is not running, so there is nothing to lease"},
	} {
		if _, err := a.svc.Lease(context.Background(), a.env("shop"), c.req, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.req, err, c.want)
		}
	}
	for _, d := range []time.Duration{0, -time.Minute, 169 * time.Hour} {
		if d == 0 {
			continue // no lease asked: a plain start
		}
		if _, err := a.svc.StartEnv(context.Background(), a.env("shop"), StartOptions{Lease: d}, nil); err == nil || !strings.Contains(err.Error(), "shop was not started") {
			t.Errorf("start --lease %s: %v", d, err)
		}
	}
	if n := len(a.fleet.CallsOf("Tag")) + len(a.fleet.CallsOf("Start")); n != 0 {
		t.Errorf("%d tag or start calls after refusals", n)
	}
	// Running, with no lease: extending one is refused; past a week too.
	for _, id := range []string{"i-db", "i-app1", "i-app2"} {
		a.fleet.Inst(id).Instance.State = cloud.Running
	}
	if _, err := a.svc.Lease(context.Background(), a.env("shop"), LeaseRequest{Extend: time.Hour}, nil); err == nil || !strings.Contains(err.Error(), "no lease to extend; set one: env lease shop 2h") {
		t.Errorf("extend without: %v", err)
	}
	if _, err := a.svc.Lease(context.Background(), a.env("shop"), LeaseRequest{For: 6 * 24 * time.Hour}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Lease(context.Background(), a.env("shop"), LeaseRequest{Extend: 2 * 24 * time.Hour}, nil); err == nil || !strings.Contains(err.Error(), "more than 7 days") {
		t.Errorf("over a week by extension: %v", err)
	}
}

// A lease that cannot be tagged (AccessDenied) refuses the start; one whose
// schedule cannot be written is kept by the app, and says why.
func TestLeaseFailures(t *testing.T) {
	a := deployedShop(t)
	a.fleet.TagErr = &cloud.AccessDeniedError{Action: "ec2:CreateTags", Message: "not authorized"}
	_, err := a.startLeased(time.Hour)
	if err == nil || !strings.Contains(err.Error(), "shop was not started: the lease could not be set") || !strings.Contains(err.Error(), "ec2:CreateTags") {
		t.Errorf("err %v", err)
	}
	if len(a.fleet.CallsOf("Start")) != 0 {
		t.Error("started without its lease")
	}
	a.fleet.TagErr = nil
	a.aws.Scheduler.FailAlways("CreateSchedule", &cloud.AccessDeniedError{Action: "scheduler:CreateSchedule", Message: "not authorized"})
	sink := &events{}
	if err := a.drive(func() error {
		_, err := a.svc.StartEnv(context.Background(), a.env("shop"), StartOptions{Lease: time.Hour}, sink)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var note string
	for _, e := range sink.all() {
		if e.Type == op.EventNote && strings.Contains(e.Message, "leased") {
			note = e.Message
		}
	}
	if !strings.Contains(note, "only while the app is open") {
		t.Errorf("note %q", note)
	}
	lr, err := a.svc.Lease(context.Background(), a.env("shop"), LeaseRequest{Extend: time.Hour}, nil)
	if err != nil || lr.KeptBy != KeptByApp || len(lr.Notes) != 1 || !strings.Contains(lr.Notes[0], "scheduler:CreateSchedule") {
		t.Errorf("%+v %v", lr, err)
	}
}

// A lease on some instances (env lease --instance, as a launch's ttl is)
// changes those alone: the environment's lease, and its schedule in AWS,
// stay as they are, and only the app keeps it.
func TestALeaseOnSomeInstances(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": shop + "  - name: launched\n    instances: [{tags: {Role: launched}}]\n"})
	a.addShop()
	a.fleet.Add("i-new", "new-1", cloud.Running, map[string]string{"Role": "launched"})
	if _, err := a.deploy("shop", DeployOptions{CreateRoles: true}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.startLeased(2 * time.Hour); err != nil {
		t.Fatal(err)
	}
	envEnd := t0.Add(2 * time.Hour).Format(time.RFC3339)
	now := a.clock.Now().UTC().Truncate(time.Second) // the start took its time
	lease := func(req LeaseRequest) *LeaseResult {
		t.Helper()
		lr, err := a.svc.Lease(context.Background(), a.env("shop"), req, nil)
		if err != nil {
			t.Fatalf("%+v: %v", req, err)
		}
		return lr
	}
	unmoved := func(when string) {
		t.Helper()
		if until, _ := leaseOf(a, "i-db"); until != envEnd {
			t.Errorf("%s: the environment's lease became %q", when, until)
		}
		if sc, err := a.leaseSchedule(); err != nil || sc.Expression != AtExpression(t0.Add(2*time.Hour)) {
			t.Errorf("%s: the lease schedule %+v %v", when, sc, err)
		}
	}

	lr := lease(LeaseRequest{For: 8 * time.Hour, Instances: []string{"new-1"}})
	if lr.KeptBy != KeptByApp || lr.Schedule != "" || !slices.Equal(lr.Instances, []string{"i-new"}) ||
		!strings.HasPrefix(lr.Message, "new-1 of shop is leased until 17:00 (in 8 h) by alice; only a running Cloud Control app stops it then, and nothing else of shop") {
		t.Errorf("set %+v", lr)
	}
	if until, by := leaseOf(a, "i-new"); until != now.Add(8*time.Hour).Format(time.RFC3339) || by != alice {
		t.Errorf("i-new leased until %q by %q", until, by)
	}
	unmoved("set")

	a.as(bob)
	lr = lease(LeaseRequest{Extend: time.Hour, Instances: []string{"i-new"}})
	if !lr.Until.Equal(now.Add(9*time.Hour)) || lr.PreviousByName != "alice" || !strings.HasPrefix(lr.Message, "extended the lease alice held on new-1 of shop (until 17:00) by 1h0m0s: until 18:00") {
		t.Errorf("extend %+v", lr)
	}
	unmoved("extend")

	lr = lease(LeaseRequest{End: true, Instances: []string{"new-1"}})
	if until, _ := leaseOf(a, "i-new"); until != "" || !strings.HasPrefix(lr.Message, "ended the lease of new-1 of shop") {
		t.Errorf("end: %+v, still until %q", lr, until)
	}
	unmoved("end")

	// Not an instance of shop; not running.
	a.fleet.Add("i-other", "other", cloud.Running, nil)
	if err := a.fleet.Stop(context.Background(), "eu-west-1", []string{"i-new"}); err != nil {
		t.Fatal(err)
	}
	a.clock.Advance(time.Minute)
	for _, c := range []struct {
		ids  []string
		want string
	}{
		{[]string{"other"}, "other is not an instance of shop; give the id or Name of one of its instances"},
		{[]string{"new-1"}, "i-new (new-1) is stopped, not running: a lease is on running time"},
	} {
		if _, err := a.svc.Lease(context.Background(), a.env("shop"), LeaseRequest{For: time.Hour, Instances: c.ids}, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.ids, err, c.want)
		}
	}
}

// LeaseOn, for a launch's ttl: the given instances only, kept by the app.
func TestLeaseOnGivenInstances(t *testing.T) {
	a := deployedShop(t)
	launched := a.fleet.Add("i-app3", "app-3", cloud.Running, nil).Instance
	var lr *LeaseResult
	err := a.svc.Operate(context.Background(), Operation{Env: a.env("shop"), Action: op.Launch}, func(ctx context.Context, w *Work) error {
		if err := a.svc.MarkStarted(ctx, w, []cloud.Instance{launched}); err != nil {
			return err
		}
		var err error
		lr, err = a.svc.LeaseOn(ctx, w, a.env("shop"), []cloud.Instance{launched}, LeaseRequest{For: 8 * time.Hour})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if lr.KeptBy != KeptByApp || !slices.Equal(lr.Instances, []string{"i-app3"}) {
		t.Errorf("%+v", lr)
	}
	if tags := a.fleet.Tags("i-app3"); tags[cloud.TagStartedBy] != alice || tags[cloud.TagLeaseUntil] != t0.Add(8*time.Hour).Format(time.RFC3339) {
		t.Errorf("tags %v", tags)
	}
	if until, _ := leaseOf(a, "i-db"); until != "" {
		t.Error("another instance was leased")
	}
	if _, err := a.leaseSchedule(); !errors.Is(err, cloud.ErrNotFound) {
		t.Errorf("a launch's ttl wrote the environment's lease schedule: %v", err)
	}
}
