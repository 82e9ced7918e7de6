package orchestrate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
	"cloudcontrol/internal/clockctx"
)

// Runner executes plans against a fleet. The zero values of everything but
// Fleet are usable defaults.
type Runner struct {
	Fleet cloud.Fleet
	Clock clockwork.Clock // default: the real clock
	// Tick is the poll interval while things change (default 1s); after
	// backoffAfter polls without a change it grows up to MaxTick (default 5s).
	Tick    time.Duration
	MaxTick time.Duration
	// Dial opens TCP gate connections; default: a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	HTTP *http.Client // for HTTP gates; default: a plain client
	Sink op.Sink      // default: events are dropped
	// CheckTimeout bounds one TCP or HTTP attempt (default 3s); Parallel is
	// how many such attempts run at once (default 16).
	CheckTimeout time.Duration
	Parallel     int
	// CallTimeout bounds each AWS call of the run (default
	// DefaultCallTimeout); a call made while stages wait is also cut at the
	// earliest of their timeouts, so a hung call never holds a stage past it.
	CallTimeout time.Duration
	// UnreachableAfter is how many polls in a row that cannot reach AWS
	// (cloud.ErrUnreachable: no connection, or no answer within the call's
	// bound) end the run, rather than waiting out the stage's timeout
	// (default 3). A throttle or an error answer is AWS answering.
	UnreachableAfter int
	// Commands runs the command gates through SSM Run Command; a stage
	// with one fails when it is nil. CommandRetry is the pause before a
	// failed command runs again on an instance (default 5s).
	Commands     cloud.Commands
	CommandRetry time.Duration

	// Settle, when set, is told of every check and AWS call in flight, so
	// a test on a fake clock moves time only while the run waits on it.
	Settle *Settle
}

const (
	// backoffAfter polls without any change before the interval grows: long
	// enough that a stage becoming running after ~10s is seen within a Tick.
	backoffAfter = 30
	// stoppedLimit is how many polls may still show an instance stopped after
	// Start was sent (EC2 is eventually consistent) before the run gives up.
	stoppedLimit = 5
	// DefaultCallTimeout is the run's own bound on one AWS call: a backstop
	// a little above the AWS session's own (30s), which words its timeout.
	DefaultCallTimeout = 35 * time.Second
	// rereadTimeout bounds reading the instances again once a run is
	// cancelled (its own context is done by then).
	rereadTimeout = 5 * time.Second
)

// Result is how a run ended.
type Result struct {
	Env       string           `json:"env"`
	Action    op.Action        `json:"action"`
	Outcome   op.Outcome       `json:"outcome"`
	Elapsed   Seconds          `json:"elapsedSeconds"`
	Stages    []StageResult    `json:"stages"`
	Instances []cloud.Instance `json:"instances"` // last seen state, plan order
	// Polls is how many poll rounds the run made; each makes at most one
	// Describe (and one StatusChecks) call per region.
	Polls int `json:"polls"`
}

// StageResult is how one stage ended.
type StageResult struct {
	Name     string         `json:"name"`
	Outcome  op.StageStatus `json:"outcome"`
	Started  time.Time      `json:"started,omitzero"`
	Finished time.Time      `json:"finished,omitzero"`
	Elapsed  Seconds        `json:"elapsedSeconds"`
	Message  string         `json:"message,omitempty"`
}

// RunError says which stage, instance and gate failed and what was left up.
type RunError struct {
	Env         string
	Action      op.Action
	Stage       string
	Instance    string // id, when one instance is to blame
	Name        string // its Name tag
	Gate        string
	Message     string
	LeftRunning []string // "id (Name)" of every instance left running or pending
	// Err is what ended the run when it is an error of AWS's
	// (cloud.ErrUnreachable when AWS could not be reached); nil otherwise.
	Err error
}

func (e *RunError) Error() string {
	return fmt.Sprintf("%s %s failed in stage %q: %s; %s", e.Action, e.Env, e.Stage, e.Message, leftText(e.LeftRunning))
}

