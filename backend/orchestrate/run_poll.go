package orchestrate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"cloudcontrol/internal/clockctx"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
)

// stageRun is one stage during a run.
type stageRun struct {
	ps        *PlanStage
	status    op.StageStatus
	started   time.Time
	finished  time.Time
	delayFrom time.Time // when every instance had passed the other gates
	message   string
	unsentAt  int // the poll in which a start or stop could not reach AWS (-1: none)
	insts     []*instRun
}

func (s *stageRun) delay() time.Duration {
	for _, g := range s.ps.Gates {
		if g.Kind == GateDelay {
			return g.Delay.D()
		}
	}
	return 0
}

// instRun is one instance during a run.
type instRun struct {
	stage *stageRun
	cur   cloud.Instance // last seen
	// observed: a Describe has answered for it; missing: the last one did not
	// know it; seenUp: seen pending or running in this run.
	observed, missing, seenUp bool
	// wasRunning: running when first seen, before this run did anything.
	wasRunning bool
	actionSent bool
	// stoppedPolls counts polls that still showed it stopped after Start.
	stoppedPolls int
	checks       cloud.Checks
	gate         int  // index of the next gate to pass
	waitingOn    int  // the gate a gate-waiting event was sent for
	through      bool // passed every gate but the stage's delay
	hadToWait    bool // some gate did not pass at once: it was not ready before the run
	inflight     bool // a TCP/HTTP check is running
	gateOK       bool // the check of the current gate passed
	lastErr      string
	triedAt      int  // the poll in which the current gate was last tried
	noted        bool // a skip was reported (stop)
	// runningAt is since when it runs (EC2's launch time, else when first
	// seen running); cmd is its command gate's state (run_command.go).
	runningAt time.Time
	cmd       *commandState
}

// watched reports whether a stage's instances are polled: the ones whose
// stage is still to come or in progress.
func (s *stageRun) watched() bool {
	return s.status == op.StagePending || s.status == op.StageActive
}

// poll makes at most one Describe and one StatusChecks call per region for
// every instance still waited on, whatever their number.
func (x *run) poll(ctx context.Context) {
	x.polls++
	ids := map[string][]string{}
	for _, in := range x.insts {
		if in.stage.watched() {
			ids[in.cur.Region] = append(ids[in.cur.Region], in.cur.ID)
		}
	}
	x.reached, x.missed = false, nil
	for _, region := range slices.Sorted(maps.Keys(ids)) {
		var got []cloud.Instance
		err := x.call(ctx, x.stages, func(ctx context.Context) (err error) {
			got, err = x.r.Fleet.Describe(ctx, region, ids[region])
			return err
		})
		if err != nil {
			if ctx.Err() == nil {
				x.pollFailed(fmt.Errorf("describing %d instance(s) in %s: %w", len(ids[region]), region, err))
			}
			continue
		}
		x.pollWorked()
		x.observeAll(ids[region], got)
	}
	x.pollChecks(ctx)
	x.pollCommands(ctx)
	x.countUnreachable()
	if x.changed {
		x.quiet, x.interval = 0, x.r.Tick
	} else if x.quiet++; x.quiet >= backoffAfter {
		x.interval = min(x.interval+x.r.Tick, x.r.MaxTick)
	}
	x.changed = false
}

// pollChecks asks for the status checks of the running instances of stages
// that gate on them and have not passed them yet.
func (x *run) pollChecks(ctx context.Context) {
	if x.plan.Action != op.Start {
		return
	}
	ids := map[string][]string{}
	for _, s := range x.stages {
		gi := slices.IndexFunc(s.ps.Gates, func(g Gate) bool { return g.Kind == GateStatusChecks })
		if s.status != op.StageActive || gi < 0 {
			continue
		}
		for _, in := range s.insts {
			if in.cur.State == cloud.Running && in.gate <= gi && !in.missing {
				ids[in.cur.Region] = append(ids[in.cur.Region], in.cur.ID)
			}
		}
	}
	for _, region := range slices.Sorted(maps.Keys(ids)) {
		var got map[string]cloud.Checks
		err := x.call(ctx, x.stages, func(ctx context.Context) (err error) {
			got, err = x.r.Fleet.StatusChecks(ctx, region, ids[region])
			return err
		})
		if err != nil {
			if ctx.Err() == nil {
				x.pollFailed(fmt.Errorf("reading the status checks of %d instance(s) in %s: %w", len(ids[region]), region, err))
			}
			continue
		}
		x.reached = true
		for _, id := range ids[region] {
			in := x.byID[id]
			if c := got[id]; c != in.checks {
				in.checks, x.changed = c, true
			}
		}
	}
}

