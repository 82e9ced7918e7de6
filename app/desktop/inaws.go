package desktop

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
)

// InAWS is bound to the front end: starting with a lease, extending and
// ending it, and what of an environment is deployed in AWS. Who started
// an environment and its lease come with the dashboard (EnvView.who).
type InAWS struct{ s *shell }

// StartWithLease begins starting the environment with a lease of seconds
// (at most 7 days); like Environments.Start it returns once the run has
// begun, and progress follows as events.
func (a *InAWS) StartWithLease(name string, seconds int) error {
	d := time.Duration(seconds) * time.Second
	if err := control.CheckLease(d); err != nil {
		return err
	}
	return a.s.runs.beginRun(name, op.Start, "window", func(ctx context.Context, c core, e *env.Environment, sink op.Sink) error {
		l, err := leaserOf(c)
		if err != nil {
			return err
		}
		_, err = l.StartEnv(ctx, e, control.StartOptions{Lease: d}, sink)
		return err
	})
}

// Lease leases the running environment for seconds from now.
func (a *InAWS) Lease(name string, seconds int) (*control.LeaseResult, error) {
	return a.s.lease(a.s.context(), name, control.LeaseRequest{For: time.Duration(seconds) * time.Second})
}

// ExtendLease makes the lease longer by seconds (someone else's too: the
// result names them).
func (a *InAWS) ExtendLease(name string, seconds int) (*control.LeaseResult, error) {
	return a.s.lease(a.s.context(), name, control.LeaseRequest{Extend: time.Duration(seconds) * time.Second})
}

// EndLease ends the lease (and its schedule in AWS).
func (a *InAWS) EndLease(name string) (*control.LeaseResult, error) {
	return a.s.lease(a.s.context(), name, control.LeaseRequest{End: true})
}

// Deployed reads what of the environment is deployed in AWS: its
// runbooks and schedules with their next runs. It is read when asked (three
// AWS calls), never by the dashboard's polling.
func (a *InAWS) Deployed(name string) (*control.Deployment, error) {
	e, err := a.s.board.definition(name)
	if err != nil {
		return nil, err
	}
	l, err := leaserOf(a.s.cores("window"))
	if err != nil {
		return nil, err
	}
	return l.Deployed(a.s.context(), e)
}

// leaser is what leases and deploys need of control (a *control.Service).
type leaser interface {
	StartEnv(ctx context.Context, e *env.Environment, opts control.StartOptions, sink op.Sink) (*orchestrate.Result, error)
	Lease(ctx context.Context, e *env.Environment, req control.LeaseRequest, sink op.Sink) (*control.LeaseResult, error)
	LeaseHeld(ctx context.Context, e *env.Environment, until time.Time) (bool, error)
	Deployed(ctx context.Context, e *env.Environment) (*control.Deployment, error)
}

var errNoLeases = errors.New("this build's core cannot lease (no control service)")

func leaserOf(c core) (leaser, error) {
	l, ok := c.(leaser)
	if !ok {
		return nil, errNoLeases
	}
	return l, nil
}

// lease changes a lease for the window; the dashboard reads it back at once.
func (s *shell) lease(ctx context.Context, name string, req control.LeaseRequest) (*control.LeaseResult, error) {
	if err := req.Check(); err != nil {
		return nil, err
	}
	e, err := s.board.definition(name)
	if err != nil {
		return nil, err
	}
	l, err := leaserOf(s.cores("window"))
	if err != nil {
		return nil, err
	}
	res, err := l.Lease(ctx, e, req, nil)
	if err != nil {
		return nil, err
	}
	s.log.Info("lease", "env", name, "until", res.Until, "kept by", res.KeptBy)
	s.refresher.poke()
	return res, nil
}

// The shell is the lease keeper's hands (keeperActions).

func (s *shell) leaseHeld(ctx context.Context, name string, until time.Time) (bool, error) {
	e, err := s.board.definition(name)
	if err != nil {
		return false, err
	}
	l, err := leaserOf(s.cores("lease"))
	if err != nil {
		return false, err
	}
	return l.LeaseHeld(ctx, e, until)
}

func (s *shell) stopEnv(name string) error { return s.runs.begin(name, op.Stop, "lease") }

func (s *shell) stopInstances(ctx context.Context, name string, ids []string) error {
	e, err := s.board.definition(name)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.cores("lease").InstanceAction(ctx, e, id, control.InstanceStop); err != nil {
			return err
		}
	}
	s.refresher.poke()
	return nil
}

func (s *shell) extendLease(ctx context.Context, name string, ids []string, d time.Duration) (*control.LeaseResult, error) {
	return s.lease(ctx, name, control.LeaseRequest{Extend: d, Instances: ids})
}

// extend is the tray's "click to extend 1 hour" (trayActions).
func (s *shell) extend(name string) error {
	if s.leases == nil {
		return fmt.Errorf("no lease keeper")
	}
	s.leases.extend(s.context(), name)
	return nil
}
