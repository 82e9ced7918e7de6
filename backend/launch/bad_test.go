package launch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/sandbox"
)

// Every bad input is a clear message, and nothing is created.
func TestBadInputCreatesNothing(t *testing.T) {
	cases := []struct {
		name string
		doc  string            // the shop file ("" as it is)
		req  Request           // the request (Template "api" when empty)
		edit func(r *rig)      // what changes after the file was read
		want []string          // each a problem's text (in order)
		more map[string]string // extra files
	}{
		{name: "unknown template", req: Request{Template: "apu"},
			want: []string{`shop has no template "apu"; did you mean "api"? (templates: api)`}},
		{name: "type not allowed", req: Request{Type: "m5.24xlarge"},
			want: []string{"type m5.24xlarge is not allowed by template api (allowed: t3.small, t3.medium)"}},
		{name: "unknown token", req: Request{Tokens: map[string]string{"BRANHC": "x"}},
			want: []string{"token BRANHC is not in api.sh (its tokens: BRANCH)"}},
		{name: "unreplaced token", doc: changed("      tokens: {BRANCH: main}\n", ""),
			want: []string{"api.sh has tokens without a value: {{{BRANCH}}}; give them with --token NAME=VALUE or under tokens: in the template"}},
		{name: "user-data file gone", edit: func(r *rig) { _ = os.Remove(filepath.Join(r.dir, "api.sh")) },
			want: []string{"user-data api.sh does not exist (looked for "}},
		{name: "user data over 16 KB with the wrapper", edit: func(r *rig) { r.write("api.sh", strings.Repeat("echo 0123456789abcdef\n", 740)+"echo {{{BRANCH}}}\n") },
			want: []string{"EC2 takes at most 16384: too large"}},
		{name: "own template that no longer parses", doc: changed("      user-data: api.sh\n", "      user-data: api.sh\n      cloudformation: own.yaml\n"),
			more: map[string]string{"own.yaml": ownForShop}, edit: func(r *rig) { r.write("own.yaml", "Resources: [1, 2]\n") },
			want: []string{"cloudformation own.yaml does not parse: "}},
		{name: "own template that lacks a parameter", doc: changed("      user-data: api.sh\n", "      user-data: api.sh\n      cloudformation: own.yaml\n"),
			more: map[string]string{"own.yaml": ownForShop}, edit: func(r *rig) { r.write("own.yaml", strings.Replace(ownForShop, "  KeyName: {Type: String}\n", "", 1)) },
			want: []string{"cloudformation own.yaml declares no parameter KeyName, which the launch passes; add it to its Parameters"}},
		{name: "AMI does not exist", doc: changed("resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "ami-0fffffffffffffff0"),
			want: []string{"image ami-0fffffffffffffff0 does not exist in eu-west-1"}},
		{name: "AMI alias does not exist", doc: changed("/al2023-ami-kernel-default-x86_64", "/al2099-nope"),
			want: []string{"SSM parameter /aws/service/ami-amazon-linux-latest/al2099-nope does not exist in eu-west-1"}},
		{name: "subnet does not exist", doc: changed(subnetA, "subnet-0fffffffffffffff0"),
			want: []string{"subnet subnet-0fffffffffffffff0 does not exist in eu-west-1"}},
		{name: "security group does not exist", doc: changed("[sg-0e1a0000000000001]", "[sg-0e1a0000000000001, sg-0fffffffffffffff0]"),
			want: []string{"security group sg-0fffffffffffffff0 does not exist in eu-west-1"}},
		{name: "security group of another VPC", doc: changed("[sg-0e1a0000000000001]", "[sg-0e1a0000000000001, "+groupOther+"]"),
			want: []string{"security group sg-0e1a0000000000003 (analytics) is in vpc-0e1a0000000000002, but subnet subnet-0e1a0000000000001 is in vpc-0e1a0000000000001: they must be in the same VPC"}},
		{name: "key pair does not exist", doc: changed("key-pair: testers", "key-pair: nobody"),
			want: []string{"key pair nobody does not exist in eu-west-1"}},
		{name: "DNS zone does not exist", doc: changed("zone: test.example.com", "zone: nowhere.example.net"),
			want: []string{"DNS zone nowhere.example.net does not exist (no Route 53 hosted zone has that name in this account)"}},
		{name: "several at once", doc: changed("key-pair: testers", "key-pair: nobody"), req: Request{Tokens: map[string]string{"X": "1"}},
			want: []string{"token X is not in api.sh (its tokens: BRANCH)"}},
		{name: "launch ids that are not a preview's", req: Request{IDs: []string{"0123456789ab", "nope"}},
			want: []string{"2 launch id(s) given for 1 instance(s)", `launch id "nope" is not one Cloud Control makes (12 hex digits)`}},
		{name: "bad name and count", req: Request{Name: "api_1", Count: 99},
			want: []string{"count 99 is out of range; one launch makes 1 to 20 instances", `name "api_1" must be letters, digits and -`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{"shop.yaml": shopEnv, "api.sh": apiScript}
			if c.doc != "" {
				files["shop.yaml"] = c.doc
			}
			for k, v := range c.more {
				files[k] = v
			}
			r := newRig(t, files)
			e := r.env("shop.yaml")
			if c.edit != nil {
				c.edit(r)
			}
			req := c.req
			if req.Template == "" {
				req.Template = "api"
			}
			_, err := r.prepare(e, req)
			var ie *InputError
			if !errors.As(err, &ie) || len(ie.Problems) != len(c.want) {
				t.Fatalf("prepare: %v, want %d problem(s) %q", err, len(c.want), c.want)
			}
			for i, w := range c.want {
				if !strings.Contains(ie.Problems[i], w) {
					t.Errorf("problem %d = %q, want it to say %q", i, ie.Problems[i], w)
				}
			}
			if !strings.HasPrefix(err.Error(), "cannot launch "+req.Template+" into shop") {
				t.Errorf("error %q", err)
			}
			if n := r.calls("CreateStack"); n != 0 {
				t.Errorf("%d CreateStack calls", n)
			}
			r.nothingLeft()
		})
	}
}

// ownForShop declares what the shop file's launch passes an own template.
const ownForShop = `Parameters:
  ImageId: {Type: "AWS::EC2::Image::Id"}
  InstanceType: {Type: String}
  SubnetId: {Type: "AWS::EC2::Subnet::Id"}
  SecurityGroupIds: {Type: "List<AWS::EC2::SecurityGroup::Id>"}
  InstanceName: {Type: String}
  KeyName: {Type: String}
  UserData: {Type: String}
  VolumeSize: {Type: Number}
  VolumeType: {Type: String}
  VolumeDevice: {Type: String}
  VolumeEncrypted: {Type: String}
Resources:
  Box: {Type: AWS::EC2::Instance, Properties: {ImageId: !Ref ImageId, InstanceType: !Ref InstanceType}}
`

func TestTypeNotOfferedInTheZone(t *testing.T) {
	r := newRig(t, nil)
	e := parseShop(t, r, changed("types: [t3.small, t3.medium]", "types: [t3.small, u-24tb1.112xlarge]"))
	_, err := r.prepare(e, Request{Template: "api", Type: "u-24tb1.112xlarge"})
	if err == nil || !strings.Contains(err.Error(), "u-24tb1.112xlarge is not offered in eu-west-1a, the zone of subnet subnet-0e1a0000000000001") {
		t.Fatalf("prepare: %v", err)
	}
	r.nothingLeft()
}

// A stack whose resource fails: its reason is said and the stack is gone.
func TestFailedStackIsDeletedWithItsReason(t *testing.T) {
	for _, c := range []struct {
		name   string
		fault  sandbox.Fault
		reason string
	}{
		{"resource fails", sandbox.Fault{Kind: sandbox.FaultResourceFail, Resource: "Instance", Message: "We currently do not have sufficient t3.small capacity"},
			"Instance (AWS::EC2::Instance): We currently do not have sufficient t3.small capacity"},
		{"script fails", sandbox.Fault{Kind: sandbox.FaultUserDataFail, Count: 1}, "Instance (AWS::EC2::Instance): Received FAILURE signal"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, nil)
			if err := r.sb.AddFault(c.fault); err != nil {
				t.Fatal(err)
			}
			e := r.env("shop.yaml")
			res, err := r.launch(timeout(t, 20*time.Second), e, Request{Template: "api"})
			if err == nil || !strings.Contains(err.Error(), c.reason) || !strings.Contains(err.Error(), "their stacks were deleted") {
				t.Fatalf("launch error %v", err)
			}
			if len(res.Failed) != 1 || !strings.HasPrefix(res.Failed[0].Reason, c.reason) || len(res.Failed[0].Remains) > 0 {
				t.Errorf("result %+v", res)
			}
			failed, done := r.ofType(op.EventLaunchFailed), r.ofType(op.EventCleanupDone)
			if len(failed) != 1 || !strings.HasPrefix(failed[0].Reason, c.reason) || len(done) != 1 || done[0].Status != cloud.StackDeleteComplete {
				t.Errorf("events: failed %+v, cleanup %+v", failed, done)
			}
			if last := r.all()[len(r.all())-1]; last.Type != op.EventRunFailed {
				t.Errorf("last event %+v", last)
			}
			r.nothingLeft()
		})
	}
}

