package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/smithy-go"

	"cloudcontrol/backend/cloud"
)

// CallTimeout is the default bound of every API call (Options.CallTimeout,
// applied to every client by callBound): one logical call, its retries
// included. A caller's own, shorter deadline still wins.
const CallTimeout = 30 * time.Second

// bounded is ctx with the per-call bound; the launch adapters apply it
// around calls made of several API calls.
func bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, CallTimeout)
}

// regional keeps one client per region, made on first use.
type regional[T any] struct {
	mu      sync.Mutex
	clients map[string]T
	newOne  func(region string) T
}

func newRegional[T any](newOne func(region string) T) *regional[T] {
	return &regional[T]{clients: map[string]T{}, newOne: newOne}
}

func (r *regional[T]) get(region string) T {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.clients[region]
	if !ok {
		c = r.newOne(region)
		r.clients[region] = c
	}
	return c
}

// Error codes by what the caller can do about them (see cloud.ErrThrottled
// and friends); apiError wraps the matching one.
var (
	throttleCodes = []string{"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
		"RequestThrottled", "RequestThrottledException", "SlowDown", "PriorRequestNotComplete", "ThrottledException"}
	invalidCodes = []string{"ValidationError", "ValidationException", "InvalidParameterValue", "InvalidParameterCombination",
		"InvalidParameter", "InvalidInput", "InvalidChangeBatch", "MissingParameter", "MalformedQueryString",
		"SerializationException", "InvalidAction", "UnsupportedOperation", "Unsupported"}
	existsCodes = []string{"AlreadyExistsException", "HostedZoneAlreadyExists", "InvalidKeyPair.Duplicate"}
)

func kindOf(code string) error {
	for _, k := range []struct {
		codes []string
		err   error
	}{{throttleCodes, cloud.ErrThrottled}, {invalidCodes, cloud.ErrInvalid}, {existsCodes, cloud.ErrExists}} {
		for _, c := range k.codes {
			if c == code {
				return k.err
			}
		}
	}
	return nil
}

// notFound makes an AWS error also a *cloud.NotFoundError of kind naming
// ids (and no longer cloud.ErrInvalid, which some services answer
// "does not exist" with).
func notFound(err error, kind string, ids []string) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	nf := &cloud.NotFoundError{IDs: ids, Kind: kind}
	e.errs = slices.DeleteFunc(e.errs, func(x error) bool { return x == cloud.ErrInvalid })
	e.errs = append(e.errs, nf)
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorMessage() == "" { // SSM's ParameterNotFound says nothing more
		e.text = fmt.Sprintf("%s: %s: %s (%s)", e.Region, e.Action, nf.Error(), e.Code)
	}
	return e
}
