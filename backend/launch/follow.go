package launch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
)

// Launcher carries out plans, terminations and clean-ups, reporting every
// step through Report.
type Launcher struct {
	Cloud  Cloud
	Region string
	Clock  clockwork.Clock
	// Tick is the poll interval (default DefaultTick).
	Tick   time.Duration
	Report *Reporter
	// CleanupTimeout bounds deleting one stack, also after a cancel
	// (default DefaultCleanupTimeout).
	CleanupTimeout time.Duration
	// Ready, when set, is told the instances that became ready before the
	// launch reports its end (control hands their lease on there).
	Ready func(ctx context.Context, ready []Launched)
	// DeleteAttempts is how many DeleteStack calls a stack gets before
	// what remains of it is named (default DefaultDeleteAttempts).
	DeleteAttempts int
	// CallTimeout bounds each AWS call on Clock (default
	// DefaultCallTimeout).
	CallTimeout time.Duration
	// Settle, for tests on a fake clock, is told of every AWS call in
	// flight, as a run's (orchestrate.Settle).
	Settle *orchestrate.Settle
}

// Defaults of a Launcher.
const (
	DefaultTick           = 5 * time.Second
	DefaultCleanupTimeout = 30 * time.Minute
	DefaultDeleteAttempts = 3
)

// Launched is an instance that became ready.
type Launched struct {
	Stack     string `json:"stack"`
	StackID   string `json:"stackId"`
	Instance  string `json:"instance"`
	Name      string `json:"name"`
	PrivateIP string `json:"privateIp,omitempty"`
	DNS       string `json:"dns,omitempty"`
	// Type and Region, for the history's record of its runs.
	Type   string `json:"type,omitempty"`
	Region string `json:"region"`
}

// Failed is a stack that failed, timed out or was cancelled, and what its
// clean-up left.
type Failed struct {
	Stack   string `json:"stack"`
	StackID string `json:"stackId,omitempty"`
	Reason  string `json:"reason"`
	// Remains names what could not be deleted ("" when all is gone).
	Remains []string `json:"remains,omitempty"`
}

// Result is how a launch ended, stack by stack.
type Result struct {
	Launched []Launched `json:"launched"`
	Failed   []Failed   `json:"failed,omitempty"`
	// Instances is what was last seen of every instance the launch made
	// (the usage history records their runs).
	Instances []cloud.Instance `json:"-"`
}

// tracked is one stack being followed.
type tracked struct {
	u        *Unit
	stackID  string
	last     string // the last stack event seen
	status   string // the stack's, from its own events
	reason   string // the first failure
	instance string
	seen     cloud.Instance
	progress string // the last boot progress reported
	deadline time.Time
	done     bool // ready or failed
	ready    bool
	dnsDone  bool // the record was written
}

func (l *Launcher) tick() time.Duration {
	if l.Tick > 0 {
		return l.Tick
	}
	return DefaultTick
}

// Run launches the plan's instances and follows them until each is ready
// or has failed; a failed, timed-out or cancelled stack is deleted and
// waited for. The error says what failed and what remains, if anything.
func (l *Launcher) Run(ctx context.Context, plan *Plan) (*Result, error) {
	r, p := l.Report, plan.Preview
	r.Emit(op.Event{Type: op.EventRunStarted, Message: fmt.Sprintf("launching %s", p.Summary())})
	for _, u := range plan.Units {
		r.Emit(op.Event{Type: op.EventLaunchPreview, Stack: u.Stack, Name: u.Name, Message: unitSummary(p, u)})
	}
	res := &Result{Launched: []Launched{}}
	var all []*tracked
	for _, u := range plan.Units {
		if ctx.Err() != nil {
			break
		}
		id, err := l.create(ctx, u)
		if err != nil {
			res.Failed = append(res.Failed, Failed{Stack: u.Stack, Reason: err.Error()})
			r.Emit(op.Event{Type: op.EventLaunchFailed, Stack: u.Stack, Name: u.Name, Reason: err.Error(),
				Message: "CloudFormation did not create the stack; nothing was made"})
			continue
		}
		r.Emit(op.Event{Type: op.EventLaunchStarted, Stack: u.Stack, StackID: id, Name: u.Name, Status: cloud.StackCreateInProgress,
			Message: fmt.Sprintf("CreateStack accepted: %s", id)})
		all = append(all, &tracked{u: u, stackID: id, status: cloud.StackCreateInProgress, deadline: l.Clock.Now().Add(plan.Timeout)})
	}
	l.follow(ctx, all, plan.Timeout)

	cancelled := ctx.Err() != nil
	for _, t := range all {
		switch {
		case t.ready && !cancelled:
			res.Launched = append(res.Launched, Launched{Stack: t.u.Stack, StackID: t.stackID, Instance: t.instance, Name: t.u.Name,
				PrivateIP: t.seen.PrivateIP, DNS: dnsIf(t), Type: t.seen.Type, Region: l.Region})
		default:
			reason := t.reason
			if cancelled && !t.done {
				reason = "cancelled"
			} else if cancelled {
				reason = "cancelled after it was ready"
			}
			f := Failed{Stack: t.u.Stack, StackID: t.stackID, Reason: reason}
			f.Remains = l.undo(ctx, t)
			res.Failed = append(res.Failed, f)
		}
		if t.seen.ID != "" {
			res.Instances = append(res.Instances, t.seen)
		}
	}
	if l.Ready != nil && len(res.Launched) > 0 && !cancelled {
		l.Ready(ctx, res.Launched)
	}
	return res, l.end(ctx, res, len(plan.Units))
}

