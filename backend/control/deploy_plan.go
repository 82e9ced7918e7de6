package control

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/runbook"
)

// DeployPlan is what a deploy (or a removal) will change in AWS, as data:
// printed by the command line, shown by the window, carried out by Deploy.
type DeployPlan struct {
	Env     string `json:"env"`
	Region  string `json:"region"`
	Account string `json:"account"`
	Remove  bool   `json:"remove"`
	// Roles, Documents, Group and Schedules in the order they are applied.
	Roles     []RoleChange     `json:"roles"`
	Documents []DocumentChange `json:"documents"`
	Group     GroupChange      `json:"group"`
	Schedules []ScheduleChange `json:"schedules"`
	// Findings are how the export expressed the environment (caveats
	// included); Timing how long the runbooks should take against the app.
	Findings []runbook.Finding `json:"findings,omitempty"`
	Timing   *DeployTiming     `json:"timing,omitempty"`
	// Changes counts what will change; 0: the deploy changes nothing.
	Changes int      `json:"changes"`
	Notes   []string `json:"notes,omitempty"`

	steps []deployStep
}

// DeployTiming is the runbooks' expected time against the app's.
type DeployTiming struct {
	Start runbook.Timing `json:"start"`
	Stop  runbook.Timing `json:"stop"`
}

// RoleChange is one IAM role a deploy uses.
type RoleChange struct {
	// Use is "automation" (the runbooks run as it) or "scheduler" (the
	// schedules start them with it).
	Use    string `json:"use"`
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Change Change `json:"change"`
	Note   string `json:"note,omitempty"`
}

// DocumentChange is one runbook.
type DocumentChange struct {
	Kind   string `json:"kind"` // start or stop
	Name   string `json:"name"`
	Change Change `json:"change"`
	// Version is the deployed default version ("" when none); NewVersion
	// the one this deploy makes the default.
	Version    string `json:"version,omitempty"`
	NewVersion string `json:"newVersion,omitempty"`
	// Diff sums up the difference from the deployed version (an update).
	Diff *DocumentDiff `json:"diff,omitempty"`
	// ChangedInAWS: the deployed document is not what Cloud Control wrote
	// (edited in AWS, or made by hand): shown, and overwritten only when
	// the deploy is confirmed.
	ChangedInAWS bool   `json:"changedInAws,omitempty"`
	Bytes        int    `json:"bytes,omitempty"`
	Note         string `json:"note,omitempty"`

	content string
}

// GroupChange is the schedule group.
type GroupChange struct {
	Name   string `json:"name"`
	Change Change `json:"change"`
	Note   string `json:"note,omitempty"`
}

// ScheduleChange is one schedule.
type ScheduleChange struct {
	Name       string `json:"name"`
	Change     Change `json:"change"`
	Expression string `json:"expression,omitempty"`
	Timezone   string `json:"timezone,omitempty"`
	// Describe says when it runs in words; Next are its next runs, in its
	// time zone.
	Describe string      `json:"describe,omitempty"`
	Next     []time.Time `json:"next,omitempty"`
	Document string      `json:"document,omitempty"`
	// Was is the deployed expression and zone, for an update.
	Was  string `json:"was,omitempty"`
	Note string `json:"note,omitempty"`
}

// deployStep is one change, applied in order; leaves says what a failure
// of it leaves in AWS.
type deployStep struct {
	what   string
	leaves string
	do     func(ctx context.Context) error
}

// Summary says the plan in a line.
func (p *DeployPlan) Summary() string {
	verb := "deploy"
	if p.Remove {
		verb = "remove"
	}
	if p.Changes == 0 {
		if p.Remove {
			return fmt.Sprintf("nothing to remove: %s has nothing Cloud Control deployed in %s (account %s)", p.Env, p.Region, p.Account)
		}
		return fmt.Sprintf("nothing to change: %s is deployed in %s (account %s) as its file says", p.Env, p.Region, p.Account)
	}
	return fmt.Sprintf("%s %s in %s (account %s): %d change(s)", verb, p.Env, p.Region, p.Account, p.Changes)
}

// nextRuns is how many next runs a plan shows per schedule.
const nextRuns = 3

