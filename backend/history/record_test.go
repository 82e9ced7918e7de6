package history

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/pricing"
)

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), FileName), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func book(t testing.TB) *cost.Book {
	tb, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return cost.NewBook(tb, nil)
}

var t0 = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) // a Monday

func TestOperationWithEvents(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	rec, err := s.Begin(ctx, Operation{Env: "shop", Action: "start", Who: "alice (arn:aws:iam::1:user/alice)", Client: "cli", Started: t0})
	if err != nil {
		t.Fatal(err)
	}
	rec.SetTarget("123456789012", "eu-west-1")
	rec.Emit(op.Event{Time: t0, Env: "shop", Action: "start", Type: op.EventRunStarted, Message: "plan"})
	rec.Emit(op.Event{Time: t0.Add(time.Second), Env: "shop", Action: "start", Type: op.EventInstanceState, Instance: "i-1", State: "running"})
	if err := rec.End(ctx, "failed", "stage db timed out", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	ops, err := s.Operations(ctx, "", t0.Add(-time.Hour), t0.Add(time.Hour))
	if err != nil || len(ops) != 1 {
		t.Fatalf("operations = %+v, %v", ops, err)
	}
	o := ops[0]
	if o.Who != "alice (arn:aws:iam::1:user/alice)" || o.Result != "failed" || o.Message != "stage db timed out" ||
		o.Account != "123456789012" || o.Region != "eu-west-1" || o.Events != 2 || !o.Finished.Equal(t0.Add(time.Minute)) {
		t.Fatalf("recorded %+v", o)
	}
	evs, err := s.Events(ctx, o.ID)
	if err != nil || len(evs) != 2 || evs[1].Instance != "i-1" || evs[1].State != "running" || evs[0].Message != "plan" {
		t.Fatalf("events = %+v, %v", evs, err)
	}
}

func hoursOf(t *testing.T, rep *Report, instance string) float64 {
	t.Helper()
	var h float64
	for _, r := range rep.Rows {
		if r.Instance == instance {
			h += r.Hours
		}
	}
	return h
}

func TestIntervalsFromAWSTimesIncludingOutsideStarts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	in := cloud.Instance{ID: "i-1", Region: "eu-west-1", Type: "m5.large", Name: "db"}
	// Seen running at 10:00, launched (by someone else) at 08:00.
	in.State, in.LaunchTime = cloud.Running, t0.Add(8*time.Hour)
	must(t, s.Observe(ctx, "shop", []cloud.Instance{in}, t0.Add(10*time.Hour)))
	// Seen stopped at 15:00; EC2 says the stop was asked at 12:30.
	in.State, in.StateChanged = cloud.Stopped, t0.Add(12*time.Hour+30*time.Minute)
	must(t, s.Observe(ctx, "shop", []cloud.Instance{in}, t0.Add(15*time.Hour)))
	// Started and stopped again elsewhere, never seen running: 16:00-18:00.
	in.LaunchTime, in.StateChanged = t0.Add(16*time.Hour), t0.Add(18*time.Hour)
	must(t, s.Observe(ctx, "shop", []cloud.Instance{in}, t0.Add(20*time.Hour)))
	// Now running since 22:00 and still up at "now" = 23:00.
	in.State, in.LaunchTime, in.StateChanged = cloud.Running, t0.Add(22*time.Hour), time.Time{}
	must(t, s.Observe(ctx, "shop", []cloud.Instance{in}, t0.Add(22*time.Hour+10*time.Minute)))

	rep, err := s.Report(ctx, ReportQuery{From: t0, To: t0.AddDate(0, 0, 1), Now: t0.Add(23 * time.Hour)}, book(t))
	if err != nil {
		t.Fatal(err)
	}
	if h := hoursOf(t, rep, "i-1"); math.Abs(h-(4.5+2+1)) > 1e-9 {
		t.Fatalf("hours = %v, want 4.5 + 2 + 1 (AWS's own times, open run until now)", h)
	}
	if rep.Rows[0].Runs != 3 || rep.Total.Cost.USD != 0.80 /* 7.5 h x $0.107, to the cent */ || rep.Rows[0].Price.Source != pricing.Source {
		t.Fatalf("report = %+v", rep.Rows)
	}
	// A range that cuts a run counts only its part.
	rep, err = s.Report(ctx, ReportQuery{From: t0.Add(12 * time.Hour), To: t0.Add(17 * time.Hour), Now: t0.Add(23 * time.Hour)}, book(t))
	if err != nil {
		t.Fatal(err)
	}
	if h := hoursOf(t, rep, "i-1"); math.Abs(h-1.5) > 1e-9 {
		t.Fatalf("clipped hours = %v, want 0.5 + 1", h)
	}
}

