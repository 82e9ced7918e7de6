package control

import (
	"context"
	"os/user"
	"strings"
	"sync"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
)

// Recorder keeps the usage history (history.Store, history.Lazy). A nil
// Options.History records nothing.
type Recorder interface {
	Begin(ctx context.Context, op history.Operation) (*history.Op, error)
	Observe(ctx context.Context, env string, insts []cloud.Instance, at time.Time) error
	// StageDurations is how long each stage took when it last did the work.
	StageDurations(ctx context.Context, env, action string) (map[string]time.Duration, error)
	// Operations and Events read what was recorded (an operation another
	// process is running, for the status).
	Operations(ctx context.Context, env string, from, to time.Time) ([]history.OperationRow, error)
	Events(ctx context.Context, id int64) ([]op.Event, error)
}

// measured feeds a plan last time's stage durations; without a history (or
// when it cannot be read) the plan falls back to its generic estimates.
func (s *Service) measured(ctx context.Context, env string, action op.Action) map[string]time.Duration {
	if s.opts.History == nil {
		return nil
	}
	d, err := s.opts.History.StageDurations(ctx, env, string(action))
	if err != nil {
		s.opts.Logger.Warn("reading past stage durations for the plan", "env", env, "err", err)
		return nil
	}
	return d
}

// settled are the start stages known ready from before: those the newest
// start or stop that did anything (the operation being recorded now has no
// events yet) got ready, when it is a start; a stop, and no history at
// all, leave none known. A stage whose instances all run but that never
// got ready (its program died in its delay) is then checked and waited for
// again.
func (s *Service) settled(ctx context.Context, env string) map[string]bool {
	out := map[string]bool{}
	if s.opts.History == nil {
		return out
	}
	ops, err := s.opts.History.Operations(ctx, env, time.Unix(0, 0), s.opts.Clock.Now().Add(time.Minute))
	if err != nil {
		s.opts.Logger.Warn("usage history: reading which stages are ready", "env", env, "err", err)
		return out
	}
	for _, o := range ops { // newest first
		if o.Events == 0 || o.Action != string(op.Start) && o.Action != string(op.Stop) {
			continue
		}
		if o.Action == string(op.Stop) {
			return out
		}
		events, err := s.opts.History.Events(ctx, o.ID)
		if err != nil {
			s.opts.Logger.Warn("usage history: reading which stages are ready", "env", env, "err", err)
			return out
		}
		for _, e := range events {
			if e.Type == op.EventStageReady || e.Type == op.EventStageSkipped {
				out[e.Stage] = true
			}
		}
		return out
	}
	return out
}

// recording is one operation being written to the history. Every method is
// safe on a recording that could not begin: the run goes on, and its
// events say the history missed it.
type recording struct {
	s       *Service
	op      *history.Op
	problem error // why the history could not record it
	who     string
	env     string
	action  op.Action
	notes   []string // said after run-started: what else could not be recorded

	sink op.Sink
	mu   sync.Mutex
	last op.Event // the last event sent, to time a note after it
}

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown user"
}

func (s *Service) beginRecording(ctx context.Context, env string, action op.Action) *recording {
	r := &recording{s: s, who: osUser(), env: env, action: action}
	if s.opts.History == nil {
		return r
	}
	r.op, r.problem = s.opts.History.Begin(ctx, history.Operation{
		Env: env, Action: string(action), Who: r.who, Client: s.opts.Client, Started: s.opts.Clock.Now(),
	})
	return r
}

// tee sends every event to the history as well as to sink; notes follow
// the run-started event: the history failed, or the lock could not record
// its holder (recording.note).
func (r *recording) tee(sink op.Sink) op.Sink {
	if r.problem != nil {
		r.note("this run is not in the usage history: " + r.problem.Error())
	}
	r.sink = sink
	return op.SinkFunc(func(e op.Event) {
		r.mu.Lock()
		r.last = e
		r.mu.Unlock()
		r.emit(e, sink)
		if e.Type == op.EventRunStarted {
			for _, msg := range r.notes {
				r.emit(op.Event{Time: e.Time, Env: e.Env, Action: e.Action, Type: op.EventNote,
					Message: msg, Elapsed: e.Elapsed}, sink)
			}
		}
	})
}

func (r *recording) emit(e op.Event, sink op.Sink) {
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

// end writes how the operation ended and the runs of the instances it
// last saw.
func (r *recording) end(ctx context.Context, outcome op.Outcome, err error, insts []cloud.Instance) {
	if r.op == nil {
		return
	}
	// The operation's own context may be cancelled: the record is still written.
	ctx = context.WithoutCancel(ctx)
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	now := r.s.opts.Clock.Now()
	var lost []string
	if err := r.op.End(ctx, string(outcome), msg, now); err != nil {
		lost = append(lost, "how this run ended: "+err.Error())
	}
	if len(insts) > 0 {
		if err := r.s.opts.History.Observe(ctx, r.env, insts, now); err != nil {
			lost = append(lost, "the instances' running hours: "+err.Error())
		}
	}
	// The run is over, but whoever follows it is still listening: say
	// what the history missed (a full or read-only data folder) after it.
	if len(lost) > 0 && r.sink != nil {
		r.mu.Lock()
		last := r.last
		r.mu.Unlock()
		r.sink.Emit(op.Event{Time: now, Env: r.env, Action: r.action, Type: op.EventNote, Elapsed: last.Elapsed,
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

// heldProgress is the progress of the start or stop holding the environment,
// whichever process runs it, folded from the events the usage history has
// of it (written at every stage boundary, so it is at most a stage
// behind); nil when none is recorded.
func (s *Service) heldProgress(ctx context.Context, env string, h *lock.Holder) *op.Progress {
	if s.opts.History == nil || h == nil {
		return nil
	}
	a := op.Action(h.Action)
	if a != op.Start && a != op.Stop {
		return nil // an instance action is not a recorded operation
	}
	ops, err := s.opts.History.Operations(ctx, env, h.Since.Add(-time.Minute), s.opts.Clock.Now().Add(time.Minute))
	if err != nil {
		s.opts.Logger.Warn("usage history: reading the operation in progress", "env", env, "err", err)
		return nil
	}
	for _, o := range ops { // newest first
		if o.Action != h.Action || o.Result != string(op.OutcomeRunning) {
			continue
		}
		events, err := s.opts.History.Events(ctx, o.ID)
		if err != nil || len(events) == 0 {
			return nil
		}
		p := op.Fold(op.Outline{}, events...)
		return &p
	}
	return nil
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
