package orchestrate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
)

// The command gate runs the stage's shell script on each instance through
// SSM Run Command once the instance passed the other gates, and passes
// when it exits 0. Everything it asks SSM happens in the poll, within the
// run's bounds: per tick at most one Managed call per region (for the
// instances not yet registered), one Results call per command in flight,
// and one SendShell per stage and region (for the instances due to run
// it). A failed run is retried every Runner.CommandRetry until the stage's
// timeout; an instance SSM has not seen within the gate's grace after it
// runs fails the gate at once, since the command could never reach it.

// commandState is one instance's way through its command gate.
type commandState struct {
	managed bool
	sent    string    // the command id in flight, "" when none
	retryAt time.Time // when a failed run may go again
	ok      bool      // the last run exited 0
	noted   string    // the failure last reported, so a repeat is not
}

// sentCommand is one SendShell: which instances it went to.
type sentCommand struct {
	region string
	stage  *stageRun
	insts  map[string]*instRun
}

// outputLines is how much of a failed command's output is shown.
const outputLines = 10

// commandPassed reports whether the instance's command gate passed; the
// first time it is asked, the instance starts its way through the gate.
func (x *run) commandPassed(in *instRun) bool {
	if in.cmd == nil {
		in.cmd = &commandState{}
		if in.runningAt.IsZero() {
			in.runningAt = x.clock.Now()
		}
		x.changed = true
	}
	return in.cmd.ok
}

// atCommand reports whether the instance waits on its stage's command gate now.
func atCommand(s *stageRun, in *instRun) bool {
	return s.status == op.StageActive && !in.through && !in.missing && in.cmd != nil && !in.cmd.ok &&
		in.gate < len(s.ps.Gates) && s.ps.Gates[in.gate].Kind == GateCommand && in.cur.State == cloud.Running
}

// pollCommands reads the results of the commands in flight, finds out
// which waiting instances SSM knows, and sends the command to those due.
func (x *run) pollCommands(ctx context.Context) {
	if x.plan.Action != op.Start {
		return
	}
	x.readResults(ctx)
	var waiting []*instRun
	for _, s := range x.stages {
		for _, in := range s.insts {
			if atCommand(s, in) {
				waiting = append(waiting, in)
			}
		}
	}
	if len(waiting) == 0 || x.fail != nil {
		return
	}
	if x.r.Commands == nil {
		in := waiting[0]
		x.failStage(in.stage, nil, GateCommand, "its command gate runs through SSM Run Command, which this connection to AWS does not offer")
		return
	}
	x.checkManaged(ctx, waiting)
	if x.fail == nil {
		x.sendCommands(ctx, waiting)
	}
}

// readResults makes one Results call per command in flight.
func (x *run) readResults(ctx context.Context) {
	for _, id := range slices.Sorted(maps.Keys(x.commands)) {
		c := x.commands[id]
		if c.stage.status != op.StageActive { // failed or abandoned: nobody waits on it
			delete(x.commands, id)
			continue
		}
		var got []cloud.CommandResult
		err := x.call(ctx, []*stageRun{c.stage}, func(ctx context.Context) (err error) {
			got, err = x.r.Commands.Results(ctx, c.region, id)
			return err
		})
		if err != nil {
			if ctx.Err() == nil && !x.commandRefused(c.stage, "reading the command's results", err) {
				x.pollFailed(fmt.Errorf("reading the results of SSM command %s in %s: %w", id, c.region, err))
			}
			continue
		}
		for _, r := range got {
			in := c.insts[r.Instance]
			if in == nil || !r.Done() {
				continue
			}
			delete(c.insts, r.Instance)
			x.finishCommand(in, r)
		}
		if len(c.insts) == 0 {
			delete(x.commands, id)
		}
	}
}

// finishCommand records how one run of the command ended on an instance.
func (x *run) finishCommand(in *instRun, r cloud.CommandResult) {
	in.cmd.sent = ""
	x.changed = true
	if r.Status == cloud.CommandSuccess && r.ExitCode == 0 {
		in.cmd.ok, in.lastErr = true, ""
		return
	}
	in.hadToWait = true
	in.cmd.retryAt = x.clock.Now().Add(x.r.CommandRetry)
	in.lastErr = commandFailure(r)
	if in.lastErr != in.cmd.noted {
		in.cmd.noted = in.lastErr
		x.emit(op.Event{Type: op.EventNote, Stage: in.stage.ps.Name, Instance: in.cur.ID, Name: in.cur.Name, Gate: GateCommand,
			Message: fmt.Sprintf("the command failed on %s: %s\nretrying every %s until the stage's timeout",
				label(in.cur.ID, in.cur.Name), in.lastErr, Seconds(x.r.CommandRetry))})
	}
}

