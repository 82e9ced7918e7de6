package desktop

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"cloudcontrol/backend/env"
	"cloudcontrol/backend/orchestrate"
)

// runs are this app's starts and stops, one per environment at a time
// (the lock makes it one across every process too).
type runs struct {
	s      *shell
	mu     sync.Mutex
	active map[string]context.CancelFunc
	logs   map[string][]orchestrate.Event // current or last run's events
	wg     sync.WaitGroup
}

func newRuns(s *shell) *runs {
	return &runs{s: s, active: map[string]context.CancelFunc{}, logs: map[string][]orchestrate.Event{}}
}

func (r *runs) anyActive() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.active) > 0
}

func (r *runs) log(name string) []orchestrate.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]orchestrate.Event{}, r.logs[name]...)
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
func (r *runs) begin(name, action, client string) error {
	e, err := r.s.board.definition(name)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(r.s.context())
	r.mu.Lock()
	if r.active[name] != nil {
		r.mu.Unlock()
		cancel()
		return fmt.Errorf("%s is busy: this app is already running a start or stop of it", name)
	}
	r.active[name] = cancel
	r.mu.Unlock()

	began := make(chan error, 1)
	t := &tracker{r: r, began: began, view: RunView{Env: e.Name, Action: action, Stages: stagesOf(e, action)}}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer cancel()
		res, err := r.s.cores(client).RunEnv(ctx, e, action, orchestrate.SinkFunc(t.emit))
		r.mu.Lock()
		delete(r.active, name)
		r.mu.Unlock()
		if !t.started {
			began <- err // refused (busy, wrong account) or could not plan
			return
		}
		t.finish(res, err, ctx.Err() != nil)
	}()
	return <-began
}

func stagesOf(e *env.Environment, action string) []StageProgress {
	names := e.StartOrder()
	if action == orchestrate.ActionStop {
		names = e.Stop.Order
	}
	out := make([]StageProgress, 0, len(names))
	for _, n := range names {
		out = append(out, StageProgress{Name: n, Status: orchestrate.StageNotStarted})
	}
	return out
}

// tracker turns one run's events into progress, from the run's goroutine.
type tracker struct {
	r       *runs
	began   chan error
	started bool
	view    RunView
}

func (t *tracker) emit(ev orchestrate.Event) {
	s := t.r.s
	if !t.started {
		t.started = true
		t.view.Started = ev.Time
		t.r.mu.Lock()
		t.r.logs[t.view.Env] = nil
		t.r.mu.Unlock()
		t.began <- nil
	}
	t.r.mu.Lock()
	t.r.logs[t.view.Env] = append(t.r.logs[t.view.Env], ev)
	t.r.mu.Unlock()
	s.plat.Emit(EventRun, ev)
	t.view.Elapsed = ev.Elapsed
	status := map[string]string{
		orchestrate.EventStageStarted: orchestrate.StageInProgress, orchestrate.EventStageSkipped: orchestrate.StageSkipped,
		orchestrate.EventStageReady: orchestrate.StageReady, orchestrate.EventStageFailed: orchestrate.StageFailed,
		orchestrate.EventStageCancelled: orchestrate.StageCancelled,
	}[ev.Type]
	switch {
	case ev.Type == orchestrate.EventInstanceState:
		s.board.instanceState(ev.Env, ev.Instance, ev.State)
	case ev.Type == orchestrate.EventRunStarted:
		t.publish(EventProgress)
	case status != "":
		i := slices.IndexFunc(t.view.Stages, func(p StageProgress) bool { return p.Name == ev.Stage })
		if i < 0 {
			t.view.Stages = append(t.view.Stages, StageProgress{Name: ev.Stage})
			i = len(t.view.Stages) - 1
		}
		t.view.Stages[i].Status, t.view.Stages[i].Message = status, ev.Message
		t.publish(EventProgress)
	}
}

func (t *tracker) publish(event string) {
	v := t.view
	v.Stages = slices.Clone(t.view.Stages)
	t.r.s.board.setRun(v)
	t.r.s.plat.Emit(event, v)
}

// finish reports the outcome, as an event and a desktop notification.
func (t *tracker) finish(res *orchestrate.Result, err error, cancelled bool) {
	v := &t.view
	v.Done, v.Outcome = true, orchestrate.OutcomeDone
	if res != nil {
		v.Elapsed = res.Elapsed.D().Seconds()
		if res.Outcome != "" {
			v.Outcome = res.Outcome
		}
	}
	if err != nil {
		v.Error = err.Error()
		v.Outcome = orchestrate.OutcomeFailed
		if cancelled {
			v.Outcome = orchestrate.OutcomeCancelled
		}
	}
	var re *orchestrate.RunError
	if errors.As(err, &re) {
		v.Failure = &RunFailure{Stage: re.Stage, Instance: re.Instance, Name: re.Name, Gate: re.Gate,
			Message: re.Message, LeftRunning: append([]string{}, re.LeftRunning...)}
	}
	t.publish(EventFinished)
	s := t.r.s
	title, body := notice(*v)
	s.plat.Notify(title, body)
	s.log.Info("run finished", "env", v.Env, "action", v.Action, "outcome", v.Outcome, "elapsed", v.Elapsed)
	s.refresher.poke()
}

// notice words a finished run for a desktop notification.
func notice(v RunView) (title, body string) {
	took := fmt.Sprintf("after %.0fs", v.Elapsed)
	switch {
	case v.Outcome == orchestrate.OutcomeCancelled:
		return fmt.Sprintf("%s: %s cancelled", v.Env, v.Action), took
	case v.Outcome != orchestrate.OutcomeDone:
		return fmt.Sprintf("%s failed to %s", v.Env, v.Action), v.Error
	case v.Action == orchestrate.ActionStart:
		return v.Env + " is ready", "started " + took
	}
	return v.Env + " has stopped", "stopped " + took
}