// create sends CreateStack. An error after which the stack may exist
// anyway (the answer was lost) is checked by name: a stack carrying this
// unit's launch id is the one it made, and is followed (and so cleaned up
// if need be), never left behind.
func (l *Launcher) create(ctx context.Context, u *Unit) (string, error) {
	var id string
	err := l.call(ctx, func(ctx context.Context) (err error) {
		id, err = l.Cloud.Stacks().CreateStack(ctx, l.Region, u.Input)
		return err
	})
	if err == nil {
		return id, nil
	}
	if errors.Is(err, cloud.ErrInvalid) || errors.Is(err, cloud.ErrExists) {
		return "", fmt.Errorf("CreateStack %s: %w", u.Stack, err)
	}
	var st cloud.Stack
	lerr := l.call(context.WithoutCancel(ctx), func(ctx context.Context) (err error) {
		st, err = l.Cloud.Stacks().Stack(ctx, l.Region, u.Stack)
		return err
	})
	if lerr == nil && st.Tags[cloud.TagLaunch] == u.ID {
		return st.ID, nil
	}
	return "", fmt.Errorf("CreateStack %s: %w", u.Stack, err)
}

// follow polls every stack still being created, once per tick: one
// DescribeStackEvents per stack (only the events since the last one seen)
// and one DescribeInstances for all their instances, until each is ready
// or failed, or ctx ends.
func (l *Launcher) follow(ctx context.Context, all []*tracked, timeout time.Duration) {
	for {
		var active []*tracked
		for _, t := range all {
			if !t.done {
				active = append(active, t)
			}
		}
		if len(active) == 0 || ctx.Err() != nil {
			return
		}
		began := l.Clock.Now()
		for _, t := range active {
			l.readEvents(ctx, t)
		}
		l.describe(ctx, active)
		now := l.Clock.Now()
		left := 0
		for _, t := range active {
			l.judge(ctx, t, now, timeout)
			if !t.done {
				left++
			}
		}
		if left == 0 {
			return // the last one is ready or failed: no tick more
		}
		select {
		case <-ctx.Done():
			return
		case <-l.Clock.After(l.untilNext(began)):
		}
	}
}

// untilNext is the wait until the next poll: polls begin a tick apart,
// however long the calls of one took (at once when they took longer).
func (l *Launcher) untilNext(began time.Time) time.Duration {
	return max(0, l.tick()-l.Clock.Since(began))
}

