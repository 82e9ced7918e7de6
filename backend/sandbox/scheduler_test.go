package sandbox

import (
	"strings"
	"testing"
	"time"

	"cloudcontrol/internal/testwait"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

const schedulerRole = "arn:aws:iam::123456789012:role/CloudControl-demo-scheduler"

// schedulerEnv has a stop runbook and the scheduler's role.
func schedulerEnv(t *testing.T) (*env, *scheduler.Client) {
	t.Helper()
	e := newEnv(t, automationWorld)
	if _, err := e.iam().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("CloudControl-demo-scheduler"),
		AssumeRolePolicyDocument: aws.String(trustScheduler)}); err != nil {
		t.Fatal(err)
	}
	createAutomation(t, e.ssm("eu-west-1"), "demo-nap", "schemaVersion: '0.3'\nparameters: {Who: {type: String, default: nobody}}\n"+
		"mainSteps:\n- {name: nap, action: aws:sleep, inputs: {Duration: PT1S}}\n")
	c := e.scheduler("eu-west-1")
	if _, err := c.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String("cloudcontrol-demo"),
		Tags: []schedtypes.Tag{{Key: aws.String("cloudcontrol:env"), Value: aws.String("demo")}}}); err != nil {
		t.Fatal(err)
	}
	return e, c
}

func napTarget() *schedtypes.Target {
	return &schedtypes.Target{Arn: aws.String(StartAutomationTarget), RoleArn: aws.String(schedulerRole),
		Input: aws.String(`{"DocumentName":"demo-nap","Parameters":{"Who":["the lease"]}}`)}
}

func firings(e *env) []Request { return e.requests("scheduler", "InvokeSchedule") }

func TestAtScheduleFiresOnceAndDeletesItself(t *testing.T) {
	e, c := schedulerEnv(t)
	at := epoch.Add(time.Minute).In(time.FixedZone("", 3600)) // Europe/Berlin in March: UTC+1
	_, err := c.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("lease"), GroupName: aws.String("cloudcontrol-demo"),
		ScheduleExpression: aws.String("at(" + at.Format("2006-01-02T15:04:05") + ")"), ScheduleExpressionTimezone: aws.String("Europe/Berlin"),
		FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff}, Target: napTarget(),
		ActionAfterCompletion: schedtypes.ActionAfterCompletionDelete})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("lease"), GroupName: aws.String("cloudcontrol-demo")})
	if err != nil || aws.ToString(got.Target.Input) != aws.ToString(napTarget().Input) || got.State != schedtypes.ScheduleStateEnabled ||
		got.ActionAfterCompletion != schedtypes.ActionAfterCompletionDelete || aws.ToString(got.ScheduleExpressionTimezone) != "Europe/Berlin" {
		t.Fatalf("GetSchedule: %+v %v", got, err)
	}
	e.step(59 * time.Second)
	if n := len(firings(e)); n != 0 {
		t.Fatalf("fired %d times before its time", n)
	}
	e.step(time.Second)
	f := firings(e)
	if len(f) != 1 || !f[0].Time.Equal(epoch.Add(time.Minute)) || f[0].Via != "schedule cloudcontrol-demo/lease" || f[0].ErrorCode != "" {
		t.Fatalf("firings %+v", f)
	}
	id := strings.Fields(f[0].Message)[2]
	x := getAutomation(t, e.ssm("eu-west-1"), id)
	if aws.ToString(x.DocumentName) != "demo-nap" || x.Parameters["Who"][0] != "the lease" ||
		!strings.HasPrefix(aws.ToString(x.ExecutedBy), "arn:aws:sts::123456789012:assumed-role/CloudControl-demo-scheduler/") {
		t.Fatalf("the automation it started: %+v", x)
	}
	_, err = c.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("lease"), GroupName: aws.String("cloudcontrol-demo")})
	var nf *schedtypes.ResourceNotFoundException
	if !asErr(err, &nf) {
		t.Fatalf("after its one run, with ActionAfterCompletion DELETE: %v", err)
	}
	e.step(time.Hour)
	if n := len(firings(e)); n != 1 {
		t.Fatalf("fired %d times", n)
	}
}

