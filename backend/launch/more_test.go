package launch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/internal/testwait"
)

// Ten launches at once: per tick at most one DescribeStackEvents per stack
// still being created and one DescribeInstances, however many events come.
func TestFollowingCostsAFixedNumberOfCallsPerTick(t *testing.T) {
	// The sandbox's time moves with the launch's and only with it: a tick
	// moves both by testTick (never during a call), so what each poll sees
	// does not hang on how fast this machine runs.
	sbc := clockwork.NewFakeClock()
	r := newRigOn(t, nil, sandbox.Options{Speed: 100, Clock: sbc}, aws.Options{})
	e := r.env("shop.yaml")
	plan, err := r.prepare(e, Request{Template: "api", Count: 10})
	if err != nil {
		t.Fatal(err)
	}
	fc := clockwork.NewFakeClock()
	l := r.launcher(e, op.Launch)
	settle := &orchestrate.Settle{} // time moves only while the launch waits for its tick, never during a call
	l.Clock, l.Report.Clock, l.Settle = fc, fc, settle
	ctx := timeout(t, 30*time.Second)
	done := make(chan error, 1)
	var res *Result
	waiting, stopWaiting := context.WithCancel(ctx)
	defer stopWaiting()
	go func() {
		var err error
		res, err = l.Run(ctx, plan)
		done <- err
		stopWaiting()
	}()
	ticks, mark := 0, len(r.sb.Requests())
	active := func() int { // stacks not yet ready or failed, as the events say
		n := 10
		for _, ev := range r.all() {
			if ev.Type == op.EventLaunchDone || ev.Type == op.EventLaunchFailed {
				n--
			}
		}
		return n
	}
	before := 10
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if len(res.Launched) != 10 {
				t.Fatalf("launched %d", len(res.Launched))
			}
			t.Logf("10 launches ready after %d ticks", ticks)
			if ticks < 3 { // the world's times at 100x: 7 ticks of 20 ms
				t.Errorf("ready after %d ticks: the bound per tick was hardly tested", ticks)
			}
			return
		default:
		}
		if fc.BlockUntilContext(waiting, 1) != nil {
			if ctx.Err() != nil {
				t.Fatal("the launch did not wait for its next tick")
			}
			continue // it ended
		}
		var bad string
		// The calls of one poll are counted while the next waits for the lock Advance holds.
		if !settle.Advance(waiting, fc, testTick, func(d time.Duration) { sbc.Advance(d) }, func(time.Duration) {
			events, describes := 0, 0
			reqs := r.sb.Requests()
			for _, q := range reqs[mark:] {
				switch q.Action {
				case "DescribeStackEvents":
					events++
				case "DescribeInstances":
					describes++
				}
			}
			mark = len(reqs)
			if events > before || describes > 1 {
				bad = fmt.Sprintf("tick %d: %d DescribeStackEvents for %d stacks being created, %d DescribeInstances", ticks, events, before, describes)
			}
			before = active()
			ticks++
		}) {
			continue // a call's bound was the waiter, or the launch ended
		}
		if bad != "" {
			t.Fatal(bad)
		}
	}
}

