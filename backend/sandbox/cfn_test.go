package sandbox

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// stackTemplate is an instance with an extra volume attached to it, a
// CreationPolicy when Signal is "yes", and outputs.
const stackTemplate = `
Parameters:
  Name: {Type: String}
  Subnet: {Type: "AWS::EC2::Subnet::Id", Default: subnet-0aaaaaaaaaaaaaaa1}
  Key: {Type: String, Default: ""}
  Signal: {Type: String, Default: "no", AllowedValues: ["yes", "no"]}
  Script: {Type: String, Default: "#!/bin/sh\ntrue\n"}
  Secret: {Type: String, Default: hush, NoEcho: true}
Conditions:
  HasKey: !Not [!Equals [!Ref Key, ""]]
Resources:
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0aaaaaaaaaaaaaaa1
      InstanceType: t3.small
      SubnetId: !Ref Subnet
      SecurityGroupIds: [sg-0aaaaaaaaaaaaaaa1]
      KeyName: !If [HasKey, !Ref Key, !Ref "AWS::NoValue"]
      IamInstanceProfile: tester
      UserData: !Base64 {Ref: Script}
      BlockDeviceMappings: [{DeviceName: /dev/sdf, Ebs: {VolumeSize: 50, VolumeType: gp3, Encrypted: true}}]
      Tags: [{Key: Name, Value: !Ref Name}, {Key: Team, Value: resource-wins}]
  Data:
    Type: AWS::EC2::Volume
    Properties: {Size: 10, AvailabilityZone: !GetAtt Instance.AvailabilityZone, VolumeType: gp3}
  Attach:
    Type: AWS::EC2::VolumeAttachment
    Properties: {InstanceId: !Ref Instance, VolumeId: !Ref Data, Device: /dev/sdg}
Outputs:
  Ip: {Value: !GetAtt Instance.PrivateIp, Description: the address}
  Where: {Value: !Sub "${Instance.AvailabilityZone}/${AWS::StackName}"}
`

const signalTemplate = `
Parameters:
  Script: {Type: String}
Resources:
  Instance:
    Type: AWS::EC2::Instance
    CreationPolicy: {ResourceSignal: {Count: 1, Timeout: PT10M}}
    Properties: {ImageId: ami-0aaaaaaaaaaaaaaa1, InstanceType: t3.small, UserData: !Base64 {Ref: Script}}
`

type stackEnv struct {
	*env
	c *cloudformation.Client
}

func newStackEnv(t *testing.T) stackEnv {
	e := newEnv(t, launchWorld)
	return stackEnv{e, e.cfn("eu-west-1")}
}

func params(kv ...string) []cfntypes.Parameter {
	var out []cfntypes.Parameter
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, cfntypes.Parameter{ParameterKey: aws.String(kv[i]), ParameterValue: aws.String(kv[i+1])})
	}
	return out
}

func (s stackEnv) create(t *testing.T, name, body string, in *cloudformation.CreateStackInput) string {
	t.Helper()
	if in == nil {
		in = &cloudformation.CreateStackInput{}
	}
	in.StackName, in.TemplateBody = aws.String(name), aws.String(body)
	out, err := s.c.CreateStack(ctx, in)
	if err != nil {
		t.Fatalf("CreateStack %s: %v", name, err)
	}
	return aws.ToString(out.StackId)
}

func (s stackEnv) stack(t *testing.T, nameOrID string) cfntypes.Stack {
	t.Helper()
	out, err := s.c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(nameOrID)})
	if err != nil || len(out.Stacks) != 1 {
		t.Fatalf("DescribeStacks %s: %v, %v", nameOrID, out, err)
	}
	return out.Stacks[0]
}

