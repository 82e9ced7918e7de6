package sandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// aws:createTags as the exported start runbook uses it: the default
// ResourceType (EC2), ResourceIds from a lookup, Tags with a parameter and
// {{ global:DATE_TIME }} written in (Automation's yyyy-MM-dd_HH.mm.ss, UTC).
const tagRun = `schemaVersion: '0.3'
parameters:
  Who: {type: String}
mainSteps:
- name: find
  action: aws:executeAwsApi
  inputs: {Service: ec2, Api: DescribeInstances, Filters: [{Name: 'tag:Role', Values: [api]}]}
  outputs: [{Name: Ids, Selector: '$.Reservations..Instances..InstanceId', Type: StringList}]
- name: nap
  action: aws:sleep
  inputs: {Duration: PT90S}
- name: tag
  action: aws:createTags
  inputs:
    ResourceIds: '{{ find.Ids }}'
    Tags: [{Key: started-by, Value: '{{ Who }}'}, {Key: started-at, Value: '{{ global:DATE_TIME }}'}, {Key: empty}]
`

func TestAutomationCreateTagsTagsEC2Instances(t *testing.T) {
	e := newEnv(t, automationWorld)
	c := e.ssm("eu-west-1")
	createAutomation(t, c, "tag-run", tagRun)
	id := startAutomation(t, c, "tag-run", map[string][]string{"Who": {"arn:aws:iam::123456789012:role/runner"}})
	x := e.runAutomation(c, id, 5*time.Minute)
	if x.AutomationExecutionStatus != ssmtypes.AutomationExecutionStatusSuccess {
		t.Fatalf("status %s: %s (%s)", x.AutomationExecutionStatus, aws.ToString(x.FailureMessage), stepStatuses(x))
	}
	tags := map[string]string{}
	for _, tg := range e.describe(e.ec2("eu-west-1"), "i-0a000000000000001").Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	// {{ global:DATE_TIME }} is the execution's start, as AWS writes it.
	if tags["started-by"] != "arn:aws:iam::123456789012:role/runner" || tags["started-at"] != epoch.Format("2006-01-02_15.04.05") {
		t.Fatalf("tags %v; want started-by the parameter and started-at %s", tags, epoch.Format("2006-01-02_15.04.05"))
	}
	if v, ok := tags["empty"]; !ok || v != "" {
		t.Fatalf("a tag without a Value: %q, %v", v, ok)
	}
	var logged []Request
	for _, r := range e.requests("ec2", "CreateTags") {
		if r.Via == "automation "+id+" step tag" {
			logged = append(logged, r)
		}
	}
	if len(logged) != 1 || logged[0].Time.Sub(epoch) != 90*time.Second || strings.Join(logged[0].InstanceIDs, ",") != "i-0a000000000000001" {
		t.Fatalf("the step's CreateTags in the request log: %+v", logged)
	}
}

func TestAutomationCreateTagsFailures(t *testing.T) {
	e := newEnv(t, automationWorld)
	c := e.ssm("eu-west-1")
	for name, tc := range map[string]struct{ inputs, failure string }{
		"parameter": {"{ResourceType: Parameter, ResourceIds: [/a/b], Tags: [{Key: k, Value: v}]}", "tags EC2 resources only"},
		"no-such":   {"{ResourceIds: [i-0fffffffffffffff1], Tags: [{Key: k, Value: v}]}", "An error occurred (InvalidInstanceID.NotFound) when calling the CreateTags operation"},
		"tag-shape": {"{ResourceIds: [i-0a000000000000001], Tags: [{Name: k}]}", "Tags must be a list of {Key, Value} maps"},
	} {
		createAutomation(t, c, "tags-"+name, "schemaVersion: '0.3'\nmainSteps:\n- name: tag\n  action: aws:createTags\n  inputs: "+tc.inputs+"\n")
		x := e.runAutomation(c, startAutomation(t, c, "tags-"+name, nil), time.Minute)
		if x.AutomationExecutionStatus != ssmtypes.AutomationExecutionStatusFailed || !strings.Contains(aws.ToString(x.FailureMessage), tc.failure) {
			t.Errorf("%s: %s: %s", name, x.AutomationExecutionStatus, aws.ToString(x.FailureMessage))
		}
	}
}
