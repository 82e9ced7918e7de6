package orchestrate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
)

// advance evaluates the stages in progress and begins those whose after
// stages are done, until nothing more moves, so a chain of stages that are
// already up passes in one go.
func (x *run) advance(ctx context.Context) {
	for {
		for _, s := range x.stages {
			if s.status == op.StageActive {
				x.evalStage(ctx, s)
			}
			if x.fail != nil || ctx.Err() != nil {
				return
			}
		}
		begun := false
		for _, s := range x.stages {
			if s.status == op.StagePending && x.afterDone(s) {
				x.begin(s)
				begun = true
			}
		}
		if !begun {
			return
		}
	}
}

func (x *run) afterDone(s *stageRun) bool {
	for _, a := range s.ps.After {
		if st := x.byName[a].status; st != op.StageReady && st != op.StageSkipped {
			return false
		}
	}
	return true
}

func (x *run) begin(s *stageRun) {
	s.started = x.clock.Now()
	x.changed = true
	if x.nothingToDo(s) {
		s.status, s.finished = op.StageSkipped, s.started
		// Worded as the plan words it: "1 already stopped, 2 terminated (skipped)".
		counts := map[string]int{}
		for _, in := range s.insts {
			state := in.cur.State
			if in.missing {
				state = cloud.Terminated
			}
			counts[decide(x.plan.Action, state)]++
		}
		what := "nothing to do"
		if x.plan.Action == op.Stop {
			what = "nothing to stop"
		}
		s.message = what + ": " + countText(counts, x.plan.Action)
		if len(s.insts) == 0 {
			s.message = emptyStageMessage // launch_stage.go
		}
		x.emit(op.Event{Type: op.EventStageSkipped, Stage: s.ps.Name, Message: s.message})
		return
	}
	s.status = op.StageActive
	counts := map[string]int{}
	for _, in := range s.insts {
		counts[in.cur.State]++
	}
	parts := []string{}
	for _, st := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%d %s", counts[st], st))
	}
	x.emit(op.Event{Type: op.EventStageStarted, Stage: s.ps.Name, Message: fmt.Sprintf("%d instance(s): %s",
		len(s.insts), strings.Join(parts, ", "))})
}

// nothingToDo: a start stage whose instances all run and that has no gate
// but running (and a delay, skipped then), or a stop stage already down.
func (x *run) nothingToDo(s *stageRun) bool {
	if len(s.insts) == 0 {
		return true // a stage a template launches into, with no instance yet
	}
	for _, in := range s.insts {
		if x.plan.Action == op.Stop {
			if !in.missing && in.cur.State != cloud.Stopped && in.cur.State != cloud.Terminated {
				return false
			}
			continue
		}
		if in.missing || in.cur.State != cloud.Running {
			return false
		}
	}
	if x.plan.Action == op.Start {
		for _, g := range s.ps.Gates {
			// A delay is skipped only for a stage known ready from before.
			if g.Kind != GateRunning && (g.Kind != GateDelay || !s.ps.Settled) {
				return false
			}
		}
	}
	return true
}

func (x *run) evalStage(ctx context.Context, s *stageRun) {
	if x.plan.Action == op.Stop {
		x.evalStop(ctx, s)
	} else {
		x.evalStart(ctx, s)
	}
	if s.status != op.StageActive || x.fail != nil {
		return
	}
	if !x.clock.Now().Before(s.started.Add(s.ps.Timeout.D())) {
		x.timedOut(s)
	}
}

func (x *run) evalStart(ctx context.Context, s *stageRun) {
	var toStart []*instRun
	through := 0
	for _, in := range s.insts {
		if msg := x.startTrouble(in); msg != "" {
			x.failStage(s, in, GateRunning, msg)
			return
		}
		if in.cur.State == cloud.Stopped && !in.actionSent {
			toStart = append(toStart, in)
		}
	}
	// Start first, then gates: the log then reads "start sent", "waiting".
	if len(toStart) > 0 && s.unsentAt != x.polls && !x.send(ctx, s, toStart) {
		return
	}
	for _, in := range s.insts {
		x.evalGates(s, in)
		if x.fail != nil {
			return
		}
		if in.through {
			through++
		}
	}
	if through < len(s.insts) {
		return
	}
	if d := s.delay(); d > 0 {
		gate := Gate{Kind: GateDelay, Delay: Seconds(d)}.String()
		switch {
		case x.allUpBefore(s):
			x.emit(op.Event{Type: op.EventGatePassed, Stage: s.ps.Name, Gate: gate,
				Message: "skipped: every instance was already running and ready"})
		case s.delayFrom.IsZero():
			s.delayFrom = x.clock.Now()
			x.emit(op.Event{Type: op.EventGateWaiting, Stage: s.ps.Name, Gate: gate})
			return
		case x.clock.Now().Before(s.delayFrom.Add(d)):
			return
		default:
			x.emit(op.Event{Type: op.EventGatePassed, Stage: s.ps.Name, Gate: gate})
		}
	}
	x.ready(s)
}

