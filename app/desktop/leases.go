package desktop

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/control"
)

// The lease keeper watches the leases the dashboard shows (read from the
// instances' tags with every refresh, whoever set them): it warns 15 and
// 5 minutes before a lease ends, with "Extend 1 hour", and at the end
// stops what the lease covers, with the normal stop operation, unless
// AWS keeps the lease (its schedule runs the deployed stop runbook). It
// runs only while the app does: that is what "kept by the app" means.
//
// A lease on some instances only (a launched instance's ttl, or env lease
// --instance) is kept here even when the stop runbook is deployed (AWS
// runs that for the whole environment): its warnings name the instances,
// "Extend 1 hour" extends theirs alone, and at the end they, and nothing
// else, are stopped. Stopped, not terminated: a lease says until when an
// instance is needed, and a stopped one can be started again, or
// terminated by choice (it stays in Launches).

// Lease warnings, before the end.
const (
	leaseWarnFirst = 15 * time.Minute
	leaseWarnLast  = 5 * time.Minute
	// leaseExtendBy is what "Extend 1 hour" adds.
	leaseExtendBy = time.Hour
)

// keeperActions is what the keeper does (the shell; tests give a fake).
type keeperActions interface {
	// leaseHeld asks AWS whether it keeps the lease ending at until.
	leaseHeld(ctx context.Context, env string, until time.Time) (bool, error)
	// stopEnv stops the whole environment (a run, client "lease").
	stopEnv(env string) error
	// stopInstances stops some of its instances (a launch's ttl).
	stopInstances(ctx context.Context, env string, ids []string) error
	// extendLease extends the lease by d: of the given instances only,
	// or with none of every running instance (the environment's lease).
	extendLease(ctx context.Context, env string, ids []string, d time.Duration) (*control.LeaseResult, error)
}

// leaseKeeper is one app's keeper of every lease it sees.
type leaseKeeper struct {
	clock clockwork.Clock
	act   keeperActions
	plat  Platform
	log   *slog.Logger
	kick  chan struct{}

	mu     sync.Mutex
	leases map[string]*keptLease
	covers map[string]leaseCover // what each lease covers, as last seen
	views  map[string]EnvView
	minute []func()
}

// keptLease is one environment's lease as the keeper follows it.
type keptLease struct {
	until  time.Time
	by     string
	held   *bool // AWS keeps it: asked once per lease end
	warned time.Duration
	ended  bool
}

func newLeaseKeeper(clock clockwork.Clock, act keeperActions, plat Platform, log *slog.Logger) *leaseKeeper {
	k := &leaseKeeper{clock: clock, act: act, plat: plat, log: log, kick: make(chan struct{}, 1),
		leases: map[string]*keptLease{}, covers: map[string]leaseCover{}, views: map[string]EnvView{}}
	if n, ok := plat.(actionNotifier); ok {
		n.OnNotificationAction(func(env, action string) {
			if action == notifyExtend {
				go k.extend(context.Background(), env)
			}
		})
	}
	return k
}

// onMinute is called every minute while a lease is counted down (the
// tray's countdown).
func (k *leaseKeeper) onMinute(f func()) {
	k.mu.Lock()
	k.minute = append(k.minute, f)
	k.mu.Unlock()
}

// leaseCover is a lease end and the running instances it covers.
type leaseCover struct {
	until time.Time
	by    string
	// ids and names are the instances whose lease ends then; partial
	// when other instances of the environment run too.
	ids, names []string
	partial    bool
}

// leaseOf is the environment's lease as the keeper acts on it: the
// earliest end among its running instances, unless that instance was
// started after it (a lease left behind by a stop made elsewhere).
func leaseOf(v EnvView) (c leaseCover, ok bool) {
	var up []cloud.Instance
	for _, st := range v.Stages {
		for _, in := range st.Instances {
			if !live(in) {
				continue
			}
			up = append(up, in)
			if in.LeaseUntil == nil || in.StartedAt != nil && in.StartedAt.After(*in.LeaseUntil) {
				continue
			}
			if !ok || in.LeaseUntil.Before(c.until) {
				c.until, c.by, ok = *in.LeaseUntil, in.LeaseBy, true
			}
		}
	}
	for _, in := range up {
		if ok && in.LeaseUntil != nil && in.LeaseUntil.Equal(c.until) {
			c.ids, c.names = append(c.ids, in.ID), append(c.names, cmp.Or(in.Name, in.ID))
		}
	}
	c.partial = len(c.ids) < len(up)
	return c, ok
}

func live(in cloud.Instance) bool { return in.State == cloud.Running || in.State == cloud.Pending }

// update follows the dashboard: a new lease end starts afresh, a lease
// gone is forgotten.
func (k *leaseKeeper) update(views []EnvView) {
	k.mu.Lock()
	seen := map[string]bool{}
	for _, v := range views {
		if !v.Live { // a state cached from an earlier run is never acted on
			continue
		}
		k.views[v.Name] = v
		c, ok := leaseOf(v)
		if !ok {
			continue
		}
		seen[v.Name] = true
		k.covers[v.Name] = c
		if kp := k.leases[v.Name]; kp == nil || !kp.until.Equal(c.until) {
			k.leases[v.Name] = &keptLease{until: c.until, by: c.by}
		}
	}
	for name := range k.leases {
		if !seen[name] {
			delete(k.leases, name)
			delete(k.covers, name)
		}
	}
	k.mu.Unlock()
	select {
	case k.kick <- struct{}{}:
	default:
	}
}

