package control

import (
	"context"
	"errors"
	"fmt"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
)

// What a PinError says is pinned.
const (
	PinAccount = "account"
	PinProfile = "profile"
	PinRegion  = "region"
)

// PinError refuses to act on an account, profile or region other than the
// one an environment's file pins.
type PinError struct {
	Env string
	// Pin is PinAccount, PinProfile or PinRegion.
	Pin       string
	Want, Got string
	// Profile is, for an account, the profile whose credentials belong to Got.
	Profile string
}

func (e *PinError) Error() string {
	switch e.Pin {
	case PinAccount:
		return fmt.Sprintf("%s is pinned to account %s, but the credentials from %s belong to account %s: refusing to act",
			e.Env, e.Want, cloud.CredentialsOf(e.Profile), e.Got)
	case PinProfile:
		return fmt.Sprintf("%s pins profile %q; refusing to use %q", e.Env, e.Want, e.Got)
	}
	return fmt.Sprintf("%s pins region %s; refusing to act on %s", e.Env, e.Want, e.Got)
}

// IsRefusal reports whether err means "not now / not here" rather than a
// failed operation: the environment is busy (*lock.BusyError), pinned to
// another account, profile or region (*PinError), or a stop would stop
// instances another environment holds running (*SharedError). Nothing was
// changed; the command line exits 3 and the history records it as refused.
func IsRefusal(err error) bool {
	var busy *lock.BusyError
	var pin *PinError
	var shared *SharedError
	return errors.As(err, &busy) || errors.As(err, &pin) || errors.As(err, &shared)
}

// OutcomeOf is how an operation that returned err ended: the one rule the
// history, the command line's exit code and the window follow.
func OutcomeOf(ctx context.Context, err error) op.Outcome {
	switch {
	case err == nil:
		return op.OutcomeDone
	case IsRefusal(err):
		return op.OutcomeRefused
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return op.OutcomeCancelled
	}
	return op.OutcomeFailed
}

// refused tells sink why an operation never began, as its one event. One
// cancelled before it began says so, not the context's words.
func (s *Service) refused(sink op.Sink, env string, action op.Action, err error) {
	if sink == nil {
		return
	}
	msg := err.Error()
	if errors.Is(err, context.Canceled) {
		msg = fmt.Sprintf("%s %s was cancelled before it began; nothing was changed", action, env)
	}
	sink.Emit(op.Event{Time: s.opts.Clock.Now(), Env: env, Action: action, Type: op.EventRunRefused, Message: msg})
}
