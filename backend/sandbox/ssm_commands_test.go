package sandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

const commandWorld = `
defaults:
  timing: {start: 10s, stop: 5s, checks: 4s}
  ssm: {register: 20s}
regions:
  eu-west-1:
    instances:
      - id: i-0a000000000000001
        state: running
        tags: {Name: api-1, Role: api}
        ssm:
          default-exit: 3
          commands:
            - {run: systemctl is-active api, exit: 0, output: active, takes: 2s}
            - {run: "pg_isready *", exit: 2, output: "no response", error: "could not connect", takes: 1s}
            - {run: long-job, exit: 0, takes: 2h}
      - {id: i-0a000000000000002, state: stopped, tags: {Name: api-2, Role: api}}
      - {id: i-0a000000000000003, state: running, tags: {Name: db-1, Role: db}, ssm: false}
`

func sendShell(t *testing.T, c *ssm.Client, ids []string, lines ...string) string {
	t.Helper()
	out, err := c.SendCommand(ctx, &ssm.SendCommandInput{DocumentName: aws.String("AWS-RunShellScript"), InstanceIds: ids,
		Parameters: map[string][]string{"commands": lines}})
	if err != nil {
		t.Fatalf("SendCommand %v: %v", lines, err)
	}
	return aws.ToString(out.Command.CommandId)
}

func getInvocation(t *testing.T, c *ssm.Client, id, instance string) *ssm.GetCommandInvocationOutput {
	t.Helper()
	out, err := c.GetCommandInvocation(ctx, &ssm.GetCommandInvocationInput{CommandId: aws.String(id), InstanceId: aws.String(instance)})
	if err != nil {
		t.Fatalf("GetCommandInvocation: %v", err)
	}
	return out
}

func TestManagedInstancesRegisterAfterTheyRunAndLoseConnectionWhenStopped(t *testing.T) {
	e := newEnv(t, commandWorld)
	c := e.ssm("eu-west-1")
	info := func() map[string]string {
		out, err := c.DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, i := range out.InstanceInformationList {
			m[aws.ToString(i.InstanceId)] = string(i.PingStatus)
		}
		return m
	}
	// The stopped world instance ran before: SSM knows it, offline. The
	// unmanaged one is not in the inventory at all.
	if got := info(); len(got) != 2 || got["i-0a000000000000001"] != "Online" || got["i-0a000000000000002"] != "ConnectionLost" {
		t.Fatalf("inventory %v", got)
	}
	if _, err := e.ec2("eu-west-1").StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{"i-0a000000000000002"}}); err != nil {
		t.Fatal(err)
	}
	took := e.until(time.Minute, "api-2 online", func() bool { return info()["i-0a000000000000002"] == "Online" })
	if took != 30*time.Second { // start 10s, then the agent's 20s
		t.Fatalf("api-2 came online after %s, want 30s", took)
	}
	if _, err := e.ec2("eu-west-1").StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-0a000000000000002"}}); err != nil {
		t.Fatal(err)
	}
	if got := info()["i-0a000000000000002"]; got != "ConnectionLost" {
		t.Fatalf("stopping api-2: %s", got)
	}
	out, err := c.DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{
		InstanceInformationFilterList: []ssmtypes.InstanceInformationFilter{{Key: ssmtypes.InstanceInformationFilterKeyInstanceIds,
			ValueSet: []string{"i-0a000000000000002", "i-0a000000000000003"}}},
		Filters: []ssmtypes.InstanceInformationStringFilter{{Key: aws.String("PingStatus"), Values: []string{"ConnectionLost"}}}})
	if err != nil || len(out.InstanceInformationList) != 1 || aws.ToString(out.InstanceInformationList[0].InstanceId) != "i-0a000000000000002" ||
		out.InstanceInformationList[0].PlatformType != ssmtypes.PlatformTypeLinux || out.InstanceInformationList[0].LastPingDateTime == nil {
		t.Fatalf("filtered inventory: %+v %v", out, err)
	}
	_, err = c.DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{
		InstanceInformationFilterList: []ssmtypes.InstanceInformationFilter{{Key: ssmtypes.InstanceInformationFilterKeyInstanceIds, ValueSet: []string{"web-1"}}}})
	wantCode(t, err, "InvalidInstanceInformationFilterValue")
}

