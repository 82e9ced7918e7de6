package launch

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

func TestPreviewSaysWhatAndWhereAndAtWhatPrice(t *testing.T) {
	r := newRig(t, nil)
	e := r.env("shop.yaml")
	before := len(r.sb.Requests())
	plan, err := r.prepare(e, Request{Template: "api", Tokens: map[string]string{"BRANCH": "release"}})
	if err != nil {
		t.Fatal(err)
	}
	p := plan.Preview
	if p.Env != "shop" || p.Template != "api" || p.Stage != "api" || p.Region != region || p.Account != "123456789012" || p.Caller != caller {
		t.Errorf("preview header %+v", p)
	}
	if p.Image.ID != exampleAMI || p.Image.Alias != "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" || p.Image.Name == "" {
		t.Errorf("image %+v: the SSM alias resolved to its id", p.Image)
	}
	if p.Type != "t3.small" || p.Subnet != subnetA || p.Zone != "eu-west-1a" || p.VPC != "vpc-0e1a0000000000001" || p.KeyPair != "testers" {
		t.Errorf("placement %+v", p)
	}
	if len(p.Instances) != 1 || p.Instances[0].Name != "api-1" || p.Instances[0].Stack != "cc-shop-api-1" || p.Instances[0].DNS != "api-1.test.example.com" {
		t.Fatalf("instances %+v", p.Instances)
	}
	tags := p.Instances[0].Tags
	for k, v := range map[string]string{"Name": "api-1", "Env": "demo", "Role": "api", "CostCenter": "QA-42", cloud.TagEnv: "shop",
		cloud.TagTemplate: "api", cloud.TagLaunchedBy: caller, cloud.TagDNS: "api-1.test.example.com", TagDNSZone: zoneID} {
		if tags[k] != v {
			t.Errorf("tag %s = %q, want %q", k, tags[k], v)
		}
	}
	if at, err := time.Parse(time.RFC3339, tags[cloud.TagStartedAt]); tags[cloud.TagStartedBy] != caller || err != nil || time.Since(at) > time.Minute {
		t.Errorf("who started it: %q at %q: a launch is its first start", tags[cloud.TagStartedBy], tags[cloud.TagStartedAt])
	}
	if tags[cloud.TagLaunch] != p.Instances[0].Launch || len(tags[cloud.TagLaunch]) != 12 {
		t.Errorf("launch id %q", tags[cloud.TagLaunch])
	}
	// The ttl is shown; its lease is set once the instance is ready (by
	// control), so the stack carries none: a lease running out while
	// the instance boots would stop it mid-launch.
	if p.Lease == nil || p.Lease.TTL() != 8*time.Hour || p.Lease.By != caller || tags[cloud.TagLeaseUntil] != "" || tags[cloud.TagLeaseBy] != "" {
		t.Errorf("lease %+v, tags %q %q", p.Lease, tags[cloud.TagLeaseUntil], tags[cloud.TagLeaseBy])
	}
	if !p.Hourly.Known || p.Hourly.USD <= 0 || !p.VolumeMonthly.Complete() || p.VolumeMonthly.USD <= 0 || len(p.Types) != 2 || !p.Types[1].Hourly.Known {
		t.Errorf("prices: hourly %+v, volume %+v, types %+v", p.Hourly, p.VolumeMonthly, p.Types)
	}
	if want := p.Hourly.USD*HoursPerMonth + p.VolumeMonthly.USD; p.MonthlyTotal.USD < want-1e-9 || p.MonthlyTotal.USD > want+1e-9 {
		t.Errorf("monthly %v, want %v", p.MonthlyTotal.USD, want)
	}
	if p.Volume == nil || p.Volume.SizeGiB != 20 || p.Volume.Type != "gp3" || p.Volume.Device != "/dev/sdf" {
		t.Errorf("volume %+v", p.Volume)
	}
	if len(p.Tokens) != 1 || p.Tokens[0] != (TokenValue{Name: "BRANCH", Value: "release", Given: true}) {
		t.Errorf("tokens %+v", p.Tokens)
	}
	if p.UserDataBytes <= len(apiScript) || p.UserDataBytes > 16384 || p.CloudFormation != "built-in" {
		t.Errorf("user data %d bytes, template %s", p.UserDataBytes, p.CloudFormation)
	}
	u := plan.Units[0]
	if !strings.Contains(u.Input.TemplateBody, "checking out release") || u.Input.OnFailure != cloud.OnFailureDelete ||
		u.Input.ClientToken != "cc-launch-"+u.ID || u.Input.Parameters["ImageId"] != exampleAMI || u.Input.Parameters["VolumeSize"] != "20" {
		t.Errorf("stack input %+v", u.Input.Parameters)
	}
	// The preview creates nothing.
	for _, q := range r.sb.Requests()[before:] {
		if !strings.HasPrefix(q.Action, "Describe") && !strings.HasPrefix(q.Action, "Get") && !strings.HasPrefix(q.Action, "List") {
			t.Errorf("the preview called %s", q.Action)
		}
	}
	r.nothingLeft()
}

