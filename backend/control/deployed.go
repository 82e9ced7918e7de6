package control

import (
	"context"
	"strings"
	"time"

	"cloudcontrol/backend/env"
	"cloudcontrol/backend/runbook"
	"cloudcontrol/backend/schedule"
)

// Deployment is what of an environment is deployed in AWS now: its
// runbooks and the schedules that run them, with their next runs. Reading
// it takes a few calls (each document described and read, the group's
// schedules listed and read), so it is read on demand (env status, env
// list, the window's Deployed) and never on every poll.
type Deployment struct {
	Env    string `json:"env"`
	Region string `json:"region"`
	// Deployed: either runbook is there.
	Deployed  bool               `json:"deployed"`
	Documents []DeployedDocument `json:"documents"`
	Group     string             `json:"group"`
	Schedules []DeployedSchedule `json:"schedules"`
	Checked   time.Time          `json:"checked"`
	// NextStart and NextStop are the start and stop schedules' next runs;
	// Lease is the lease schedule, when AWS keeps a lease.
	NextStart *time.Time        `json:"nextStart,omitempty"`
	NextStop  *time.Time        `json:"nextStop,omitempty"`
	Lease     *DeployedSchedule `json:"lease,omitempty"`
}

// DeployedDocument is one runbook in AWS.
type DeployedDocument struct {
	Kind          string `json:"kind"` // start or stop
	Name          string `json:"name"`
	Version       string `json:"version"` // the default
	LatestVersion string `json:"latestVersion,omitempty"`
	// ChangedInAWS: not the content Cloud Control deployed.
	ChangedInAWS bool `json:"changedInAws,omitempty"`
}

// DeployedSchedule is one schedule of the environment's group.
type DeployedSchedule struct {
	Name       string `json:"name"`
	Expression string `json:"expression"`
	Timezone   string `json:"timezone"`
	State      string `json:"state"`
	Describe   string `json:"describe,omitempty"`
	// Next is its next run (nil when it runs no more); Runs the next few.
	Next     *time.Time  `json:"next,omitempty"`
	Runs     []time.Time `json:"runs,omitempty" ts_type:"any[]"`
	Document string      `json:"document,omitempty"`
	// Ours: Cloud Control wrote it.
	Ours bool `json:"ours"`
}

// Deployed reads what of the environment is deployed (on demand: a few
// calls, see Deployment).
func (s *Service) Deployed(ctx context.Context, e *env.Environment) (*Deployment, error) {
	var d *Deployment
	err := s.Bounded(ctx, func(ctx context.Context) error { // a read of AWS without a run: bounds.go
		sess, target, err := s.connect(ctx, e)
		if err != nil {
			return err
		}
		a, err := inAWSOf(sess)
		if err != nil {
			return err
		}
		d, err = s.deployedOn(ctx, a, target.Region, e)
		return err
	})
	return d, err
}

func (s *Service) deployedOn(ctx context.Context, a inAWS, region string, e *env.Environment) (*Deployment, error) {
	now := s.opts.Clock.Now()
	d := &Deployment{Env: e.Name, Region: region, Group: runbook.ScheduleGroupName(e.Name), Checked: now,
		Documents: []DeployedDocument{}, Schedules: []DeployedSchedule{}}
	for _, doc := range []struct{ kind, name string }{{"start", runbook.StartDocumentName(e.Name)}, {"stop", runbook.StopDocumentName(e.Name)}} {
		got, err := a.docs.GetDocument(ctx, region, doc.name)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, awsErr("reading the document "+doc.name, err)
		}
		d.Deployed = true
		d.Documents = append(d.Documents, DeployedDocument{Kind: doc.kind, Name: doc.name, Version: got.DefaultVersion,
			LatestVersion: got.LatestVersion, ChangedInAWS: !pristine(got.Content)})
	}
	list, err := a.sched.ListSchedules(ctx, region, d.Group)
	if err != nil && !isNotFound(err) {
		return nil, awsErr("listing the schedules of "+d.Group, err)
	}
	for _, sc := range list {
		ds := DeployedSchedule{Name: sc.Name, Expression: sc.Expression, Timezone: sc.Timezone, State: sc.State,
			Ours: strings.HasSuffix(sc.Description, scheduleMark)}
		ds.Document, _ = parseInput(sc.Input)
		if parsed, err := schedule.New(sc.Expression, sc.Timezone); err == nil {
			ds.Describe = parsed.Describe()
			if sc.State != "DISABLED" {
				ds.Runs = parsed.NextN(now, nextRuns)
			}
			if len(ds.Runs) > 0 {
				ds.Next = &ds.Runs[0]
			}
		}
		switch sc.Name {
		case scheduleStart:
			d.NextStart = ds.Next
		case scheduleStop:
			d.NextStop = ds.Next
		case LeaseScheduleName:
			l := ds
			d.Lease = &l
		}
		d.Schedules = append(d.Schedules, ds)
	}
	return d, nil
}

// deployedRoles are the scheduler and automation roles the deployed
// schedules use, else the roles a deploy created; "" when none is known.
func (s *Service) deployedRoles(ctx context.Context, a inAWS, region string, e *env.Environment) (schedRole, autoRole string, err error) {
	group := runbook.ScheduleGroupName(e.Name)
	for _, name := range []string{scheduleStop, scheduleStart} {
		sc, err := a.sched.GetSchedule(ctx, region, group, name)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return "", "", awsErr("reading the schedule "+group+"/"+name, err)
		}
		if _, auto := parseInput(sc.Input); auto != "" && sc.RoleARN != "" {
			return sc.RoleARN, auto, nil
		}
	}
	var arns []string
	for _, name := range []string{runbook.SchedulerRoleName(e.Name), runbook.AutomationRoleName(e.Name)} {
		r, err := a.roles.GetRole(ctx, name)
		if isNotFound(err) {
			return "", "", nil
		}
		if err != nil {
			return "", "", awsErr("reading the role "+name, err)
		}
		if !ours(r.Tags, e.Name) {
			return "", "", nil
		}
		arns = append(arns, r.ARN)
	}
	return arns[0], arns[1], nil
}

// StatusWithDeployment is Status with what is deployed (a failure to read
// that is said in DeployedError, the status stands).
func (s *Service) StatusWithDeployment(ctx context.Context, e *env.Environment) (*Status, error) {
	st, err := s.StatusEnv(ctx, e)
	if err != nil {
		return nil, err
	}
	if st.Deployed, err = s.Deployed(ctx, e); err != nil {
		st.DeployedError = err.Error()
	}
	return st, nil
}
