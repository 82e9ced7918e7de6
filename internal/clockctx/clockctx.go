// Package clockctx gives contexts deadlines on an injectable clock, so a
// bound on an AWS call follows the same clock as the wait it serves (a
// stage's timeout) in tests on a fake clock too.
//
// clockwork's own WithDeadline is not used: in v0.5 its context never
// stops its timer (every bound stays a waiter of the fake clock for ever)
// and its Err blocks until the context is done.
package clockctx

import (
	"context"
	"errors"
	"time"

	"github.com/jonboulle/clockwork"
)

// WithDeadline is context.WithDeadline on clock: on the real clock it is
// exactly that; on a fake clock the context ends when the fake time
// reaches t, with context.DeadlineExceeded, and cancel stops its timer.
func WithDeadline(parent context.Context, clock clockwork.Clock, t time.Time) (context.Context, context.CancelFunc) {
	fake, ok := clock.(*clockwork.FakeClock)
	if !ok {
		return context.WithDeadline(parent, t)
	}
	inner, cancel := context.WithCancelCause(parent)
	c := &clockContext{Context: inner, deadline: t}
	timer := fake.AfterFunc(t.Sub(fake.Now()), func() { cancel(errExpired) })
	return c, func() {
		timer.Stop()
		cancel(context.Canceled)
	}
}

// WithTimeout is WithDeadline d from now on clock.
func WithTimeout(parent context.Context, clock clockwork.Clock, d time.Duration) (context.Context, context.CancelFunc) {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	return WithDeadline(parent, clock, clock.Now().Add(d))
}

// errExpired is the cause of a context whose fake deadline passed.
var errExpired = errors.New("deadline passed on the fake clock")

type clockContext struct {
	context.Context
	deadline time.Time
}

func (c *clockContext) Deadline() (time.Time, bool) { return c.deadline, true }

// Err says DeadlineExceeded once the fake deadline passed, as the
// standard library's deadline contexts do.
func (c *clockContext) Err() error {
	err := c.Context.Err()
	if err != nil && errors.Is(context.Cause(c.Context), errExpired) {
		return context.DeadlineExceeded
	}
	return err
}