// events are a stack's events, oldest first, as "LOGICAL STATUS [+SECONDS] [reason]".
func (s stackEnv) events(t *testing.T, nameOrID string, since time.Time) []string {
	t.Helper()
	var all []cfntypes.StackEvent
	p := cloudformation.NewDescribeStackEventsPaginator(s.c, &cloudformation.DescribeStackEventsInput{StackName: aws.String(nameOrID)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.StackEvents...)
	}
	slices.Reverse(all)
	var lines []string
	for _, ev := range all {
		line := fmt.Sprintf("%s %s +%ds", aws.ToString(ev.LogicalResourceId), ev.ResourceStatus, int(ev.Timestamp.Sub(since).Seconds()))
		if r := aws.ToString(ev.ResourceStatusReason); r != "" {
			line += " " + r
		}
		lines = append(lines, line)
	}
	return lines
}

func wantEvents(t *testing.T, got []string, want ...string) {
	t.Helper()
	i := 0
	for _, g := range got {
		if i < len(want) && strings.HasPrefix(g, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("events lack %q (in order):\n%s", want[i], strings.Join(got, "\n"))
	}
}

func TestStackCreatesResourcesInOrderThenDeletes(t *testing.T) {
	s := newStackEnv(t)
	id := s.create(t, "web-1", stackTemplate, &cloudformation.CreateStackInput{
		Parameters: params("Name", "web-1", "Key", "testers"),
		Tags:       []cfntypes.Tag{{Key: aws.String("cloudcontrol:env"), Value: aws.String("demo")}, {Key: aws.String("Team"), Value: aws.String("qa")}},
	})
	if st := s.stack(t, "web-1"); st.StackStatus != cfntypes.StackStatusCreateInProgress || aws.ToString(st.StackId) != id {
		t.Fatalf("right after CreateStack: %s", st.StackStatus)
	}
	// The instance takes 10s to run (more than a resource's 5s), the volume 5s, the attachment 5s.
	s.clock.Advance(15 * time.Second)
	if st := s.stack(t, "web-1"); st.StackStatus != cfntypes.StackStatusCreateInProgress {
		t.Fatalf("at 15s: %s", st.StackStatus)
	}
	s.clock.Advance(5 * time.Second)
	st := s.stack(t, "web-1")
	if st.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("at 20s: %s\n%s", st.StackStatus, strings.Join(s.events(t, id, epoch), "\n"))
	}
	wantEvents(t, s.events(t, id, epoch),
		"web-1 CREATE_IN_PROGRESS +0s User Initiated",
		"Instance CREATE_IN_PROGRESS +0s", "Instance CREATE_IN_PROGRESS +0s Resource creation Initiated",
		"Instance CREATE_COMPLETE +10s",
		"Data CREATE_IN_PROGRESS +10s", "Data CREATE_COMPLETE +15s",
		"Attach CREATE_IN_PROGRESS +15s", "Attach CREATE_COMPLETE +20s",
		"web-1 CREATE_COMPLETE +20s")

	outs := map[string]string{}
	for _, o := range st.Outputs {
		outs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	for _, p := range st.Parameters {
		if aws.ToString(p.ParameterKey) == "Secret" && aws.ToString(p.ParameterValue) != "****" {
			t.Errorf("NoEcho parameter shown as %q", aws.ToString(p.ParameterValue))
		}
	}
	res, err := s.c.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String("web-1")})
	if err != nil || len(res.StackResources) != 3 {
		t.Fatalf("DescribeStackResources: %+v, %v", res, err)
	}
	instID := aws.ToString(res.StackResources[0].PhysicalResourceId)
	in := s.describe(s.ec2("eu-west-1"), instID)
	tags := map[string]string{}
	for _, tg := range in.Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if tags["Name"] != "web-1" || tags["cloudcontrol:env"] != "demo" || tags["Team"] != "resource-wins" ||
		tags["aws:cloudformation:stack-name"] != "web-1" || tags["aws:cloudformation:stack-id"] != id || tags["aws:cloudformation:logical-id"] != "Instance" {
		t.Errorf("instance tags %v", tags)
	}
	if outs["Ip"] != aws.ToString(in.PrivateIpAddress) || outs["Where"] != "eu-west-1a/web-1" {
		t.Errorf("outputs %v (instance %s)", outs, aws.ToString(in.PrivateIpAddress))
	}
	if aws.ToString(in.KeyName) != "testers" || aws.ToString(in.SubnetId) != "subnet-0aaaaaaaaaaaaaaa1" || in.InstanceType != "t3.small" ||
		!strings.HasSuffix(aws.ToString(in.IamInstanceProfile.Arn), ":instance-profile/tester") {
		t.Errorf("instance %s key %s subnet %s profile %+v", in.InstanceType, aws.ToString(in.KeyName), aws.ToString(in.SubnetId), in.IamInstanceProfile)
	}
	vols, _ := s.ec2("eu-west-1").DescribeVolumes(ctx, &ec2.DescribeVolumesInput{})
	var devices []string
	for _, v := range vols.Volumes {
		for _, a := range v.Attachments {
			if aws.ToString(a.InstanceId) == instID {
				devices = append(devices, fmt.Sprintf("%s:%d:%v", aws.ToString(a.Device), aws.ToInt32(v.Size), aws.ToBool(v.Encrypted)))
			}
		}
	}
	slices.Sort(devices)
	if strings.Join(devices, " ") != "/dev/sdf:50:true /dev/sdg:10:false /dev/xvda:8:false" {
		t.Errorf("volumes of the instance: %v", devices)
	}

	if _, err := s.c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("web-1")}); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(time.Minute)
	if state := s.state(s.ec2("eu-west-1"), instID); state != "terminated" {
		t.Errorf("instance after DeleteStack: %s", state)
	}
	if st := s.stack(t, id); st.StackStatus != cfntypes.StackStatusDeleteComplete || st.DeletionTime == nil {
		t.Fatalf("deleted stack by id: %s", st.StackStatus)
	}
	wantEvents(t, s.events(t, id, epoch),
		"web-1 DELETE_IN_PROGRESS +20s User Initiated",
		"Attach DELETE_IN_PROGRESS +20s", "Attach DELETE_COMPLETE +22s",
		"Data DELETE_IN_PROGRESS +22s", "Data DELETE_COMPLETE +24s",
		"Instance DELETE_IN_PROGRESS +24s", "Instance DELETE_COMPLETE +28s",
		"web-1 DELETE_COMPLETE +28s")
	_, err = s.c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("web-1")})
	if ae := apiErr(t, err, "ValidationError"); ae.ErrorMessage() != "Stack with id web-1 does not exist" {
		t.Errorf("by name after delete: %q", ae.ErrorMessage())
	}
	if _, err := s.c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("web-1")}); err != nil {
		t.Errorf("DeleteStack of a deleted stack: %v", err)
	}
}

