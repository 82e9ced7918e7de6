package control

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
)

// A start runs as one operation: the sink hears the run from run-started to
// run-done, an op.Outliner is told the plan's outline first, and the
// history records it done with its target and the instances' runs.
func TestAStartIsOneRecordedOperation(t *testing.T) {
	r := newRig(t, map[string]string{"shop": shop}, nil)
	r.addShop()
	sink := &outlined{}
	var res any
	err := r.drive(func() error {
		out, err := r.svc.Run(context.Background(), "shop", op.Start, sink)
		res = out
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	types := sink.types()
	if types[0] != op.EventRunStarted || types[len(types)-1] != op.EventRunDone {
		t.Errorf("events %v, want run-started first and run-done last", types)
	}
	if len(sink.outlines) != 1 || sink.firstEvent != 1 || len(sink.outlines[0].Stages) != 2 || sink.outlines[0].Stages[1].Name != "app" {
		t.Errorf("outlines %+v told before event %d; want the plan's, once, before the first event", sink.outlines, sink.firstEvent)
	}
	if p := op.Fold(sink.outlines[0], sink.all()...); p.Outcome != op.OutcomeDone || p.Stages[1].Status != op.StageReady {
		t.Errorf("the folded progress %+v", p)
	}
	ops := r.operations("shop")
	if len(ops) != 1 || ops[0].Result != "done" || ops[0].Action != "start" || ops[0].Account != account ||
		ops[0].Region != "eu-west-1" || ops[0].Client != "cli" || !strings.Contains(ops[0].Who, "as arn:aws:iam::"+account+":user/tester") {
		t.Fatalf("recorded %+v", ops)
	}
	if ops[0].Events != len(types) {
		t.Errorf("the history has %d events, the sink heard %d", ops[0].Events, len(types))
	}
	if res == nil {
		t.Error("no result")
	}
	if s := r.fleet.State("i-app2"); s != cloud.Running {
		t.Errorf("app-2 is %s", s)
	}
}

// outlined is a sink that is also an op.Outliner.
type outlined struct {
	events
	outlines   []op.Outline
	firstEvent int // how many outlines had been told at the first event
}

func (o *outlined) Outline(x op.Outline) { o.outlines = append(o.outlines, x) }
func (o *outlined) Emit(e op.Event) {
	if len(o.all()) == 0 {
		o.firstEvent = len(o.outlines)
	}
	o.events.Emit(e)
}

// A refusal is a refusal wherever it comes from: a busy lock, or a file
// pinned to another account, profile or region. Nothing is changed, the
// history records it refused, the sink hears one run-refused event, and
// OutcomeOf says refused (the command line exits 3 on it).
func TestRefusalsAreRecordedAsRefused(t *testing.T) {
	files := map[string]string{
		"shop":     shop,
		"acct":     "name: acct\naccount: \"999999999999\"\n" + strings.TrimPrefix(shop, "name: shop\n"),
		"prof":     "name: prof\nprofile: work\n" + strings.TrimPrefix(shop, "name: shop\n"),
		"regional": strings.Replace(strings.Replace(shop, "name: shop", "name: regional", 1), "eu-west-1", "eu-west-2", 1),
	}
	r := newRig(t, files, func(o *Options) { o.Profile, o.Region = "home", "eu-west-1" })
	r.addShop()
	r.hold("shop", lock.Holder{Action: "stop", Client: "window", User: "alice"})
	for _, c := range []struct {
		env, pin string
		says     []string
	}{
		{"shop", "", []string{`shop is busy: "stop" by alice`, "window"}},
		{"acct", PinAccount, []string{"acct is pinned to account 999999999999, but the credentials from profile home belong to account " + account, "refusing"}},
		{"prof", PinProfile, []string{`prof pins profile "work"; refusing to use "home"`}},
		{"regional", PinRegion, []string{"regional pins region eu-west-2; refusing to act on eu-west-1"}},
	} {
		for _, action := range []op.Action{op.Start, op.Stop} {
			sink := &events{}
			_, err := r.svc.Run(context.Background(), c.env, action, sink)
			if !IsRefusal(err) || OutcomeOf(context.Background(), err) != op.OutcomeRefused {
				t.Errorf("%s %s: %v, want a refusal", action, c.env, err)
				continue
			}
			var pin *PinError
			if got := errors.As(err, &pin); got != (c.pin != "") || (got && pin.Pin != c.pin) {
				t.Errorf("%s %s: %v is not a %q pin refusal", action, c.env, err, c.pin)
			}
			for _, s := range c.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%s %s: %q does not say %q", action, c.env, err, s)
				}
			}
			if ev := sink.all(); len(ev) != 1 || ev[0].Type != op.EventRunRefused || ev[0].Message != err.Error() ||
				ev[0].Env != c.env || ev[0].Action != action {
				t.Errorf("%s %s: the sink heard %+v, want one run-refused saying why", action, c.env, ev)
			}
		}
		ops := r.operations(c.env)
		if len(ops) != 2 || ops[0].Result != "refused" || ops[1].Result != "refused" || !strings.Contains(ops[0].Message, c.says[0]) {
			t.Errorf("%s: recorded %+v, want two refused operations saying why", c.env, ops)
		}
	}
	// The profile and region pins refused before connecting; the account
	// pin can only be checked on a session.
	if got := r.connected(); !slices.Equal(got, []string{"home/eu-west-1"}) {
		t.Errorf("connected %v, want only the account check's session", got)
	}
	if calls := r.fleet.CallsOf("Start"); len(calls) > 0 {
		t.Errorf("a refused operation started %v", calls)
	}
	// The plan is refused alike (no operation, no history).
	if _, err := r.svc.Plan(context.Background(), "prof", op.Start); !IsRefusal(err) {
		t.Errorf("plan of a profile-pinned file: %v", err)
	}
}