// commandFailure says how a run failed: the exit code (or SSM's status)
// and the last lines of its output, each line on its own.
func commandFailure(r cloud.CommandResult) string {
	var what string
	switch {
	case r.Status == cloud.CommandTimedOut:
		what = "it ran out of time (SSM: TimedOut)"
	case r.ExitCode >= 0:
		what = fmt.Sprintf("exit %d", r.ExitCode)
	default:
		what = "SSM: " + r.Status
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(r.Output, "\r\n", "\n"), "\n"), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return what + ", no output"
	}
	if len(lines) > outputLines {
		lines = lines[len(lines)-outputLines:]
	}
	return what + "; the last lines of its output:\n    " + strings.Join(lines, "\n    ")
}

// checkManaged asks SSM, one call per region, about the waiting instances
// not yet registered, and fails the gate of one past its grace.
func (x *run) checkManaged(ctx context.Context, waiting []*instRun) {
	byRegion := map[string][]*instRun{}
	for _, in := range waiting {
		if !in.cmd.managed {
			byRegion[in.cur.Region] = append(byRegion[in.cur.Region], in)
		}
	}
	now := x.clock.Now()
	for _, region := range slices.Sorted(maps.Keys(byRegion)) {
		group := byRegion[region]
		ids := make([]string, len(group))
		for i, in := range group {
			ids[i] = in.cur.ID
		}
		var known map[string]cloud.ManagedInstance
		err := x.call(ctx, []*stageRun{group[0].stage}, func(ctx context.Context) (err error) {
			known, err = x.r.Commands.Managed(ctx, region, ids)
			return err
		})
		if err != nil {
			if ctx.Err() == nil && !x.commandRefused(group[0].stage, "asking SSM which instances it manages", err) {
				x.pollFailed(fmt.Errorf("asking SSM about %d instance(s) in %s: %w", len(ids), region, err))
			}
			continue
		}
		for _, in := range group {
			m, seen := known[in.cur.ID]
			if seen && m.PingStatus == "Online" {
				in.cmd.managed, x.changed = true, true
				continue
			}
			grace := in.stage.ps.Gates[in.gate].Grace.D()
			status := "SSM does not know it"
			if seen {
				status = "SSM's ping status: " + m.PingStatus
			}
			if !now.Before(in.runningAt.Add(grace)) {
				x.failStage(in.stage, in, GateCommand, fmt.Sprintf(
					"has not registered with SSM (Systems Manager) within ssm-grace %s of running (%s), so its command gate cannot run: check that the SSM agent runs on it and that its instance profile allows SSM (e.g. AmazonSSMManagedInstanceCore)",
					grace, status))
				return
			}
			in.lastErr = fmt.Sprintf("not registered with SSM yet (%s; waiting up to ssm-grace %s)", status, grace)
		}
	}
}

// sendCommands runs the command on the registered instances due, one
// SendShell per stage and region.
func (x *run) sendCommands(ctx context.Context, waiting []*instRun) {
	type batch struct {
		s      *stageRun
		region string
	}
	due := map[batch][]*instRun{}
	var order []batch
	now := x.clock.Now()
	for _, in := range waiting {
		if !in.cmd.managed || in.cmd.sent != "" || now.Before(in.cmd.retryAt) {
			continue
		}
		b := batch{in.stage, in.cur.Region}
		if _, ok := due[b]; !ok {
			order = append(order, b)
		}
		due[b] = append(due[b], in)
	}
	for _, b := range order {
		group := due[b]
		ids := make([]string, len(group))
		for i, in := range group {
			ids[i] = in.cur.ID
		}
		g := b.s.ps.Gates[group[0].gate]
		left := b.s.started.Add(b.s.ps.Timeout.D()).Sub(now)
		var id string
		err := x.call(ctx, []*stageRun{b.s}, func(ctx context.Context) (err error) {
			id, err = x.r.Commands.SendShell(ctx, b.region, ids, g.Command, max(left, time.Second))
			return err
		})
		if err != nil {
			if ctx.Err() != nil || x.commandRefused(b.s, "sending the command", err) {
				return
			}
			if errors.Is(err, errStageOver) {
				continue // not sent: the stage times out with its instances' last failure, not this
			}
			for _, in := range group {
				// SSM may have lost it again: ask before the next try.
				in.cmd.managed, in.cmd.retryAt = false, now.Add(x.r.CommandRetry)
				in.lastErr = "SSM would not send the command: " + err.Error()
			}
			x.pollFailed(fmt.Errorf("sending the command gate of stage %q to %d instance(s) in %s: %w", b.s.ps.Name, len(ids), b.region, err))
			continue
		}
		sc := &sentCommand{region: b.region, stage: b.s, insts: map[string]*instRun{}}
		for _, in := range group {
			in.cmd.sent, sc.insts[in.cur.ID] = id, in
			if in.lastErr == "" || strings.HasPrefix(in.lastErr, "not registered") {
				in.lastErr = "the command is still running"
			}
		}
		x.commands[id] = sc
		x.changed = true
	}
}

// commandRefused fails the stage when SSM refuses for want of a
// permission: retrying until the timeout would not change that.
func (x *run) commandRefused(s *stageRun, doing string, err error) bool {
	var denied *cloud.AccessDeniedError
	if !errors.As(err, &denied) {
		return false
	}
	x.failStage(s, nil, GateCommand, fmt.Sprintf("%s for its command gate: %v", doing, err))
	return true
}