func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

func TestUserDataReplaysProgressAndSignals(t *testing.T) {
	s := newStackEnv(t)
	ud := lines("#!/bin/bash",
		`cc_progress() { aws ec2 create-tags --resources "$ID" --tags "Key=cloudcontrol:progress,Value=$1 $2" || true; }`,
		`cc_progress 10 "installing packages"`,
		"sleep 30",
		`if true; then cc_progress 60 "starting the API"; fi`,
		"sleep 1m; echo done",
		`/opt/aws/bin/cfn-signal -e $? --stack "$STACK" --resource Instance --region eu-west-1`)
	id := s.create(t, "boot", signalTemplate, &cloudformation.CreateStackInput{Parameters: params("Script", ud)})
	res, _ := s.c.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String(id)})
	inst := aws.ToString(res.StackResources[0].PhysicalResourceId)
	progress := func() string {
		for _, tg := range s.describe(s.ec2("eu-west-1"), inst).Tags {
			if aws.ToString(tg.Key) == "cloudcontrol:progress" {
				return aws.ToString(tg.Value)
			}
		}
		return ""
	}
	attr, err := s.ec2("eu-west-1").DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(inst), Attribute: "userData"})
	if raw, _ := base64.StdEncoding.DecodeString(aws.ToString(attr.UserData.Value)); err != nil || string(raw) != ud {
		t.Fatalf("user data attribute: %q, %v", raw, err)
	}
	for _, c := range []struct {
		after  time.Duration
		want   string
		status cfntypes.StackStatus
	}{
		{9 * time.Second, "", cfntypes.StackStatusCreateInProgress}, // still pending
		{time.Second, "10 installing packages", cfntypes.StackStatusCreateInProgress},
		{30 * time.Second, "60 starting the API", cfntypes.StackStatusCreateInProgress},
		{59 * time.Second, "60 starting the API", cfntypes.StackStatusCreateInProgress},
		{time.Second, "60 starting the API", cfntypes.StackStatusCreateComplete}, // 10s + 30s + 60s
	} {
		s.clock.Advance(c.after)
		if got := progress(); got != c.want {
			t.Errorf("progress %q, want %q", got, c.want)
		}
		if st := s.stack(t, id).StackStatus; st != c.status {
			t.Fatalf("stack %s, want %s", st, c.status)
		}
	}
	wantEvents(t, s.events(t, id, epoch),
		"Instance CREATE_IN_PROGRESS +0s Resource creation Initiated",
		"Instance CREATE_IN_PROGRESS +100s Received SUCCESS signal with UniqueId "+inst,
		"Instance CREATE_COMPLETE +100s", "boot CREATE_COMPLETE +100s")
}

