package desktop

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"cloudcontrol/backend/aws"
)

// readTimeout bounds one environment's read from AWS for the dashboard and
// the plan dialog: a read that cannot finish by then is stale, said so at
// once with a Retry, rather than after the SDK's minute of retries.
const readTimeout = 8 * time.Second

// readAttempts and readBackoff are the window's reads' retries: two quick
// tries, so AWS's own answer (an internal error, a throttle) is what the
// window says within a second or two. Runs keep the full retries.
const (
	readAttempts = 2
	readBackoff  = 300 * time.Millisecond
)

// temporary are the AWS error codes of a passing trouble on AWS's side.
var temporary = []string{"InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable", "RequestTimeout"}

// throttled are the codes of AWS limiting the request rate.
var throttled = []string{"RequestLimitExceeded", "Throttling", "ThrottlingException", "TooManyRequestsException"}

// reason words why a read from AWS failed, once: the AWS error's own text
// (which names the region and the call) without the layers above repeating
// them, and in words for a timeout or a passing trouble at AWS.
func reason(err error) string {
	if err == nil {
		return ""
	}
	var ae *aws.Error
	hasAWS := errors.As(err, &ae)
	where := ""
	if hasAWS {
		where = fmt.Sprintf(" (%s in %s)", ae.Action, ae.Region)
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("AWS did not answer within %s%s", readTimeout, where)
	case hasAWS && slices.Contains(temporary, ae.Code):
		return fmt.Sprintf("AWS had a passing problem (%s, %s in %s); it usually clears within a minute", ae.Code, ae.Action, ae.Region)
	case hasAWS && slices.Contains(throttled, ae.Code):
		return fmt.Sprintf("AWS is limiting the request rate (%s, %s in %s); the next read waits longer", ae.Code, ae.Action, ae.Region)
	case hasAWS:
		return ae.Error()
	}
	return outermost(err)
}

// outermost is an error's text without what a layer below already said
// twice ("reading x in eu-west-1: eu-west-1: ...").
func outermost(err error) string {
	text := err.Error()
	parts := strings.Split(text, ": ")
	out := parts[:0]
	for i, p := range parts {
		if i > 0 && strings.HasSuffix(parts[i-1], " in "+p) {
			continue // "... in eu-west-1: eu-west-1: ...": the region once
		}
		out = append(out, p)
	}
	return strings.Join(out, ": ")
}