func TestSendCommandRunsWhatTheWorldDeclares(t *testing.T) {
	e := newEnv(t, commandWorld)
	c := e.ssm("eu-west-1")
	api := []string{"i-0a000000000000001"}
	ok := sendShell(t, c, api, "systemctl is-active api")
	if got := getInvocation(t, c, ok, api[0]); got.Status != ssmtypes.CommandInvocationStatusPending || got.ResponseCode != -1 {
		t.Fatalf("just sent: %s %d", got.Status, got.ResponseCode)
	}
	e.step(time.Second)
	if got := getInvocation(t, c, ok, api[0]); got.Status != ssmtypes.CommandInvocationStatusInProgress {
		t.Fatalf("after the agent picked it up: %s", got.Status)
	}
	e.step(2 * time.Second)
	got := getInvocation(t, c, ok, api[0])
	if got.Status != ssmtypes.CommandInvocationStatusSuccess || got.ResponseCode != 0 || aws.ToString(got.StandardOutputContent) != "active\n" ||
		aws.ToString(got.ExecutionElapsedTime) != "PT2.000S" {
		t.Fatalf("declared command: %s %d %q %s", got.Status, got.ResponseCode, aws.ToString(got.StandardOutputContent), aws.ToString(got.ExecutionElapsedTime))
	}

	failed := sendShell(t, c, api, "echo checking", "pg_isready -h db")
	unknown := sendShell(t, c, api, "curl -sf localhost:9999/health")
	harmless := sendShell(t, c, api, "true", "exit 0")
	e.step(3 * time.Second)
	got = getInvocation(t, c, failed, api[0])
	if got.Status != ssmtypes.CommandInvocationStatusFailed || got.ResponseCode != 2 ||
		aws.ToString(got.StandardOutputContent) != "checking\nno response\n" || aws.ToString(got.StandardErrorContent) != "could not connect\n" {
		t.Fatalf("failing command: %s %d %q %q", got.Status, got.ResponseCode, aws.ToString(got.StandardOutputContent), aws.ToString(got.StandardErrorContent))
	}
	got = getInvocation(t, c, unknown, api[0])
	if got.Status != ssmtypes.CommandInvocationStatusFailed || got.ResponseCode != 3 || !strings.Contains(aws.ToString(got.StandardErrorContent), "declares no command") {
		t.Fatalf("unknown command: %s %d %q", got.Status, got.ResponseCode, aws.ToString(got.StandardErrorContent))
	}
	if got = getInvocation(t, c, harmless, api[0]); got.Status != ssmtypes.CommandInvocationStatusSuccess {
		t.Fatalf("true; exit 0: %s", got.Status)
	}

	list, err := c.ListCommandInvocations(ctx, &ssm.ListCommandInvocationsInput{CommandId: aws.String(failed), Details: true})
	if err != nil || len(list.CommandInvocations) != 1 || len(list.CommandInvocations[0].CommandPlugins) != 1 {
		t.Fatalf("ListCommandInvocations: %+v %v", list, err)
	}
	p := list.CommandInvocations[0].CommandPlugins[0]
	if aws.ToString(p.Output) != "checking\nno response\n\n----------ERROR-------\ncould not connect\n" || p.ResponseCode != 2 || p.ResponseFinishDateTime == nil ||
		aws.ToString(list.CommandInvocations[0].InstanceName) != "api-1" {
		t.Fatalf("plugin %+v output %q", p, aws.ToString(p.Output))
	}
	cmds, err := c.ListCommands(ctx, &ssm.ListCommandsInput{})
	if err != nil || len(cmds.Commands) != 4 || aws.ToString(cmds.Commands[0].CommandId) != harmless || cmds.Commands[2].Status != ssmtypes.CommandStatusFailed ||
		cmds.Commands[2].ErrorCount != 1 || cmds.Commands[2].CompletedCount != 1 {
		t.Fatalf("ListCommands: %+v %v", cmds, err)
	}
}