func TestFailingUserDataRollsTheStackBack(t *testing.T) {
	s := newStackEnv(t)
	if err := s.sb.AddFault(Fault{Kind: FaultUserDataFail, Count: 1}); err != nil {
		t.Fatal(err)
	}
	id := s.create(t, "bad-boot", signalTemplate, &cloudformation.CreateStackInput{Parameters: params("Script", lines("sleep 5", "cfn-signal -e $? --stack bad-boot --resource Instance"))})
	res, _ := s.c.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String(id)})
	inst := aws.ToString(res.StackResources[0].PhysicalResourceId)
	s.clock.Advance(30 * time.Second)
	st := s.stack(t, id)
	if st.StackStatus != cfntypes.StackStatusRollbackComplete || !strings.Contains(aws.ToString(st.StackStatusReason), "") {
		t.Fatalf("stack %s\n%s", st.StackStatus, strings.Join(s.events(t, id, epoch), "\n"))
	}
	wantEvents(t, s.events(t, id, epoch),
		"Instance CREATE_FAILED +15s Received FAILURE signal with UniqueId "+inst,
		"bad-boot ROLLBACK_IN_PROGRESS +15s The following resource(s) failed to create: [Instance]. Rollback requested by user.",
		"Instance DELETE_IN_PROGRESS +15s", "Instance DELETE_COMPLETE +", "bad-boot ROLLBACK_COMPLETE +")
	if state := s.state(s.ec2("eu-west-1"), inst); state != "terminated" {
		t.Errorf("the rolled-back instance is %s", state)
	}
	// A stack in ROLLBACK_COMPLETE keeps its name until deleted.
	_, err := s.c.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("bad-boot"), TemplateBody: aws.String(signalTemplate), Parameters: params("Script", "x")})
	wantCode(t, err, "AlreadyExistsException")
}

