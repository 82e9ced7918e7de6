package control

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
	"cloudcontrol/backend/runbook"
)

// A lease says until when an environment is needed: each of its running
// instances carries cloudcontrol:lease-until and cloudcontrol:lease-by, so
// every teammate's Cloud Control sees it. When the environment's stop
// runbook is deployed, a one-time at() schedule named "lease" in its group
// runs it at the lease's end (deleting itself once it has), so the lease
// holds with every laptop closed; otherwise only a running desktop app
// keeps it (its lease keeper stops the environment at the end).
//
// A lease on some of the instances only (LeaseRequest.Instances, or a
// launched instance's ttl through LeaseOn) is the same tags on those
// alone. Only the app keeps it, even when the stop runbook is deployed:
// that runbook stops the whole environment, and such a lease must stop
// only its instances, which the lease keeper does (it stops them, it
// never terminates them: a lease says until when something is needed,
// and a stopped instance can be started again or terminated by choice).

// MaxLease is the longest lease: a week (a template's ttl too).
const MaxLease = env.MaxLease

// LeaseScheduleName is the lease's schedule in the environment's group.
const LeaseScheduleName = "lease"

// Who keeps a lease (LeaseResult.KeptBy).
const (
	KeptByAWS = "aws" // the lease schedule runs the deployed stop runbook
	KeptByApp = "app" // only a running Cloud Control app stops it
)

// LeaseRequest is one change of a lease: set it For a while from now,
// Extend it, or End it (exactly one).
type LeaseRequest struct {
	For    time.Duration `json:"forSeconds,omitempty"`
	Extend time.Duration `json:"extendSeconds,omitempty"`
	End    bool          `json:"end,omitempty"`
	// Instances (ids or Names of the environment's instances), when
	// given, limits the change to them; such a lease is kept by the app.
	Instances []string `json:"instances,omitempty"`
}

// Check refuses a request that is not exactly one of For, Extend, End, or
// whose length cannot be a lease (0, negative, over MaxLease).
func (r LeaseRequest) Check() error {
	n := 0
	for _, set := range []bool{r.For != 0, r.Extend != 0, r.End} {
		if set {
			n++
		}
	}
	switch {
	case n != 1:
		return errors.New("say one of: a lease's length (2h), --extend 1h, or --end")
	case r.For != 0:
		return CheckLease(r.For)
	case r.Extend < 0:
		return fmt.Errorf("a lease is extended by a positive time, not %s", r.Extend)
	case r.Extend > 0 && r.Extend < time.Minute:
		return fmt.Errorf("extend a lease by at least a minute, not %s", r.Extend)
	}
	return nil
}

// CheckLease refuses a lease of nothing, a negative one and one over a week.
func CheckLease(d time.Duration) error {
	switch {
	case d < 0:
		return fmt.Errorf("a lease cannot be negative (%s); give how long it is needed, e.g. 2h", d)
	case d < env.MinLease:
		return fmt.Errorf("a lease must be at least a minute long, not %s; give how long it is needed, e.g. 2h", d)
	case d > MaxLease:
		return fmt.Errorf("a lease is at most 7 days (168h), not %s; stop it and start it again for more", d)
	}
	return nil
}

// LeaseResult is how a lease stands after a change.
type LeaseResult struct {
	Env string `json:"env"`
	// Until and By are the lease now; nil and "" once it was ended.
	Until  *time.Time `json:"until,omitempty"`
	By     string     `json:"by,omitempty"`
	ByName string     `json:"byName,omitempty"`
	// Previous* are the lease before, when there was one: extending
	// someone else's lease is allowed, and they are named.
	PreviousUntil  *time.Time `json:"previousUntil,omitempty"`
	PreviousBy     string     `json:"previousBy,omitempty"`
	PreviousByName string     `json:"previousByName,omitempty"`
	// Instances are the ids tagged (or untagged).
	Instances []string `json:"instances"`
	// KeptBy is KeptByAWS or KeptByApp ("" once ended); Schedule the
	// schedule's group/name when AWS keeps it.
	KeptBy   string `json:"keptBy,omitempty"`
	Schedule string `json:"schedule,omitempty"`
	// Message says all of it in a sentence; Notes what did not work.
	Message string   `json:"message"`
	Notes   []string `json:"notes,omitempty"`
}

