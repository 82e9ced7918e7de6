package desktop

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/op"
	"cloudcontrol/internal/testwait"
)

var leaseT0 = time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)

// fakeKeeperActions records what the keeper does.
type fakeKeeperActions struct {
	mu       sync.Mutex
	held     bool
	asked    int
	stopped  []string
	stoppedI [][]string
	extended []string
}

func (f *fakeKeeperActions) leaseHeld(context.Context, string, time.Time) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked++
	return f.held, nil
}
func (f *fakeKeeperActions) stopEnv(env string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped = append(f.stopped, env)
	return nil
}
func (f *fakeKeeperActions) stopInstances(_ context.Context, env string, ids []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stoppedI = append(f.stoppedI, ids)
	return nil
}
func (f *fakeKeeperActions) extendLease(_ context.Context, env string, ids []string, d time.Duration) (*control.LeaseResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.extended = append(f.extended, strings.TrimSpace(env+" "+d.String()+" "+strings.Join(ids, ",")))
	return &control.LeaseResult{Message: "extended the lease of " + env}, nil
}

// buttonPlatform is a platform whose notifications carry a button.
type buttonPlatform struct {
	*fakePlatform
	mu      sync.Mutex
	buttons []string
	click   func(env, action string)
}

func (p *buttonPlatform) NotifyAction(env, title, body, actionID, actionTitle string) {
	p.mu.Lock()
	p.buttons = append(p.buttons, title+" ["+actionTitle+"]: "+body)
	p.mu.Unlock()
}
func (p *buttonPlatform) OnNotificationAction(f func(env, action string)) { p.click = f }

// leasedView is an environment whose running instances are leased until
// until by bob (the first n of them; all when n is 0).
func leasedView(name string, until time.Time, n int, ids ...string) EnvView {
	v := EnvView{Name: name, State: op.StateRunning, InstanceState: op.StateRunning, Usable: true, Live: true}
	st := StageView{Name: "s"}
	for i, id := range ids {
		in := cloud.Instance{ID: id, State: cloud.Running}
		if n == 0 || i < n {
			u := until
			in.LeaseUntil, in.LeaseBy = &u, "arn:aws:iam::1:user/bob"
		}
		st.Instances = append(st.Instances, in)
	}
	v.Stages = []StageView{st}
	v.Who = control.WhoOf(st.Instances)
	return v
}

func newTestKeeper(plat Platform) (*leaseKeeper, *fakeKeeperActions, *clockwork.FakeClock) {
	clock := clockwork.NewFakeClockAt(leaseT0)
	act := &fakeKeeperActions{}
	return newLeaseKeeper(clock, act, plat, slog.New(slog.NewTextHandler(io.Discard, nil))), act, clock
}

// Warned at 15 and 5 minutes, with the button; at the end the app stops
// the environment (AWS does not keep the lease), once.
func TestLeaseKeeperWarnsThenStops(t *testing.T) {
	plat := &buttonPlatform{fakePlatform: newFakePlatform()}
	k, act, clock := newTestKeeper(plat)
	ctx := context.Background()
	k.update([]EnvView{leasedView("shop", leaseT0.Add(20*time.Minute), 0, "i-1", "i-2")})
	if next := k.check(ctx); !next.Equal(leaseT0.Add(time.Minute)) {
		t.Errorf("next check %s, want the next minute (the countdown)", next)
	}
	if len(plat.buttons) != 0 || act.asked != 1 {
		t.Fatalf("warned too soon %v, asked AWS %d times", plat.buttons, act.asked)
	}
	clock.Advance(5 * time.Minute)
	k.check(ctx)
	clock.Advance(time.Minute)
	k.check(ctx)
	if len(plat.buttons) != 1 || !strings.Contains(plat.buttons[0], "shop: its lease ends in 15 min [Extend 1 hour]: Leased by bob until") ||
		!strings.Contains(plat.buttons[0], "the lease is only kept while the app is open") {
		t.Fatalf("warnings %q", plat.buttons)
	}
	clock.Advance(9 * time.Minute)
	k.check(ctx)
	if len(plat.buttons) != 2 || !strings.Contains(plat.buttons[1], "ends in 5 min") {
		t.Fatalf("warnings %q", plat.buttons)
	}
	plat.click("shop", notifyExtend)
	testwait.Until(t, 5*time.Second, "the button extends the lease", func() bool {
		act.mu.Lock()
		defer act.mu.Unlock()
		return slices.Equal(act.extended, []string{"shop 1h0m0s"})
	})
	clock.Advance(5 * time.Minute)
	k.check(ctx)
	k.check(ctx)
	if !slices.Equal(act.stopped, []string{"shop"}) || act.asked != 1 {
		t.Errorf("stopped %v, asked AWS %d times", act.stopped, act.asked)
	}
	if notes := plat.notes; len(notes) != 2 || !strings.Contains(notes[1], "shop: its lease has ended: Cloud Control is stopping it.") {
		t.Errorf("notes %q", notes)
	}
}

// Kept by AWS: warned, but the app leaves the stop to the runbook.
func TestLeaseKeeperLeavesAnAWSLeaseToAWS(t *testing.T) {
	plat := newFakePlatform()
	k, act, clock := newTestKeeper(plat)
	act.held = true
	k.update([]EnvView{leasedView("shop", leaseT0.Add(10*time.Minute), 0, "i-1")})
	k.check(context.Background())
	clock.Advance(10 * time.Minute)
	k.check(context.Background())
	if len(act.stopped)+len(act.stoppedI) != 0 {
		t.Errorf("the app stopped a lease AWS keeps: %v %v", act.stopped, act.stoppedI)
	}
	if len(plat.notes) != 2 || !strings.Contains(plat.notes[0], "AWS stops it then with its deployed stop runbook. Extend it by an hour from the tray.") ||
		!strings.Contains(plat.notes[1], "AWS stops it now") {
		t.Errorf("notes %q", plat.notes)
	}
}