func TestCancelledLaunchDeletesItsStack(t *testing.T) {
	r := newRig(t, map[string]string{"shop.yaml": shopEnv, "api.sh": "echo {{{BRANCH}}}\ncc_progress 10 \"slow\"\nsleep 3600\n"})
	e := r.env("shop.yaml")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	plan, err := r.prepare(e, Request{Template: "api"})
	if err != nil {
		t.Fatal(err)
	}
	l := r.launcher(e, op.Launch)
	sink := l.Report.Sink
	l.Report.Sink = op.SinkFunc(func(ev op.Event) {
		sink.Emit(ev)
		if ev.Type == op.EventBootProgress {
			cancel() // Ctrl-C while the script runs
		}
	})
	res, err := l.Run(ctx, plan)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "every stack it made was deleted") {
		t.Fatalf("run: %v", err)
	}
	if len(res.Launched) != 0 || len(res.Failed) != 1 || res.Failed[0].Reason != "cancelled" {
		t.Errorf("result %+v", res)
	}
	if done := r.ofType(op.EventCleanupDone); len(done) != 1 || done[0].Status != cloud.StackDeleteComplete {
		t.Errorf("cleanup %+v", done)
	}
	if p := op.Fold(op.Outline{}, r.all()...); p.Outcome != op.OutcomeCancelled || p.Launches[0].Outcome != op.OutcomeCancelled || !p.Launches[0].CleanedUp {
		t.Errorf("progress %+v", p)
	}
	r.nothingLeft()
}