func TestRecurringSchedulesFireUntilDisabled(t *testing.T) {
	e, c := schedulerEnv(t)
	win := int32(10)
	in := &scheduler.CreateScheduleInput{Name: aws.String("stop"), GroupName: aws.String("cloudcontrol-demo"),
		ScheduleExpression: aws.String("rate(5 minutes)"), FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff},
		Target: napTarget()}
	if _, err := c.CreateSchedule(ctx, in); err != nil {
		t.Fatal(err)
	}
	cron := &scheduler.CreateScheduleInput{Name: aws.String("start"), GroupName: aws.String("cloudcontrol-demo"),
		ScheduleExpression: aws.String("cron(30 13 * * ? *)"), ScheduleExpressionTimezone: aws.String("Europe/Berlin"),
		FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeFlexible, MaximumWindowInMinutes: &win},
		Target:             napTarget()}
	if _, err := c.CreateSchedule(ctx, cron); err != nil {
		t.Fatal(err)
	}
	e.step(16 * time.Minute)
	var rate, daily []time.Duration
	for _, f := range firings(e) {
		if strings.HasSuffix(f.Via, "/stop") {
			rate = append(rate, f.Time.Sub(epoch))
		} else {
			daily = append(daily, f.Time.Sub(epoch))
		}
	}
	if len(rate) != 3 || rate[0] != 5*time.Minute || rate[2] != 15*time.Minute || len(daily) != 0 {
		t.Fatalf("rate runs %v, cron runs %v", rate, daily)
	}
	in.State = schedtypes.ScheduleStateDisabled
	if _, err := c.UpdateSchedule(ctx, (*scheduler.UpdateScheduleInput)(in)); err != nil {
		t.Fatal(err)
	}
	// 13:30 Berlin is 12:30 UTC, half an hour after the start; the window
	// puts the run in the 10 minutes after it.
	e.step(time.Hour)
	daily, rate = nil, nil
	for _, f := range firings(e) {
		if strings.HasSuffix(f.Via, "/start") {
			daily = append(daily, f.Time.Sub(epoch))
		} else {
			rate = append(rate, f.Time.Sub(epoch))
		}
	}
	if len(rate) != 3 || len(daily) != 1 || daily[0] < 30*time.Minute || daily[0] >= 40*time.Minute {
		t.Fatalf("after disabling: rate %v, cron %v", rate, daily)
	}
	list, err := c.ListSchedules(ctx, &scheduler.ListSchedulesInput{GroupName: aws.String("cloudcontrol-demo")})
	if err != nil || len(list.Schedules) != 2 || aws.ToString(list.Schedules[0].Name) != "start" || list.Schedules[1].State != schedtypes.ScheduleStateDisabled {
		t.Fatalf("ListSchedules: %+v %v", list, err)
	}
	n := len(e.sb.aws.execs)
	if _, err := c.DeleteScheduleGroup(ctx, &scheduler.DeleteScheduleGroupInput{Name: aws.String("cloudcontrol-demo")}); err != nil {
		t.Fatal(err)
	}
	e.step(25 * time.Hour)
	if len(e.sb.aws.execs) != n {
		t.Fatal("a schedule of a deleted group fired")
	}
}