// call makes one AWS call of the run, bounded by CallTimeout and, when
// stages in progress wait on it, by the earliest of their timeouts: a hung
// call never holds a stage past its timeout. A stage already past it gets
// no call (it fails as timed out). A call cut by CallTimeout got no
// answer: it counts as AWS unreachable.
func (x *run) call(ctx context.Context, stages []*stageRun, f func(context.Context) error) error {
	now := x.clock.Now()
	deadline, own := now.Add(x.r.CallTimeout), true
	for _, s := range stages {
		if d := s.started.Add(s.ps.Timeout.D()); s.status == op.StageActive && d.Before(deadline) {
			deadline, own = d, false
		}
	}
	if !deadline.After(now) {
		return errStageOver
	}
	defer x.r.Settle.CallBegan()() // before the bound's timer, released after it stopped
	cctx, cancel := clockctx.WithDeadline(ctx, x.clock, deadline)
	defer cancel()
	err := f(cctx)
	if err == nil {
		x.reached = true
	}
	if err != nil && own && cctx.Err() != nil && ctx.Err() == nil && !errors.Is(err, cloud.ErrUnreachable) {
		err = &noAnswerError{after: x.r.CallTimeout, err: err}
	}
	return err
}

// errStageOver: the call was not made, a stage it serves is past its timeout.
var errStageOver = errors.New("not called: the stage's timeout has passed")

// noAnswerError is a call the run itself gave up on (Runner.CallTimeout).
type noAnswerError struct {
	after time.Duration
	err   error
}

func (e *noAnswerError) Error() string {
	return fmt.Sprintf("%v (no answer within %s)", e.err, e.after)
}

func (e *noAnswerError) Unwrap() []error { return []error{e.err, cloud.ErrUnreachable} }

// countUnreachable ends the run once UnreachableAfter polls in a row could
// not reach AWS at all: a dead endpoint fails fast, saying so and what is
// left running, instead of waiting out a stage's timeout. Any answer
// (a throttle too) starts the count again.
func (x *run) countUnreachable() {
	switch {
	case x.reached || x.missed == nil:
		x.unreachable = 0
		return
	case x.fail != nil:
		return
	}
	x.unreachable++
	x.unreachableErr = x.missed
	if x.unreachable < x.r.UnreachableAfter {
		return
	}
	s := x.firstInProgress()
	if s == nil {
		return
	}
	x.failStage(s, nil, "", fmt.Sprintf("%v; %d polls in a row could not reach AWS, so the run stops rather than wait out the stage's timeout",
		x.unreachableErr, x.unreachable))
	x.fail.Err = x.unreachableErr
}

// firstInProgress is the first stage in run order that is active, else the
// first still to come.
func (x *run) firstInProgress() *stageRun {
	var next *stageRun
	for _, s := range x.stages {
		if s.status == op.StageActive {
			return s
		}
		if next == nil && s.status == op.StagePending {
			next = s
		}
	}
	return next
}

// pollFailed reports a failed poll once per run of failures; polls are
// retried on the next tick until the stage's timeout.
func (x *run) pollFailed(err error) {
	if errors.Is(err, cloud.ErrUnreachable) {
		x.missed = err
	} else if !errors.Is(err, errStageOver) {
		x.reached = true // AWS answered, if only with an error
	}
	if x.pollErr == nil {
		x.note("", err.Error()+"; retrying on the next poll")
	}
	x.pollErr = err
}

func (x *run) pollWorked() {
	x.reached = true
	if x.pollErr != nil {
		x.note("", "polling works again")
	}
	x.pollErr = nil
}

// observeAll takes in what one Describe of ids answered: an id it left
// out is an instance EC2 no longer knows.
func (x *run) observeAll(ids []string, got []cloud.Instance) {
	seen := make(map[string]cloud.Instance, len(got))
	for _, c := range got {
		seen[c.ID] = c
	}
	for _, id := range ids {
		c, ok := seen[id]
		x.observe(x.byID[id], c, ok)
	}
}

func (x *run) observe(in *instRun, c cloud.Instance, ok bool) {
	if !ok {
		if !in.missing {
			in.missing, x.changed = true, true
			x.emit(op.Event{Type: op.EventInstanceState, Stage: in.stage.ps.Name, Instance: in.cur.ID, Name: in.cur.Name,
				State: "missing", Message: "EC2 no longer knows this instance"})
		}
		return
	}
	in.missing = false
	if c.Region == "" {
		c.Region = in.cur.Region
	}
	if !in.observed && !in.actionSent {
		in.wasRunning = c.State == cloud.Running
	}
	in.observed = true
	prev := in.cur.State
	in.cur = c
	if c.State != prev {
		x.changed = true
		x.emit(op.Event{Type: op.EventInstanceState, Stage: in.stage.ps.Name, Instance: c.ID, Name: c.Name,
			State: c.State, Message: c.StateReason})
	}
	if c.State == cloud.Running && (prev != cloud.Running || in.runningAt.IsZero()) {
		in.runningAt = x.clock.Now()
		if !c.LaunchTime.IsZero() && !c.LaunchTime.After(in.runningAt) {
			in.runningAt = c.LaunchTime
		}
	}
	switch c.State {
	case cloud.Pending, cloud.Running:
		in.seenUp = true
	case cloud.Stopped:
		if in.actionSent && x.plan.Action == op.Start {
			in.stoppedPolls++
		}
	}
}