func TestSignalTimeoutAndSignalResource(t *testing.T) {
	s := newStackEnv(t)
	id := s.create(t, "silent", signalTemplate, &cloudformation.CreateStackInput{Parameters: params("Script", lines("echo no signal")),
		OnFailure: cfntypes.OnFailureDoNothing})
	s.clock.Advance(10*time.Minute + time.Second)
	if st := s.stack(t, id); st.StackStatus != cfntypes.StackStatusCreateFailed || !aws.ToBool(st.DisableRollback) {
		t.Fatalf("stack %s", st.StackStatus)
	}
	wantEvents(t, s.events(t, id, epoch), "Instance CREATE_FAILED +600s Failed to receive 1 resource signal(s) within the specified duration",
		"silent CREATE_FAILED +600s The following resource(s) failed to create: [Instance].")

	id2 := s.create(t, "manual", signalTemplate, &cloudformation.CreateStackInput{Parameters: params("Script", "x")})
	s.clock.Advance(20 * time.Second)
	if _, err := s.c.SignalResource(ctx, &cloudformation.SignalResourceInput{StackName: aws.String("manual"), LogicalResourceId: aws.String("Instance"),
		UniqueId: aws.String("by-hand"), Status: cfntypes.ResourceSignalStatusSuccess}); err != nil {
		t.Fatal(err)
	}
	if st := s.stack(t, id2); st.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("after SignalResource: %s", st.StackStatus)
	}
	_, err := s.c.SignalResource(ctx, &cloudformation.SignalResourceInput{StackName: aws.String("manual"), LogicalResourceId: aws.String("Instance"),
		UniqueId: aws.String("again"), Status: cfntypes.ResourceSignalStatusSuccess})
	wantCode(t, err, "ValidationError")
}

func TestResourceFaultsRollbackDeleteFailedAndSlowStacks(t *testing.T) {
	s := newStackEnv(t)
	if err := s.sb.AddFault(Fault{Kind: FaultResourceFail, Resource: "Data", Count: 1, Message: "disk on fire"}); err != nil {
		t.Fatal(err)
	}
	id := s.create(t, "fails", stackTemplate, &cloudformation.CreateStackInput{Parameters: params("Name", "x")})
	s.clock.Advance(time.Minute)
	wantEvents(t, s.events(t, id, epoch),
		"Instance CREATE_COMPLETE +10s", "Data CREATE_FAILED +15s disk on fire",
		"fails ROLLBACK_IN_PROGRESS +15s The following resource(s) failed to create: [Data]. Rollback requested by user.",
		"Data DELETE_IN_PROGRESS +15s", "Data DELETE_COMPLETE +18s",
		"Instance DELETE_IN_PROGRESS +18s", "Instance DELETE_COMPLETE +22s", "fails ROLLBACK_COMPLETE +22s")

	// OnFailure DELETE: the stack is gone after the failure.
	if err := s.sb.AddFault(Fault{Kind: FaultResourceFail, Resource: "AWS::EC2::Instance", Count: 1}); err != nil {
		t.Fatal(err)
	}
	id = s.create(t, "gone", stackTemplate, &cloudformation.CreateStackInput{Parameters: params("Name", "x"), OnFailure: cfntypes.OnFailureDelete})
	s.clock.Advance(time.Minute)
	if st := s.stack(t, id); st.StackStatus != cfntypes.StackStatusDeleteComplete {
		t.Fatalf("OnFailure DELETE: %s", st.StackStatus)
	}

	// DELETE_FAILED once, then a second DeleteStack finishes the job.
	id = s.create(t, "sticky", stackTemplate, &cloudformation.CreateStackInput{Parameters: params("Name", "x")})
	s.clock.Advance(time.Minute)
	if err := s.sb.AddFault(Fault{Kind: FaultDeleteFail, Resource: "Instance", Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(time.Minute)
	st := s.stack(t, id)
	if st.StackStatus != cfntypes.StackStatusDeleteFailed || aws.ToString(st.StackStatusReason) != "The following resource(s) failed to delete: [Instance]. " {
		t.Fatalf("with the fault: %s %q", st.StackStatus, aws.ToString(st.StackStatusReason))
	}
	res, _ := s.c.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String(id)})
	inst := ""
	for _, r := range res.StackResources {
		if aws.ToString(r.LogicalResourceId) == "Instance" {
			inst = aws.ToString(r.PhysicalResourceId)
			if r.ResourceStatus != cfntypes.ResourceStatusDeleteFailed {
				t.Errorf("Instance %s", r.ResourceStatus)
			}
		}
	}
	if state := s.state(s.ec2("eu-west-1"), inst); state != "running" {
		t.Errorf("the instance whose delete failed is %s, want still running", state)
	}
	if _, err := s.c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(time.Minute)
	if st := s.stack(t, id); st.StackStatus != cfntypes.StackStatusDeleteComplete {
		t.Fatalf("retried delete: %s", st.StackStatus)
	}

	// A slow stack: each resource takes a minute more.
	if err := s.sb.AddFault(Fault{Kind: FaultStackSlow, Latency: time.Minute}); err != nil {
		t.Fatal(err)
	}
	id = s.create(t, "slow", signalTemplate, &cloudformation.CreateStackInput{Parameters: params("Script", lines("cfn-signal -e 0"))})
	s.clock.Advance(30 * time.Second)
	if st := s.stack(t, id); st.StackStatus != cfntypes.StackStatusCreateInProgress {
		t.Fatalf("slow stack at 30s: %s", st.StackStatus)
	}
}

