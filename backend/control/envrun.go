package control

import (
	"context"
	"fmt"
	"os"
	"slices"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
)

// The *Env methods act on a definition the caller holds rather than on
// what the folders say now: the window keeps a broken file's last good
// version, and a run keeps the definition it started with.

// PlanEnv is Plan for a definition the caller holds.
func (s *Service) PlanEnv(ctx context.Context, e *env.Environment, action op.Action) (*Prepared, error) {
	return s.plan(ctx, e, action)
}

// RunOptions change how a start or stop runs.
type RunOptions struct {
	// Force stops instances other environments share and hold running
	// (refused with a *SharedError otherwise); the run says what it stopped
	// under whom.
	Force bool
}

// RunEnv plans (under the lock, so the plan is what is there now) and runs
// a start or stop of the environment as one operation (Operate). The
// result is nil when the run never began. A start tags the instances it
// starts with who started them (start.go); StartEnv also leases them.
func (s *Service) RunEnv(ctx context.Context, e *env.Environment, action op.Action, sink op.Sink) (*orchestrate.Result, error) {
	return s.runEnv(ctx, e, action, StartOptions{}, RunOptions{}, sink)
}

// RunEnvWith is RunEnv with options: a stop that would stop instances
// another environment holds running is refused (*SharedError, a refusal)
// unless o.Force.
func (s *Service) RunEnvWith(ctx context.Context, e *env.Environment, action op.Action, sink op.Sink, o RunOptions) (*orchestrate.Result, error) {
	return s.runEnv(ctx, e, action, StartOptions{}, o, sink)
}

func (s *Service) runEnv(ctx context.Context, e *env.Environment, action op.Action, opts StartOptions, o RunOptions, sink op.Sink) (*orchestrate.Result, error) {
	var res *orchestrate.Result
	err := s.Operate(ctx, Operation{Env: e, Action: action, Sink: sink}, func(ctx context.Context, w *Work) error {
		prep, err := s.planOn(ctx, e, action, w.Session, w.Target)
		if err != nil {
			return err
		}
		var force string
		if action == op.Stop {
			if uses := s.inUse(ctx, prep.Plan); len(uses) > 0 && !o.Force {
				return &SharedError{Env: e.Name, Uses: uses}
			} else if len(uses) > 0 {
				force = "stopping although " + usesText(uses) + " (--force)"
			}
		}
		// Who starts it, and its lease, are written before anything starts
		// (a lease that cannot be set refuses the start); their events
		// follow run-started.
		after, err := s.beforeRun(ctx, w, prep, opts)
		if err != nil {
			return err
		}
		if force != "" {
			after = afterStart(after, op.Event{Type: op.EventNote, Message: force})
		}
		w.Outline(prep.Plan.Outline())
		r := &orchestrate.Runner{Fleet: w.Session.Fleet(), Clock: s.opts.Clock, Tick: s.opts.Tick, Sink: after,
			Commands: commandsOf(w.Session), Settle: s.opts.settle}
		out, err := r.Run(ctx, prep.Plan)
		res = &out
		w.Observed(out.Instances)
		if err == nil && action == op.Start {
			s.syncDNS(ctx, w, e.Name, out.Instances) // launch_dns.go: launched instances' DNS records follow their address
		}
		if err == nil && action == op.Stop {
			s.endLeaseAfterStop(ctx, w, prep)
		}
		return err
	})
	return res, err
}

// afterStart is sink, also telling it note right after the run-started event.
func afterStart(sink op.Sink, note op.Event) op.Sink {
	return op.SinkFunc(func(e op.Event) {
		sink.Emit(e)
		if e.Type == op.EventRunStarted {
			note.Time, note.Env, note.Action, note.Elapsed = e.Time, e.Env, e.Action, e.Elapsed
			sink.Emit(note)
		}
	})
}

func (s *Service) acquire(name, action string) (*lock.Lock, error) {
	return lock.Acquire(s.opts.Paths.Locks(), name, lock.Holder{
		PID: os.Getpid(), Action: action, Client: s.opts.Client, Since: s.opts.Clock.Now(),
	})
}

// release gives the lock back; the OS frees it anyway when the process
// ends, so a failure here is only worth a line in the log.
func (s *Service) release(l *lock.Lock) {
	if err := l.Release(); err != nil {
		s.opts.Logger.Warn("releasing an environment's lock", "err", err)
	}
}

// Holder says who holds the environment's lock, as its sidecar says (a
// hint for display; nil when free).
func (s *Service) Holder(name string) *lock.Holder { return lock.Who(s.opts.Paths.Locks(), name) }

// InstanceAction is what can be done to one instance of an environment.
type InstanceAction string

// Instance actions.
const (
	InstanceStart  InstanceAction = "start"
	InstanceStop   InstanceAction = "stop"
	InstanceReboot InstanceAction = "reboot"
)

// AllInstanceActions lists every InstanceAction with its TypeScript name
// (the window binds them; see op.AllActions).
var AllInstanceActions = []struct {
	Value  InstanceAction
	TSName string
}{{InstanceStart, "START"}, {InstanceStop, "STOP"}, {InstanceReboot, "REBOOT"}}

// InstanceAction starts, stops or reboots one instance of the environment
// under the environment's lock (its holder says "start i-0abc"), so it
// cannot race a start or stop of the whole environment, on a session
// checked against the file's pins. The id must be one the environment
// selects. It is not an operation of the usage history.
func (s *Service) InstanceAction(ctx context.Context, e *env.Environment, id string, action InstanceAction) error {
	if !slices.ContainsFunc(AllInstanceActions, func(a struct {
		Value  InstanceAction
		TSName string
	}) bool {
		return a.Value == action
	}) {
		return fmt.Errorf("unknown instance action %q (want start, stop or reboot)", action)
	}
	l, err := s.acquire(e.Name, string(action)+" "+id)
	if err != nil {
		return err
	}
	defer s.release(l)
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
		return fmt.Errorf("%s %s in %s: %w", action, op.Label(in.ID, in.Name), e.Name, err)
	}
	return nil
}