func TestTerminateRefusesWhatCloudControlDidNotLaunch(t *testing.T) {
	r := newRig(t, nil)
	e := r.env("shop.yaml")
	l := r.launcher(e, op.Terminate)
	ctx := timeout(t, 10*time.Second)
	_, err := l.FindTarget(ctx, "shop", "shop-db")
	var nl *NotLaunchedError
	if !errors.As(err, &nl) || !strings.Contains(err.Error(), "refusing to terminate i-0db00000000000001 (shop-db): it has no cloudcontrol:launch tag") ||
		!strings.Contains(err.Error(), "nothing was done") {
		t.Fatalf("FindTarget: %v", err)
	}
	if _, err := l.FindTarget(ctx, "shop", "i-0a100000000000001"); !errors.As(err, &nl) {
		t.Errorf("by id: %v", err)
	}
	if _, err := l.FindTarget(ctx, "shop", "nobody"); err == nil || !strings.Contains(err.Error(), "no instance nobody in eu-west-1") {
		t.Errorf("unknown name: %v", err)
	}
	// One launched into another environment is refused too.
	res, err := r.launch(ctx, e, Request{Template: "api"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.FindTarget(ctx, "three-tier", res.Launched[0].Instance); !errors.As(err, &nl) || !strings.Contains(err.Error(), "launched into environment shop, not three-tier") {
		t.Errorf("another environment: %v", err)
	}
	for _, a := range []string{"DeleteStack", "TerminateInstances", "ChangeResourceRecordSets"} {
		if n := r.calls(a); n > 1 || a != "ChangeResourceRecordSets" && n > 0 {
			t.Errorf("%d %s calls", n, a)
		}
	}
}

func TestListFlagsLeftoversAndCleanDeletesThem(t *testing.T) {
	r := newRig(t, nil)
	e := r.env("shop.yaml")
	ctx := timeout(t, 30*time.Second)
	res, err := r.launch(ctx, e, Request{Template: "api"})
	if err != nil {
		t.Fatal(err)
	}
	// A rolled-back stack with Cloud Control's tags (a launch that failed
	// in a program that crashed before it could clean up).
	plan, err := r.prepare(e, Request{Template: "api", Name: "crashed"})
	if err != nil {
		t.Fatal(err)
	}
	in := plan.Units[0].Input
	in.OnFailure = cloud.OnFailureRollback
	_ = r.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultResourceFail, Resource: "Instance", Message: "no capacity", Count: 1})
	if _, err := r.sess.Stacks().CreateStack(ctx, region, in); err != nil {
		t.Fatal(err)
	}
	// A stack still being created whose launch was interrupted.
	plan, _ = r.prepare(e, Request{Template: "api", Name: "interrupted"})
	in = plan.Units[0].Input
	in.TemplateBody = strings.Replace(in.TemplateBody, "sleep 5", "sleep 3600", 1)
	if _, err := r.sess.Stacks().CreateStack(ctx, region, in); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, 10*time.Second, "the crashed stack rolled back", func() bool {
		st, _ := r.sess.Stacks().Stack(ctx, region, "cc-shop-crashed")
		return st.Status == cloud.StackRollbackComplete
	})
	abandoned := func(st cloud.Stack) bool { return st.Name == "cc-shop-interrupted" }
	all, err := List(ctx, r.sess, region, ListOptions{Env: "shop", Abandoned: abandoned, Book: r.book()})
	if err != nil || len(all) != 3 {
		t.Fatalf("List: %+v %v", all, err)
	}
	byStack := map[string]Listed{}
	for _, x := range all {
		byStack[x.Stack] = x
	}
	ok := byStack["cc-shop-api-1"]
	if ok.Leftover || ok.Instance != res.Launched[0].Instance || ok.State != cloud.Running || !ok.Hourly.Known || ok.Env != "shop" ||
		ok.Template != "api" || ok.LaunchedBy != caller || ok.DNS != "api-1.test.example.com" || ok.Progress == nil || ok.Progress.Percent != 100 {
		t.Errorf("the good one %+v", ok)
	}
	if x := byStack["cc-shop-crashed"]; !x.Leftover || !strings.Contains(x.Why, "ROLLBACK_COMPLETE") {
		t.Errorf("the rolled-back one %+v", x)
	}
	if x := byStack["cc-shop-interrupted"]; !x.Leftover || !strings.Contains(x.Why, "interrupted") {
		t.Errorf("the interrupted one %+v", x)
	}
	if other, _ := List(ctx, r.sess, region, ListOptions{Env: "three-tier"}); len(other) != 0 {
		t.Errorf("another environment lists %+v", other)
	}
	left := Leftovers(all)
	if len(left) != 2 {
		t.Fatalf("leftovers %+v", left)
	}
	l := r.launcher(e, op.CleanUp)
	if remains, err := l.Clean(ctx, left); err != nil || len(remains) != 0 {
		t.Fatalf("Clean: %v %v", remains, err)
	}
	after, _ := List(ctx, r.sess, region, ListOptions{Env: "shop", Abandoned: abandoned})
	if len(after) != 1 || after[0].Stack != "cc-shop-api-1" {
		t.Errorf("after the clean-up %+v", after)
	}
	if done := r.ofType(op.EventCleanupDone); len(done) != 2 {
		t.Errorf("cleanup-done events %+v", done)
	}
}

