package sandbox

import (
	"strings"
	"testing"
	"time"

	"errors"
	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

const twoInstances = `
account: "210987654321"
defaults:
  timing: {start: 15s, stop: 10s, checks: 30s}
regions:
  eu-west-1:
    instances:
      - id: i-0db0000000000001
        type: t3.medium
        state: stopped
        public: true
        tags: {Name: db-1, Env: demo, Role: db}
        timing: {start: 20s}
      - id: i-0a00000000000002
        state: running
        tags: {Name: app-1, Env: demo, Role: app}
`

func TestStartRunsAfterStartTimingThenChecksThenStop(t *testing.T) {
	e := newEnv(t, twoInstances)
	c := e.ec2("eu-west-1")
	const db = "i-0db0000000000001"

	before := e.describe(c, db)
	if before.State.Name != types.InstanceStateNameStopped || aws.ToInt32(before.State.Code) != 80 {
		t.Fatalf("initial state = %v/%d, want stopped/80", before.State.Name, aws.ToInt32(before.State.Code))
	}
	if before.PublicIpAddress != nil {
		t.Errorf("a stopped instance shows public IP %s", *before.PublicIpAddress)
	}
	if got := aws.ToString(before.PrivateIpAddress); got != "127.0.0.10" {
		t.Errorf("private IP = %s, want 127.0.0.10 (first instance)", got)
	}
	if aws.ToString(before.Placement.AvailabilityZone) != "eu-west-1a" || before.InstanceType != "t3.medium" {
		t.Errorf("placement/type = %s/%s", aws.ToString(before.Placement.AvailabilityZone), before.InstanceType)
	}

	out, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{db}})
	if err != nil {
		t.Fatal(err)
	}
	ch := out.StartingInstances[0]
	if aws.ToString(ch.InstanceId) != db || ch.PreviousState.Name != "stopped" || ch.CurrentState.Name != "pending" {
		t.Fatalf("start change = %s %s -> %s", aws.ToString(ch.InstanceId), ch.PreviousState.Name, ch.CurrentState.Name)
	}
	e.clock.Advance(19 * time.Second) // per-instance start timing is 20s
	if s := e.state(c, db); s != "pending" {
		t.Fatalf("after 19s state = %s, want pending", s)
	}
	e.clock.Advance(time.Second)
	running := e.describe(c, db)
	if running.State.Name != "running" || aws.ToString(running.PublicIpAddress) == "" {
		t.Fatalf("after 20s: state %s, public IP %q; want running with a public IP", running.State.Name, aws.ToString(running.PublicIpAddress))
	}
	if !strings.HasPrefix(aws.ToString(running.PublicIpAddress), "127.1.") {
		t.Errorf("public IP %s, want 127.1.x.y", aws.ToString(running.PublicIpAddress))
	}
	if !running.LaunchTime.Equal(epoch) {
		t.Errorf("launch time %v, want the start time %v", running.LaunchTime, epoch)
	}

	checks := func() string {
		st, err := c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{db}})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.InstanceStatuses) != 1 {
			t.Fatalf("status of a running instance: got %d entries", len(st.InstanceStatuses))
		}
		s := st.InstanceStatuses[0]
		return string(s.InstanceStatus.Status) + "/" + string(s.SystemStatus.Status)
	}
	if got := checks(); got != "initializing/initializing" {
		t.Fatalf("checks right after running = %s", got)
	}
	e.clock.Advance(29 * time.Second)
	if got := checks(); got != "initializing/initializing" {
		t.Fatalf("checks after 29s = %s", got)
	}
	e.clock.Advance(time.Second)
	if got := checks(); got != "ok/ok" {
		t.Fatalf("checks after 30s = %s, want ok/ok", got)
	}

	stop, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{db}, Force: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if sc := stop.StoppingInstances[0]; sc.PreviousState.Name != "running" || sc.CurrentState.Name != "stopping" {
		t.Fatalf("stop change %s -> %s", sc.PreviousState.Name, sc.CurrentState.Name)
	}
	e.clock.Advance(9 * time.Second)
	if s := e.state(c, db); s != "stopping" {
		t.Fatalf("after 9s of stop: %s", s)
	}
	e.clock.Advance(time.Second)
	stopped := e.describe(c, db)
	if stopped.State.Name != "stopped" || aws.ToString(stopped.StateReason.Code) != "Client.UserInitiatedShutdown" {
		t.Fatalf("after stop: %s reason %v", stopped.State.Name, stopped.StateReason)
	}
	if !strings.HasPrefix(aws.ToString(stopped.StateTransitionReason), "User initiated (") {
		t.Errorf("transition reason %q", aws.ToString(stopped.StateTransitionReason))
	}
}

