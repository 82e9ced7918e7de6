package control

import (
	"context"
	"errors"
	"os/user"
	"strings"
	"sync"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/orchestrate"
)

// Recorder keeps the usage history (history.Store, history.Lazy). A nil
// Options.History records nothing.
type Recorder interface {
	Begin(ctx context.Context, op history.Operation) (*history.Op, error)
	Observe(ctx context.Context, env string, insts []cloud.Instance, at time.Time) error
	// StageDurations is how long each stage took when it last did the work.
	StageDurations(ctx context.Context, env, action string) (map[string]time.Duration, error)
}

// measured feeds a plan last time's stage durations; without a history (or
// when it cannot be read) the plan falls back to its generic estimates.
func (s *Service) measured(ctx context.Context, env, action string) map[string]time.Duration {
	if s.opts.History == nil {
		return nil
	}
	d, err := s.opts.History.StageDurations(ctx, env, action)
	if err != nil {
		s.opts.Logger.Warn("reading past stage durations for the plan", "env", env, "err", err)
		return nil
	}
	return d
}

// recording is one operation being written to the history. Every method is
// safe on a recording that could not begin: the run goes on, and its
// events say the history missed it.
type recording struct {
	s       *Service
	op      *history.Op
	problem error // why the history could not record it
	who     string
	notes   []string // said after run-started: what else could not be recorded

	env, action string
	sink        orchestrate.Sink
	mu          sync.Mutex
	last        orchestrate.Event // the last event sent, to time a note after it
}

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown user"
}

func (s *Service) beginRecording(ctx context.Context, env, action string) *recording {
	r := &recording{s: s, who: osUser(), env: env, action: action}
	if s.opts.History == nil {
		return r
	}
	r.op, r.problem = s.opts.History.Begin(ctx, history.Operation{
		Env: env, Action: action, Who: r.who, Client: s.opts.Client, Started: s.opts.Clock.Now(),
	})
	return r
}

// tee sends every event to the history as well as to sink; notes follow
// the run-started event: the history failed, or the lock could not record
// its holder (recording.note).
func (r *recording) tee(sink orchestrate.Sink) orchestrate.Sink {
	if r.problem != nil {
		r.note("this run is not in the usage history: " + r.problem.Error())
	}
	r.sink = sink
	return orchestrate.SinkFunc(func(e orchestrate.Event) {
		r.mu.Lock()
		r.last = e
		r.mu.Unlock()
		r.emit(e, sink)
		if e.Type == orchestrate.EventRunStarted {
			for _, msg := range r.notes {
				r.emit(orchestrate.Event{Time: e.Time, Env: e.Env, Action: e.Action, Type: orchestrate.EventNote,
					Message: msg, Elapsed: e.Elapsed}, sink)
			}
		}
	})
}

func (r *recording) emit(e orchestrate.Event, sink orchestrate.Sink) {
	if r.op != nil {
		r.op.Emit(e)
	}
	if sink != nil {
		sink.Emit(e)
	}
}

// note adds something the run could not record, said once it starts.
func (r *recording) note(msg string) {
	if msg != "" {
		r.notes = append(r.notes, msg)
	}
}

func (r *recording) target(ctx context.Context, t Target) {
	if r.op == nil {
		return
	}
	r.op.SetTarget(t.Identity.Account, t.Region)
	if t.Identity.ARN != "" {
		r.logErr(r.op.SetWho(ctx, r.who+" as "+t.Identity.ARN))
	}
}

// holding runs once the lock is held: runs of this environment that a
// crashed program left "running" are closed as interrupted.
func (r *recording) holding(ctx context.Context) {
	if r.op == nil {
		return
	}
	if n, err := r.op.CloseInterrupted(ctx); err != nil {
		r.logErr(err)
	} else if n > 0 {
		r.s.opts.Logger.Info("usage history: closed operations a crashed program left running", "count", n)
	}
}

// end writes the result and the instances' last seen runs.
func (r *recording) end(ctx context.Context, res *orchestrate.Result, err error) {
	if r.op == nil {
		return
	}
	// The run's own context may be cancelled: the record is still written.
	ctx = context.WithoutCancel(ctx)
	result, msg := "done", ""
	switch {
	case err != nil && IsRefusal(err):
		result, msg = "refused", err.Error()
	case err != nil && (errors.Is(err, context.Canceled) || (res != nil && res.Outcome == orchestrate.OutcomeCancelled)):
		result, msg = "cancelled", err.Error()
	case err != nil:
		result, msg = "failed", err.Error()
	case res != nil && res.Outcome != "":
		result = res.Outcome
	}
	now := r.s.opts.Clock.Now()
	var lost []string
	if err := r.op.End(ctx, result, msg, now); err != nil {
		lost = append(lost, "how this run ended: "+err.Error())
	}
	if res != nil && len(res.Instances) > 0 {
		if err := r.s.opts.History.Observe(ctx, res.Env, res.Instances, now); err != nil {
			lost = append(lost, "the instances' running hours: "+err.Error())
		}
	}
	// The run is over, but whoever follows it is still listening: say
	// what the history missed (a full or read-only data folder) after it.
	if len(lost) > 0 && r.sink != nil {
		r.mu.Lock()
		last := r.last
		r.mu.Unlock()
		r.sink.Emit(orchestrate.Event{Time: now, Env: r.env, Action: r.action, Type: orchestrate.EventNote, Elapsed: last.Elapsed,
			Message: "the usage history did not record " + strings.Join(lost, "; nor ")})
	}
	for _, l := range lost {
		r.s.opts.Logger.Warn("usage history", "missed", l)
	}
}

func (r *recording) logErr(err error) {
	if err != nil {
		r.s.opts.Logger.Warn("usage history", "err", err)
	}
}

// observe records the runs the instances' states show; failures are logged.
func (s *Service) observe(ctx context.Context, env string, insts []cloud.Instance) {
	if s.opts.History == nil || len(insts) == 0 {
		return
	}
	if err := s.opts.History.Observe(ctx, env, insts, s.opts.Clock.Now()); err != nil {
		s.opts.Logger.Warn("usage history: instance runs not recorded", "env", env, "err", err)
	}
}

// observeStatus records the runs a status shows.
func (s *Service) observeStatus(ctx context.Context, st *Status) {
	if st == nil || s.opts.History == nil {
		return
	}
	var all []cloud.Instance
	for _, stage := range st.Stages {
		all = append(all, stage.Instances...)
	}
	s.observe(ctx, st.Env, all)
}

// location is the local time zone for overnight and weekend windows.
func (s *Service) location() *time.Location {
	if s.opts.Location != nil {
		return s.opts.Location
	}
	return time.Local
}