func (e *RunError) Unwrap() error { return e.Err }

// CancelledError is a run ended by its context: its message says what the
// cancel left (as the run-cancelled event does), never the context's own
// "context canceled"; the cause stays reachable (errors.Is
// context.Canceled holds).
type CancelledError struct {
	Message string
	Cause   error
}

func (e *CancelledError) Error() string { return e.Message }
func (e *CancelledError) Unwrap() error { return e.Cause }

func leftText(ids []string) string {
	if len(ids) == 0 {
		return "nothing was left running"
	}
	return "left running: " + listText(ids)
}

// listText joins labels, eliding the middle of long lists for messages.
func listText(items []string) string {
	const most = 10
	if len(items) <= most {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:most], ", ") + fmt.Sprintf(" and %d more", len(items)-most)
}

// Run executes the plan: stage by stage for a start (each once all its
// after stages are ready), in stop order for a stop. It returns when the
// plan is done, a stage failed (*RunError; what is up stays up), or ctx is
// cancelled. Every step is reported to the op.Sink from this goroutine.
func (r *Runner) Run(ctx context.Context, p *Plan) (Result, error) {
	if p == nil {
		return Result{}, errors.New("run: no plan")
	}
	if r.Fleet == nil {
		return Result{}, errors.New("run: no cloud to run the plan against")
	}
	if len(p.Errors) > 0 {
		return Result{}, fmt.Errorf("%s %s: the plan has errors: %s", p.Action, p.Env, strings.Join(p.Errors, "; "))
	}
	x := newRun(r.withDefaults(), p)
	return x.loop(ctx)
}

