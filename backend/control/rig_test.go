package control

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cloud/cloudtest"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
	"cloudcontrol/backend/paths"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fakeSession is a connection to one account over a cloudtest.Fleet.
type fakeSession struct {
	fleet            cloud.Fleet
	profile, region  string
	account, userARN string
}

func (f *fakeSession) Fleet() cloud.Fleet { return f.fleet }
func (f *fakeSession) Identity(context.Context) (cloud.Identity, error) {
	return cloud.Identity{Account: f.account, ARN: f.userARN}, nil
}
func (f *fakeSession) Region() string  { return f.region }
func (f *fakeSession) Profile() string { return f.profile }

// rig is a Service over a fake fleet on a fake clock, with a real usage
// history and environment files in a temporary folder.
type rig struct {
	t     *testing.T
	clock *clockwork.FakeClock
	fleet *cloudtest.Fleet
	svc   *Service
	hist  *history.Store
	paths paths.Dirs
	envs  string

	// alsoAdvance, when set, is moved with the clock by drive: a
	// sandbox's own clock, kept in step with the service's.
	alsoAdvance func(time.Duration)
	// settle lets drive move time only while a run waits on the clock.
	settle *orchestrate.Settle

	mu       sync.Mutex
	connects []string // "profile/region" of every Connect
}

// hold takes env's lock as another client would, until the test ends or
// releases it sooner (Release is safe to call twice).
func (r *rig) hold(env string, h lock.Holder) *lock.Lock {
	r.t.Helper()
	l, err := lock.Acquire(r.paths.Locks(), env, h)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() {
		if err := l.Release(); err != nil {
			r.t.Error(err)
		}
	})
	return l
}

// account is the fake credentials' account.
const account = "123456789012"

func newRig(t *testing.T, files map[string]string, opts func(*Options)) *rig {
	t.Helper()
	dir := t.TempDir()
	r := &rig{t: t, clock: clockwork.NewFakeClockAt(t0), paths: paths.Under(dir), envs: filepath.Join(dir, "envs")}
	r.fleet = cloudtest.NewFleet(r.clock)
	if err := os.MkdirAll(r.envs, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(r.envs, name+".yaml"), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	store, err := history.Open(context.Background(), filepath.Join(dir, "data", history.FileName), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	r.hist = store
	r.settle = &orchestrate.Settle{}
	o := Options{Dirs: []string{r.envs}, Paths: r.paths, Clock: r.clock, Tick: time.Second, Client: "cli", History: store, settle: r.settle,
		Connect: func(_ context.Context, profile, region string) (Session, error) {
			r.mu.Lock()
			r.connects = append(r.connects, profile+"/"+region)
			r.mu.Unlock()
			if profile == "" {
				profile = "default"
			}
			if region == "" {
				region = "eu-west-1"
			}
			return &fakeSession{fleet: r.fleet, profile: profile, region: region, account: account,
				userARN: "arn:aws:iam::" + account + ":user/tester"}, nil
		}}
	if opts != nil {
		opts(&o)
	}
	r.svc = New(o)
	return r
}

func (r *rig) connected() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string{}, r.connects...)
}

// drive runs f while moving the fake clock a second each time something
// waits on it, until f returns (failing the test after 10s of real time).
func (r *rig) drive(f func() error) error {
	r.t.Helper()
	var err error
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer cancel()
		err = f()
	}()
	also := []func(time.Duration){}
	if r.alsoAdvance != nil {
		also = append(also, r.alsoAdvance)
	}
	for r.clock.BlockUntilContext(ctx, 1) == nil {
		r.settle.Advance(ctx, r.clock, time.Second, also...)
	}
	select {
	case <-done:
		return err
	case <-time.After(time.Second):
		r.t.Fatal("the operation neither finished nor waited on the clock within 10s")
		return nil
	}
}

// env is the named environment as the rig's folder has it.
func (r *rig) env(name string) *env.Environment {
	r.t.Helper()
	e, err := r.svc.Environment(name)
	if err != nil {
		r.t.Fatal(err)
	}
	return e
}

// advance moves the clock, and the one kept in step with it, by d.
func (r *rig) advance(d time.Duration) {
	r.clock.Advance(d)
	if r.alsoAdvance != nil {
		r.alsoAdvance(d)
	}
}

// operations are the history's operations of env, newest first.
func (r *rig) operations(env string) []history.OperationRow {
	r.t.Helper()
	ops, err := r.hist.Operations(context.Background(), env, t0.Add(-time.Hour), t0.Add(24*time.Hour))
	if err != nil {
		r.t.Fatal(err)
	}
	return ops
}

// events collects what a sink heard.
type events struct {
	mu   sync.Mutex
	list []op.Event
}

func (e *events) Emit(ev op.Event) {
	e.mu.Lock()
	e.list = append(e.list, ev)
	e.mu.Unlock()
}

func (e *events) all() []op.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]op.Event{}, e.list...)
}

func (e *events) types() []op.EventType {
	var out []op.EventType
	for _, ev := range e.all() {
		out = append(out, ev.Type)
	}
	return out
}

// shop: data (db) then app (app-1, app-2), in eu-west-1 unless pinned otherwise.
const shop = `name: shop
region: eu-west-1
stages:
  - name: data
    instances: [{name: db}]
  - name: app
    instances: [{name: app-1}, {name: app-2}]
`

func (r *rig) addShop() {
	r.fleet.Add("i-db", "db", cloud.Stopped, nil)
	r.fleet.Add("i-app1", "app-1", cloud.Stopped, nil)
	r.fleet.Add("i-app2", "app-2", cloud.Stopped, nil)
}