// Lease sets, extends or ends the environment's lease, as one operation
// (op.Lease: under its lock, pins checked, in the usage history). Only
// the running (or pending) instances are leased; ending one removes it
// from every instance that has it. With req.Instances only those are
// changed, and the environment's lease schedule is left alone.
func (s *Service) Lease(ctx context.Context, e *env.Environment, req LeaseRequest, sink op.Sink) (*LeaseResult, error) {
	if err := req.Check(); err != nil {
		s.refused(sink, e.Name, op.Lease, err)
		return nil, err
	}
	var res *LeaseResult
	err := s.Operate(ctx, Operation{Env: e, Action: op.Lease, Sink: sink}, func(ctx context.Context, w *Work) error {
		found, err := orchestrate.Resolve(ctx, e, w.Session.Fleet(), w.Target.Region)
		if err != nil {
			return err
		}
		insts, err := leaseTargets(e, found, req)
		if err != nil {
			return err
		}
		if len(insts) == 0 {
			if req.End {
				return fmt.Errorf("%s has no lease to end", e.Name)
			}
			return fmt.Errorf("%s is not running, so there is nothing to lease: start it with a lease (env start %s --lease 2h)", e.Name, e.Name)
		}
		emit := func(t op.EventType, msg string) {
			w.Sink.Emit(op.Event{Time: s.opts.Clock.Now(), Env: e.Name, Action: op.Lease, Type: t, Message: msg})
		}
		emit(op.EventRunStarted, leaseIntent(e.Name, req, len(insts)))
		res, err = s.applyLease(ctx, w, e, insts, len(req.Instances) == 0, req, func(msg string) { emit(op.EventChangeApplied, msg) })
		if err != nil {
			emit(op.EventRunFailed, err.Error())
			return err
		}
		for _, n := range res.Notes {
			emit(op.EventNote, n)
		}
		emit(op.EventRunDone, res.Message)
		w.Observed(insts)
		return nil
	})
	return res, err
}

// leaseTargets are the instances a lease request changes: the running
// ones (ending: the leased ones), of req.Instances only when given; one
// named there that the environment does not select, or that is not
// running when a lease is set, is refused.
func leaseTargets(e *env.Environment, found *orchestrate.Resolved, req LeaseRequest) ([]cloud.Instance, error) {
	want := map[string]bool{}
	for _, x := range req.Instances {
		want[x] = true
	}
	matched := map[string]bool{}
	var insts []cloud.Instance
	for _, st := range found.Stages {
		for _, in := range st.Instances {
			if len(want) > 0 {
				if !want[in.ID] && (in.Name == "" || !want[in.Name]) {
					continue
				}
				matched[in.ID], matched[in.Name] = true, true
				if !req.End && !up(in) {
					return nil, fmt.Errorf("%s is %s, not running: a lease is on running time (start it first)", op.Label(in.ID, in.Name), in.State)
				}
			}
			leased := in.LeaseUntil != nil || in.LeaseBy != ""
			if req.End && leased || !req.End && up(in) {
				insts = append(insts, in)
			}
		}
	}
	for _, x := range req.Instances {
		if !matched[x] {
			return nil, fmt.Errorf("%s is not an instance of %s; give the id or Name of one of its instances", x, e.Name)
		}
	}
	return insts, nil
}

func leaseIntent(name string, req LeaseRequest, n int) string {
	switch {
	case req.End:
		return fmt.Sprintf("lease %s: ending it on %d instance(s)", name, n)
	case req.Extend > 0:
		return fmt.Sprintf("lease %s: extending it by %s on %d instance(s)", name, req.Extend, n)
	}
	return fmt.Sprintf("lease %s: %s on %d instance(s)", name, req.For, n)
}

