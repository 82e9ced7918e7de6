package sandbox

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

const automationWorld = `
defaults:
  timing: {start: 10s, stop: 5s, checks: 4s}
  ssm: {register: 20s, commands: [{run: systemctl is-active api, exit: 0, output: active, takes: 2s}]}
regions:
  eu-west-1:
    instances:
      - {id: i-0a000000000000001, state: stopped, tags: {Name: api-1, Role: api}}
      - {id: i-0b000000000000001, state: stopped, tags: {Name: db-1, Role: db}, ssm: false}
`

const fullRun = `schemaVersion: '0.3'
description: finds, starts, waits for SSM, checks, naps and tags
parameters:
  Role: {type: String, default: api}
outputs: [find.Ids, check.Output]
mainSteps:
- name: find
  action: aws:executeAwsApi
  inputs: {Service: ec2, Api: DescribeInstances, Filters: [{Name: 'tag:Role', Values: ['{{ Role }}']}]}
  outputs: [{Name: Ids, Selector: '$.Reservations..Instances..InstanceId', Type: StringList}]
- name: start
  action: aws:changeInstanceState
  inputs: {InstanceIds: '{{ find.Ids }}', DesiredState: running}
- name: online
  action: aws:waitForAwsResourceProperty
  timeoutSeconds: 60
  inputs:
    Service: ssm
    Api: DescribeInstanceInformation
    InstanceInformationFilterList: [{key: InstanceIds, valueSet: '{{ find.Ids }}'}]
    PropertySelector: $.InstanceInformationList..PingStatus
    DesiredValues: [Online]
- name: check
  action: aws:runCommand
  inputs: {DocumentName: AWS-RunShellScript, InstanceIds: '{{ find.Ids }}', Parameters: {commands: [systemctl is-active api]}}
- name: nap
  action: aws:sleep
  inputs: {Duration: PT5S}
- name: tag
  action: aws:executeAwsApi
  inputs: {Service: ec2, Api: CreateTags, Resources: '{{ find.Ids }}', Tags: [{Key: started-by, Value: '{{ automation:EXECUTION_ID }}'}]}
`

func startAutomation(t *testing.T, c *ssm.Client, doc string, params map[string][]string) string {
	t.Helper()
	out, err := c.StartAutomationExecution(ctx, &ssm.StartAutomationExecutionInput{DocumentName: aws.String(doc), Parameters: params})
	if err != nil {
		t.Fatalf("StartAutomationExecution %s: %v", doc, err)
	}
	return aws.ToString(out.AutomationExecutionId)
}