// Pins agree with what the front end asked for, or fill in what it left to
// the defaults: the session is opened on the pinned profile and region.
func TestPinsChooseTheSession(t *testing.T) {
	r := newRig(t, map[string]string{
		"prof": "name: prof\nprofile: work\n" + strings.TrimPrefix(shop, "name: shop\n"),
	}, func(o *Options) { o.Profile = "work" })
	r.addShop()
	if _, err := r.svc.Plan(context.Background(), "prof", op.Start); err != nil {
		t.Fatal(err)
	}
	r2 := newRig(t, map[string]string{"prof": "name: prof\nprofile: work\n" + strings.TrimPrefix(shop, "name: shop\n")}, nil)
	r2.addShop()
	p, err := r2.svc.Plan(context.Background(), "prof", op.Start)
	if err != nil {
		t.Fatal(err)
	}
	if got := append(r.connected(), r2.connected()...); !slices.Equal(got, []string{"work/eu-west-1", "work/eu-west-1"}) {
		t.Errorf("connected %v, want the pinned profile and region both times", got)
	}
	if p.Plan.Profile != "work" || p.Plan.Account != account || p.Target.Identity.Account != account {
		t.Errorf("plan target %+v / %s %s", p.Target, p.Plan.Profile, p.Plan.Account)
	}
}