// A launch's ttl leases one instance: only that one is stopped. A lease
// left on an instance started after it, or read from the cache, is not acted on.
func TestLeaseKeeperStopsOnlyWhatTheLeaseCovers(t *testing.T) {
	k, act, clock := newTestKeeper(newFakePlatform())
	part := leasedView("shop", leaseT0.Add(time.Minute), 1, "i-new", "i-db")
	stale := leasedView("old", leaseT0.Add(-time.Hour), 0, "i-o")
	later := leaseT0.Add(-time.Minute)
	stale.Stages[0].Instances[0].StartedAt = &later
	cached := leasedView("cached", leaseT0.Add(-time.Hour), 0, "i-c")
	cached.Live = false
	k.update([]EnvView{part, stale, cached})
	clock.Advance(time.Minute)
	k.check(context.Background())
	if len(act.stopped) != 0 || len(act.stoppedI) != 1 || !slices.Equal(act.stoppedI[0], []string{"i-new"}) {
		t.Errorf("stopped %v and instances %v", act.stopped, act.stoppedI)
	}
}

// A launched instance's ttl, with the rest of the environment running
// unleased: the warning names the instance, "Extend 1 hour" extends its
// lease alone, and at the end only it is stopped (not terminated, not
// the environment).
func TestLeaseKeeperKeepsALaunchedInstancesTTL(t *testing.T) {
	plat := &buttonPlatform{fakePlatform: newFakePlatform()}
	k, act, clock := newTestKeeper(plat)
	ctx := context.Background()
	v := leasedView("shop", leaseT0.Add(10*time.Minute), 1, "i-new", "i-db")
	v.Stages[0].Instances[0].Name, v.Stages[0].Instances[1].Name = "api-node-1", "shop-db"
	k.update([]EnvView{v})
	k.check(ctx)
	if len(plat.buttons) != 1 || !strings.Contains(plat.buttons[0], "shop: the lease of api-node-1 ends in 10 min [Extend 1 hour]") ||
		!strings.Contains(plat.buttons[0], "This app stops api-node-1 then, and nothing else of shop") {
		t.Fatalf("warnings %q", plat.buttons)
	}
	plat.click("shop", notifyExtend)
	testwait.Until(t, 5*time.Second, "the button extends the instance's lease", func() bool {
		plat.fakePlatform.mu.Lock()
		defer plat.fakePlatform.mu.Unlock()
		return len(plat.notes) == 1
	})
	if !slices.Equal(act.extended, []string{"shop 1h0m0s i-new"}) {
		t.Errorf("extended %q: the instance's lease alone", act.extended)
	}
	clock.Advance(10 * time.Minute)
	k.check(ctx)
	if len(act.stopped) != 0 || len(act.stoppedI) != 1 || !slices.Equal(act.stoppedI[0], []string{"i-new"}) {
		t.Errorf("stopped %v and instances %v", act.stopped, act.stoppedI)
	}
	if n := len(plat.notes); n != 2 || !strings.Contains(plat.notes[1], "shop: its lease has ended: Cloud Control is stopping api-node-1, whose lease it was, and nothing else.") {
		t.Errorf("notes %q", plat.notes)
	}
}

// run wakes at each warning on its own clock.
func TestLeaseKeeperRunsOnItsClock(t *testing.T) {
	plat := newFakePlatform()
	k, act, clock := newTestKeeper(plat)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { k.run(ctx); close(done) }()
	k.update([]EnvView{leasedView("shop", leaseT0.Add(3*time.Minute), 0, "i-1")})
	for i := 0; i < 3; i++ { // the 2- and 1-minute countdown, then the end
		if err := clock.BlockUntilContext(ctx, 1); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
	}
	testwait.Until(t, 5*time.Second, "the keeper stops the environment at the end", func() bool {
		act.mu.Lock()
		defer act.mu.Unlock()
		return len(act.stopped) == 1
	})
	cancel()
	<-done
	if n := len(plat.notes); n != 2 { // the 5-minute warning (it was already under 15), then the end
		t.Errorf("notes %q", plat.notes)
	}
}

// The tray counts the lease down and, in its last 15 minutes, the label
// extends it.
func TestTrayShowsWhoAndTheLease(t *testing.T) {
	act := &fakeActions{}
	m := newTrayMenu(act)
	now := leaseT0
	m.now = func() time.Time { return now }
	v := leasedView("shop", leaseT0.Add(72*time.Minute), 0, "i-1")
	started := leaseT0.Add(-2 * time.Hour)
	v.Who.StartedBy, v.Who.StartedByName, v.Who.StartedAt = "arn:aws:iam::1:user/alice", "alice", &started
	items := m.update([]EnvView{v})
	if got := items[trayFirstSlot-1].Title; got != "shop — running — alice 2 h ago — lease 1 h 12 min" {
		t.Errorf("label %q", got)
	}
	if err := m.click(trayFirstSlot); err != nil || act.shown != 1 || len(act.extended) != 0 {
		t.Errorf("a click well before the end: shown %d, extended %v", act.shown, act.extended)
	}
	now = leaseT0.Add(60 * time.Minute)
	items = m.update([]EnvView{v})
	if got := items[trayFirstSlot-1].Title; got != "shop — running — alice 3 h ago — lease ends in 12 min: click to extend 1 hour" {
		t.Errorf("label %q", got)
	}
	if err := m.click(trayFirstSlot); err != nil || !slices.Equal(act.extended, []string{"shop"}) {
		t.Errorf("extended %v", act.extended)
	}
}
