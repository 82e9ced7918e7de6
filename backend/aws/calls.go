package aws

import (
	"context"
	"fmt"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// callCounter reports every HTTP attempt to onCall. It sits in the Finalize
// step right after the SDK's "Retry" middleware, so it runs once per attempt:
// a throttled call retried twice counts three, as AWS's rate limits see it.
func callCounter(onCall func(service, action, region string)) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		mw := middleware.FinalizeMiddlewareFunc("CloudControlCallCounter",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
				middleware.FinalizeOutput, middleware.Metadata, error,
			) {
				onCall(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), awsmiddleware.GetRegion(ctx))
				return next.HandleFinalize(ctx, in)
			})
		if _, ok := stack.Finalize.Get("Retry"); ok {
			return stack.Finalize.Insert(mw, "Retry", middleware.After)
		}
		// No retry middleware (never the case with this SDK today): every
		// call is then a single attempt anyway.
		return stack.Finalize.Add(mw, middleware.After)
	}
}

// callBound gives every API call (one operation: its attempts, their
// backoff and the credentials they need) at most d, so no command waits on
// a hung endpoint for ever. It runs first in the Initialize step, around
// all the rest. A call cut short by this bound rather than by its caller
// fails with a *TimeoutError, which apiError words and counts as AWS not
// reached.
func callBound(d time.Duration) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("CloudControlCallBound",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
				middleware.InitializeOutput, middleware.Metadata, error,
			) {
				bounded, cancel := context.WithTimeout(ctx, d)
				defer cancel()
				out, md, err := next.HandleInitialize(bounded, in)
				if err != nil && bounded.Err() != nil && ctx.Err() == nil {
					err = &TimeoutError{After: d, Err: err}
				}
				return out, md, err
			}), middleware.Before)
	}
}

// TimeoutError is an API call that got no answer within its own bound
// (Options.CallTimeout). It wraps context.DeadlineExceeded.
type TimeoutError struct {
	After time.Duration
	Err   error // the SDK's error
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("no answer within %s: %v", e.After, e.Err)
}

func (e *TimeoutError) Unwrap() []error { return []error{e.Err, context.DeadlineExceeded} }