func TestCreateStackValidationAndIdempotency(t *testing.T) {
	s := newStackEnv(t)
	bad := func(body string, ps []cfntypes.Parameter, want string) {
		t.Helper()
		_, err := s.c.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("v"), TemplateBody: aws.String(body), Parameters: ps})
		if ae := apiErr(t, err, "ValidationError"); !strings.Contains(ae.ErrorMessage(), want) {
			t.Errorf("got %q, want %q", ae.ErrorMessage(), want)
		}
	}
	bad(stackTemplate, nil, "Parameters: [Name] must have values")
	bad(stackTemplate, params("Name", "a", "Nope", "b"), "Parameters: [Nope] do not exist in the template")
	bad(stackTemplate, params("Name", "a", "Subnet", "subnet-0ccccccccccccccc1"), "parameter value subnet-0ccccccccccccccc1 for parameter name Subnet does not exist")
	bad("Resources: {B: {Type: AWS::S3::Bucket}}", nil, "Unrecognized resource types: [AWS::S3::Bucket]")
	bad("Resources: {I: {Type: AWS::EC2::Instance, Properties: {ImageId: !Cidr [a, 1, 2]}}}", nil, "does not evaluate Fn::Cidr")
	_, err := s.c.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("9lives"), TemplateBody: aws.String(signalTemplate)})
	wantCode(t, err, "ValidationError")
	_, err = s.c.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("v"), TemplateBody: aws.String(signalTemplate),
		Parameters: params("Script", "x"), OnFailure: cfntypes.OnFailureDelete, DisableRollback: aws.Bool(true)})
	if ae := apiErr(t, err, "ValidationError"); ae.ErrorMessage() != "You cannot specify both DisableRollback and OnFailure." {
		t.Errorf("%q", ae.ErrorMessage())
	}

	in := &cloudformation.CreateStackInput{StackName: aws.String("same"), TemplateBody: aws.String(signalTemplate),
		Parameters: params("Script", "x"), ClientRequestToken: aws.String("launch-1")}
	first, err := s.c.CreateStack(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.c.CreateStack(ctx, in)
	if err != nil || aws.ToString(again.StackId) != aws.ToString(first.StackId) {
		t.Fatalf("a retry with the same token: %v, %v", again, err)
	}
	in.ClientRequestToken = aws.String("launch-2")
	_, err = s.c.CreateStack(ctx, in)
	if ae := apiErr(t, err, "AlreadyExistsException"); ae.ErrorMessage() != "Stack [same] already exists" {
		t.Errorf("%q", ae.ErrorMessage())
	}
	evs, _ := s.c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String("same")})
	for _, ev := range evs.StackEvents {
		if aws.ToString(ev.ClientRequestToken) != "launch-1" {
			t.Errorf("event %s %s carries token %q", aws.ToString(ev.LogicalResourceId), ev.ResourceStatus, aws.ToString(ev.ClientRequestToken))
		}
	}
	res, _ := s.c.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String("same")})
	if len(res.StackResources) != 1 {
		t.Errorf("the retry made more resources: %+v", res.StackResources)
	}

	// An instance that EC2 refuses fails its resource with EC2's words.
	id := s.create(t, "no-image", "Resources: {I: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-0cccccccccccccccc, SubnetId: subnet-0bbbbbbbbbbbbbbb1}}}", nil)
	s.clock.Advance(time.Minute)
	wantEvents(t, s.events(t, id, epoch), "I CREATE_FAILED +0s The image id '[ami-0cccccccccccccccc]' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidAMIID.NotFound")
	id = s.create(t, "wrong-zone", "Resources: {I: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-0aaaaaaaaaaaaaaa1, InstanceType: m5.large, SubnetId: subnet-0bbbbbbbbbbbbbbb1}}}", nil)
	s.clock.Advance(time.Minute)
	wantEvents(t, s.events(t, id, epoch.Add(time.Minute)), "I CREATE_FAILED +0s Your requested instance type (m5.large) is not supported in your requested Availability Zone (eu-west-1c).")
	id = s.create(t, "other-vpc", "Resources: {I: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-0aaaaaaaaaaaaaaa1, InstanceType: t3.micro, SubnetId: subnet-0bbbbbbbbbbbbbbb1, SecurityGroupIds: [sg-0aaaaaaaaaaaaaaa1], Colour: blue}}}", nil)
	s.clock.Advance(time.Minute)
	wantEvents(t, s.events(t, id, epoch.Add(2*time.Minute)), "I CREATE_FAILED +0s Properties validation failed for resource I with message: #: extraneous key [Colour] is not permitted")
}