func (r *Runner) withDefaults() Runner {
	c := *r
	if c.Clock == nil {
		c.Clock = clockwork.NewRealClock()
	}
	if c.Tick <= 0 {
		c.Tick = time.Second
	}
	if c.MaxTick <= 0 {
		c.MaxTick = 5 * time.Second
	}
	c.MaxTick = max(c.MaxTick, c.Tick)
	if c.Dial == nil {
		c.Dial = (&net.Dialer{}).DialContext
	}
	if c.HTTP == nil {
		c.HTTP = &http.Client{}
	}
	if c.Sink == nil {
		c.Sink = op.SinkFunc(func(op.Event) {})
	}
	if c.CheckTimeout <= 0 {
		c.CheckTimeout = 3 * time.Second
	}
	if c.Parallel <= 0 {
		c.Parallel = 16
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	if c.UnreachableAfter <= 0 {
		c.UnreachableAfter = 3
	}
	if c.CommandRetry <= 0 {
		c.CommandRetry = 5 * time.Second
	}
	return c
}

// run is the state of one Run, owned by the run's goroutine; gate checks
// report back through results.
type run struct {
	r      Runner
	plan   *Plan
	clock  clockwork.Clock
	began  time.Time
	stages []*stageRun
	byName map[string]*stageRun
	insts  []*instRun
	byID   map[string]*instRun

	results   chan gateResult
	sem       chan struct{}
	wg        sync.WaitGroup
	gateCtx   context.Context
	templates map[string]*template.Template

	interval time.Duration
	quiet    int  // polls in a row without a change
	changed  bool // something changed since the last poll
	nextPoll time.Time
	polls    int   // polls so far
	pollErr  error // the last poll failure, until a poll works again
	// unreachable counts polls in a row that could not reach AWS at all;
	// unreachableErr is the last such failure.
	unreachable    int
	unreachableErr error
	// reached and missed are the current poll's: some call got an answer;
	// the last call that could not reach AWS.
	reached bool
	missed  error
	fail    *RunError
	// commands are the command gates' invocations in flight, by command id.
	commands map[string]*sentCommand
}

func newRun(r Runner, p *Plan) *run {
	x := &run{r: r, plan: p, clock: r.Clock, began: r.Clock.Now(), byName: map[string]*stageRun{},
		byID: map[string]*instRun{}, results: make(chan gateResult, r.Parallel),
		sem: make(chan struct{}, r.Parallel), templates: map[string]*template.Template{}, interval: r.Tick,
		commands: map[string]*sentCommand{}}
	for i := range p.Stages {
		ps := &p.Stages[i]
		s := &stageRun{ps: ps, status: op.StagePending, unsentAt: -1}
		for _, pi := range ps.Instances {
			in := &instRun{stage: s, waitingOn: -1, triedAt: -1, wasRunning: pi.State == cloud.Running,
				cur: cloud.Instance{ID: pi.ID, Name: pi.Name, Type: pi.Type, Region: pi.Region, State: pi.State, StateReason: pi.StateReason}}
			s.insts = append(s.insts, in)
			x.insts = append(x.insts, in)
			x.byID[pi.ID] = in
		}
		x.stages = append(x.stages, s)
		x.byName[ps.Name] = s
	}
	return x
}

func (x *run) loop(ctx context.Context) (Result, error) {
	gctx, cancel := context.WithCancel(ctx)
	x.gateCtx = gctx
	defer func() { cancel(); x.wg.Wait() }()
	x.emit(op.Event{Type: op.EventRunStarted, Message: x.summary()})
	x.nextPoll = x.began
	for {
		switch {
		case ctx.Err() != nil:
			return x.cancelled(ctx)
		case x.fail != nil:
			return x.failed()
		case x.allDone():
			return x.done()
		}
		if !x.clock.Now().Before(x.nextPoll) {
			x.poll(ctx)
			x.nextPoll = x.clock.Now().Add(x.interval)
		}
		x.advance(ctx)
		if ctx.Err() != nil || x.fail != nil || x.allDone() {
			continue
		}
		now := x.clock.Now()
		timer := x.clock.NewTimer(x.nextWake(now).Sub(now))
		select {
		case <-ctx.Done():
		case res := <-x.results:
			x.onGate(res)
		case <-timer.Chan():
		}
		timer.Stop()
	}
}

// nextWake is the next poll, or sooner a stage's delay end or deadline.
func (x *run) nextWake(now time.Time) time.Time {
	wake := x.nextPoll
	consider := func(t time.Time) {
		if t.After(now) && t.Before(wake) {
			wake = t
		}
	}
	for _, s := range x.stages {
		if s.status != op.StageActive {
			continue
		}
		consider(s.started.Add(s.ps.Timeout.D()))
		if !s.delayFrom.IsZero() {
			consider(s.delayFrom.Add(s.delay()))
		}
	}
	if !wake.After(now) {
		wake = now.Add(x.interval)
	}
	return wake
}

func (x *run) emit(e op.Event) {
	now := x.clock.Now()
	e.Time, e.Env, e.Action = now, x.plan.Env, x.plan.Action
	e.Elapsed = now.Sub(x.began).Seconds()
	x.r.Sink.Emit(e)
}

func (x *run) note(stage, msg string) {
	x.emit(op.Event{Type: op.EventNote, Stage: stage, Message: msg})
}

func (x *run) summary() string {
	n := 0
	for _, s := range x.plan.Stages {
		n += len(s.Instances)
	}
	return fmt.Sprintf("%s %s: %d stage(s), %d instance(s): %s; expected about %s",
		x.plan.Action, x.plan.Env, len(x.plan.Stages), n, x.plan.summary(), x.plan.Expected)
}

func (x *run) allDone() bool {
	for _, s := range x.stages {
		if s.status != op.StageReady && s.status != op.StageSkipped {
			return false
		}
	}
	return true
}

func (x *run) done() (Result, error) {
	x.emit(op.Event{Type: op.EventRunDone, Message: fmt.Sprintf("%s %s done after %s", x.plan.Action, x.plan.Env,
		x.clock.Since(x.began).Round(time.Second))})
	return x.result(op.OutcomeDone), nil
}

func (x *run) failed() (Result, error) {
	x.fail.LeftRunning = x.leftRunning()
	x.emit(op.Event{Type: op.EventRunFailed, Stage: x.fail.Stage, Instance: x.fail.Instance, Name: x.fail.Name,
		Gate: x.fail.Gate, Message: x.fail.Error()})
	return x.result(op.OutcomeFailed), x.fail
}

func (x *run) cancelled(ctx context.Context) (Result, error) {
	x.reread(ctx)
	var ready, busy []string
	for _, s := range x.stages {
		switch s.status {
		case op.StageReady, op.StageSkipped:
			ready = append(ready, s.ps.Name)
		case op.StageActive:
			busy = append(busy, s.ps.Name)
			s.status, s.finished, s.message = op.StageCancelled, x.clock.Now(), "cancelled"
		}
	}
	moving := cloud.Pending
	if x.plan.Action == op.Stop {
		moving = cloud.Stopping
	}
	msg := fmt.Sprintf("%s %s cancelled; ready: %s; in progress: %s; running: %s; %s: %s",
		x.plan.Action, x.plan.Env, noneText(ready), noneText(busy), noneText(x.labels(cloud.Running)),
		moving, noneText(x.labels(moving)))
	x.emit(op.Event{Type: op.EventRunCancelled, Message: msg})
	return x.result(op.OutcomeCancelled), &CancelledError{Message: msg, Cause: context.Cause(ctx)}
}

// reread reads every instance again once the run is cancelled: what was
// last seen is from before the cancel (an instance just stopped still
// read running). The run's own context is done, so the read has its own
// short bound; if it fails, the last seen states stand.
func (x *run) reread(ctx context.Context) {
	rctx, cancel := clockctx.WithTimeout(context.WithoutCancel(ctx), x.clock, rereadTimeout)
	defer cancel()
	ids := map[string][]string{}
	for _, in := range x.insts {
		ids[in.cur.Region] = append(ids[in.cur.Region], in.cur.ID)
	}
	for _, region := range slices.Sorted(maps.Keys(ids)) {
		if got, err := x.r.Fleet.Describe(rctx, region, ids[region]); err == nil {
			x.observeAll(ids[region], got)
		}
	}
}

func noneText(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return listText(items)
}

// leftRunning names what a failed run leaves up: the instances last seen
// running or pending, and, for a start, those it sent a start to and has
// not seen since (a poll that could not reach AWS).
func (x *run) leftRunning() []string {
	var out []string
	for _, in := range x.insts {
		switch {
		case in.missing:
		case in.cur.State == cloud.Running || in.cur.State == cloud.Pending:
			out = append(out, label(in.cur.ID, in.cur.Name))
		case x.plan.Action == op.Start && in.actionSent && !in.seenUp && in.cur.State == cloud.Stopped:
			out = append(out, label(in.cur.ID, in.cur.Name)+" (start sent)")
		}
	}
	return out
}

// labels names the instances last seen in one of the states.
func (x *run) labels(states ...string) []string {
	var out []string
	for _, in := range x.insts {
		for _, st := range states {
			if in.cur.State == st && !in.missing {
				out = append(out, label(in.cur.ID, in.cur.Name))
			}
		}
	}
	return out
}

func (x *run) result(outcome op.Outcome) Result {
	res := Result{Env: x.plan.Env, Action: x.plan.Action, Outcome: outcome, Elapsed: Seconds(x.clock.Since(x.began)), Polls: x.polls}
	for _, s := range x.stages {
		sr := StageResult{Name: s.ps.Name, Outcome: s.status, Started: s.started, Finished: s.finished, Message: s.message}
		if !s.started.IsZero() && !s.finished.IsZero() {
			sr.Elapsed = Seconds(s.finished.Sub(s.started))
		}
		res.Stages = append(res.Stages, sr)
	}
	for _, in := range x.insts {
		res.Instances = append(res.Instances, in.cur)
	}
	return res
}