// allUpBefore: the stage is known ready from before this run and every
// instance of it was up and passed its gates at once, so its delay is not
// waited again.
func (x *run) allUpBefore(s *stageRun) bool {
	if !s.ps.Settled {
		return false
	}
	for _, in := range s.insts {
		if !in.wasRunning || in.actionSent || in.hadToWait {
			return false
		}
	}
	return true
}

// startTrouble says why an instance will never come up in this run, or "".
func (x *run) startTrouble(in *instRun) string {
	var msg string
	switch st := in.cur.State; {
	case in.missing:
		return "no longer exists: EC2 does not know it any more"
	case st == cloud.Terminated:
		msg = "was terminated"
	case st == cloud.ShuttingDown:
		msg = "is shutting down (being terminated)"
	case st == cloud.Stopped && in.seenUp:
		msg = "went back to stopped after it was seen pending or running"
	case st == cloud.Stopped && in.stoppedPolls >= stoppedLimit:
		msg = fmt.Sprintf("is still stopped %d polls after it was started", in.stoppedPolls)
	case st == cloud.Stopping && in.seenUp:
		msg = "is stopping although this run is starting it"
	default:
		return ""
	}
	if in.cur.StateReason != "" {
		msg += " (EC2 state reason: " + in.cur.StateReason + ")"
	}
	return msg
}

// evalGates moves an instance through its gates as far as it can now.
func (x *run) evalGates(s *stageRun, in *instRun) {
	gates := s.ps.Gates
	for !in.through {
		if in.gate >= len(gates) || gates[in.gate].Kind == GateDelay {
			in.through = true
			return
		}
		g := gates[in.gate]
		passed := false
		switch g.Kind {
		case GateRunning:
			passed = in.cur.State == cloud.Running
		case GateStatusChecks:
			if in.checks.Impaired() {
				x.failStage(s, in, g.String(), fmt.Sprintf("status checks impaired (instance %s, system %s)",
					in.checks.Instance, in.checks.System))
				return
			}
			passed = in.cur.State == cloud.Running && in.checks.OK()
		case GateTCP, GateHTTP:
			// One attempt per poll: a failing endpoint is retried at the
			// poll's pace, not hammered.
			passed, in.gateOK = in.gateOK, false
			if !passed && !in.inflight && in.triedAt != x.polls {
				in.triedAt = x.polls
				x.dispatch(in, g)
			}
		case GateCommand:
			// Sent and read back by the poll (pollCommands), batched per
			// stage and region; here it only passes once it exited 0.
			passed = x.commandPassed(in)
		}
		if !passed {
			if in.waitingOn != in.gate {
				in.waitingOn = in.gate
				x.emit(op.Event{Type: op.EventGateWaiting, Stage: s.ps.Name, Gate: g.String(), Instance: in.cur.ID, Name: in.cur.Name, Message: x.targetText(in, g)})
			}
			if !in.inflight && g.Kind != GateCommand { // a command's first run is not a wait; its failures are
				in.hadToWait = true
			}
			return
		}
		x.emit(op.Event{Type: op.EventGatePassed, Stage: s.ps.Name, Gate: g.String(), Instance: in.cur.ID, Name: in.cur.Name, Message: x.targetText(in, g)})
		in.gate++
		in.lastErr, in.triedAt = "", -1
		x.changed = true
	}
}

func (x *run) evalStop(ctx context.Context, s *stageRun) {
	var toStop []*instRun
	done := 0
	for _, in := range s.insts {
		switch st := in.cur.State; {
		case in.missing || st == cloud.Terminated || st == cloud.ShuttingDown:
			if !in.noted {
				in.noted = true
				what := st
				if in.missing {
					what = "gone (EC2 no longer knows it)"
				}
				// Worded as the plan words it.
				x.emit(op.Event{Type: op.EventNote, Stage: s.ps.Name, Instance: in.cur.ID, Name: in.cur.Name,
					State: st, Message: fmt.Sprintf("instance %s is %s; skipped", label(in.cur.ID, in.cur.Name), what)})
			}
			done++
		case st == cloud.Stopped:
			if in.gate == 0 {
				in.gate = 1
				x.emit(op.Event{Type: op.EventGatePassed, Stage: s.ps.Name, Gate: GateStopped, Instance: in.cur.ID, Name: in.cur.Name})
			}
			done++
		case st == cloud.Running && !in.actionSent:
			toStop = append(toStop, in)
		}
	}
	if len(toStop) > 0 && s.unsentAt != x.polls && !x.send(ctx, s, toStop) {
		return
	}
	if done == len(s.insts) {
		x.ready(s)
	}
}