func getAutomation(t *testing.T, c *ssm.Client, id string) *ssmtypes.AutomationExecution {
	t.Helper()
	out, err := c.GetAutomationExecution(ctx, &ssm.GetAutomationExecutionInput{AutomationExecutionId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetAutomationExecution: %v", err)
	}
	return out.AutomationExecution
}

func (e *env) runAutomation(c *ssm.Client, id string, limit time.Duration) *ssmtypes.AutomationExecution {
	e.t.Helper()
	var x *ssmtypes.AutomationExecution
	e.until(limit, "automation "+id+" to end", func() bool {
		x = getAutomation(e.t, c, id)
		s := x.AutomationExecutionStatus
		return s != ssmtypes.AutomationExecutionStatusInprogress && s != ssmtypes.AutomationExecutionStatusPending
	})
	return x
}

func stepStatuses(x *ssmtypes.AutomationExecution) string {
	var parts []string
	for _, s := range x.StepExecutions {
		parts = append(parts, aws.ToString(s.StepName)+"="+string(s.StepStatus))
	}
	return strings.Join(parts, " ")
}

func TestAutomationRunsItsStepsOnTheSandboxClock(t *testing.T) {
	e := newEnv(t, automationWorld)
	c := e.ssm("eu-west-1")
	createAutomation(t, c, "full-run", fullRun)
	id := startAutomation(t, c, "full-run", nil)
	x := e.runAutomation(c, id, 2*time.Minute)
	if x.AutomationExecutionStatus != ssmtypes.AutomationExecutionStatusSuccess {
		t.Fatalf("status %s: %s (%s)", x.AutomationExecutionStatus, aws.ToString(x.FailureMessage), stepStatuses(x))
	}
	// find and start at 0, running at 10 and checks ok at 14; the agent at
	// 10+20; the command delivered at 31 and done at 33; 5 s of sleep.
	if d := x.ExecutionEndTime.Sub(*x.ExecutionStartTime); d != 38*time.Second {
		t.Fatalf("the run took %s, want 38s (%s)", d, stepStatuses(x))
	}
	ends := map[string]time.Duration{}
	for _, s := range x.StepExecutions {
		ends[aws.ToString(s.StepName)] = s.ExecutionEndTime.Sub(epoch)
	}
	want := map[string]time.Duration{"find": 0, "start": 14 * time.Second, "online": 30 * time.Second, "check": 33 * time.Second,
		"nap": 38 * time.Second, "tag": 38 * time.Second}
	for k, v := range want {
		if ends[k] != v {
			t.Errorf("step %s ended at %s, want %s", k, ends[k], v)
		}
	}
	if got := x.Outputs["find.Ids"]; len(got) != 1 || got[0] != "i-0a000000000000001" {
		t.Fatalf("outputs %v", x.Outputs)
	}
	if got := x.Outputs["check.Output"]; len(got) != 1 || got[0] != "active\n" {
		t.Fatalf("command output %v", x.Outputs)
	}
	if in := x.StepExecutions[1].Inputs; in["InstanceIds"] != `["i-0a000000000000001"]` || in["DesiredState"] != `"running"` {
		t.Fatalf("step inputs as SSM shows them: %v", in)
	}
	var calls []string
	for _, r := range e.sb.Requests() {
		if r.Via == "automation "+id+" step "+r.Action || strings.HasPrefix(r.Via, "automation "+id) {
			calls = append(calls, r.Time.Sub(epoch).String()+" "+r.Service+" "+r.Action+" "+strings.Join(r.InstanceIDs, ","))
		}
	}
	if want := []string{"0s ec2 DescribeInstances ", "0s ec2 StartInstances i-0a000000000000001", "30s ssm SendCommand i-0a000000000000001",
		"38s ec2 CreateTags i-0a000000000000001"}; !slices.Equal(calls, want) {
		t.Fatalf("the automation's calls in the request log:\n%s\nwant\n%s", strings.Join(calls, "\n"), strings.Join(want, "\n"))
	}
	tags := map[string]string{}
	for _, tg := range e.describe(e.ec2("eu-west-1"), "i-0a000000000000001").Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if tags["started-by"] != id {
		t.Fatalf("{{ automation:EXECUTION_ID }} in the tag: %v", tags)
	}
}

const failingRun = `schemaVersion: '0.3'
mainSteps:
- name: bogus
  action: aws:executeAwsApi
  onFailure: Continue
  inputs: {Service: ec2, Api: StartInstances, InstanceIds: [i-0fffffffffffffff1]}
- name: flaky
  action: aws:pause
  maxAttempts: 3
  onFailure: step:cleanup
  inputs: {}
- name: skipped
  action: aws:sleep
  inputs: {Duration: PT1H}
- name: cleanup
  action: aws:sleep
  isEnd: true
  inputs: {Duration: PT2S}
- name: never
  action: aws:sleep
  inputs: {Duration: PT1H}
`

func TestAutomationFailuresFollowOnFailure(t *testing.T) {
	e := newEnv(t, automationWorld)
	c := e.ssm("eu-west-1")
	createAutomation(t, c, "failing", failingRun)
	x := e.runAutomation(c, startAutomation(t, c, "failing", nil), time.Minute)
	if got := stepStatuses(x); got != "bogus=Failed flaky=Failed cleanup=Success" {
		t.Fatalf("steps: %s", got)
	}
	// The onFailure: step:cleanup step is critical: the run fails at its end.
	if x.AutomationExecutionStatus != ssmtypes.AutomationExecutionStatusFailed {
		t.Fatalf("status %s", x.AutomationExecutionStatus)
	}
	bogus, flaky := x.StepExecutions[0], x.StepExecutions[1]
	if !strings.Contains(aws.ToString(bogus.FailureMessage), "An error occurred (InvalidInstanceID.NotFound) when calling the StartInstances operation") ||
		bogus.FailureDetails == nil || aws.ToString(bogus.FailureDetails.FailureStage) != "Invocation" {
		t.Fatalf("bogus: %s %+v", aws.ToString(bogus.FailureMessage), bogus.FailureDetails)
	}
	if !strings.Contains(aws.ToString(flaky.FailureMessage), "does not run aws:pause steps") {
		t.Fatalf("an action the sandbox does not run: %s", aws.ToString(flaky.FailureMessage))
	}
	if got := len(e.requests("ec2", "StartInstances")); got != 1 {
		t.Fatalf("%d StartInstances", got)
	}
}

func TestAutomationStepTimesOut(t *testing.T) {
	e := newEnv(t, automationWorld)
	c := e.ssm("eu-west-1")
	createAutomation(t, c, "never-online", `schemaVersion: '0.3'
mainSteps:
- name: start
  action: aws:changeInstanceState
  inputs: {InstanceIds: [i-0b000000000000001], DesiredState: running}
- name: online
  action: aws:waitForAwsResourceProperty
  timeoutSeconds: 30
  inputs:
    Service: ssm
    Api: DescribeInstanceInformation
    InstanceInformationFilterList: [{key: InstanceIds, valueSet: [i-0b000000000000001]}]
    PropertySelector: $.InstanceInformationList..PingStatus
    DesiredValues: [Online]
`)
	x := e.runAutomation(c, startAutomation(t, c, "never-online", nil), 2*time.Minute)
	if x.AutomationExecutionStatus != ssmtypes.AutomationExecutionStatusTimedout || stepStatuses(x) != "start=Success online=TimedOut" ||
		x.ExecutionEndTime.Sub(epoch) != 44*time.Second {
		t.Fatalf("status %s (%s) at %s: %s", x.AutomationExecutionStatus, stepStatuses(x), x.ExecutionEndTime.Sub(epoch), aws.ToString(x.FailureMessage))
	}
}

func TestAutomationAssumesItsRole(t *testing.T) {
	e := newEnv(t, automationWorld)
	c := e.ssm("eu-west-1")
	createAutomation(t, c, "as-role", `schemaVersion: '0.3'
assumeRole: '{{ AutomationAssumeRole }}'
parameters:
  AutomationAssumeRole: {type: String, allowedPattern: '^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$'}
mainSteps:
- {name: nap, action: aws:sleep, inputs: {Duration: PT1S}}
`)
	role := "arn:aws:iam::123456789012:role/CloudControl-demo-automation"
	_, err := c.StartAutomationExecution(ctx, &ssm.StartAutomationExecutionInput{DocumentName: aws.String("as-role")})
	wantCode(t, err, "InvalidAutomationExecutionParametersException")
	_, err = c.StartAutomationExecution(ctx, &ssm.StartAutomationExecutionInput{DocumentName: aws.String("as-role"),
		Parameters: map[string][]string{"AutomationAssumeRole": {"me"}}})
	wantCode(t, err, "InvalidAutomationExecutionParametersException")
	x := getAutomation(t, c, startAutomation(t, c, "as-role", map[string][]string{"AutomationAssumeRole": {role}}))
	if x.AutomationExecutionStatus != ssmtypes.AutomationExecutionStatusFailed || aws.ToString(x.FailureMessage) != "The defined assume role is unable to be assumed." {
		t.Fatalf("a role that does not exist: %s %s", x.AutomationExecutionStatus, aws.ToString(x.FailureMessage))
	}
	if _, err := e.iam().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("CloudControl-demo-automation"), AssumeRolePolicyDocument: aws.String(trustSSM)}); err != nil {
		t.Fatal(err)
	}
	x = e.runAutomation(c, startAutomation(t, c, "as-role", map[string][]string{"AutomationAssumeRole": {role}}), time.Minute)
	if x.AutomationExecutionStatus != ssmtypes.AutomationExecutionStatusSuccess ||
		!strings.HasPrefix(aws.ToString(x.ExecutedBy), "arn:aws:sts::123456789012:assumed-role/CloudControl-demo-automation/") {
		t.Fatalf("as the role: %s by %s", x.AutomationExecutionStatus, aws.ToString(x.ExecutedBy))
	}
}

