package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/runbook"
	"cloudcontrol/backend/schedule"
)

// env deploy puts an environment's runbooks in AWS, with the schedules
// that run them and the roles they run as, so AWS starts and stops it with
// no laptop involved. The change is data first (DeployPlan, the plan's
// twin), then applied, on confirmation, in an order that keeps the
// previous deployment working if a step fails: roles, then the documents'
// new versions (made the default only once both exist), the schedule
// group, and the schedules last. Everything it creates is tagged (or, for
// schedules, described) as Cloud Control's, and --remove deletes only that.

// DeployOptions say what to deploy beyond the environment file.
type DeployOptions struct {
	// StartAt and StopAt replace the file's schedule: start and stop
	// expressions; Timezone its time zone (default: the file's, else UTC).
	StartAt  string `json:"startAt,omitempty"`
	StopAt   string `json:"stopAt,omitempty"`
	Timezone string `json:"timezone,omitempty"`
	// CreateRoles creates CloudControl-ENV-automation and -scheduler;
	// otherwise AutomationRole and SchedulerRole are existing roles'
	// ARNs, or, both empty, the roles an earlier deploy used.
	CreateRoles    bool   `json:"createRoles,omitempty"`
	AutomationRole string `json:"automationRole,omitempty"`
	SchedulerRole  string `json:"schedulerRole,omitempty"`
	// Remove deletes what deploys created instead.
	Remove bool `json:"remove,omitempty"`
}

var roleARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`)

// check refuses options that contradict each other or cannot be right,
// before anything is read from AWS.
func (o DeployOptions) check() error {
	if o.Remove && (o.StartAt != "" || o.StopAt != "" || o.Timezone != "" || o.CreateRoles || o.AutomationRole != "" || o.SchedulerRole != "") {
		return errors.New("--remove takes none of --start-at, --stop-at, --timezone, --create-roles, --automation-role, --scheduler-role")
	}
	if o.CreateRoles && (o.AutomationRole != "" || o.SchedulerRole != "") {
		return errors.New("give either --create-roles or --automation-role and --scheduler-role, not both")
	}
	if (o.AutomationRole == "") != (o.SchedulerRole == "") {
		return errors.New("give both --automation-role ARN and --scheduler-role ARN (or --create-roles)")
	}
	for _, r := range []struct{ flag, arn string }{{"--automation-role", o.AutomationRole}, {"--scheduler-role", o.SchedulerRole}} {
		if r.arn != "" && !roleARNRe.MatchString(r.arn) {
			return fmt.Errorf("%s %q is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)", r.flag, r.arn)
		}
	}
	return nil
}

// wanted are the start and stop schedules to have: the flags, else the
// file; each checked as EventBridge Scheduler would check it.
func (o DeployOptions) wanted(e *env.Environment, now time.Time) (tz string, exprs map[string]string, err error) {
	tz, exprs = env.DefaultTimezone, map[string]string{}
	if e.Schedule != nil {
		tz = e.Schedule.Timezone
		exprs[scheduleStart], exprs[scheduleStop] = e.Schedule.Start, e.Schedule.Stop
	}
	if o.Timezone != "" {
		if _, err := schedule.LoadLocation(o.Timezone); err != nil {
			return "", nil, fmt.Errorf("--timezone: %w", err)
		}
		tz = o.Timezone
	}
	for name, flag := range map[string]string{scheduleStart: o.StartAt, scheduleStop: o.StopAt} {
		if flag != "" {
			exprs[name] = flag
		}
	}
	for _, name := range []string{scheduleStart, scheduleStop} {
		expr := exprs[name]
		if expr == "" {
			delete(exprs, name)
			continue
		}
		x, err := schedule.Parse(expr)
		if err == nil {
			err = x.Check()
		}
		if err != nil {
			return "", nil, fmt.Errorf("the %s schedule: %w", name, err)
		}
		sch, err := schedule.New(expr, tz)
		if err != nil {
			return "", nil, fmt.Errorf("the %s schedule: %w", name, err)
		}
		if sch.Next(now).IsZero() {
			return "", nil, fmt.Errorf("the %s schedule %s never runs again after now (%s): give a time to come",
				name, expr, now.In(sch.Location).Format("2006-01-02 15:04 MST"))
		}
	}
	if exprs[scheduleStart] != "" && exprs[scheduleStart] == exprs[scheduleStop] {
		return "", nil, fmt.Errorf("start and stop are the same schedule (%s), so the environment would be stopped as it starts", exprs[scheduleStart])
	}
	return tz, exprs, nil
}

// The schedules a deploy writes, and how every schedule Cloud Control
// writes says so (schedules have no tags).
const (
	scheduleStart = "start"
	scheduleStop  = "stop"
	scheduleMark  = "(written by Cloud Control)"
	policyName    = "cloudcontrol"
)

// UniversalTarget is EventBridge Scheduler's target that calls SSM's
// StartAutomationExecution (in the aws partition).
const UniversalTarget = "arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution"

// universalTarget is UniversalTarget in region's partition.
func universalTarget(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return strings.Replace(UniversalTarget, "arn:aws:", "arn:aws-cn:", 1)
	case strings.HasPrefix(region, "us-gov-"):
		return strings.Replace(UniversalTarget, "arn:aws:", "arn:aws-us-gov:", 1)
	}
	return UniversalTarget
}

func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// automationInput is a schedule's input: which runbook, as which role.
type automationInputJSON struct {
	DocumentName string              `json:"DocumentName"`
	Parameters   map[string][]string `json:"Parameters"`
}

func automationInput(doc, role string) (string, error) {
	b, err := json.Marshal(automationInputJSON{DocumentName: doc, Parameters: map[string][]string{runbook.AssumeRoleParameter: {role}}})
	return string(b), err
}

// parseInput reads a schedule's input back: the runbook and its role.
func parseInput(s string) (doc, role string) {
	var in automationInputJSON
	if json.Unmarshal([]byte(s), &in) != nil {
		return "", ""
	}
	if r := in.Parameters[runbook.AssumeRoleParameter]; len(r) > 0 {
		role = r[0]
	}
	return in.DocumentName, role
}

// Change is what a deploy does to one thing.
type Change string

// Changes.
const (
	Create    Change = "create"
	Update    Change = "update"
	Delete    Change = "delete"
	Unchanged Change = "unchanged"
	// Keep: it is there and not Cloud Control's, so it is left alone.
	Keep Change = "keep"
	// Use: an existing role given by its ARN, used as it is.
	Use Change = "use"
)

// changes reports whether c changes something in AWS.
func (c Change) changes() bool { return c == Create || c == Update || c == Delete }

// Confirm is asked, with the plan, before a deploy changes anything; false
// cancels it with nothing changed.
type Confirm func(p *DeployPlan) (bool, error)

// ErrDeclined is the error of a deploy the person did not confirm.
var ErrDeclined = fmt.Errorf("not confirmed, so nothing was changed: %w", context.Canceled)

// DeployResult is how a deploy (or removal) ended.
type DeployResult struct {
	Env     string      `json:"env"`
	Plan    *DeployPlan `json:"plan"`
	Outcome op.Outcome  `json:"outcome"`
	// Applied and NotApplied are the changes made and not made, in order.
	Applied    []string `json:"applied"`
	NotApplied []string `json:"notApplied"`
	Message    string   `json:"message"`
}

// DeployError is a deploy that failed part-way: what was and was not
// applied, and what that leaves in AWS.
type DeployError struct {
	Env        string
	Step       string
	Err        error
	Applied    []string
	NotApplied []string
	Leaves     string
}

func (e *DeployError) Error() string {
	return fmt.Sprintf("deploying %s failed at %q: %v; applied: %s; not applied: %s; %s", e.Env, e.Step, e.Err,
		noneOr(e.Applied), noneOr(e.NotApplied), e.Leaves)
}

func (e *DeployError) Unwrap() error { return e.Err }

func noneOr(items []string) string {
	if len(items) == 0 {
		return "nothing"
	}
	return strings.Join(items, ", ")
}

// ExportRefusedError is a deploy refused because the export cannot
// express part of the environment (nothing was deployed).
type ExportRefusedError struct {
	Env      string
	Findings []runbook.Finding
}

func (e *ExportRefusedError) Error() string {
	lines := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		lines[i] = f.String()
	}
	return fmt.Sprintf("%s cannot be deployed, nothing was: its runbooks cannot express\n%s", e.Env, strings.Join(lines, "\n"))
}

// DeployPlan reads AWS and says what deploying (or, with opts.Remove,
// removing) the environment would change; it changes nothing and takes
// no lock (the window's preview; Deploy plans again under the lock).
func (s *Service) DeployPlan(ctx context.Context, e *env.Environment, opts DeployOptions) (*DeployPlan, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	var plan *DeployPlan
	err := s.Bounded(ctx, func(ctx context.Context) error { // a read of AWS without a run: bounds.go
		sess, target, err := s.connect(ctx, e)
		if err != nil {
			return err
		}
		plan, err = s.planDeploy(ctx, sess, target, e, opts)
		return err
	})
	return plan, err
}

// Deploy plans the deploy (or removal) under the environment's lock, asks
// confirm (nil: confirmed, --yes) unless there is nothing to change, and
// applies it, as one operation (op.Deploy: pins checked, in the usage
// history). The result is there also when it failed part-way.
func (s *Service) Deploy(ctx context.Context, e *env.Environment, opts DeployOptions, confirm Confirm, sink op.Sink) (*DeployResult, error) {
	if err := opts.check(); err != nil {
		s.refused(sink, e.Name, op.Deploy, err)
		return nil, err
	}
	var res *DeployResult
	err := s.Operate(ctx, Operation{Env: e, Action: op.Deploy, Sink: sink}, func(ctx context.Context, w *Work) error {
		p, err := s.planDeploy(ctx, w.Session, w.Target, e, opts)
		if err != nil {
			return err
		}
		res = &DeployResult{Env: e.Name, Plan: p, Outcome: op.OutcomeRunning, Applied: []string{}, NotApplied: []string{}}
		began := s.opts.Clock.Now()
		emit := func(t op.EventType, msg string) {
			now := s.opts.Clock.Now()
			w.Sink.Emit(op.Event{Time: now, Env: e.Name, Action: op.Deploy, Type: t, Message: msg, Elapsed: now.Sub(began).Seconds()})
		}
		emit(op.EventRunStarted, p.Summary())
		if p.Changes == 0 {
			res.Outcome, res.Message = op.OutcomeDone, p.Summary()
			emit(op.EventRunDone, res.Message)
			return nil
		}
		if confirm != nil {
			ok, err := confirm(p)
			if err == nil && !ok {
				err = ErrDeclined
			}
			if err != nil {
				res.Outcome, res.Message = op.OutcomeCancelled, err.Error()
				for _, st := range p.steps {
					res.NotApplied = append(res.NotApplied, st.what)
				}
				emit(op.EventRunCancelled, res.Message)
				return err
			}
		}
		err = s.applyDeploy(ctx, p, res, func(msg string) { emit(op.EventChangeApplied, msg) })
		if err != nil {
			res.Outcome, res.Message = op.OutcomeFailed, err.Error()
			emit(op.EventRunFailed, res.Message)
			return err
		}
		res.Outcome = op.OutcomeDone
		res.Message = fmt.Sprintf("deployed %s: %d change(s) made", e.Name, len(res.Applied))
		if opts.Remove {
			res.Message = fmt.Sprintf("removed %s from AWS: %d change(s) made", e.Name, len(res.Applied))
		}
		emit(op.EventRunDone, res.Message)
		return nil
	})
	return res, err
}