func TestSchedulerRefusesAsAWSDoes(t *testing.T) {
	e, c := schedulerEnv(t)
	off := &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff}
	_, err := c.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String("cloudcontrol-demo")})
	var conflict *schedtypes.ConflictException
	if !asErr(err, &conflict) {
		t.Fatalf("a group twice: %v", err)
	}
	for _, tc := range []struct {
		name  string
		in    scheduler.CreateScheduleInput
		words string
	}{
		{"expression", scheduler.CreateScheduleInput{ScheduleExpression: aws.String("cron(0 25 * * ? *)"), FlexibleTimeWindow: off, Target: napTarget()}, "Invalid Schedule Expression"},
		{"zone", scheduler.CreateScheduleInput{ScheduleExpression: aws.String("rate(1 hour)"), ScheduleExpressionTimezone: aws.String("Mars/Olympus"), FlexibleTimeWindow: off, Target: napTarget()}, "Mars/Olympus"},
		{"role", scheduler.CreateScheduleInput{ScheduleExpression: aws.String("rate(1 hour)"), FlexibleTimeWindow: off,
			Target: &schedtypes.Target{Arn: aws.String(StartAutomationTarget), RoleArn: aws.String("arn:aws:iam::123456789012:role/nobody"), Input: aws.String("{}")}}, "must allow AWS EventBridge Scheduler to assume the role"},
		{"window", scheduler.CreateScheduleInput{ScheduleExpression: aws.String("rate(1 hour)"), FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeFlexible}, Target: napTarget()}, "MaximumWindowInMinutes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Name, in.GroupName = aws.String("bad"), aws.String("cloudcontrol-demo")
			_, err := c.CreateSchedule(ctx, &in)
			var v *schedtypes.ValidationException
			if !asErr(err, &v) || !strings.Contains(err.Error(), tc.words) {
				t.Fatalf("%v", err)
			}
		})
	}
	in := &scheduler.CreateScheduleInput{Name: aws.String("stop"), GroupName: aws.String("nowhere"), ScheduleExpression: aws.String("rate(1 hour)"),
		FlexibleTimeWindow: off, Target: napTarget()}
	_, err = c.CreateSchedule(ctx, in)
	var nf *schedtypes.ResourceNotFoundException
	if !asErr(err, &nf) {
		t.Fatalf("a schedule in a group that does not exist: %v", err)
	}
	in.GroupName = aws.String("cloudcontrol-demo")
	if _, err := c.CreateSchedule(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateSchedule(ctx, in); !asErr(err, &conflict) {
		t.Fatalf("a schedule twice: %v", err)
	}
	if err := e.sb.AddFault(Fault{Kind: FaultDenied, Action: "DeleteSchedule", Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String("stop"), GroupName: aws.String("cloudcontrol-demo")})
	if ae := apiErr(t, err, "AccessDeniedException"); !strings.Contains(ae.ErrorMessage(), "scheduler:DeleteSchedule") {
		t.Fatalf("denial: %s", ae.ErrorMessage())
	}
	if err := e.sb.AddFault(Fault{Kind: FaultThrottle, Action: "GetSchedule", Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("stop"), GroupName: aws.String("cloudcontrol-demo")})
	var th *schedtypes.ThrottlingException
	if !asErr(err, &th) {
		t.Fatalf("throttled: %v", err)
	}
	tags, err := c.ListTagsForResource(ctx, &scheduler.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:scheduler:eu-west-1:123456789012:schedule-group/cloudcontrol-demo")})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "demo" {
		t.Fatalf("group tags: %+v %v", tags, err)
	}
}

func TestFiringWithoutItsRoleIsLoggedAndStartsNothing(t *testing.T) {
	e, c := schedulerEnv(t)
	if _, err := c.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("stop"), GroupName: aws.String("cloudcontrol-demo"),
		ScheduleExpression: aws.String("rate(1 minute)"), FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff},
		Target: napTarget()}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.iam().DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("CloudControl-demo-scheduler")}); err != nil {
		t.Fatal(err)
	}
	e.step(time.Minute)
	f := firings(e)
	if len(f) != 1 || f[0].ErrorCode != "AccessDenied" || !strings.Contains(f[0].Message, "CloudControl-demo-scheduler") {
		t.Fatalf("firings %+v", f)
	}
	out, err := e.ssm("eu-west-1").DescribeAutomationExecutions(ctx, &ssm.DescribeAutomationExecutionsInput{})
	if err != nil || len(out.AutomationExecutionMetadataList) != 0 {
		t.Fatalf("automations %+v %v", out, err)
	}
	_ = ssmtypes.AutomationExecutionStatusSuccess
}

// With nobody asking, the agenda's timer fires a schedule at its time:
// sandbox serve keeps leases with every client closed.
func TestSchedulesFireWithNobodyAsking(t *testing.T) {
	e, c := schedulerEnv(t)
	if _, err := c.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("lease"), GroupName: aws.String("cloudcontrol-demo"),
		ScheduleExpression: aws.String("at(" + epoch.Add(time.Minute).Format("2006-01-02T15:04:05") + ")"),
		FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff}, Target: napTarget()}); err != nil {
		t.Fatal(err)
	}
	logged := func() []Request { // the log as it is, without bringing the agenda up to the clock
		e.sb.reqMu.Lock()
		defer e.sb.reqMu.Unlock()
		var out []Request
		for _, r := range e.sb.requests {
			if r.Action == "InvokeSchedule" {
				out = append(out, r)
			}
		}
		return out
	}
	e.clock.Advance(time.Minute)
	testwait.Until(t, 3*time.Second, "the timer to fire the lease", func() bool { return len(logged()) == 1 })
	if got := logged()[0]; !got.Time.Equal(epoch.Add(time.Minute)) || got.ErrorCode != "" {
		t.Fatalf("firing %+v", got)
	}
}