func TestSpeedDividesTiming(t *testing.T) {
	w, err := ParseWorld([]byte(twoInstances), "w.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, twoInstances)
	e.sb.Close()
	sb, err := New(w, Options{Clock: e.clock, Speed: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	c := &call{region: "eu-west-1", form: map[string][]string{"InstanceId.1": {"i-0db0000000000001"}}}
	if _, aerr := sb.changeState(c, startTransition); aerr != nil {
		t.Fatal(aerr)
	}
	e.clock.Advance(1999 * time.Millisecond)
	if s := sb.Instances("eu-west-1")[0].State; s != "pending" {
		t.Fatalf("at speed 10, 1.999s into a 20s start: %s", s)
	}
	e.clock.Advance(time.Millisecond)
	if s := sb.Instances("eu-west-1")[0].State; s != "running" {
		t.Fatalf("at speed 10, 2s into a 20s start: %s", s)
	}
}

func TestIncorrectInstanceStateWhereAWSGivesIt(t *testing.T) {
	e := newEnv(t, twoInstances)
	c := e.ec2("eu-west-1")
	const db, app = "i-0db0000000000001", "i-0a00000000000002"

	// No-ops that EC2 accepts.
	if out, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{app}}); err != nil {
		t.Fatalf("start on running: %v", err)
	} else if ch := out.StartingInstances[0]; ch.PreviousState.Name != "running" || ch.CurrentState.Name != "running" {
		t.Fatalf("start on running changed %s -> %s", ch.PreviousState.Name, ch.CurrentState.Name)
	}
	if _, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{db}}); err != nil {
		t.Fatalf("stop on stopped: %v", err)
	}

	// Stop a pending instance.
	if _, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{db}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{db}})
	ae := apiErr(t, err, "IncorrectInstanceState")
	if !strings.Contains(ae.ErrorMessage(), db) {
		t.Errorf("message %q does not name the instance", ae.ErrorMessage())
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 400 {
		t.Errorf("want HTTP 400, got %v", err)
	}
	// Reboot a non-running one.
	_, err = c.RebootInstances(ctx, &ec2.RebootInstancesInput{InstanceIds: []string{db}})
	wantCode(t, err, "IncorrectInstanceState")

	// Start a stopping instance; a refused id fails the whole call.
	if _, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{app}}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(20 * time.Second) // db running now; app stopped (stop 10s)
	if _, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{db}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{app, db}})
	wantCode(t, err, "IncorrectInstanceState")
	if s := e.state(c, app); s != "stopped" {
		t.Fatalf("a refused call changed %s to %s", app, s)
	}

	// Terminate, then start is refused.
	e.clock.Advance(10 * time.Second)
	term, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{db}})
	if err != nil {
		t.Fatal(err)
	}
	if ch := term.TerminatingInstances[0]; ch.CurrentState.Name != "shutting-down" {
		t.Fatalf("terminate -> %s", ch.CurrentState.Name)
	}
	e.clock.Advance(DefaultTerminate)
	if s := e.state(c, db); s != "terminated" {
		t.Fatalf("after terminate timing: %s", s)
	}
	_, err = c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{db}})
	wantCode(t, err, "IncorrectInstanceState")
}

func TestUnknownAndMalformedIDs(t *testing.T) {
	e := newEnv(t, twoInstances)
	c := e.ec2("eu-west-1")
	const missing1, missing2 = "i-0123456789abcdef0", "i-0fedcba9876543210"
	_, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{"i-0db0000000000001", missing1, missing2}})
	ae := apiErr(t, err, "InvalidInstanceID.NotFound")
	if !strings.Contains(ae.ErrorMessage(), missing1) || !strings.Contains(ae.ErrorMessage(), missing2) {
		t.Errorf("message %q must list every missing id", ae.ErrorMessage())
	}
	if s := e.state(c, "i-0db0000000000001"); s != "stopped" {
		t.Fatalf("a failed call started the known instance: %s", s)
	}
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{missing1}})
	ae = apiErr(t, err, "InvalidInstanceID.NotFound")
	if ae.ErrorMessage() != "The instance ID '"+missing1+"' does not exist" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-nothere"}})
	wantCode(t, err, "InvalidInstanceID.Malformed")

	// Instances live in their region only.
	_, err = e.ec2("us-east-1").DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0db0000000000001"}})
	wantCode(t, err, "InvalidInstanceID.NotFound")
	out, err := e.ec2("us-east-1").DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil || len(out.Reservations) != 0 {
		t.Fatalf("us-east-1 has no instances: %v %v", out, err)
	}
}

func TestRebootKeepsRunning(t *testing.T) {
	e := newEnv(t, twoInstances)
	c := e.ec2("eu-west-1")
	if _, err := c.RebootInstances(ctx, &ec2.RebootInstancesInput{InstanceIds: []string{"i-0a00000000000002"}}); err != nil {
		t.Fatal(err)
	}
	if s := e.state(c, "i-0a00000000000002"); s != "running" {
		t.Fatalf("after reboot: %s", s)
	}
}