// send starts or stops instances of one stage: one call per region.
func (x *run) send(ctx context.Context, s *stageRun, list []*instRun) bool {
	byRegion := map[string][]*instRun{}
	for _, in := range list {
		byRegion[in.cur.Region] = append(byRegion[in.cur.Region], in)
	}
	call, verb := x.r.Fleet.Start, "start"
	if x.plan.Action == op.Stop {
		call, verb = x.r.Fleet.Stop, "stop"
	}
	for _, region := range slices.Sorted(maps.Keys(byRegion)) {
		group := byRegion[region]
		ids := make([]string, len(group))
		names := make([]string, len(group))
		for i, in := range group {
			ids[i], names[i] = in.cur.ID, label(in.cur.ID, in.cur.Name)
		}
		err := x.call(ctx, []*stageRun{s}, func(ctx context.Context) error { return call(ctx, region, ids) })
		switch {
		case err == nil:
		case ctx.Err() != nil, errors.Is(err, errStageOver), errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, cloud.ErrUnreachable):
			return false // cancelled, or the stage's timeout came first: it fails as timed out
		case errors.Is(err, cloud.ErrUnreachable):
			// Not known to have reached EC2: sent again at the next poll
			// (a start or stop is safe to repeat); the polls' count of
			// unreachable calls ends the run if AWS stays away.
			if s.unsentAt != x.polls {
				s.unsentAt = x.polls
				x.note(s.ps.Name, fmt.Sprintf("%s of %s not sent: %v; sending it again at the next poll", verb, listText(names), err))
			}
			return false
		}
		if err != nil {
			var blame *instRun
			if len(group) == 1 {
				blame = group[0]
			}
			x.failStage(s, blame, "", fmt.Sprintf("EC2 refused to %s %s: %v", verb, listText(names), err))
			return false
		}
		for _, in := range group {
			in.actionSent = true
		}
		x.changed = true
		x.emit(op.Event{Type: op.EventActionSent, Stage: s.ps.Name, Message: fmt.Sprintf("%s sent for %d instance(s) in %s: %s",
			verb, len(group), region, listText(names))})
	}
	return true
}

func (x *run) ready(s *stageRun) {
	s.status, s.finished = op.StageReady, x.clock.Now()
	x.changed = true
	x.emit(op.Event{Type: op.EventStageReady, Stage: s.ps.Name, Message: "after " + Seconds(s.finished.Sub(s.started)).String()})
}

// timedOut fails a stage naming the first gate some instances have not
// passed and those instances.
func (x *run) timedOut(s *stageRun) {
	gi := len(s.ps.Gates)
	for _, in := range s.insts {
		if !in.through && in.gate < gi {
			gi = in.gate
		}
	}
	if x.plan.Action == op.Stop {
		gi = 0
	}
	var gate string
	var late []string
	var blame *instRun
	if gi < len(s.ps.Gates) && s.ps.Gates[gi].Kind != GateDelay {
		gate = s.ps.Gates[gi].String()
		for _, in := range s.insts {
			stuck := !in.through && in.gate == gi
			if x.plan.Action == op.Stop {
				stuck = in.cur.State != cloud.Stopped && in.cur.State != cloud.Terminated && !in.missing
			}
			if !stuck {
				continue
			}
			if blame == nil {
				blame = in
			}
			why := in.cur.State
			switch {
			case in.lastErr != "":
				why = in.lastErr
			case in.inflight:
				why = "no answer yet"
			}
			late = append(late, label(in.cur.ID, in.cur.Name)+": "+why)
		}
	} else {
		gate = Gate{Kind: GateDelay, Delay: Seconds(s.delay())}.String()
		late = []string{"every instance passed the other gates; the settle delay did not end in time"}
	}
	msg := fmt.Sprintf("timed out after %s waiting for %s; not through it: %s", s.ps.Timeout, gate, strings.Join(late, "; "))
	if x.pollErr != nil {
		msg += "; polling EC2 kept failing: " + x.pollErr.Error()
	}
	if len(late) == 1 && blame != nil {
		x.failStage(s, blame, gate, msg)
		return
	}
	x.failStage(s, nil, gate, msg)
}

// failStage ends the run's progress: the stage failed, the other stages in
// progress are abandoned, and nothing new begins.
func (x *run) failStage(s *stageRun, in *instRun, gate, msg string) {
	now := x.clock.Now()
	s.status, s.finished = op.StageFailed, now
	e := &RunError{Env: x.plan.Env, Action: x.plan.Action, Stage: s.ps.Name, Gate: gate, Message: msg}
	if in != nil {
		e.Instance, e.Name = in.cur.ID, in.cur.Name
		e.Message = "instance " + label(in.cur.ID, in.cur.Name) + " " + msg
		if strings.HasPrefix(msg, "timed out") || strings.HasPrefix(msg, "EC2 refused") {
			e.Message = msg
		}
	}
	s.message = e.Message
	x.emit(op.Event{Type: op.EventStageFailed, Stage: s.ps.Name, Instance: e.Instance, Name: e.Name, Gate: gate, Message: e.Message})
	for _, o := range x.stages {
		if o.status == op.StageActive {
			o.status, o.finished = op.StageCancelled, now
			o.message = fmt.Sprintf("abandoned because stage %q failed", s.ps.Name)
			x.emit(op.Event{Type: op.EventStageCancelled, Stage: o.ps.Name, Message: o.message})
		}
	}
	x.fail = e
}