func TestTimedOutLaunchIsDeleted(t *testing.T) {
	r := newRig(t, map[string]string{"shop.yaml": shopEnv, "api.sh": "echo {{{BRANCH}}}\nsleep 3600\n"})
	e := r.env("shop.yaml")
	plan, err := r.prepare(e, Request{Template: "api"})
	if err != nil {
		t.Fatal(err)
	}
	plan.Timeout = 300 * time.Millisecond // the launch's own deadline, well before CloudFormation's
	res, err := r.launcher(e, op.Launch).Run(timeout(t, 20*time.Second), plan)
	if err == nil || !strings.Contains(err.Error(), "not ready within 300ms") {
		t.Fatalf("run: %v", err)
	}
	if len(res.Failed) != 1 || len(res.Failed[0].Remains) != 0 {
		t.Errorf("result %+v", res)
	}
	r.nothingLeft()
}

// A DELETE_FAILED stack is deleted again; when it keeps failing, what
// remains is named.
func TestDeleteFailedIsRetriedThenNamed(t *testing.T) {
	t.Run("once", func(t *testing.T) {
		r := newRig(t, nil)
		_ = r.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultResourceFail, Resource: "Instance", Message: "no capacity"})
		_ = r.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultDeleteFail, Resource: "Instance", Count: 1})
		res, err := r.launch(timeout(t, 20*time.Second), r.env("shop.yaml"), Request{Template: "api"})
		if err == nil || len(res.Failed) != 1 || len(res.Failed[0].Remains) != 0 {
			t.Fatalf("launch: %v %+v", err, res)
		}
		retried := false
		for _, n := range r.ofType(op.EventNote) {
			retried = retried || strings.Contains(n.Message, "deleting it again (attempt 1 of 3)")
		}
		if !retried || r.calls("DeleteStack") != 1 {
			t.Errorf("retried %v, %d DeleteStack calls: CloudFormation's own delete failed once, ours succeeded", retried, r.calls("DeleteStack"))
		}
		r.nothingLeft()
	})
	t.Run("always", func(t *testing.T) {
		r := newRig(t, nil)
		_ = r.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultResourceFail, Resource: "Instance", Message: "no capacity"})
		_ = r.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultDeleteFail, Resource: "Instance", Message: "the volume is busy"})
		res, err := r.launch(timeout(t, 20*time.Second), r.env("shop.yaml"), Request{Template: "api"})
		if err == nil || !strings.Contains(err.Error(), "left behind: Instance (AWS::EC2::Instance i-") || !strings.Contains(err.Error(), "DELETE_FAILED") {
			t.Fatalf("launch: %v", err)
		}
		if len(res.Failed) != 1 || len(res.Failed[0].Remains) != 1 || r.calls("DeleteStack") != DefaultDeleteAttempts {
			t.Errorf("result %+v after %d DeleteStack calls", res, r.calls("DeleteStack"))
		}
		done := r.ofType(op.EventCleanupDone)
		if len(done) != 1 || done[0].Status != cloud.StackDeleteFailed || !strings.Contains(done[0].Message, "the volume is busy") {
			t.Errorf("cleanup %+v", done)
		}
	})
}