// planDeploy reads what is in AWS and works out the changes.
func (s *Service) planDeploy(ctx context.Context, sess Session, target Target, e *env.Environment, opts DeployOptions) (*DeployPlan, error) {
	a, err := inAWSOf(sess)
	if err != nil {
		return nil, err
	}
	p := &DeployPlan{Env: e.Name, Region: target.Region, Account: target.Identity.Account, Remove: opts.Remove,
		Roles: []RoleChange{}, Documents: []DocumentChange{}, Schedules: []ScheduleChange{}}
	d := &deployer{s: s, a: a, p: p, e: e, region: target.Region, by: target.Identity.ARN, now: s.opts.Clock.Now(),
		group: runbook.ScheduleGroupName(e.Name)}
	if opts.Remove {
		err = d.planRemove(ctx)
	} else {
		err = d.planDeploy(ctx, opts)
	}
	if err != nil {
		return nil, err
	}
	for _, c := range p.Roles {
		p.Changes += count(c.Change)
	}
	for _, c := range p.Documents {
		p.Changes += count(c.Change)
	}
	p.Changes += count(p.Group.Change)
	for _, c := range p.Schedules {
		p.Changes += count(c.Change)
	}
	return p, nil
}

func count(c Change) int {
	if c.changes() {
		return 1
	}
	return 0
}

// deployer is one deploy being planned.
type deployer struct {
	s      *Service
	a      inAWS
	p      *DeployPlan
	e      *env.Environment
	region string
	by     string
	group  string
	now    time.Time
	// existing are the group's schedules, by name (none without a group).
	existing map[string]cloud.Schedule
	groupOK  bool
	// roles are the existing roles read, by name; managed those whose
	// policy the deploy keeps as env export writes it (its own roles).
	roles   map[string]*cloud.Role
	managed map[string]bool
	trust   map[string]string // the trust policy of a role to create
}

func (d *deployer) step(what, leaves string, do func(ctx context.Context) error) {
	d.p.steps = append(d.p.steps, deployStep{what: what, leaves: leaves, do: do})
}

// readSchedules reads the group and its schedules.
func (d *deployer) readSchedules(ctx context.Context) (tags map[string]string, err error) {
	d.existing = map[string]cloud.Schedule{}
	tags, err = d.a.sched.GroupTags(ctx, d.region, d.group)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, awsErr("reading the schedule group "+d.group, err)
	}
	d.groupOK = true
	list, err := d.a.sched.ListSchedules(ctx, d.region, d.group)
	if err != nil {
		return nil, awsErr("listing the schedules of "+d.group, err)
	}
	for _, sc := range list {
		d.existing[sc.Name] = sc
	}
	return tags, nil
}

func (d *deployer) planDeploy(ctx context.Context, opts DeployOptions) error {
	tz, exprs, err := opts.wanted(d.e, d.now)
	if err != nil {
		return err
	}
	if _, err := d.readSchedules(ctx); err != nil {
		return err
	}
	autoARN, schedARN, err := d.planRoles(ctx, opts)
	if err != nil {
		return err
	}
	x, err := runbook.Build(d.e, runbook.Options{Account: d.p.Account, Region: d.region, AutomationRoleARN: autoARN})
	var refused *runbook.RefusedError
	if errors.As(err, &refused) {
		return &ExportRefusedError{Env: d.e.Name, Findings: refused.Findings}
	}
	if err != nil {
		return err
	}
	d.p.Timing = &DeployTiming{Start: x.StartTiming, Stop: x.StopTiming}
	for _, f := range x.Findings {
		if f.Outcome != runbook.Translated {
			d.p.Findings = append(d.p.Findings, f)
		}
	}
	if err := d.policies(x); err != nil {
		return err
	}
	if err := d.planDocuments(ctx, x); err != nil {
		return err
	}
	d.planGroup()
	return d.planSchedules(tz, exprs, schedARN, autoARN)
}

// What a failed step leaves, by phase.
const (
	leavesRoles     = "nothing else was changed: the previous deployment runs as it did"
	leavesVersions  = "the runbooks' new versions are not the default yet: the previous deployment runs as it did; deploy again to finish"
	leavesDefault   = "one runbook's new version is the default and the other's may not be: deploy again to finish"
	leavesSchedules = "the runbooks are the new ones and the schedules are partly updated: deploy again to finish"
	leavesRemoval   = "the removal stopped part-way, so part of the deployment is still there: remove again to finish"
)
