package control

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
)

// StartOptions tune a start.
type StartOptions struct {
	// Lease, when set, leases the environment for this long from now (as
	// Lease does, the same rules): it is set before anything starts, and a
	// lease that cannot be set refuses the start.
	Lease time.Duration
}

// StartEnv starts the environment as RunEnv does, with opts.
func (s *Service) StartEnv(ctx context.Context, e *env.Environment, opts StartOptions, sink op.Sink) (*orchestrate.Result, error) {
	if opts.Lease != 0 {
		if err := CheckLease(opts.Lease); err != nil {
			err = fmt.Errorf("%s was not started: %w", e.Name, err)
			s.refused(sink, e.Name, op.Start, err)
			return nil, err
		}
	}
	return s.runEnv(ctx, e, op.Start, opts, RunOptions{}, sink)
}

// Start is StartEnv for the environment of that name (as Run is for RunEnv).
func (s *Service) Start(ctx context.Context, name string, opts StartOptions, sink op.Sink) (*orchestrate.Result, error) {
	e, err := s.Environment(name)
	if err != nil {
		s.refused(sink, name, op.Start, err)
		return nil, err
	}
	return s.StartEnv(ctx, e, opts, sink)
}

// MarkStarted tags instances with who started them and when (the caller's
// ARN, now), as every start does (a launch writes the same tags in the
// stack it creates, which CloudFormation gives the new instance).
func (s *Service) MarkStarted(ctx context.Context, w *Work, insts []cloud.Instance) error {
	t := taggerOf(w.Session)
	if t == nil {
		return fmt.Errorf("this connection to AWS cannot tag instances")
	}
	tags := map[string]string{cloud.TagStartedBy: w.Target.Identity.ARN, cloud.TagStartedAt: s.opts.Clock.Now().UTC().Format(time.RFC3339)}
	return eachRegion(insts, func(region string, ids []string) error {
		if err := t.Tag(ctx, region, ids, tags); err != nil {
			return awsErr(fmt.Sprintf("tagging %d instance(s) in %s with who started them", len(ids), region), err)
		}
		return nil
	})
}

// eachRegion calls f once per region with the ids of insts there, in
// region order, and stops at the first error.
func eachRegion(insts []cloud.Instance, f func(region string, ids []string) error) error {
	byRegion := map[string][]string{}
	for _, in := range insts {
		byRegion[in.Region] = append(byRegion[in.Region], in.ID)
	}
	for _, region := range slices.Sorted(maps.Keys(byRegion)) {
		if err := f(region, byRegion[region]); err != nil {
			return err
		}
	}
	return nil
}

// pending holds events made before the run began: they are sent right
// after its run-started, so every operation's log begins with that.
type pending struct {
	sink   op.Sink
	events []op.Event
}

func (p *pending) Emit(e op.Event) {
	p.sink.Emit(e)
	if e.Type != op.EventRunStarted {
		return
	}
	for _, q := range p.events {
		q.Time, q.Env, q.Action, q.Elapsed = e.Time, e.Env, e.Action, e.Elapsed
		p.sink.Emit(q)
	}
	p.events = nil
}