func TestSyncRecordFollowsTheAddress(t *testing.T) {
	r := newRig(t, nil)
	e := r.env("shop.yaml")
	ctx := timeout(t, 20*time.Second)
	res, err := r.launch(ctx, e, Request{Template: "api"})
	if err != nil {
		t.Fatal(err)
	}
	insts, _ := r.sess.Fleet().Describe(ctx, region, []string{res.Launched[0].Instance})
	in := insts[0]
	name := "api-1.test.example.com."
	var got []op.Event
	rep := NewReporter("shop", op.Start, op.SinkFunc(func(e op.Event) { got = append(got, e) }), nil)
	// Right already: one read, no change.
	before := r.calls("ChangeResourceRecordSets")
	if err := SyncRecord(ctx, r.sess.DNS(), in, rep); err != nil || len(got) != 0 || r.calls("ChangeResourceRecordSets") != before {
		t.Fatalf("unchanged: %v %+v", err, got)
	}
	// The address moved (a stop and start): the record follows.
	stale := cloud.RecordSet{Name: name, Type: "A", TTL: DNSTTL, Values: []string{"10.9.9.9"}}
	if _, err := r.sess.DNS().ChangeRecords(ctx, zoneID, cloud.RecordChange{Action: cloud.ChangeUpsert, Record: stale}); err != nil {
		t.Fatal(err)
	}
	if err := SyncRecord(ctx, r.sess.DNS(), in, rep); err != nil {
		t.Fatal(err)
	}
	rec, _, _ := r.sess.DNS().Record(ctx, zoneID, name, "A")
	if len(got) != 1 || got[0].Type != op.EventDNSUpdated || got[0].Status != cloud.ChangeUpsert || !strings.Contains(got[0].Message, "(was 10.9.9.9)") ||
		rec.Values[0] != in.PrivateIP {
		t.Errorf("events %+v, record %+v", got, rec)
	}
	// Not running, not launched, no tag: nothing.
	for _, x := range []cloud.Instance{{ID: "i-1", State: cloud.Stopped, Tags: in.Tags, Launch: in.Launch, PrivateIP: "1.2.3.4"}, {ID: "i-2", State: cloud.Running, PrivateIP: "1.2.3.4"}} {
		if err := SyncRecord(ctx, r.sess.DNS(), x, rep); err != nil || len(got) != 1 {
			t.Errorf("%+v: %v %+v", x, err, got)
		}
	}
	_ = context.Background
}

// A hung call of the launch's polls is cut at its bound on the launch's
// clock and tried again next poll, so the launch does not wait out the
// AWS session's own, longer bound (30s) on each.
func TestLaunchCallsAreBounded(t *testing.T) {
	r := newRig(t, nil)
	e := r.env("shop.yaml")
	plan, err := r.prepare(e, Request{Template: "api"})
	if err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"DescribeStackEvents", "DescribeInstances"} {
		if err := r.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultLatency, Action: action, Latency: time.Minute, Count: 1}); err != nil {
			t.Fatal(err)
		}
	}
	l := r.launcher(e, op.Launch)
	l.CallTimeout = 300 * time.Millisecond
	began := time.Now()
	res, err := l.Run(timeout(t, 20*time.Second), plan)
	if err != nil || len(res.Launched) != 1 {
		t.Fatalf("run: %v, %+v", err, res)
	}
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("the launch took %s", took)
	}
	cut := 0
	for _, ev := range r.all() {
		if ev.Type == op.EventNote && strings.Contains(ev.Message, "(tried again next poll): no answer from AWS within 300ms") {
			cut++
		}
	}
	if cut != 2 {
		t.Errorf("%d calls said they were cut, want the events' and the instances'", cut)
	}
}