func TestStackEventsPageNewestFirstAndStayStable(t *testing.T) {
	w, err := ParseWorld([]byte(launchWorld), "w.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, launchWorld)
	sb, err := New(w, Options{Clock: e.clock, StackEventsPage: 3})
	if err != nil {
		t.Fatal(err)
	}
	e.sb = sb
	srv := httptestServer(t, sb)
	c := cloudformation.NewFromConfig(awsConfig("eu-west-1"), func(o *cloudformation.Options) { o.BaseEndpoint = aws.String(srv) })
	s := stackEnv{e, c}
	id := s.create(t, "paged", stackTemplate, &cloudformation.CreateStackInput{Parameters: params("Name", "x")})
	s.clock.Advance(time.Minute)
	first, err := c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(id)})
	if err != nil || len(first.StackEvents) != 3 || first.NextToken == nil {
		t.Fatalf("first page: %+v, %v", first, err)
	}
	if aws.ToString(first.StackEvents[0].LogicalResourceId) != "paged" || first.StackEvents[0].ResourceStatus != cfntypes.ResourceStatusCreateComplete {
		t.Errorf("newest first: %+v", first.StackEvents[0])
	}
	// New events (the delete) arrive between pages: the next page goes on
	// where the first ended.
	if _, err := c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	second, err := c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(id), NextToken: first.NextToken})
	if err != nil || len(second.StackEvents) != 3 || !second.StackEvents[0].Timestamp.Before(*first.StackEvents[2].Timestamp) &&
		aws.ToString(second.StackEvents[0].EventId) == aws.ToString(first.StackEvents[2].EventId) {
		t.Fatalf("second page: %+v, %v", second, err)
	}
	seen := map[string]bool{}
	for _, ev := range append(first.StackEvents, second.StackEvents...) {
		if seen[aws.ToString(ev.EventId)] {
			t.Errorf("event %s on two pages", aws.ToString(ev.EventId))
		}
		seen[aws.ToString(ev.EventId)] = true
	}
	_, err = c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(id), NextToken: aws.String("junk")})
	wantCode(t, err, "ValidationError")
}