// LeaseOn leases the given instances of e inside an operation that is
// already running (w), such as a launch whose template has a ttl: the
// instances are tagged, and only the app keeps the lease (the deployed
// stop runbook would stop the whole environment, not them alone).
// req.Instances is not used: insts are the instances.
func (s *Service) LeaseOn(ctx context.Context, w *Work, e *env.Environment, insts []cloud.Instance, req LeaseRequest) (*LeaseResult, error) {
	if err := req.Check(); err != nil {
		return nil, err
	}
	return s.applyLease(ctx, w, e, insts, false, req, func(string) {})
}

// applyLease tags (or untags) insts and, for the whole environment, moves
// the lease schedule. The tags are the shared truth and come first; a
// schedule that cannot be written leaves the lease to the app, said in
// Notes. changed hears each change made.
func (s *Service) applyLease(ctx context.Context, w *Work, e *env.Environment, insts []cloud.Instance, whole bool,
	req LeaseRequest, changed func(string)) (*LeaseResult, error) {
	now := s.opts.Clock.Now().UTC().Truncate(time.Second)
	cur := currentLease(insts)
	res := &LeaseResult{Env: e.Name, Instances: ids(insts)}
	if cur.LeaseUntil != nil {
		res.PreviousUntil, res.PreviousBy, res.PreviousByName = cur.LeaseUntil, cur.LeaseBy, ShortName(cur.LeaseBy)
	}
	loc := s.location()
	subject := leaseSubject(e.Name, insts, whole)
	if req.End {
		if err := untagLease(ctx, w, insts); err != nil {
			return nil, err
		}
		changed(fmt.Sprintf("removed the lease from %d instance(s)", len(insts)))
		res.Message = fmt.Sprintf("ended the lease of %s", subject)
		if cur.LeaseUntil != nil {
			res.Message += fmt.Sprintf(" (it was until %s, by %s)", clockText(*cur.LeaseUntil, now, loc), ShortName(cur.LeaseBy))
		}
		if whole {
			gone, err := s.dropLeaseSchedule(ctx, w, e)
			if err != nil {
				return nil, fmt.Errorf("the lease tags are gone, but its schedule is not, and will stop %s at %s: %w", e.Name, leaseEndText(cur, now, loc), err)
			}
			if gone {
				changed("deleted the lease schedule " + runbook.ScheduleGroupName(e.Name) + "/" + LeaseScheduleName)
			}
		}
		return res, nil
	}
	until := now.Add(req.For)
	if req.Extend > 0 {
		if cur.LeaseUntil == nil {
			return nil, fmt.Errorf("%s has no lease to extend; set one: env lease %s 2h", e.Name, e.Name)
		}
		until = maxTime(*cur.LeaseUntil, now).Add(req.Extend).Truncate(time.Second)
		if until.Sub(now) > MaxLease {
			return nil, fmt.Errorf("extended by %s the lease would end %s from now, more than 7 days (168h)", req.Extend, until.Sub(now))
		}
	}
	by := w.Target.Identity.ARN
	res.Until, res.By, res.ByName = &until, by, ShortName(by)
	t := taggerOf(w.Session)
	if t == nil {
		return nil, errors.New("this connection to AWS cannot tag instances, which a lease needs")
	}
	tags := map[string]string{cloud.TagLeaseUntil: until.Format(time.RFC3339), cloud.TagLeaseBy: by}
	err := eachRegion(insts, func(region string, ids []string) error {
		if err := t.Tag(ctx, region, ids, tags); err != nil {
			return awsErr(fmt.Sprintf("tagging %d instance(s) in %s with the lease", len(ids), region), err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	changed(fmt.Sprintf("tagged %d instance(s) with the lease until %s", len(insts), until.Format(time.RFC3339)))
	res.KeptBy = KeptByApp
	if whole {
		sched, note, err := s.putLeaseSchedule(ctx, w, e, until)
		switch {
		case err != nil:
			res.Notes = append(res.Notes, "AWS does not keep this lease: "+err.Error())
		case sched != "":
			res.KeptBy, res.Schedule = KeptByAWS, sched
			changed("set the lease schedule " + sched + " to run " + runbook.StopDocumentName(e.Name) + " at " + until.Format(time.RFC3339))
		case note != "":
			res.Notes = append(res.Notes, note)
		}
	}
	res.Message = leaseMessage(e.Name, subject, whole, res, req, now, loc)
	return res, nil
}

// leaseSubject is what a lease is on: the environment, or its instances
// named ("api-1 of shop").
func leaseSubject(name string, insts []cloud.Instance, whole bool) string {
	if whole {
		return name
	}
	names := make([]string, len(insts))
	for i, in := range insts {
		names[i] = cmp.Or(in.Name, in.ID)
	}
	return strings.Join(names, ", ") + " of " + name
}

// leaseMessage says the lease of subject (name, or some of its instances
// when not whole) in a sentence.
func leaseMessage(name, subject string, whole bool, res *LeaseResult, req LeaseRequest, now time.Time, loc *time.Location) string {
	var b strings.Builder
	switch {
	case req.Extend > 0 && res.PreviousBy != "" && res.PreviousBy != res.By:
		fmt.Fprintf(&b, "extended the lease %s held on %s (until %s) by %s: ", res.PreviousByName, subject, clockText(*res.PreviousUntil, now, loc), req.Extend)
	case req.Extend > 0:
		fmt.Fprintf(&b, "extended the lease of %s by %s: ", subject, req.Extend)
	default:
		fmt.Fprintf(&b, "%s is leased ", subject)
	}
	fmt.Fprintf(&b, "until %s (in %s) by %s; ", clockText(*res.Until, now, loc), Span(res.Until.Sub(now)), res.ByName)
	switch {
	case res.KeptBy == KeptByAWS:
		fmt.Fprintf(&b, "AWS stops it then with the deployed stop runbook (schedule %s), also with every laptop closed", res.Schedule)
	case !whole:
		fmt.Fprintf(&b, "only a running Cloud Control app stops it then, and nothing else of %s: a lease on some of its instances is kept only while the app is open (the deployed stop runbook would stop all of %s)", name, name)
	default:
		b.WriteString("only a running Cloud Control app stops it then: the lease is kept only while the app is open (deploy the runbooks, env deploy " + name + ", for AWS to keep it)")
	}
	return b.String()
}

func leaseEndText(w Who, now time.Time, loc *time.Location) string {
	if w.LeaseUntil == nil {
		return "its time"
	}
	return clockText(*w.LeaseUntil, now, loc)
}

// currentLease is the lease the instances carry, whatever their state.
func currentLease(insts []cloud.Instance) Who {
	all := make([]cloud.Instance, len(insts))
	for i, in := range insts {
		in.State = cloud.Running // for WhoOf, which counts only what runs
		all[i] = in
	}
	return WhoOf(all)
}

func ids(insts []cloud.Instance) []string {
	out := make([]string, len(insts))
	for i, in := range insts {
		out[i] = in.ID
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// untagLease removes the lease tags from insts.
func untagLease(ctx context.Context, w *Work, insts []cloud.Instance) error {
	t := taggerOf(w.Session)
	if t == nil {
		return errors.New("this connection to AWS cannot tag instances")
	}
	return eachRegion(insts, func(region string, ids []string) error {
		if err := t.Untag(ctx, region, ids, []string{cloud.TagLeaseUntil, cloud.TagLeaseBy}); err != nil {
			return awsErr(fmt.Sprintf("removing the lease from %d instance(s) in %s", len(ids), region), err)
		}
		return nil
	})
}

// dropLeaseSchedule deletes the lease schedule; gone says it was there.
// A connection without Scheduler has none to delete.
func (s *Service) dropLeaseSchedule(ctx context.Context, w *Work, e *env.Environment) (gone bool, err error) {
	a, err := inAWSOf(w.Session)
	if err != nil {
		return false, nil
	}
	err = a.sched.DeleteSchedule(ctx, w.Target.Region, runbook.ScheduleGroupName(e.Name), LeaseScheduleName)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, awsErr("deleting the lease schedule", err)
	}
	return true, nil
}

// putLeaseSchedule creates or moves the lease schedule when the stop
// runbook is deployed and its roles are known; sched is its group/name.
// Without them it returns a note saying why AWS does not keep the lease.
func (s *Service) putLeaseSchedule(ctx context.Context, w *Work, e *env.Environment, until time.Time) (sched, note string, err error) {
	a, err := inAWSOf(w.Session)
	if err != nil {
		return "", "this connection to AWS has no EventBridge Scheduler", nil
	}
	region, group := w.Target.Region, runbook.ScheduleGroupName(e.Name)
	if _, err := a.docs.GetDocument(ctx, region, runbook.StopDocumentName(e.Name)); err != nil {
		if isNotFound(err) {
			return "", "", nil // nothing deployed: the message says how to have AWS keep it
		}
		return "", "", awsErr("looking for the deployed stop runbook", err)
	}
	schedRole, autoRole, err := s.deployedRoles(ctx, a, region, e)
	if err != nil {
		return "", "", err
	}
	if schedRole == "" {
		return "", "the stop runbook is deployed, but no scheduler role is known to run it: deploy again with --create-roles or --scheduler-role", nil
	}
	if ok, err := a.sched.GroupExists(ctx, region, group); err != nil || !ok {
		if err != nil {
			return "", "", awsErr("looking for the schedule group "+group, err)
		}
		return "", "the stop runbook is deployed, but its schedule group " + group + " is not: deploy again", nil
	}
	input, err := automationInput(runbook.StopDocumentName(e.Name), autoRole)
	if err != nil {
		return "", "", err
	}
	sc := cloud.Schedule{Group: group, Name: LeaseScheduleName, Expression: AtExpression(until), Timezone: "UTC", State: "ENABLED",
		Description: fmt.Sprintf("Ends the lease of %s by %s: runs %s once %s", e.Name, ShortName(w.Target.Identity.ARN), runbook.StopDocumentName(e.Name), scheduleMark),
		TargetARN:   UniversalTarget, RoleARN: schedRole, Input: input, DeleteAfter: true}
	_, err = a.sched.GetSchedule(ctx, region, group, LeaseScheduleName)
	switch {
	case isNotFound(err):
		err = a.sched.CreateSchedule(ctx, region, sc)
	case err == nil:
		err = a.sched.UpdateSchedule(ctx, region, sc)
	}
	if err != nil {
		return "", "", awsErr("writing the lease schedule", err)
	}
	return group + "/" + LeaseScheduleName, "", nil
}

// AtExpression is the one-time schedule expression for t, in UTC.
func AtExpression(t time.Time) string { return "at(" + t.UTC().Format("2006-01-02T15:04:05") + ")" }

// LeaseHeld reports whether AWS keeps the environment's lease ending at
// until: its lease schedule is there and runs then. The desktop's lease
// keeper asks once per lease it sees, so it stops the environment itself
// only when nothing in AWS will.
func (s *Service) LeaseHeld(ctx context.Context, e *env.Environment, until time.Time) (bool, error) {
	var held bool
	err := s.Bounded(ctx, func(ctx context.Context) (err error) { // a read of AWS without a run: bounds.go
		held, err = s.leaseHeld(ctx, e, until)
		return err
	})
	return held, err
}

func (s *Service) leaseHeld(ctx context.Context, e *env.Environment, until time.Time) (bool, error) {
	sess, target, err := s.connect(ctx, e)
	if err != nil {
		return false, err
	}
	a, err := inAWSOf(sess)
	if err != nil {
		return false, nil
	}
	sc, err := a.sched.GetSchedule(ctx, target.Region, runbook.ScheduleGroupName(e.Name), LeaseScheduleName)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, awsErr("reading the lease schedule", err)
	}
	return sc.State != "DISABLED" && sc.Expression == AtExpression(until), nil
}
