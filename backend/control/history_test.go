package control

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
	"cloudcontrol/backend/paths"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/internal/testwait"
)

const historyWorld = `
regions:
  eu-west-1:
    instances:
      - {id: i-0db00000000000001, type: m5.large, state: stopped, tags: {Name: db}, volumes: [{size: 100, type: gp3}]}
      - {id: i-0a000000000000001, type: t3.micro, state: stopped, tags: {Name: app}}
`

const historyEnv = `name: shop
region: eu-west-1
stages:
  - name: data
    instances: [{name: db}]
  - name: app
    instances: [{name: app}]
`

// runFixture is a service over an in-process sandbox of historyWorld (on
// the AWS SDK, as the shells connect), with its own home folder and the
// usage history in it.
type runFixture struct {
	svc   *Service
	home  paths.Dirs
	hist  *history.Lazy
	clock *clockwork.FakeClock
	sb    *sandbox.Sandbox
	url   string // the sandbox's endpoint, control endpoint included
}

// fixtureStart is when a fixture's clock starts: a Monday.
var fixtureStart = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func newRunFixture(t *testing.T, ho ...history.Options) *runFixture {
	t.Helper()
	dir := t.TempDir()
	clock := clockwork.NewFakeClockAt(fixtureStart)
	sb, url := servedSandbox(t, historyWorld, sandbox.Options{Speed: 1000, Clock: clock})
	envDir := filepath.Join(dir, "envs")
	if err := os.MkdirAll(envDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(envDir, "shop.yaml"), []byte(historyEnv), 0o600); err != nil {
		t.Fatal(err)
	}
	home := paths.Under(filepath.Join(dir, "home"))
	// Lazy, as the shells have it: nothing is created before the first run.
	hist := history.NewLazy(filepath.Join(home.Data, history.FileName), append(ho, history.Options{})[0])
	t.Cleanup(func() { hist.Close() })
	svc := New(Options{Dirs: []string{envDir}, Paths: home, Clock: clock, Tick: 10 * time.Millisecond,
		Connect: func(ctx context.Context, profile, region string) (Session, error) {
			return aws.Connect(ctx, aws.Options{EndpointURL: url, Region: "eu-west-1", MaxAttempts: 1}, profile, region)
		}, History: hist, Location: time.UTC})
	return &runFixture{svc: svc, home: home, hist: hist, clock: clock, sb: sb, url: url}
}

// store is the fixture's usage history, opened.
func (f *runFixture) store(t *testing.T) *history.Store {
	t.Helper()
	s, err := f.hist.Store(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// run runs action on shop, moving the fake clock meanwhile (the run's
// waits are on it), and returns the events it sent. on, if given, sees
// each event as it is sent.
func (f *runFixture) run(t *testing.T, action op.Action, on ...func(op.Event)) []op.Event {
	t.Helper()
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
				f.clock.Advance(50 * time.Millisecond)
			}
		}
	}()
	var heard events
	res, err := f.svc.Run(context.Background(), "shop", action, op.SinkFunc(func(e op.Event) {
		heard.Emit(e)
		for _, f := range on {
			f(e)
		}
	}))
	close(done)
	if err != nil || res.Outcome != op.OutcomeDone {
		t.Fatalf("%s: %v, %+v", action, err, res)
	}
	return heard.all()
}

// TestRunAndCostAreRecorded runs a real start against the in-process sandbox
// and checks what the history and the cost figures say.
func TestRunAndCostAreRecorded(t *testing.T) {
	ctx := context.Background()
	f := newRunFixture(t)
	clock, svc, start := f.clock, f.svc, fixtureStart
	f.run(t, op.Start)
	store := f.store(t)
	ops, err := store.Operations(ctx, "shop", start.Add(-time.Hour), clock.Now().Add(time.Hour))
	if err != nil || len(ops) != 1 {
		t.Fatalf("operations: %+v, %v", ops, err)
	}
	if o := ops[0]; o.Result != "done" || o.Action != "start" || o.Account != "123456789012" || o.Region != "eu-west-1" ||
		o.Events < 4 || !strings.Contains(o.Who, "arn:aws:") {
		t.Fatalf("recorded operation %+v", o)
	}

	clock.Advance(2 * time.Hour)
	rep, err := svc.Cost(ctx, "shop", CostOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Refresh.Problem != "" || rep.Estimate.Instances[0].Hourly.Source != "AWS Price List API" {
		t.Fatalf("prices not refreshed from the sandbox's Price List: %+v / %+v", rep.Refresh, rep.Estimate.Instances[0].Hourly)
	}
	hourly := 0.107 + 0.0114 // eu-west-1 prices, not us-east-1 (0.096 + 0.0104)
	storage := (100*0.088 + 8*0.088) / 730
	if d := rep.Estimate.HourlyNow.USD - (hourly + storage); d > 1e-6 || d < -1e-6 || !rep.Estimate.HourlyNow.Complete() {
		t.Fatalf("hourly now = %v, want %.6f", rep.Estimate.HourlyNow, hourly+storage)
	}
	if rep.Estimate.RunSoFar.USD < 2*hourly || rep.Estimate.RunSoFar.USD > 2.1*hourly {
		t.Fatalf("run so far = %v, want about 2 h x %.4f", rep.Estimate.RunSoFar, hourly)
	}
	if d := rep.Estimate.StoppedMonthly.USD - 108*0.088; d > 1e-6 || d < -1e-6 {
		t.Fatalf("stopped monthly = %v, want 108 GiB of gp3 at 0.088", rep.Estimate.StoppedMonthly)
	}
	u, err := store.Report(ctx, history.ReportQuery{From: start, To: start.AddDate(0, 0, 1), Now: clock.Now()}, bookFor(t))
	if err != nil || len(u.Rows) != 2 || u.Total.Hours < 3.9 || u.Total.Hours > 4.3 {
		t.Fatalf("report after a 2-hour run of 2 instances: %+v, %v", u, err)
	}

	// A program that crashed mid-run left its operation "running"; the next
	// run to hold the environment closes it as interrupted.
	crashed, err := store.Begin(ctx, history.Operation{Env: "shop", Action: "start", Who: "bob", Client: "window", Started: clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	crashed.Emit(op.Event{Time: clock.Now(), Env: "shop", Action: op.Start, Type: op.EventRunStarted})
	testwait.Until(t, 5*time.Second, "the crashed run's first event is on disk", func() bool { evs, _ := store.Events(ctx, crashed.ID()); return len(evs) == 1 })

	// Stopped again, the next start plan expects each stage to take what it
	// took in the recorded start, not the generic EC2 estimates.
	f.run(t, op.Stop)
	if o, err := store.Operation(ctx, crashed.ID()); err != nil || o.Result != history.ResultInterrupted {
		t.Errorf("the crashed operation reads %+v, %v; want interrupted", o, err)
	}
	prep, err := svc.Plan(ctx, "shop", op.Start)
	if err != nil {
		t.Fatal(err)
	}
	took, _ := store.StageDurations(ctx, "shop", string(op.Start))
	for _, st := range prep.Plan.Stages {
		if st.ExpectedFrom != orchestrate.ExpectedFromLastRun || st.Expected.D() != took[st.Name] || took[st.Name] <= 0 {
			t.Errorf("stage %s expected %s from %q; the recorded start took %s", st.Name, st.Expected, st.ExpectedFrom, took[st.Name])
		}
	}
}