func TestValidateTemplate(t *testing.T) {
	s := newStackEnv(t)
	out, err := s.c.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateBody: aws.String("Description: demo\n" + stackTemplate)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range out.Parameters {
		got[aws.ToString(p.ParameterKey)] = fmt.Sprintf("%s|%v", aws.ToString(p.DefaultValue), aws.ToBool(p.NoEcho))
	}
	if aws.ToString(out.Description) != "demo" || len(out.Parameters) != 6 || got["Subnet"] != "subnet-0aaaaaaaaaaaaaaa1|false" || got["Secret"] != "hush|true" {
		t.Errorf("ValidateTemplate: %q %v", aws.ToString(out.Description), got)
	}
	_, err = s.c.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateBody: aws.String("Resources: {A: {Type: AWS::Lambda::Function}}")})
	if ae := apiErr(t, err, "ValidationError"); !strings.HasPrefix(ae.ErrorMessage(), "Template format error: Unrecognized resource types: [AWS::Lambda::Function]") {
		t.Errorf("%q", ae.ErrorMessage())
	}
}

func TestStackFaultsFromTheControlEndpointAndSpeed(t *testing.T) {
	w, err := ParseWorld([]byte(launchWorld+`
faults:
  - {kind: stack-resource-fail, resource: AWS::EC2::Volume, message: "no room in the zone"}
`), "w.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, launchWorld)
	sb, err := New(w, Options{Clock: e.clock, Speed: 10})
	if err != nil {
		t.Fatal(err)
	}
	url := httptestServer(t, sb)
	c := cloudformation.NewFromConfig(awsConfig("eu-west-1"), func(o *cloudformation.Options) { o.BaseEndpoint = aws.String(url) })
	s := stackEnv{&env{t: t, sb: sb, clock: e.clock, url: url}, c}
	resp, err := http.Post(url+"/_sandbox/faults", "application/json", strings.NewReader(`{"kind":"stack-delete-fail","resource":"Instance","count":1}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST a stack fault: %v %v", resp, err)
	}
	resp, _ = http.Post(url+"/_sandbox/faults", "application/json", strings.NewReader(`{"kind":"stack-delete-fail","action":"DeleteStack"}`))
	if resp.StatusCode != 400 {
		t.Errorf("a stack fault with an action: HTTP %d, want 400", resp.StatusCode)
	}
	id := s.create(t, "fast", stackTemplate, &cloudformation.CreateStackInput{Parameters: params("Name", "x")})
	// At speed 10: the instance runs after 1s, the volume fails 0.5s later.
	s.clock.Advance(1500 * time.Millisecond)
	st := s.stack(t, id)
	if st.StackStatus != cfntypes.StackStatusRollbackInProgress && st.StackStatus != cfntypes.StackStatusRollbackFailed {
		t.Fatalf("at 1.5s: %s\n%s", st.StackStatus, strings.Join(s.events(t, id, epoch), "\n"))
	}
	s.clock.Advance(time.Minute)
	wantEvents(t, s.events(t, id, epoch), "Data CREATE_FAILED +1s no room in the zone", "Instance DELETE_FAILED", "fast ROLLBACK_FAILED")
}

func TestRunInstancesReplaysUserDataToo(t *testing.T) {
	e := newEnv(t, launchWorld)
	c := e.ec2("eu-west-1")
	ud := base64.StdEncoding.EncodeToString([]byte(lines("cc_progress 5 booting", "sleep 20", "cc_progress 100 'all done'")))
	out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0aaaaaaaaaaaaaaa1"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), UserData: aws.String(ud)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.Instances[0].InstanceId)
	progress := func() string {
		for _, tg := range e.describe(c, id).Tags {
			if aws.ToString(tg.Key) == "cloudcontrol:progress" {
				return aws.ToString(tg.Value)
			}
		}
		return ""
	}
	e.clock.Advance(10 * time.Second) // running
	if p := progress(); p != "5 booting" {
		t.Fatalf("at 10s: %q", p)
	}
	e.clock.Advance(20 * time.Second)
	if p := progress(); p != "100 all done" {
		t.Fatalf("at 30s: %q", p)
	}
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0aaaaaaaaaaaaaaa1"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), UserData: aws.String("!!!")})
	wantCode(t, err, "InvalidParameterValue")
}
