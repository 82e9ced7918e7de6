package control

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cloud/cloudtest"
	"cloudcontrol/backend/runbook"
)

// awsRig is a rig whose sessions reach the whole fake account.
type awsRig struct {
	*rig
	aws  *cloudtest.Cloud
	sess *cloudtest.Session
}

const (
	alice = "arn:aws:sts::123456789012:assumed-role/Testers/alice"
	bob   = "arn:aws:iam::123456789012:user/bob"
)

func newAWSRig(t *testing.T, files map[string]string) *awsRig {
	t.Helper()
	a := &awsRig{}
	a.rig = newRig(t, files, func(o *Options) {
		o.Connect = func(context.Context, string, string) (Session, error) { return a.sess, nil }
	})
	f := a.fleet
	clock := a.clock
	a.aws = &cloudtest.Cloud{EC2: f, SSM: cloudtest.NewSSM(f), Docs: cloudtest.NewDocuments(clock),
		Scheduler: cloudtest.NewScheduler(clock), IAM: cloudtest.NewIAM(clock, account)}
	a.sess = cloudtest.NewSession(a.aws, account, "eu-west-1", alice)
	return a
}

// as makes the next operations run as arn.
func (a *awsRig) as(arn string) { a.sess.As(arn) }

// runbooksRun wires the scheduler to Automation and Automation to EC2:
// a schedule that fires starts its runbook, and the stop runbook stops
// the environment's instances (the sandbox executes the real steps; here
// the effect is enough).
func (a *awsRig) runbooksRun(t *testing.T, e string, ids ...string) {
	a.aws.Scheduler.Target = func(sc cloud.Schedule, _ time.Time) {
		var in struct {
			DocumentName string
			Parameters   map[string][]string
		}
		if err := json.Unmarshal([]byte(sc.Input), &in); err != nil {
			t.Errorf("schedule %s has input %q: %v", sc.Name, sc.Input, err)
			return
		}
		if _, err := a.aws.Docs.StartAutomation(context.Background(), "eu-west-1", in.DocumentName, in.Parameters); err != nil {
			t.Errorf("schedule %s: %v", sc.Name, err)
		}
	}
	a.aws.Docs.OnStart = func(region, name string, params map[string][]string) error {
		if len(params[runbook.AssumeRoleParameter]) != 1 {
			t.Errorf("%s started without its role: %v", name, params)
		}
		switch name {
		case runbook.StopDocumentName(e):
			return a.fleet.Stop(context.Background(), region, ids)
		case runbook.StartDocumentName(e):
			return a.fleet.Start(context.Background(), region, ids)
		}
		return nil
	}
}

// mutations are every changing call made to SSM, Scheduler and IAM, in order.
func (a *awsRig) mutations() []string {
	var out []string
	for _, c := range cloudtest.InOrder(&a.aws.SSM.Log, &a.aws.Docs.Log, &a.aws.Scheduler.Log, &a.aws.IAM.Log) {
		if !cloudtest.IsRead(c.Method) {
			out = append(out, c.Method)
		}
	}
	return out
}

// scheduledShop is shop with a schedule section.
const scheduledShop = shop + `schedule:
  timezone: Europe/Berlin
  start: cron(0 8 ? * MON-FRI *)
  stop: cron(0 19 ? * MON-FRI *)
`
