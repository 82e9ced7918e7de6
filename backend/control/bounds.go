package control

import (
	"context"
	"fmt"
	"time"

	"cloudcontrol/internal/clockctx"
)

// DefaultReadTimeout bounds a read of AWS made without a run (a plan, a
// status, a refresh, costs, who am I): every call of it together. Each
// call has its own, shorter bound in the session (30s); a read makes a
// handful, so this is reached only when many of them are slow.
const DefaultReadTimeout = 2 * time.Minute

// ReadTimeoutError is a read of AWS that got no answer within its bound
// (Options.ReadTimeout). It wraps what the read failed with (errors.Is
// context.DeadlineExceeded holds).
type ReadTimeoutError struct {
	After time.Duration
	Err   error
}

func (e *ReadTimeoutError) Error() string {
	return fmt.Sprintf("no answer from AWS within %s: %v", e.After, e.Err)
}

func (e *ReadTimeoutError) Unwrap() error { return e.Err }

// Bounded runs read with ctx bounded by the read timeout on the service's
// clock, so a command that reads AWS without a run always ends. Every
// control method that reads AWS outside an operation goes through it;
// new ones (and front ends reading through a Session themselves) should
// too.
func (s *Service) Bounded(ctx context.Context, read func(ctx context.Context) error) error {
	d := s.opts.ReadTimeout
	if d <= 0 {
		d = DefaultReadTimeout
	}
	bctx, cancel := clockctx.WithTimeout(ctx, s.opts.Clock, d)
	defer cancel()
	err := read(bctx)
	if err != nil && bctx.Err() != nil && ctx.Err() == nil {
		return &ReadTimeoutError{After: d, Err: err}
	}
	return err
}