func TestAutomationsAreListedAndStopped(t *testing.T) {
	e := newEnv(t, automationWorld)
	c := e.ssm("eu-west-1")
	createAutomation(t, c, "long-nap", "schemaVersion: '0.3'\nmainSteps:\n- {name: nap, action: aws:sleep, inputs: {Duration: PT1H}}\n")
	first := startAutomation(t, c, "long-nap", nil)
	second := startAutomation(t, c, "long-nap", nil)
	e.step(10 * time.Second)
	if _, err := c.StopAutomationExecution(ctx, &ssm.StopAutomationExecutionInput{AutomationExecutionId: aws.String(first)}); err != nil {
		t.Fatal(err)
	}
	if x := getAutomation(t, c, first); x.AutomationExecutionStatus != ssmtypes.AutomationExecutionStatusCancelled || stepStatuses(x) != "nap=Cancelled" {
		t.Fatalf("stopped: %s %s", x.AutomationExecutionStatus, stepStatuses(x))
	}
	_, err := c.StopAutomationExecution(ctx, &ssm.StopAutomationExecutionInput{AutomationExecutionId: aws.String(first)})
	wantCode(t, err, "InvalidAutomationStatusUpdateException")
	list, err := c.DescribeAutomationExecutions(ctx, &ssm.DescribeAutomationExecutionsInput{Filters: []ssmtypes.AutomationExecutionFilter{
		{Key: ssmtypes.AutomationExecutionFilterKeyExecutionStatus, Values: []string{"InProgress"}},
		{Key: ssmtypes.AutomationExecutionFilterKeyDocumentNamePrefix, Values: []string{"long-"}}}})
	if err != nil || len(list.AutomationExecutionMetadataList) != 1 || aws.ToString(list.AutomationExecutionMetadataList[0].AutomationExecutionId) != second ||
		aws.ToString(list.AutomationExecutionMetadataList[0].CurrentStepName) != "nap" {
		t.Fatalf("DescribeAutomationExecutions: %+v %v", list, err)
	}
	steps, err := c.DescribeAutomationStepExecutions(ctx, &ssm.DescribeAutomationStepExecutionsInput{AutomationExecutionId: aws.String(second)})
	if err != nil || len(steps.StepExecutions) != 1 || steps.StepExecutions[0].StepStatus != ssmtypes.AutomationExecutionStatusInprogress {
		t.Fatalf("DescribeAutomationStepExecutions: %+v %v", steps, err)
	}
	_, err = c.GetAutomationExecution(ctx, &ssm.GetAutomationExecutionInput{AutomationExecutionId: aws.String("0000")})
	wantCode(t, err, "AutomationExecutionNotFoundException")
	_, err = c.StartAutomationExecution(ctx, &ssm.StartAutomationExecutionInput{DocumentName: aws.String("nothing")})
	wantCode(t, err, "AutomationDefinitionNotFoundException")
}
