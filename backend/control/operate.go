package control

import (
	"context"
	"errors"
	"fmt"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
)

// Operation is one thing done to an environment as a whole: a start or a
// stop today; a launch, terminate, clean-up, deploy or lease to come.
type Operation struct {
	Env    *env.Environment
	Action op.Action
	// Sink hears every event of the operation (nil: nobody listens); an
	// op.Outliner sink is also told the operation's outline.
	Sink op.Sink
}

// Work is what an operation's body acts with: a session whose account,
// profile and region were checked against the environment's pins, and the
// sink to report through.
type Work struct {
	Session Session
	Target  Target
	// Sink sends an event to the operation's listener and to the usage
	// history (written at every stage boundary, so a crash keeps them).
	Sink op.Sink

	outliner op.Outliner
	began    bool
	observed []cloud.Instance
}

// Outline tells the listener what the operation will go through, before
// its first event (a progress fold starts from it).
func (w *Work) Outline(o op.Outline) {
	if w.outliner != nil {
		w.outliner.Outline(o)
	}
}

// Observed keeps what the operation last saw of the environment's
// instances: the usage history records the runs they show.
func (w *Work) Observed(insts []cloud.Instance) { w.observed = insts }

// Body is an operation's own work.
type Body func(ctx context.Context, w *Work) error

// Operate runs body as one operation on the environment, the way every
// operation runs: recorded in the usage history from the start, under the
// environment's lock (one operation at a time across the window, the tray
// and every terminal), on a session checked against the file's pins, its
// events sent to o.Sink and the history. A refusal (busy, pinned
// elsewhere) or any error before body's first event reaches o.Sink as one
// run-refused event; the history records the outcome OutcomeOf says.
func (s *Service) Operate(ctx context.Context, o Operation, body Body) error {
	rec := s.beginRecording(ctx, o.Env.Name, o.Action) // usage history: history.go
	tee := rec.tee(o.Sink)
	w := &Work{}
	w.outliner, _ = o.Sink.(op.Outliner)
	w.Sink = op.SinkFunc(func(e op.Event) {
		w.began = true
		if tee != nil {
			tee.Emit(e)
		}
	})
	err := s.operate(ctx, o, rec, w, body)
	if err != nil && !w.began && errors.Is(err, context.Canceled) {
		// Worded as a cancel is everywhere, never the context's words.
		err = &orchestrate.CancelledError{Message: fmt.Sprintf("%s %s was cancelled before it began; nothing was changed",
			o.Action, o.Env.Name), Cause: err}
	}
	rec.end(ctx, OutcomeOf(ctx, err), err, w.observed)
	if err != nil && !w.began {
		s.refused(o.Sink, o.Env.Name, o.Action, err)
	}
	return err
}

func (s *Service) operate(ctx context.Context, o Operation, rec *recording, w *Work, body Body) error {
	l, err := s.acquire(o.Env.Name, string(o.Action))
	if err != nil {
		return err
	}
	defer s.release(l)
	rec.note(l.Note()) // a read-only or full lock folder: what the lock could not record
	rec.holding(ctx)
	sess, target, err := s.connect(ctx, o.Env)
	if err != nil {
		return err
	}
	rec.target(ctx, target)
	w.Session, w.Target = sess, target
	return body(ctx, w)
}