// A failed start, a cancelled one and one that could not be planned are
// recorded as what they are.
func TestFailedCancelledAndUnplannableOperationsAreRecordedSo(t *testing.T) {
	r := newRig(t, map[string]string{"shop": shop, "ghost": strings.Replace(strings.Replace(shop, "name: shop", "name: ghost", 1), "app-2", "nobody", 1)}, nil)
	r.addShop()
	r.fleet.StartErr = errors.New("api error UnauthorizedOperation: not allowed")
	err := r.drive(func() error { _, err := r.svc.Run(context.Background(), "shop", op.Start, nil); return err })
	if OutcomeOf(context.Background(), err) != op.OutcomeFailed {
		t.Fatalf("a start EC2 refuses: %v", err)
	}
	r.fleet.StartErr = nil

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink := op.SinkFunc(func(e op.Event) {
		if e.Type == op.EventActionSent {
			cancel() // mid-run, as Ctrl-C
		}
	})
	err = r.drive(func() error { _, err := r.svc.Run(ctx, "shop", op.Start, sink); return err })
	if OutcomeOf(ctx, err) != op.OutcomeCancelled || !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled start: %v", err)
	}

	ghost := &events{}
	_, err = r.svc.Run(context.Background(), "ghost", op.Start, ghost)
	if err == nil || IsRefusal(err) || !strings.Contains(err.Error(), "nobody") {
		t.Fatalf("a plan whose selector matches nothing: %v", err)
	}
	if ev := ghost.all(); len(ev) != 1 || ev[0].Type != op.EventRunRefused {
		t.Errorf("an operation that never began told its sink %+v, want one run-refused", ev)
	}

	ops := r.operations("shop")
	if len(ops) != 2 || ops[1].Result != "failed" || !strings.Contains(ops[1].Message, "UnauthorizedOperation") ||
		ops[0].Result != "cancelled" || !strings.Contains(ops[0].Message, "cancelled") {
		t.Errorf("recorded %+v, want failed then cancelled", ops)
	}
	if strings.HasSuffix(ops[0].Message, "context canceled") {
		t.Errorf("the cancelled start is recorded as %q: the context's words, not what the cancel left", ops[0].Message)
	}

	// Cancelled before it began (while connecting): its one event says so in words.
	early := &events{}
	r.svc.refused(early, "shop", op.Start, fmt.Errorf("eu-west-1: GetCallerIdentity: %w", context.Canceled))
	if ev := early.all(); len(ev) != 1 || ev[0].Message != "start shop was cancelled before it began; nothing was changed" {
		t.Errorf("a start cancelled before it began told %+v", ev)
	}
	if g := r.operations("ghost"); len(g) != 1 || g[0].Result != "failed" || g[0].Events != 0 {
		t.Errorf("the unplannable start recorded %+v, want failed with no events", g)
	}
}

// Operate is the extension point: any action runs its body under the lock
// on a checked session, its events reach the sink and the history, and
// what it observed is recorded.
func TestOperateRunsAnyOperationTheSameWay(t *testing.T) {
	r := newRig(t, map[string]string{"shop": shop}, nil)
	r.addShop()
	e, err := r.svc.Environment("shop")
	if err != nil {
		t.Fatal(err)
	}
	sink := &outlined{}
	var held *lock.Holder
	err = r.svc.Operate(context.Background(), Operation{Env: e, Action: op.Launch, Sink: sink}, func(ctx context.Context, w *Work) error {
		held = r.svc.Holder("shop")
		if w.Target.Identity.Account != account || w.Session.Region() != "eu-west-1" {
			t.Errorf("work %+v", w.Target)
		}
		w.Outline(op.Outline{Env: "shop", Action: op.Launch, Stages: []op.OutlineStage{{Name: "stack"}}})
		w.Sink.Emit(op.Event{Time: r.clock.Now(), Env: "shop", Action: op.Launch, Type: op.EventRunStarted})
		w.Sink.Emit(op.Event{Time: r.clock.Now(), Env: "shop", Action: op.Launch, Type: op.EventRunDone})
		w.Observed([]cloud.Instance{{ID: "i-new", Region: "eu-west-1", Type: "t3.micro", State: cloud.Running, LaunchTime: t0}})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if held == nil || held.Action != "launch" || held.Client != "cli" {
		t.Errorf("during the body the lock said %+v", held)
	}
	if r.svc.Holder("shop") != nil {
		t.Error("the lock is still held after the operation")
	}
	if len(sink.outlines) != 1 || len(sink.all()) != 2 {
		t.Errorf("outlines %v, events %v", sink.outlines, sink.types())
	}
	ops := r.operations("shop")
	if len(ops) != 1 || ops[0].Action != "launch" || ops[0].Result != "done" || ops[0].Events != 2 {
		t.Errorf("recorded %+v", ops)
	}
	rep, err := r.hist.Report(context.Background(), historyQuery(), bookFor(t))
	if err != nil || len(rep.Rows) != 1 || rep.Rows[0].Instance != "i-new" {
		t.Errorf("the observed instance's run: %+v, %v", rep, err)
	}
}

func historyQuery() history.ReportQuery {
	return history.ReportQuery{From: t0.Add(-24 * time.Hour), To: t0.Add(24 * time.Hour), Now: t0.Add(time.Hour)}
}
