package desktop

import (
	"context"
	"fmt"
	"sync"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

// runs are this app's starts and stops, one per environment at a time
// (the lock makes it one across every process too).
type runs struct {
	s      *shell
	mu     sync.Mutex
	active map[string]context.CancelFunc
	logs   map[string][]op.Event // current or last run's events
	wg     sync.WaitGroup
}

func newRuns(s *shell) *runs {
	return &runs{s: s, active: map[string]context.CancelFunc{}, logs: map[string][]op.Event{}}
}

func (r *runs) anyActive() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.active) > 0
}

// isActive reports whether this app runs a start or stop of name now.
func (r *runs) isActive(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.active[name] != nil
}

// log is every event of the environment's latest run: this app's (after
// the failed or cancelled runs it resumed), or another process's as the
// usage history has it.
func (r *runs) log(name string) []op.Event {
	if other := r.s.otherLog(name); other != nil {
		return other
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]op.Event{}, r.logs[name]...)
}

func (r *runs) cancel(name string) error {
	r.mu.Lock()
	stop := r.active[name]
	r.mu.Unlock()
	if stop == nil {
		return fmt.Errorf("%s has no start or stop running in this app to cancel", name)
	}
	stop()
	return nil
}

// wait blocks until every run has ended (on quit, and in tests).
func (r *runs) wait() { r.wg.Wait() }

// begin runs action on name in the background for client ("window",
// "tray") and returns once the run began or could not. The definition is
// taken now: a file edited meanwhile does not change a run in progress.
func (r *runs) begin(name string, action op.Action, client string) error {
	return r.beginRun(name, action, client, func(ctx context.Context, c core, e *env.Environment, sink op.Sink) error {
		_, err := c.RunEnv(ctx, e, action, sink)
		return err
	})
}

// beginRun is begin with the run's own call (a start with a lease: inaws.go)
// on the definition the board holds.
func (r *runs) beginRun(name string, action op.Action, client string, run func(context.Context, core, *env.Environment, op.Sink) error) error {
	e, err := r.s.board.definition(name)
	if err != nil {
		return err
	}
	return r.run(e, action, func(ctx context.Context, sink op.Sink) error {
		return run(ctx, r.s.cores(client), e, sink)
	})
}

// run runs one operation of e in the background (a start or stop, or a
// launch, terminate or clean-up: launches.go) and returns once it began
// or could not, its events folded and pushed by a tracker.
func (r *runs) run(e *env.Environment, action op.Action, do func(ctx context.Context, sink op.Sink) error) error {
	name := e.Name
	ctx, cancel := context.WithCancel(r.s.context())
	r.mu.Lock()
	if r.active[name] != nil {
		r.mu.Unlock()
		cancel()
		return fmt.Errorf("%s is busy: this app is already running an operation on it", name)
	}
	r.active[name] = cancel
	r.mu.Unlock()

	began := make(chan error, 1)
	t := &tracker{r: r, env: e.Name, began: began, fold: op.NewTracker(op.Outline{Env: e.Name, Action: action})}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer cancel()
		err := do(ctx, t)
		r.mu.Lock()
		delete(r.active, name)
		r.mu.Unlock()
		if !t.started {
			began <- err // refused (busy, pinned elsewhere) or could not plan
			return
		}
		t.finish()
	}()
	return <-began
}

// tracker folds one run's events into its progress (op.Tracker) and
// pushes both to the window, from the run's goroutine. It is the run's
// op.Sink and op.Outliner.
type tracker struct {
	r       *runs
	env     string
	began   chan error
	started bool
	fold    *op.Tracker
}

func (t *tracker) Outline(o op.Outline) { t.fold.Outline(o) }

func (t *tracker) Emit(ev op.Event) {
	s := t.r.s
	t.fold.Apply(ev)
	if ev.Type == op.EventRunRefused {
		// The run never began: its progress says why, and nothing else
		// changes (begin returns the error).
		p := t.fold.Progress()
		s.board.setRun(p)
		s.plat.Emit(EventProgress, p)
		return
	}
	if !t.started {
		t.started = true
		t.r.mu.Lock()
		// A resume follows the run it resumes: a failed or cancelled run's
		// log is kept before the new one's; a finished one starts afresh.
		if !control.NeedsAttention(t.r.s.board.latest(t.env)) {
			t.r.logs[t.env] = nil
		}
		t.r.mu.Unlock()
		t.began <- nil
	}
	t.r.mu.Lock()
	t.r.logs[t.env] = append(t.r.logs[t.env], ev)
	t.r.mu.Unlock()
	s.plat.Emit(EventRun, ev)
	if ev.Type == op.EventInstanceState {
		s.board.instanceState(ev.Env, ev.Instance, ev.State)
	}
	p := t.fold.Progress()
	s.board.setRun(p)
	s.plat.Emit(EventProgress, p)
}

// finish reports the outcome, as an event and a desktop notification.
func (t *tracker) finish() {
	s := t.r.s
	p := t.fold.Progress()
	// The lock is released by now: the dashboard says so at once.
	s.board.setBusy(s.reads().Holder)
	s.board.publish()
	s.plat.Emit(EventFinished, p)
	if wanted(s.settings.notifications(), p.Outcome) {
		title, body := notice(p)
		s.plat.Notify(title, body)
	}
	s.log.Info("run finished", "env", p.Env, "action", p.Action, "outcome", p.Outcome, "elapsed", p.Elapsed)
	s.refresher.poke()
}

// wanted says whether a run that ended so is told in a notification.
func wanted(n Notifications, o op.Outcome) bool {
	switch n {
	case NotifyOff:
		return false
	case NotifyProblems:
		return o != op.OutcomeDone
	}
	return true
}

// notice words a finished run for a desktop notification.
func notice(p op.Progress) (title, body string) {
	if title, body, ok := launchNotice(p); ok { // launches.go
		return title, body
	}
	took := fmt.Sprintf("after %.0fs", p.Elapsed)
	switch {
	case p.Outcome == op.OutcomeCancelled:
		return fmt.Sprintf("%s: %s cancelled", p.Env, p.Action), took
	case p.Outcome != op.OutcomeDone:
		return fmt.Sprintf("%s failed to %s", p.Env, p.Action), p.Message
	case p.Action == op.Start:
		return p.Env + " is ready", "started " + took
	}
	return p.Env + " has stopped", "stopped " + took
}
