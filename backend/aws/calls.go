package aws

import (
	"context"

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