// beforeRun does what a start does before its first instance starts: the
// lease (opts.Lease), else clearing the stale lease of the instances it
// starts; then tagging those with who starts them. It returns the sink the
// run reports through.
func (s *Service) beforeRun(ctx context.Context, w *Work, prep *Prepared, opts StartOptions) (op.Sink, error) {
	p := &pending{sink: w.Sink}
	if prep.Plan.Action != op.Start {
		return p, nil
	}
	say := func(t op.EventType, format string, args ...any) {
		p.events = append(p.events, op.Event{Type: t, Message: fmt.Sprintf(format, args...)})
	}
	var toStart, all []cloud.Instance
	for _, in := range s.planned(prep) {
		if in.State != cloud.Terminated && in.State != cloud.ShuttingDown {
			all = append(all, in)
		}
		if in.State == cloud.Stopped || in.State == cloud.Stopping {
			toStart = append(toStart, in)
		}
	}
	if opts.Lease > 0 {
		res, err := s.applyLease(ctx, w, prep.Env, all, true, LeaseRequest{For: opts.Lease},
			func(msg string) { say(op.EventChangeApplied, "%s", msg) })
		if err != nil {
			return nil, fmt.Errorf("%s was not started: the lease could not be set: %w", prep.Env.Name, err)
		}
		say(op.EventNote, "%s", res.Message)
	} else {
		s.clearStaleLease(ctx, w, prep.Env, toStart, all, say)
	}
	if len(toStart) == 0 || taggerOf(w.Session) == nil {
		return p, nil
	}
	if err := s.MarkStarted(ctx, w, toStart); err != nil {
		say(op.EventNote, "who started it is not shown to others: %v", err)
	} else {
		say(op.EventChangeApplied, "tagged %d instance(s) as started by %s", len(toStart), ShortName(w.Target.Identity.ARN))
	}
	return p, nil
}

// planned are the plan's instances as they were found (tags and all).
func (s *Service) planned(prep *Prepared) []cloud.Instance {
	var out []cloud.Instance
	if prep.resolved == nil {
		return out
	}
	for _, st := range prep.resolved.Stages {
		out = append(out, st.Instances...)
	}
	return out
}

// clearStaleLease drops the lease of instances about to start: a lease is
// on running time, and one left on stopped instances (stopped elsewhere)
// would stop this new run. When nothing up keeps a lease, its schedule
// goes too. Failures are said, and the start goes on.
func (s *Service) clearStaleLease(ctx context.Context, w *Work, e *env.Environment, toStart, all []cloud.Instance, say func(op.EventType, string, ...any)) {
	var stale []cloud.Instance
	for _, in := range toStart {
		if in.LeaseUntil != nil || in.LeaseBy != "" {
			stale = append(stale, in)
		}
	}
	if len(stale) == 0 {
		return
	}
	if err := untagLease(ctx, w, stale); err != nil {
		say(op.EventNote, "the lease left on the stopped instances stays: %v", err)
		return
	}
	say(op.EventChangeApplied, "removed the lease left on %d stopped instance(s)", len(stale))
	if WhoOf(all).LeaseUntil != nil {
		return // the instances already up keep theirs
	}
	if gone, err := s.dropLeaseSchedule(ctx, w, e); err != nil {
		say(op.EventNote, "the lease schedule stays, and will stop %s at its time: %v", e.Name, err)
	} else if gone {
		say(op.EventChangeApplied, "deleted the lease schedule left from before")
	}
}

// endLeaseAfterStop ends the lease of an environment that was just
// stopped: it has served, and must not stop a later start.
func (s *Service) endLeaseAfterStop(ctx context.Context, w *Work, prep *Prepared) {
	var leased []cloud.Instance
	for _, in := range s.planned(prep) {
		if (in.LeaseUntil != nil || in.LeaseBy != "") && in.State != cloud.Terminated {
			leased = append(leased, in)
		}
	}
	if len(leased) == 0 {
		return
	}
	emit := func(t op.EventType, msg string) {
		w.Sink.Emit(op.Event{Time: s.opts.Clock.Now(), Env: prep.Env.Name, Action: op.Stop, Type: t, Message: msg})
	}
	if err := untagLease(ctx, w, leased); err != nil {
		emit(op.EventNote, "the lease tags stay on the stopped instances: "+err.Error())
	} else {
		emit(op.EventChangeApplied, fmt.Sprintf("ended the lease: removed it from %d instance(s)", len(leased)))
	}
	if gone, err := s.dropLeaseSchedule(ctx, w, prep.Env); err != nil {
		emit(op.EventNote, fmt.Sprintf("the lease schedule stays and will run the stop runbook at its time: %v", err))
	} else if gone {
		emit(op.EventChangeApplied, "deleted the lease schedule")
	}
}