// readEvents reads a stack's new events and reports each.
func (l *Launcher) readEvents(ctx context.Context, t *tracked) {
	var evs []cloud.StackEvent
	err := l.call(ctx, func(ctx context.Context) (err error) {
		evs, err = l.Cloud.Stacks().StackEvents(ctx, l.Region, t.stackID, t.last)
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			l.Report.note(t.u.Stack, fmt.Sprintf("reading the events of %s (tried again next poll): %v", t.u.Stack, err))
		}
		return
	}
	for _, ev := range evs {
		t.last = ev.ID
		e := stackEvent(t.u.Stack, t.stackID, ev)
		if stackOwnEvent(ev) {
			t.status = ev.Status
			if strings.HasSuffix(ev.Status, "_FAILED") && t.reason == "" && ev.Reason != "" {
				t.reason = ev.Reason
			}
		} else {
			if ev.ResourceType == instanceType && strings.HasPrefix(ev.PhysicalID, "i-") && t.instance == "" {
				t.instance = ev.PhysicalID
			}
			if strings.HasSuffix(ev.Status, "_FAILED") && t.reason == "" && ev.Reason != "" && !op.Cancelled(ev.Reason) {
				t.reason = e.LabelledReason()
			}
		}
		l.Report.Emit(e)
	}
}

// stackEvent is one CloudFormation event as an op.Event.
func stackEvent(stack, stackID string, ev cloud.StackEvent) op.Event {
	e := op.Event{Type: op.EventStackEvent, Stack: stack, StackID: stackID, Status: ev.Status, Reason: ev.Reason}
	if !stackOwnEvent(ev) {
		e.Resource, e.ResourceType = ev.LogicalID, ev.ResourceType
		if ev.ResourceType == instanceType && strings.HasPrefix(ev.PhysicalID, "i-") {
			e.Instance = ev.PhysicalID
		}
	}
	return e
}

// describe reads every followed instance in one call and reports state
// changes and boot progress.
func (l *Launcher) describe(ctx context.Context, active []*tracked) {
	var ids []string
	byID := map[string]*tracked{}
	for _, t := range active {
		if t.instance != "" {
			ids = append(ids, t.instance)
			byID[t.instance] = t
		}
	}
	if len(ids) == 0 {
		return
	}
	var found []cloud.Instance
	err := l.call(ctx, func(ctx context.Context) (err error) {
		found, err = l.Cloud.Fleet().Describe(ctx, l.Region, ids)
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			l.Report.note("", fmt.Sprintf("reading the new instances (tried again next poll): %v", err))
		}
		return
	}
	for _, in := range found {
		t := byID[in.ID]
		if t == nil {
			continue
		}
		l.observe(t, in)
	}
}

// observe reports what changed of one followed instance.
func (l *Launcher) observe(t *tracked, in cloud.Instance) {
	if in.Region == "" {
		in.Region = l.Region
	}
	if in.State != t.seen.State {
		l.Report.Emit(op.Event{Type: op.EventInstanceState, Stack: t.u.Stack, Instance: in.ID, Name: t.u.Name, State: in.State, Message: in.StateReason})
	}
	if p := in.Progress; p != nil {
		key := fmt.Sprintf("%d %s", p.Percent, p.Message)
		if key != t.progress {
			t.progress = key
			n := p.Percent
			l.Report.Emit(op.Event{Type: op.EventBootProgress, Stack: t.u.Stack, Instance: in.ID, Name: t.u.Name, Percent: &n, Message: p.Message})
		}
	}
	t.seen = in
}

// judge decides whether a stack is ready, failed or timed out.
func (l *Launcher) judge(ctx context.Context, t *tracked, now time.Time, timeout time.Duration) {
	switch {
	case t.status == cloud.StackCreateComplete && t.instance == "":
		l.stackInstance(ctx, t) // an own template whose instance event came before we looked
	case t.status == cloud.StackCreateComplete && t.seen.State == cloud.Running:
		t.done, t.ready = true, true
		l.ready(ctx, t)
		return
	case failedStatus(t.status):
		t.done = true
		if t.reason == "" {
			t.reason = "the stack is " + t.status
		}
		l.Report.Emit(op.Event{Type: op.EventLaunchFailed, Stack: t.u.Stack, StackID: t.stackID, Instance: t.instance, Name: t.u.Name,
			Reason: t.reason, Message: fmt.Sprintf("%s failed: %s; deleting its stack", t.u.Name, t.reason)})
		return
	}
	if !now.Before(t.deadline) {
		t.done = true
		t.reason = fmt.Sprintf("not ready within %s (the template's timeout)", timeout)
		l.Report.Emit(op.Event{Type: op.EventLaunchFailed, Stack: t.u.Stack, StackID: t.stackID, Instance: t.instance, Name: t.u.Name,
			Reason: t.reason, Message: fmt.Sprintf("%s timed out: %s; deleting its stack", t.u.Name, t.reason)})
	}
}