func TestLaunchFollowsToReadyAndTerminates(t *testing.T) {
	r := newRig(t, nil)
	e := r.env("shop.yaml")
	ctx := timeout(t, 20*time.Second)
	res, err := r.launch(ctx, e, Request{Template: "api"})
	if err != nil {
		t.Fatalf("launch: %v\n%v", err, r.all())
	}
	if len(res.Launched) != 1 || len(res.Failed) != 0 {
		t.Fatalf("result %+v", res)
	}
	got := res.Launched[0]
	if got.Name != "api-1" || got.Stack != "cc-shop-api-1" || !strings.HasPrefix(got.Instance, "i-") || got.PrivateIP == "" || got.DNS != "api-1.test.example.com" {
		t.Errorf("launched %+v", got)
	}
	var types []op.EventType
	for _, ev := range r.all() {
		if !slices.Contains(types, ev.Type) {
			types = append(types, ev.Type)
		}
		if ev.Env != "shop" || ev.Action != op.Launch || ev.Time.IsZero() {
			t.Errorf("event %+v", ev)
		}
	}
	for _, want := range []op.EventType{op.EventRunStarted, op.EventLaunchPreview, op.EventLaunchStarted, op.EventStackEvent,
		op.EventInstanceState, op.EventBootProgress, op.EventDNSUpdated, op.EventLaunchDone, op.EventRunDone} {
		if !slices.Contains(types, want) {
			t.Errorf("no %s event (types %v)", want, types)
		}
	}
	// The fold of those events: the stack, its resource, the boot.
	p := op.Fold(op.Outline{}, r.all()...)
	l := p.Launch("cc-shop-api-1")
	if p.Outcome != op.OutcomeDone || l == nil || l.Status != cloud.StackCreateComplete || l.State != cloud.Running ||
		l.Instance != got.Instance || l.DNS != got.DNS || len(l.Resources) != 1 || l.Resources[0].Status != cloud.StackCreateComplete {
		t.Fatalf("progress %+v / %+v", p, l)
	}
	if l.Percent == nil || *l.Percent < 30 {
		t.Errorf("boot progress %v %q: the script's cc_progress lines", l.Percent, l.BootMessage)
	}
	// Stack events are each reported once (only new ones are read).
	seen := map[string]bool{}
	for _, ev := range r.ofType(op.EventStackEvent) {
		k := ev.Resource + ev.Status + ev.Reason + ev.Instance
		if seen[k] && ev.Resource != "" {
			t.Errorf("stack event reported twice: %+v", ev)
		}
		seen[k] = true
	}

	// In AWS: the instance carries the tags, its user data the replaced
	// token, and the zone its record.
	insts := r.made()
	if len(insts) != 1 || insts[0].ID != got.Instance {
		t.Fatalf("made %+v", insts)
	}
	in, _ := r.sess.Fleet().Describe(ctx, region, []string{got.Instance})
	for k, v := range map[string]string{"Name": "api-1", "Env": "demo", "Role": "api", "CostCenter": "QA-42", cloud.TagEnv: "shop",
		cloud.TagTemplate: "api", cloud.TagLaunchedBy: caller, cloud.TagDNS: "api-1.test.example.com"} {
		if in[0].Tags[k] != v {
			t.Errorf("instance tag %s = %q, want %q", k, in[0].Tags[k], v)
		}
	}
	if in[0].StartedBy != caller || in[0].StartedAt == nil {
		t.Errorf("started by %q at %v: the stack's tags reach the instance", in[0].StartedBy, in[0].StartedAt)
	}
	if in[0].LeaseUntil != nil {
		t.Errorf("leased by the stack until %v", in[0].LeaseUntil)
	}
	c := ec2.NewFromConfig(r.sess.Config())
	attr, err := c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: sdkaws.String(got.Instance), Attribute: "userData"})
	if err != nil {
		t.Fatal(err)
	}
	ud, _ := base64.StdEncoding.DecodeString(sdkaws.ToString(attr.UserData.Value))
	if !strings.Contains(string(ud), "echo checking out main\n") || strings.Contains(string(ud), "{{{") {
		t.Errorf("user data: %s", ud)
	}
	rec, ok, err := r.sess.DNS().Record(ctx, zoneID, "api-1.test.example.com.", "A")
	if err != nil || !ok || rec.TTL != DNSTTL || !slices.Equal(rec.Values, []string{got.PrivateIP}) {
		t.Fatalf("record %+v %v %v", rec, ok, err)
	}

	// Terminate: the record, then the stack, waited for.
	r.events = nil
	l2 := r.launcher(e, op.Terminate)
	tg, err := l2.FindTarget(ctx, "shop", "api-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := l2.Terminate(ctx, tg); err != nil {
		t.Fatalf("terminate: %v", err)
	}
	if _, ok, _ := r.sess.DNS().Record(ctx, zoneID, "api-1.test.example.com.", "A"); ok {
		t.Error("the record is still there")
	}
	r.nothingLeft()
	dns, done := r.ofType(op.EventDNSUpdated), r.ofType(op.EventCleanupDone)
	if len(dns) != 1 || dns[0].Status != cloud.ChangeDelete || len(done) != 1 || done[0].Status != cloud.StackDeleteComplete {
		t.Errorf("terminate events: dns %+v, cleanup %+v", dns, done)
	}
	if last := r.all()[len(r.all())-1]; last.Type != op.EventRunDone {
		t.Errorf("last event %+v", last)
	}
}