// A CreateStack whose answer was lost may have made the stack: it is
// found by its launch id and followed (here: cleaned up), never orphaned.
func TestLostCreateStackAnswerIsNotOrphaned(t *testing.T) {
	r := newRig(t, nil)
	e := r.env("shop.yaml")
	plan, err := r.prepare(e, Request{Template: "api"})
	if err != nil {
		t.Fatal(err)
	}
	l := r.launcher(e, op.Launch)
	l.Cloud = lostAnswer{Cloud: r.sess}
	_ = r.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultResourceFail, Resource: "Instance"})
	res, err := l.Run(timeout(t, 20*time.Second), plan)
	if err == nil || len(res.Failed) != 1 || res.Failed[0].StackID == "" {
		t.Fatalf("run: %v %+v", err, res)
	}
	r.nothingLeft()
}

type lostAnswer struct{ Cloud }

func (c lostAnswer) Stacks() cloud.Stacks { return lostStacks{inner: c.Cloud.Stacks()} }

type lostStacks struct{ inner cloud.Stacks }

func (s lostStacks) Stacks(ctx context.Context, region string) ([]cloud.Stack, error) {
	return s.inner.Stacks(ctx, region)
}

func (s lostStacks) ValidateTemplate(ctx context.Context, region, body string) (cloud.TemplateSummary, error) {
	return s.inner.ValidateTemplate(ctx, region, body)
}

func (s lostStacks) Stack(ctx context.Context, region, name string) (cloud.Stack, error) {
	return s.inner.Stack(ctx, region, name)
}

func (s lostStacks) StackEvents(ctx context.Context, region, name, after string) ([]cloud.StackEvent, error) {
	return s.inner.StackEvents(ctx, region, name, after)
}

func (s lostStacks) StackResources(ctx context.Context, region, name string) ([]cloud.StackResource, error) {
	return s.inner.StackResources(ctx, region, name)
}

func (s lostStacks) DeleteStack(ctx context.Context, region, name, token string) error {
	return s.inner.DeleteStack(ctx, region, name, token)
}

func (s lostStacks) CreateStack(ctx context.Context, region string, in cloud.StackInput) (string, error) {
	if _, err := s.inner.CreateStack(ctx, region, in); err != nil {
		return "", err
	}
	return "", errors.New("read tcp: connection reset by peer")
}