// run checks the leases whenever one needs it, until ctx ends.
func (k *leaseKeeper) run(ctx context.Context) {
	for {
		next := k.check(ctx)
		var wait <-chan time.Time
		var timer clockwork.Timer
		if !next.IsZero() {
			timer = k.clock.NewTimer(next.Sub(k.clock.Now()))
			wait = timer.Chan()
		}
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return
		case <-k.kick:
		case <-wait:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// check acts on what is due and returns when it is next needed (zero:
// no lease to follow).
func (k *leaseKeeper) check(ctx context.Context) time.Time {
	now := k.clock.Now()
	k.mu.Lock()
	names := make([]string, 0, len(k.leases))
	for n := range k.leases {
		names = append(names, n)
	}
	minute := slices.Clone(k.minute)
	k.mu.Unlock()
	slices.Sort(names)
	var next time.Time
	soonest := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, name := range names {
		k.mu.Lock()
		kp := k.leases[name]
		k.mu.Unlock()
		if kp == nil {
			continue
		}
		if kp.held == nil {
			held, err := k.act.leaseHeld(ctx, name, kp.until)
			if err != nil {
				k.log.Warn("asking AWS whether it keeps a lease; the app keeps it", "env", name, "err", err)
			}
			kp.held = &held
		}
		left := kp.until.Sub(now)
		// One warning at a time: the tightest one due (a lease set with
		// 3 minutes left is warned of once, not twice).
		for _, warn := range []time.Duration{leaseWarnLast, leaseWarnFirst} {
			soonest(kp.until.Add(-warn))
			if left > 0 && left <= warn {
				if kp.warned == 0 || kp.warned > warn {
					kp.warned = warn
					k.warn(name, kp, left)
				}
				break
			}
		}
		if left <= 0 && !kp.ended {
			kp.ended = true
			k.expire(ctx, name, kp)
		}
		soonest(kp.until)
		if !kp.ended {
			soonest(now.Truncate(time.Minute).Add(time.Minute))
		}
	}
	if len(names) > 0 {
		for _, f := range minute {
			f()
		}
	}
	return next
}

// warn says the lease is ending, offering to extend it.
func (k *leaseKeeper) warn(name string, kp *keptLease, left time.Duration) {
	c := k.cover(name)
	what := "its lease"
	if c.partial {
		what = "the lease of " + strings.Join(c.names, ", ")
	}
	title := fmt.Sprintf("%s: %s ends in %s", name, what, control.Span(left.Round(time.Minute)))
	body := fmt.Sprintf("Leased by %s until %s. ", control.ShortName(kp.by), kp.until.In(time.Local).Format("15:04"))
	switch {
	case *kp.held:
		body += "AWS stops it then with its deployed stop runbook."
	case c.partial:
		body += fmt.Sprintf("This app stops %s then, and nothing else of %s (the lease is only kept while the app is open).", strings.Join(c.names, ", "), name)
	default:
		body += "This app stops it then (the lease is only kept while the app is open)."
	}
	if n, ok := k.plat.(actionNotifier); ok {
		n.NotifyAction(name, title, body, notifyExtend, "Extend 1 hour")
		return
	}
	k.plat.Notify(title, body+" Extend it by an hour from the tray.")
}

// expire stops what the lease covered: the environment, or only the
// instances of it the lease was on.
func (k *leaseKeeper) expire(ctx context.Context, name string, kp *keptLease) {
	if *kp.held {
		k.plat.Notify(name+": its lease has ended", "AWS stops it now with its deployed stop runbook.")
		return
	}
	k.mu.Lock()
	v := k.views[name]
	k.mu.Unlock()
	var up, due, dueNames []string
	for _, st := range v.Stages {
		for _, in := range st.Instances {
			if !live(in) {
				continue
			}
			up = append(up, in.ID)
			if in.LeaseUntil != nil && !in.LeaseUntil.After(k.clock.Now()) {
				due, dueNames = append(due, in.ID), append(dueNames, cmp.Or(in.Name, in.ID))
			}
		}
	}
	var err error
	what := "stopping it"
	if len(due) < len(up) {
		what = "stopping " + strings.Join(dueNames, ", ") + ", whose lease it was, and nothing else"
		err = k.act.stopInstances(ctx, name, due)
	} else {
		err = k.act.stopEnv(name)
	}
	if err != nil {
		k.log.Warn("stopping at the end of a lease", "env", name, "err", err)
		k.plat.Notify(name+": its lease has ended, but it was not stopped", err.Error())
		return
	}
	k.log.Info("lease ended", "env", name, "until", kp.until)
	k.plat.Notify(name+": its lease has ended", "Cloud Control is "+what+".")
}

// cover is what the environment's lease covers, as last seen.
func (k *leaseKeeper) cover(name string) leaseCover {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.covers[name]
}

// extend is "Extend 1 hour" (from a notification or the tray): of the
// instances the lease ending next covers, when those are not all that run.
func (k *leaseKeeper) extend(ctx context.Context, name string) {
	var ids []string
	if c := k.cover(name); c.partial {
		ids = c.ids
	}
	res, err := k.act.extendLease(ctx, name, ids, leaseExtendBy)
	if err != nil {
		k.plat.Notify(name+": the lease was not extended", err.Error())
		return
	}
	k.plat.Notify(name+": lease extended", res.Message)
}