func TestNamesAreTheFirstFree(t *testing.T) {
	r := newRig(t, nil)
	e := r.env("shop.yaml")
	ctx := timeout(t, 20*time.Second)
	if _, err := r.launch(ctx, e, Request{Template: "api"}); err != nil {
		t.Fatal(err)
	}
	plan, err := r.prepare(e, Request{Template: "api", Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	if n := plan.Units; len(n) != 2 || n[0].Name != "api-2" || n[1].Name != "api-3" {
		t.Errorf("names %s %s: after api-1, the next free ones", n[0].Name, n[1].Name)
	}
	plan, err = r.prepare(e, Request{Template: "api", Name: "probe", Count: 2})
	if err != nil || plan.Units[0].Name != "probe-1" || plan.Units[1].Stack != "cc-shop-probe-2" {
		t.Errorf("given a name: %+v %v", plan, err)
	}
	// api-1 is taken: its stack and its DNS name.
	_, err = r.prepare(e, Request{Template: "api", Name: "api-1"})
	var ie *InputError
	if !asInput(err, &ie) || len(ie.Problems) != 2 ||
		!strings.Contains(ie.Problems[0], "DNS name api-1.test.example.com already has an A record") ||
		!strings.Contains(ie.Problems[1], "a stack named cc-shop-api-1 exists already (CREATE_COMPLETE)") {
		t.Errorf("a name in use: %v", err)
	}
}

func TestOwnTemplate(t *testing.T) {
	const own = `Parameters:
  ImageId: {Type: "AWS::EC2::Image::Id"}
  InstanceType: {Type: String}
  SubnetId: {Type: "AWS::EC2::Subnet::Id"}
  SecurityGroupIds: {Type: "List<AWS::EC2::SecurityGroup::Id>"}
  InstanceName: {Type: String}
  UserData: {Type: String}
  Owner: {Type: String}
Resources:
  Box:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref ImageId
      InstanceType: !Ref InstanceType
      SubnetId: !Ref SubnetId
      SecurityGroupIds: !Ref SecurityGroupIds
      UserData: !Ref UserData
      Tags: [{Key: Name, Value: !Ref InstanceName}, {Key: Owner, Value: !Ref Owner}]
`
	r := newRig(t, map[string]string{"box.cfn.yaml": own, "box.sh": "echo {{{X}}}\n", "box.yaml": `name: box
stages: [{name: b, instances: [{tags: {Role: box}}]}]
launch:
  subnet: subnet-0e1a0000000000001
  security-groups: [sg-0e1a0000000000001]
  templates:
    - {name: box, stage: b, ami: ami-0e1a0000000000001, types: [t3.micro], user-data: box.sh, tokens: {X: y},
       cloudformation: box.cfn.yaml, parameters: {Owner: qa}}
`})
	e := r.env("box.yaml")
	ctx := timeout(t, 20*time.Second)
	res, err := r.launch(ctx, e, Request{Template: "box"})
	if err != nil || len(res.Launched) != 1 {
		t.Fatalf("launch: %v %+v\n%v", err, res, r.all())
	}
	in, _ := r.sess.Fleet().Describe(ctx, region, []string{res.Launched[0].Instance})
	if in[0].Tags["Owner"] != "qa" || in[0].Tags["Name"] != "box-1" || in[0].Tags["Role"] != "box" {
		t.Errorf("tags %v", in[0].Tags)
	}
	plan, _ := r.prepare(e, Request{Template: "box"})
	if ud, _ := base64.StdEncoding.DecodeString(plan.Units[0].Input.Parameters["UserData"]); string(ud) != "echo y\n" || plan.Preview.CloudFormation != "box.cfn.yaml" {
		t.Errorf("UserData parameter %q, source %s", ud, plan.Preview.CloudFormation)
	}
}

func asInput(err error, target **InputError) bool {
	ie, ok := err.(*InputError)
	if ok {
		*target = ie
	}
	return ok
}

// changed writes the shop file with one change made.
func changed(old, repl string) string {
	if !strings.Contains(shopEnv, old) {
		panic("no " + old)
	}
	return strings.Replace(shopEnv, old, repl, 1)
}

// parseShop parses the shop file as given, beside the rig's scripts.
func parseShop(t *testing.T, r *rig, doc string) *env.Environment {
	t.Helper()
	r.write("shop.yaml", doc)
	return r.env("shop.yaml")
}

var _ = context.Background
