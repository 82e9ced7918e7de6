package launch

import (
	"context"
	"fmt"
	"time"

	"cloudcontrol/backend/orchestrate"
	"cloudcontrol/internal/clockctx"
)

// DefaultCallTimeout is a launch's own bound on one AWS call, on its
// clock, as a run's (a little above the AWS session's own 30s, which
// words its timeout).
const DefaultCallTimeout = orchestrate.DefaultCallTimeout

// NoAnswerError is an AWS call of a launch cut by its bound
// (Launcher.CallTimeout). It wraps what the call failed with.
type NoAnswerError struct {
	After time.Duration
	Err   error
}

func (e *NoAnswerError) Error() string {
	return fmt.Sprintf("no answer from AWS within %s: %v", e.After, e.Err)
}

func (e *NoAnswerError) Unwrap() error { return e.Err }

// call makes one AWS call bounded by CallTimeout on the launcher's clock,
// so a hung call never holds a poll, a delete or a wait past it; a test
// on a fake clock moves time only between calls (Settle).
func (l *Launcher) call(ctx context.Context, f func(ctx context.Context) error) error {
	d := l.CallTimeout
	if d <= 0 {
		d = DefaultCallTimeout
	}
	defer l.Settle.CallBegan()() // before the bound's timer, released after it stopped
	cctx, cancel := clockctx.WithTimeout(ctx, l.Clock, d)
	defer cancel()
	err := f(cctx)
	if err != nil && cctx.Err() != nil && ctx.Err() == nil {
		return &NoAnswerError{After: d, Err: err}
	}
	return err
}

// bounded is a context for clean-up work that must finish even when the
// operation was cancelled: never cancelled by ctx, ended by d on the
// launcher's clock.
func (l *Launcher) bounded(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return clockctx.WithTimeout(context.WithoutCancel(ctx), l.Clock, d)
}