func TestSendCommandTimesOutAndRefusesUnmanagedInstances(t *testing.T) {
	e := newEnv(t, commandWorld)
	c := e.ssm("eu-west-1")
	out, err := c.SendCommand(ctx, &ssm.SendCommandInput{DocumentName: aws.String("AWS-RunShellScript"), InstanceIds: []string{"i-0a000000000000001"},
		Parameters: map[string][]string{"commands": {"long-job"}, "executionTimeout": {"60"}}})
	if err != nil {
		t.Fatal(err)
	}
	e.step(62 * time.Second)
	got := getInvocation(t, c, aws.ToString(out.Command.CommandId), "i-0a000000000000001")
	if got.Status != ssmtypes.CommandInvocationStatusTimedOut || got.ResponseCode != -1 || aws.ToString(got.StatusDetails) != "ExecutionTimedOut" {
		t.Fatalf("a command past its executionTimeout: %s %s %d", got.Status, aws.ToString(got.StatusDetails), got.ResponseCode)
	}
	for _, id := range []string{"i-0a000000000000002", "i-0a000000000000003", "i-0ffffffffffffffff"} { // offline, unmanaged, unknown
		_, err := c.SendCommand(ctx, &ssm.SendCommandInput{DocumentName: aws.String("AWS-RunShellScript"), InstanceIds: []string{id},
			Parameters: map[string][]string{"commands": {"true"}}})
		ae := apiErr(t, err, "InvalidInstanceId")
		if !strings.Contains(ae.ErrorMessage(), "Instances [["+id+"]] not in a valid state for account 123456789012") {
			t.Fatalf("%s: %s", id, ae.ErrorMessage())
		}
	}
	_, err = c.SendCommand(ctx, &ssm.SendCommandInput{DocumentName: aws.String("AWS-RunShellScript"), InstanceIds: []string{"i-0a000000000000001"}})
	wantCode(t, err, "InvalidParameters")
	_, err = c.GetCommandInvocation(ctx, &ssm.GetCommandInvocationInput{CommandId: out.Command.CommandId, InstanceId: aws.String("i-0a000000000000003")})
	wantCode(t, err, "InvocationDoesNotExist")
}

func TestSendCommandTargetsByTag(t *testing.T) {
	e := newEnv(t, commandWorld)
	c := e.ssm("eu-west-1")
	out, err := c.SendCommand(ctx, &ssm.SendCommandInput{DocumentName: aws.String("AWS-RunShellScript"),
		Targets:    []ssmtypes.Target{{Key: aws.String("tag:Role"), Values: []string{"api"}}},
		Parameters: map[string][]string{"commands": {"echo hi"}}, TimeoutSeconds: aws.Int32(30)})
	if err != nil {
		t.Fatal(err)
	}
	// api-1 runs it; api-2 is managed but offline: its invocation waits
	// for delivery until TimeoutSeconds. The unmanaged db is not targeted.
	if out.Command.TargetCount != 2 {
		t.Fatalf("targets %d", out.Command.TargetCount)
	}
	e.step(31 * time.Second)
	list, err := c.ListCommandInvocations(ctx, &ssm.ListCommandInvocationsInput{CommandId: out.Command.CommandId})
	if err != nil || len(list.CommandInvocations) != 2 {
		t.Fatalf("%+v %v", list, err)
	}
	status := map[string]string{}
	for _, i := range list.CommandInvocations {
		status[aws.ToString(i.InstanceId)] = string(i.Status) + "/" + aws.ToString(i.StatusDetails)
	}
	if status["i-0a000000000000001"] != "Success/Success" || status["i-0a000000000000002"] != "TimedOut/DeliveryTimedOut" {
		t.Fatalf("invocations %v", status)
	}
}

func TestDeleteTags(t *testing.T) {
	e := newEnv(t, `regions: {eu-west-1: {instances: [{id: i-0a000000000000001, tags: {Name: a, cloudcontrol:lease-until: "2025-03-01T14:00:00Z", cloudcontrol:lease-by: me, Keep: yes}}]}}`)
	c := e.ec2("eu-west-1")
	id := []string{"i-0a000000000000001"}
	tags := func() map[string]string {
		m := map[string]string{}
		for _, tg := range e.describe(c, id[0]).Tags {
			m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		return m
	}
	_, err := c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: id, Tags: []ec2types.Tag{
		{Key: aws.String("cloudcontrol:lease-until")}, {Key: aws.String("cloudcontrol:lease-by"), Value: aws.String("someone else")}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := tags(); len(got) != 3 || got["cloudcontrol:lease-by"] != "me" || got["Name"] != "a" {
		t.Fatalf("after deleting lease-until and lease-by=someone else: %v", got)
	}
	if _, err := c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: id}); err != nil {
		t.Fatal(err)
	}
	if got := tags(); len(got) != 0 {
		t.Fatalf("after deleting every tag: %v", got)
	}
	_, err = c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{"i-0ffffffffffffffff"}})
	wantCode(t, err, "InvalidInstanceID.NotFound")
}