// stackInstance asks the stack for its instance (one call).
func (l *Launcher) stackInstance(ctx context.Context, t *tracked) {
	var res []cloud.StackResource
	if err := l.call(ctx, func(ctx context.Context) (err error) {
		res, err = l.Cloud.Stacks().StackResources(ctx, l.Region, t.stackID)
		return err
	}); err != nil {
		return
	}
	for _, r := range res {
		if r.Type == instanceType && strings.HasPrefix(r.PhysicalID, "i-") {
			t.instance = r.PhysicalID
			return
		}
	}
}

// ready writes the DNS record and reports the launch done.
func (l *Launcher) ready(ctx context.Context, t *tracked) {
	where := label(t.instance, t.u.Name)
	if ip := t.seen.PrivateIP; ip != "" {
		where += " at " + ip
	}
	extra := ""
	if t.u.DNS != "" {
		if err := l.writeRecord(ctx, t); err != nil {
			extra = "; its DNS record could not be written: " + err.Error()
		} else {
			t.dnsDone = true
			where += ", " + t.u.DNS
		}
	}
	l.Report.Emit(op.Event{Type: op.EventLaunchDone, Stack: t.u.Stack, StackID: t.stackID, Instance: t.instance, Name: t.u.Name,
		State: t.seen.State, Status: t.status, Message: fmt.Sprintf("%s is ready: %s%s", t.u.Name, where, extra)})
}

// undo removes what a launch made of a stack that is not to stay: its DNS
// record (when it was written), then the stack. It returns what remains.
func (l *Launcher) undo(ctx context.Context, t *tracked) []string {
	if t.dnsDone {
		l.deleteRecord(ctx, t.u.Stack, t.u.ZoneID, t.u.DNS, t.seen)
	}
	remains, _ := l.deleteStack(ctx, t.u.Stack, t.stackID, t.status, t.last, true)
	return remains
}

// end reports how the launch ended and returns its error.
func (l *Launcher) end(ctx context.Context, res *Result, asked int) error {
	r := l.Report
	var left []string
	for _, f := range res.Failed {
		left = append(left, f.Remains...)
	}
	ready := make([]string, len(res.Launched))
	for i, x := range res.Launched {
		ready[i] = label(x.Instance, x.Name)
	}
	switch {
	case ctx.Err() != nil:
		msg := "launch cancelled; every stack it made was deleted"
		if len(left) > 0 {
			msg = "launch cancelled; left behind: " + strings.Join(left, "; ")
		}
		r.Emit(op.Event{Type: op.EventRunCancelled, Message: msg})
		return fmt.Errorf("%s: %w", msg, context.Cause(ctx))
	case len(res.Failed) == 0:
		r.Emit(op.Event{Type: op.EventRunDone, Message: fmt.Sprintf("launched %s", strings.Join(ready, ", "))})
		return nil
	}
	var why []string
	for _, f := range res.Failed {
		why = append(why, f.Stack+": "+f.Reason)
	}
	msg := fmt.Sprintf("%d of %d failed (%s)", len(res.Failed), asked, strings.Join(why, "; "))
	if len(left) > 0 {
		msg += "; left behind: " + strings.Join(left, "; ")
	} else {
		msg += "; their stacks were deleted"
	}
	if len(ready) > 0 {
		msg += "; ready: " + strings.Join(ready, ", ")
	}
	r.Emit(op.Event{Type: op.EventRunFailed, Message: msg})
	return errors.New("launch failed: " + msg)
}

func dnsIf(t *tracked) string {
	if t.dnsDone {
		return t.u.DNS
	}
	return ""
}

// unitSummary is one instance's line of the preview.
func unitSummary(p *Preview, u *Unit) string {
	s := fmt.Sprintf("%s (%s, %s) from %s in %s (%s), stack %s, %s", u.Name, p.Type, p.Image.ID, p.Template, p.Subnet, p.Zone, u.Stack, priceText(p.Hourly))
	if u.DNS != "" {
		s += ", DNS " + u.DNS
	}
	if p.Lease != nil {
		s += ", leased for " + p.Lease.TTL().String() + " once ready"
	}
	return s
}