func TestReportDaysEnvFilterUnknownPriceAndCSV(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a := cloud.Instance{ID: "i-a", Region: "us-east-1", Type: "t3.micro", State: cloud.Stopped,
		LaunchTime: t0.Add(20 * time.Hour), StateChanged: t0.Add(28 * time.Hour)} // 4 h on day 1, 4 h on day 2
	b := cloud.Instance{ID: "i-b", Region: "eu-west-1", Type: "x9.nosuch", State: cloud.Stopped,
		LaunchTime: t0.Add(time.Hour), StateChanged: t0.Add(3 * time.Hour)}
	must(t, s.Observe(ctx, "one", []cloud.Instance{a}, t0.AddDate(0, 0, 2)))
	must(t, s.Observe(ctx, "two", []cloud.Instance{b}, t0.AddDate(0, 0, 2)))
	rep, err := s.Report(ctx, ReportQuery{From: t0, To: t0.AddDate(0, 0, 3), Now: t0.AddDate(0, 0, 3)}, book(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Days) != 3 || rep.Days[0].Hours != 6 || rep.Days[1].Hours != 4 || rep.Days[2].Hours != 0 {
		t.Fatalf("days = %+v, want 6, 4, 0 hours", rep.Days)
	}
	if rep.Total.Cost.Complete() || !strings.Contains(rep.Total.Cost.String(), "x9.nosuch in eu-west-1") {
		t.Fatalf("total = %v, want the unknown type named, not priced", rep.Total.Cost)
	}
	var buf bytes.Buffer
	must(t, rep.WriteCSV(&buf))
	csv := buf.String()
	if !strings.Contains(csv, "one,i-a,,us-east-1,t3.micro,1,8.00,0.0104,built-in table,2025-05-28,0.08") ||
		!strings.Contains(csv, "two,i-b,,eu-west-1,x9.nosuch,1,2.00,unknown,,,unknown") {
		t.Fatalf("csv:\n%s", csv)
	}
	only, err := s.Report(ctx, ReportQuery{Env: "one", From: t0, To: t0.AddDate(0, 0, 3)}, book(t))
	if err != nil || len(only.Rows) != 1 || only.Rows[0].Env != "one" {
		t.Fatalf("env filter: %+v, %v", only, err)
	}
	if _, err := s.Report(ctx, ReportQuery{From: t0, To: t0}, book(t)); err == nil {
		t.Fatal("an empty range was accepted")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A run's events reach the disk at each stage boundary, not only at its
// end: an app that dies mid-run keeps what happened up to there.
func TestEventsAreWrittenAtStageBoundariesBeforeTheEnd(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	rec, err := s.Begin(ctx, Operation{Env: "shop", Action: "start", Who: "alice", Client: "window", Started: t0})
	if err != nil {
		t.Fatal(err)
	}
	ev := func(i int, kind op.EventType, stage string) op.Event {
		return op.Event{Time: t0.Add(time.Duration(i) * time.Second), Env: "shop", Action: "start", Type: kind, Stage: stage,
			Message: fmt.Sprint(i)}
	}
	var want []string
	emit := func(e op.Event) { rec.Emit(e); want = append(want, e.Message) }
	emit(ev(0, op.EventRunStarted, ""))
	for i, st := range []string{"db", "api", "web"} {
		emit(ev(10*i+1, op.EventStageStarted, st))
		emit(ev(10*i+2, op.EventInstanceState, st))
		emit(ev(10*i+3, op.EventGatePassed, st))
		emit(ev(10*i+4, op.EventStageReady, st))
	}
	emit(ev(40, op.EventInstanceState, "web")) // after the last boundary: sure to be written by End only
	if got := eventsOnDisk(s, rec, len(want)-1); len(got) < len(want)-1 {
		t.Fatalf("before End %d events are on disk, want at least the %d up to the last stage-ready", len(got), len(want)-1)
	}
	ops, err := s.Operations(ctx, "", t0.Add(-time.Hour), t0.Add(time.Hour))
	if err != nil || len(ops) != 1 || ops[0].Result != "running" {
		t.Fatalf("before End the operation reads %+v, %v; want it still running", ops, err)
	}
	if err := rec.End(ctx, "done", "", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Events(ctx, rec.ID())
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, e := range got {
		msgs = append(msgs, e.Message)
	}
	if !slices.Equal(msgs, want) {
		t.Errorf("events on disk in order %v, want %v", msgs, want)
	}
}

// An operation a crashed program left "running" is closed as interrupted
// by the next one that holds the environment, at its last event; one that
// never began acting (no events: it may be waiting for the lock), another
// environment's, and finished ones are left alone.
func TestCloseInterruptedEndsWhatACrashLeftRunning(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	begin := func(env string, at time.Time) *Op {
		rec, err := s.Begin(ctx, Operation{Env: env, Action: "start", Who: "alice", Client: "cli", Started: at})
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	flushed := func(rec *Op, n int) {
		t.Helper()
		if len(eventsOnDisk(s, rec, n)) < n {
			t.Fatalf("operation %d: events not written", rec.ID())
		}
	}
	crashed := begin("shop", t0)
	crashed.Emit(op.Event{Time: t0.Add(time.Second), Env: "shop", Action: "start", Type: op.EventRunStarted})
	crashed.Emit(op.Event{Time: t0.Add(40 * time.Second), Env: "shop", Action: "start", Type: op.EventStageReady, Stage: "db"})
	flushed(crashed, 2) // ... and the program dies here: no End.
	done := begin("shop", t0.Add(time.Minute))
	if err := done.End(ctx, "done", "", t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	other := begin("analytics", t0.Add(time.Minute))
	other.Emit(op.Event{Time: t0.Add(61 * time.Second), Env: "analytics", Action: "start", Type: op.EventRunStarted})
	flushed(other, 1)
	waiting := begin("shop", t0.Add(3*time.Minute)) // not acting yet

	next := begin("shop", t0.Add(4*time.Minute))
	n, err := next.CloseInterrupted(ctx)
	if err != nil || n != 1 {
		t.Fatalf("CloseInterrupted = %d, %v; want the one crashed operation", n, err)
	}
	ops, err := s.Operations(ctx, "", t0.Add(-time.Hour), t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]OperationRow{}
	for _, o := range ops {
		got[o.ID] = o
	}
	if c := got[crashed.ID()]; c.Result != ResultInterrupted || !c.Finished.Equal(t0.Add(40*time.Second)) || !strings.Contains(c.Message, "ended before it finished") {
		t.Errorf("the crashed operation reads %+v; want interrupted at its last event", c)
	}
	for _, keep := range []struct {
		rec  *Op
		want string
	}{{done, "done"}, {other, "running"}, {waiting, "running"}, {next, "running"}} {
		if r := got[keep.rec.ID()].Result; r != keep.want {
			t.Errorf("operation %d (%s) now reads %q, want %q", keep.rec.ID(), got[keep.rec.ID()].Env, r, keep.want)
		}
	}
}

// eventsOnDisk polls (up to 5 s) until at least n of op's events are
// written by its background flushes, and returns what is on disk then.
func eventsOnDisk(s *Store, rec *Op, n int) []op.Event {
	var got []op.Event
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if got, _ = s.Events(context.Background(), rec.ID()); len(got) >= n {
			break
		}
	}
	return got
}
