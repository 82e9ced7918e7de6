package control

import (
	"context"
	"fmt"
	"os"
	"slices"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/orchestrate"
)

// The *Env methods act on a definition the caller holds rather than on
// what the folders say now: the window keeps a broken file's last good
// version, and a run keeps the definition it started with.

// PlanEnv is Plan for a definition the caller holds.
func (s *Service) PlanEnv(ctx context.Context, e *env.Environment, action string) (*Prepared, error) {
	return s.plan(ctx, e, action)
}

// RunEnv is Run for a definition the caller holds.
func (s *Service) RunEnv(ctx context.Context, e *env.Environment, action string, sink orchestrate.Sink) (res *orchestrate.Result, err error) {
	rec := s.beginRecording(ctx, e.Name, action) // usage history: history.go
	sink = rec.tee(sink)
	defer func() { rec.end(ctx, res, err) }()
	l, err := s.acquire(e.Name, action)
	if err != nil {
		return nil, err
	}
	defer l.Release()
	rec.note(l.Note()) // a read-only or full lock folder: what the lock could not record
	rec.holding(ctx)
	prep, err := s.plan(ctx, e, action)
	if err != nil {
		return nil, err
	}
	rec.target(ctx, prep.Target)
	r := &orchestrate.Runner{Fleet: prep.fleet, Clock: s.opts.Clock, Tick: s.opts.Tick, Sink: sink}
	out, err := r.Run(ctx, prep.Plan)
	return &out, err
}

func (s *Service) acquire(name, action string) (*lock.Lock, error) {
	return lock.Acquire(s.opts.Paths.Locks(), name, lock.Holder{
		PID: os.Getpid(), Action: action, Client: s.opts.Client, Since: s.opts.Clock.Now(),
	})
}

// Holder says who holds the environment's lock, as its sidecar says (a
// hint for display; nil when free).
func (s *Service) Holder(name string) *lock.Holder { return lock.Who(s.opts.Paths.Locks(), name) }

// Instance actions (InstanceAction).
const (
	InstanceStart  = "start"
	InstanceStop   = "stop"
	InstanceReboot = "reboot"
)

// InstanceAction starts, stops or reboots one instance of the environment
// under the environment's lock, so it cannot race a start or stop of the
// whole environment. The id must be one the environment selects.
func (s *Service) InstanceAction(ctx context.Context, e *env.Environment, id, action string) error {
	if !slices.Contains([]string{InstanceStart, InstanceStop, InstanceReboot}, action) {
		return fmt.Errorf("unknown instance action %q (want start, stop or reboot)", action)
	}
	l, err := s.acquire(e.Name, action+" "+id)
	if err != nil {
		return err
	}
	defer l.Release()
	st, sess, err := s.status(ctx, e)
	if err != nil {
		return err
	}
	var in *cloud.Instance
	for _, stage := range st.Stages {
		for i := range stage.Instances {
			if stage.Instances[i].ID == id {
				in = &stage.Instances[i]
			}
		}
	}
	if in == nil {
		return fmt.Errorf("instance %s is not part of %s; refusing to act on it", id, e.Name)
	}
	fleet, ids := sess.Fleet(), []string{id}
	switch action {
	case InstanceStart:
		err = fleet.Start(ctx, in.Region, ids)
	case InstanceStop:
		err = fleet.Stop(ctx, in.Region, ids)
	default:
		err = fleet.Reboot(ctx, in.Region, ids)
	}
	if err != nil {
		return fmt.Errorf("%s %s in %s: %w", action, label(in), e.Name, err)
	}
	return nil
}

func label(in *cloud.Instance) string {
	if in.Name == "" {
		return in.ID
	}
	return in.ID + " (" + in.Name + ")"
}
