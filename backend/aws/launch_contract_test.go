package aws

import (
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/launch/builtin"
	"cloudcontrol/backend/sandbox"
)

// The launch contract suite: the CloudFormation, Route 53, SSM and EC2
// preflight adapters against every target. moto is synchronous (a stack is
// CREATE_COMPLETE when CreateStack returns), writes only the stack's own
// events, ignores CreationPolicy and ClientRequestToken, returns every
// event in one page, lists no parameters from ValidateTemplate and has no
// fault injection: those tests skip there, saying so.
var launchTests = []struct {
	name string
	fn   func(t *testing.T, fx *launchFixture)
}{
	{"BuiltinTemplateCreatesInstance", testBuiltinCreates},
	{"DeleteStackTerminates", testDeleteTerminates},
	{"StackEventsNewOnly", testEventsNewOnly},
	{"StackEventsPaging", testEventsPaging},
	{"PerResourceEvents", testPerResourceEvents},
	{"CreationPolicyWaitsForSignal", testWaitsForSignal},
	{"ClientTokenIdempotent", testClientToken},
	{"StackNotFound", testStackNotFound},
	{"ValidateTemplate", testValidate},
	{"ResourceFailureRollsBack", testRollback},
	{"DeleteFailedThenRetried", testDeleteFailed},
	{"Route53UpsertThenDelete", testUpsertDelete},
	{"Route53InvalidChangeBatch", testInvalidBatch},
	{"Route53ZoneNotFound", testZoneNotFound},
	{"PreflightDescribes", testPreflight},
	{"SSMParameter", testParameter},
}

func TestLaunchContract(t *testing.T) {
	for _, tg := range targets(t) {
		lt, ok := tg.(launchTarget)
		if !ok {
			continue
		}
		t.Run(tg.name(), func(t *testing.T) {
			for _, lc := range launchTests {
				t.Run(lc.name, func(t *testing.T) { lc.fn(t, lt.openLaunch(t)) })
			}
		})
	}
}

const launchScript = "#!/bin/bash\necho branch=main port=8080\ncc_progress 50 \"half way\"\nsleep 5\n"

// launch creates a stack of the built-in template, as a launch does.
func (fx *launchFixture) launch(t *testing.T, s *Session, name, token string) (string, *builtin.Rendered) {
	t.Helper()
	r, err := builtin.Render(builtin.Options{Script: []byte(launchScript), Timeout: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	p := builtin.Params{ImageID: fx.image, InstanceType: "t3.small", SubnetID: fx.subnet, SecurityGroupIDs: []string{fx.group},
		KeyName: fx.keyPair, Name: name, Volume: &builtin.Volume{SizeGiB: 20}}
	id, err := s.Stacks().CreateStack(ctx, fx.region, cloud.StackInput{Name: name, TemplateBody: r.Body, Parameters: p.Values(),
		Tags: map[string]string{"cloudcontrol:launch": token, "cloudcontrol:env": "contract"}, ClientToken: token})
	if err != nil {
		t.Fatalf("CreateStack: %v", err)
	}
	return id, r
}

func (fx *launchFixture) status(t *testing.T, s *Session, id string) string {
	t.Helper()
	st, err := s.Stacks().Stack(ctx, fx.region, id)
	if err != nil {
		t.Fatalf("Stack %s: %v", id, err)
	}
	return st.Status
}

func (fx *launchFixture) settled(t *testing.T, s *Session, id, want string) {
	t.Helper()
	fx.wait(t, "stack "+want, 10*time.Minute, func() bool { return cloud.StackSettled(fx.status(t, s, id)) })
	if got := fx.status(t, s, id); got != want {
		t.Fatalf("stack ended %s, want %s", got, want)
	}
}

func (fx *launchFixture) name(base string) string {
	if fx.suffix == "" {
		return base
	}
	return base + "-" + fx.suffix
}

func testBuiltinCreates(t *testing.T, fx *launchFixture) {
	s := fx.session(t, nil)
	name := fx.name("api-1")
	id, r := fx.launch(t, s, name, "launch-1")
	fx.settled(t, s, id, cloud.StackCreateComplete)
	st, _ := s.Stacks().Stack(ctx, fx.region, id)
	inst := st.Outputs["InstanceId"]
	if st.ID != id || st.Name != name || inst == "" || st.Tags["cloudcontrol:launch"] != "launch-1" {
		t.Fatalf("stack %+v", st)
	}
	got, err := s.Fleet().Describe(ctx, fx.region, []string{inst})
	if err != nil || len(got) != 1 {
		t.Fatalf("Describe %s: %v %v", inst, got, err)
	}
	tags := got[0].Tags
	if tags["Name"] != name || tags["cloudcontrol:launch"] != "launch-1" || tags["cloudcontrol:env"] != "contract" ||
		tags["aws:cloudformation:stack-name"] != name || tags["aws:cloudformation:logical-id"] != builtin.LogicalID {
		t.Errorf("instance tags %v", tags)
	}
	c := ec2.NewFromConfig(s.Config(), func(o *ec2.Options) { o.BaseEndpoint = sdkaws.String(fx.endpoint) })
	attr, err := c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: sdkaws.String(inst), Attribute: "userData"})
	if err != nil {
		t.Fatal(err)
	}
	ud, _ := base64.StdEncoding.DecodeString(sdkaws.ToString(attr.UserData.Value))
	if want := r.UserData(name, fx.region); string(ud) != string(want) {
		t.Errorf("user data:\n%s\nwant\n%s", ud, want)
	}
	if !strings.Contains(string(ud), "echo branch=main port=8080") || !strings.Contains(string(ud), "cfn-signal -e \"$cc_status\" --stack '"+name+"'") {
		t.Errorf("user data lacks the script or its signal:\n%s", ud)
	}
	if fx.advance != nil && tags["cloudcontrol:progress"] != "50 half way" {
		t.Errorf("the sandbox replayed no progress: %v", tags)
	}
}

func testDeleteTerminates(t *testing.T, fx *launchFixture) {
	s := fx.session(t, nil)
	id, _ := fx.launch(t, s, fx.name("api-del"), "launch-del")
	fx.settled(t, s, id, cloud.StackCreateComplete)
	st, _ := s.Stacks().Stack(ctx, fx.region, id)
	if err := s.Stacks().DeleteStack(ctx, fx.region, id, "delete-1"); err != nil {
		t.Fatal(err)
	}
	fx.settled(t, s, id, cloud.StackDeleteComplete)
	got, err := s.Fleet().Describe(ctx, fx.region, []string{st.Outputs["InstanceId"]})
	if err != nil || len(got) == 1 && got[0].State != cloud.Terminated && got[0].State != cloud.ShuttingDown {
		t.Fatalf("instance after DeleteStack: %+v, %v", got, err)
	}
	live, err := s.Stacks().Stacks(ctx, fx.region)
	if err != nil || slices.ContainsFunc(live, func(x cloud.Stack) bool { return x.ID == id }) {
		t.Errorf("a deleted stack is listed: %v", err)
	}
	if err := s.Stacks().DeleteStack(ctx, fx.region, fx.name("never-made"), ""); err != nil {
		t.Errorf("DeleteStack of a stack that does not exist: %v", err)
	}
}

func testEventsNewOnly(t *testing.T, fx *launchFixture) {
	s := fx.session(t, nil)
	id, _ := fx.launch(t, s, fx.name("api-ev"), "launch-ev")
	fx.settled(t, s, id, cloud.StackCreateComplete)
	all, err := s.Stacks().StackEvents(ctx, fx.region, id, "")
	if err != nil || len(all) < 2 {
		t.Fatalf("StackEvents: %v, %v", all, err)
	}
	first, last := all[0], all[len(all)-1]
	if first.LogicalID != fx.name("api-ev") || first.Status != cloud.StackCreateInProgress || last.Status != cloud.StackCreateComplete ||
		last.ResourceType != "AWS::CloudFormation::Stack" || last.StackID != id || last.Time.Before(first.Time) {
		t.Errorf("events oldest first, from CREATE_IN_PROGRESS to CREATE_COMPLETE: first %+v last %+v", first, last)
	}
	none, err := s.Stacks().StackEvents(ctx, fx.region, id, last.ID)
	if err != nil || len(none) != 0 {
		t.Errorf("after the last event: %v, %v", none, err)
	}
	if err := s.Stacks().DeleteStack(ctx, fx.region, id, ""); err != nil {
		t.Fatal(err)
	}
	fx.settled(t, s, id, cloud.StackDeleteComplete)
	news, err := s.Stacks().StackEvents(ctx, fx.region, id, last.ID)
	if err != nil || len(news) < 2 || news[0].Status != cloud.StackDeleteInProgress || news[len(news)-1].Status != cloud.StackDeleteComplete {
		t.Errorf("only the delete's events: %+v, %v", news, err)
	}
}

func testEventsPaging(t *testing.T, fx *launchFixture) {
	fx.skipUnless(t, fx.eventPage > 0, "returns every event in one page (no NextToken), so there is no paging to follow")
	c := &calls{}
	s := fx.session(t, c)
	id, _ := fx.launch(t, s, fx.name("api-pg"), "launch-pg")
	fx.settled(t, s, id, cloud.StackCreateComplete)
	c.reset()
	all, err := s.Stacks().StackEvents(ctx, fx.region, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if pages := c.get("DescribeStackEvents"); len(all) <= fx.eventPage || pages != (len(all)+fx.eventPage-1)/fx.eventPage {
		t.Fatalf("%d events in %d calls with pages of %d", len(all), pages, fx.eventPage)
	}
	// Fewer new events than a page: one call.
	c.reset()
	recent, err := s.Stacks().StackEvents(ctx, fx.region, id, all[len(all)-2].ID)
	if err != nil || len(recent) != 1 || recent[0].ID != all[len(all)-1].ID || c.get("DescribeStackEvents") != 1 {
		t.Errorf("after the last but one: %+v in %d calls, %v", recent, c.get("DescribeStackEvents"), err)
	}
	seen := map[string]bool{}
	for _, e := range all {
		if seen[e.ID] {
			t.Errorf("event %s twice across pages", e.ID)
		}
		seen[e.ID] = true
	}
}

func testPerResourceEvents(t *testing.T, fx *launchFixture) {
	fx.skipUnless(t, fx.resourceEvents, "writes only the stack's own events, none per resource")
	s := fx.session(t, nil)
	id, _ := fx.launch(t, s, fx.name("api-res"), "launch-res")
	fx.settled(t, s, id, cloud.StackCreateComplete)
	all, _ := s.Stacks().StackEvents(ctx, fx.region, id, "")
	var inst []string
	for _, e := range all {
		if e.LogicalID == builtin.LogicalID {
			inst = append(inst, e.Status)
			if e.ResourceType != "AWS::EC2::Instance" || e.ClientToken != "launch-res" {
				t.Errorf("event %+v", e)
			}
		}
	}
	if len(inst) < 3 || inst[0] != cloud.StackCreateInProgress || inst[len(inst)-1] != cloud.StackCreateComplete {
		t.Errorf("instance events %v", inst)
	}
	res, err := s.Stacks().StackResources(ctx, fx.region, id)
	if err != nil || len(res) != 1 || res[0].LogicalID != builtin.LogicalID || res[0].Status != cloud.StackCreateComplete || !strings.HasPrefix(res[0].PhysicalID, "i-") {
		t.Errorf("resources %+v, %v", res, err)
	}
}

func testWaitsForSignal(t *testing.T, fx *launchFixture) {
	fx.skipUnless(t, fx.signals, "ignores CreationPolicy: the stack is CREATE_COMPLETE at once, without a signal")
	s := fx.session(t, nil)
	id, _ := fx.launch(t, s, fx.name("api-sig"), "launch-sig")
	// Running after 10s, the script sleeps 5s, then signals: not before.
	fx.advance(14 * time.Second)
	if st := fx.status(t, s, id); st != cloud.StackCreateInProgress {
		t.Fatalf("before the signal: %s", st)
	}
	fx.advance(time.Second)
	if st := fx.status(t, s, id); st != cloud.StackCreateComplete {
		t.Fatalf("at the signal: %s", st)
	}
}

func testClientToken(t *testing.T, fx *launchFixture) {
	fx.skipUnless(t, fx.idempotent, "ignores ClientRequestToken: a retried CreateStack fails with AlreadyExists")
	s := fx.session(t, nil)
	id, _ := fx.launch(t, s, fx.name("api-tok"), "launch-tok")
	again, _ := fx.launch(t, s, fx.name("api-tok"), "launch-tok")
	if again != id {
		t.Fatalf("a retry with the same token made %s, want %s", again, id)
	}
	r, _ := builtin.Render(builtin.Options{Script: []byte("true")})
	_, err := s.Stacks().CreateStack(ctx, fx.region, cloud.StackInput{Name: fx.name("api-tok"), TemplateBody: r.Body, ClientToken: "another"})
	if !errors.Is(err, cloud.ErrExists) {
		t.Fatalf("another token, same name: %v, want ErrExists", err)
	}
}

func testStackNotFound(t *testing.T, fx *launchFixture) {
	s := fx.session(t, nil)
	_, err := s.Stacks().Stack(ctx, fx.region, fx.name("nothing-here"))
	var nf *cloud.NotFoundError
	if !errors.As(err, &nf) || nf.Kind != "stack" || !errors.Is(err, cloud.ErrNotFound) || errors.Is(err, cloud.ErrInvalid) ||
		!strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("unknown stack: %v", err)
	}
	_, err = s.Stacks().StackEvents(ctx, fx.region, fx.name("nothing-here"), "")
	if !errors.Is(err, cloud.ErrNotFound) {
		t.Errorf("events of an unknown stack: %v", err)
	}
}

func testValidate(t *testing.T, fx *launchFixture) {
	s := fx.session(t, nil)
	r, _ := builtin.Render(builtin.Options{Script: []byte(launchScript)})
	sum, err := s.Stacks().ValidateTemplate(ctx, fx.region, r.Body)
	if err != nil || !strings.HasPrefix(sum.Description, "Cloud Control launch") {
		t.Fatalf("ValidateTemplate: %+v, %v", sum, err)
	}
	if fx.templateParams {
		i := slices.IndexFunc(sum.Parameters, func(p cloud.TemplateParameter) bool { return p.Key == "VolumeType" })
		if len(sum.Parameters) != 12 || i < 0 || sum.Parameters[i].Default != "gp3" || sum.Parameters[i].Description == "" {
			t.Errorf("parameters %+v", sum.Parameters)
		}
	} else {
		t.Logf("%s: ValidateTemplate lists no parameters; only the description is checked", fx.target)
	}
	_, err = s.Stacks().ValidateTemplate(ctx, fx.region, "Resources: {A: {Type: AWS::Nope::Nothing}}")
	if !errors.Is(err, cloud.ErrInvalid) {
		t.Errorf("an unknown resource type: %v, want ErrInvalid", err)
	}
}

func testRollback(t *testing.T, fx *launchFixture) {
	fx.skipUnless(t, fx.stackFault != nil, "has no fault injection, and so no failed resource and no rollback to follow")
	s := fx.session(t, nil)
	fx.stackFault(t, sandbox.FaultUserDataFail, "")
	id, _ := fx.launch(t, s, fx.name("api-fail"), "launch-fail")
	fx.settled(t, s, id, cloud.StackRollbackComplete)
	all, _ := s.Stacks().StackEvents(ctx, fx.region, id, "")
	i := slices.IndexFunc(all, func(e cloud.StackEvent) bool { return e.Status == cloud.StackCreateFailed })
	if i < 0 || !strings.Contains(all[i].Reason, "FAILURE signal") {
		t.Fatalf("the first failure and its reason: %+v", all)
	}
	res, _ := s.Stacks().StackResources(ctx, fx.region, id)
	got, _ := s.Fleet().Describe(ctx, fx.region, []string{res[0].PhysicalID})
	if len(got) == 1 && got[0].State != cloud.Terminated {
		t.Errorf("the rolled-back instance is %s", got[0].State)
	}
}

func testDeleteFailed(t *testing.T, fx *launchFixture) {
	fx.skipUnless(t, fx.stackFault != nil, "has no fault injection, so a delete never fails")
	s := fx.session(t, nil)
	id, _ := fx.launch(t, s, fx.name("api-stuck"), "launch-stuck")
	fx.settled(t, s, id, cloud.StackCreateComplete)
	fx.stackFault(t, sandbox.FaultDeleteFail, builtin.LogicalID)
	if err := s.Stacks().DeleteStack(ctx, fx.region, id, "d1"); err != nil {
		t.Fatal(err)
	}
	fx.settled(t, s, id, cloud.StackDeleteFailed)
	st, _ := s.Stacks().Stack(ctx, fx.region, id)
	if !strings.Contains(st.StatusReason, "["+builtin.LogicalID+"]") {
		t.Errorf("reason %q should name what remains", st.StatusReason)
	}
	if err := s.Stacks().DeleteStack(ctx, fx.region, id, "d2"); err != nil {
		t.Fatal(err)
	}
	fx.settled(t, s, id, cloud.StackDeleteComplete)
}

func testUpsertDelete(t *testing.T, fx *launchFixture) {
	s := fx.session(t, nil)
	dns := s.DNS()
	z, err := dns.ZoneByName(ctx, strings.TrimSuffix(fx.zoneName, "."))
	if err != nil || z.ID != fx.zoneID || z.Name != fx.zoneName {
		t.Fatalf("ZoneByName: %+v, %v", z, err)
	}
	name := "api-1." + fx.zoneName
	if _, ok, err := dns.Record(ctx, z.ID, name, "A"); err != nil || ok {
		t.Fatalf("before: %v %v", ok, err)
	}
	rec := cloud.RecordSet{Name: name, Type: "A", TTL: 300, Values: []string{"10.0.0.7"}}
	change, err := dns.ChangeRecords(ctx, z.ID, cloud.RecordChange{Action: cloud.ChangeUpsert, Record: rec})
	if err != nil || change == "" {
		t.Fatalf("UPSERT: %q, %v", change, err)
	}
	fx.wait(t, "the change in sync", time.Minute, func() bool {
		ok, err := dns.ChangeInSync(ctx, change)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	})
	got, ok, err := dns.Record(ctx, z.ID, name, "A")
	if err != nil || !ok || got.Name != name || got.TTL != 300 || !slices.Equal(got.Values, rec.Values) {
		t.Fatalf("after UPSERT: %+v %v %v", got, ok, err)
	}
	rec.Values = []string{"10.0.0.8"} // a started instance's new address
	if _, err := dns.ChangeRecords(ctx, z.ID, cloud.RecordChange{Action: cloud.ChangeUpsert, Record: rec}); err != nil {
		t.Fatal(err)
	}
	if _, err := dns.ChangeRecords(ctx, z.ID, cloud.RecordChange{Action: cloud.ChangeDelete, Record: rec}); err != nil {
		t.Fatalf("DELETE of the record as written: %v", err)
	}
	if _, ok, _ := dns.Record(ctx, z.ID, name, "A"); ok {
		t.Error("the record is still there")
	}
	all, err := dns.Records(ctx, z.ID, "", "")
	if err != nil || slices.ContainsFunc(all, func(r cloud.RecordSet) bool { return r.Name == name }) {
		t.Errorf("records %+v, %v", all, err)
	}
}

func testInvalidBatch(t *testing.T, fx *launchFixture) {
	s := fx.session(t, nil)
	dns := s.DNS()
	rec := cloud.RecordSet{Name: "db." + fx.zoneName, Type: "A", TTL: 300, Values: []string{"10.0.0.9"}}
	if _, err := dns.ChangeRecords(ctx, fx.zoneID, cloud.RecordChange{Action: cloud.ChangeCreate, Record: rec}); err != nil {
		t.Fatal(err)
	}
	_, err := dns.ChangeRecords(ctx, fx.zoneID, cloud.RecordChange{Action: cloud.ChangeCreate, Record: rec})
	if !errors.Is(err, cloud.ErrInvalid) || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("CREATE of an existing record: %v", err)
	}
	wrong := rec
	wrong.TTL = 60
	if _, err := dns.ChangeRecords(ctx, fx.zoneID, cloud.RecordChange{Action: cloud.ChangeDelete, Record: wrong}); !errors.Is(err, cloud.ErrInvalid) {
		t.Errorf("DELETE that does not match: %v", err)
	}
	if _, ok, _ := dns.Record(ctx, fx.zoneID, rec.Name, "A"); !ok {
		t.Error("a refused DELETE removed the record")
	}
}

func testZoneNotFound(t *testing.T, fx *launchFixture) {
	s := fx.session(t, nil)
	_, err := s.DNS().ZoneByName(ctx, "no-such-zone-"+fx.name("x")+".example.net")
	var nf *cloud.NotFoundError
	if !errors.As(err, &nf) || nf.Kind != "hosted zone" {
		t.Errorf("ZoneByName of an unknown zone: %v", err)
	}
	if _, err := s.DNS().Zone(ctx, "Z0NOSUCHZONE0000001"); !errors.As(err, &nf) || nf.Kind != "hosted zone" {
		t.Errorf("Zone of an unknown id: %v", err)
	}
}

func testPreflight(t *testing.T, fx *launchFixture) {
	s := fx.session(t, nil)
	n := s.Network()
	img, err := n.Images(ctx, fx.region, []string{fx.image})
	if err != nil || len(img) != 1 || img[0].ID != fx.image || img[0].State != "available" {
		t.Fatalf("Images: %+v, %v", img, err)
	}
	var nf *cloud.NotFoundError
	if _, err := n.Images(ctx, fx.region, []string{"ami-0fffffffffffffff0"}); !errors.As(err, &nf) || nf.Kind != "image" || !slices.Equal(nf.IDs, []string{"ami-0fffffffffffffff0"}) {
		t.Errorf("unknown image: %v", err)
	}
	sub, err := n.Subnets(ctx, fx.region, []string{fx.subnet})
	if err != nil || len(sub) != 1 || sub[0].AZ != fx.zone || sub[0].VPCID == "" {
		t.Fatalf("Subnets: %+v, %v", sub, err)
	}
	if _, err := n.Subnets(ctx, fx.region, []string{"subnet-0fffffffffffffff0"}); !errors.As(err, &nf) || nf.Kind != "subnet" {
		t.Errorf("unknown subnet: %v", err)
	}
	groups, err := n.SecurityGroups(ctx, fx.region, []string{fx.group, fx.otherGroup})
	if err != nil || len(groups) != 2 {
		t.Fatalf("SecurityGroups: %+v, %v", groups, err)
	}
	byID := map[string]string{}
	for _, g := range groups {
		byID[g.ID] = g.VPCID
	}
	if byID[fx.group] != sub[0].VPCID || byID[fx.otherGroup] == sub[0].VPCID {
		t.Errorf("VPCs: subnet in %s, groups %v: the preflight tells them apart", sub[0].VPCID, byID)
	}
	if _, err := n.SecurityGroups(ctx, fx.region, []string{"sg-0fffffffffffffff0"}); !errors.As(err, &nf) || nf.Kind != "security group" {
		t.Errorf("unknown group: %v", err)
	}
	keys, err := n.KeyPairs(ctx, fx.region, []string{fx.keyPair})
	if err != nil || len(keys) != 1 || keys[0].Name != fx.keyPair {
		t.Fatalf("KeyPairs: %+v, %v", keys, err)
	}
	if _, err := n.KeyPairs(ctx, fx.region, []string{"nobody-" + fx.name("k")}); !errors.As(err, &nf) || nf.Kind != "key pair" || nf.IDs[0] != "nobody-"+fx.name("k") {
		t.Errorf("unknown key pair: %v", err)
	}
	offered, err := n.TypesOffered(ctx, fx.region, fx.zone, []string{"t3.small", "m5.large", "x9.nothing"})
	if err != nil || !slices.Equal(offered, []string{"m5.large", "t3.small"}) {
		t.Errorf("TypesOffered: %v, %v", offered, err)
	}
}

func testParameter(t *testing.T, fx *launchFixture) {
	s := fx.session(t, nil)
	v, err := s.Parameters().Parameter(ctx, fx.region, fx.alias)
	if err != nil || v != fx.aliasImage {
		t.Fatalf("Parameter %s: %q, %v", fx.alias, v, err)
	}
	_, err = s.Parameters().Parameter(ctx, fx.region, "/aws/service/no/such/parameter")
	var nf *cloud.NotFoundError
	if !errors.As(err, &nf) || nf.Kind != "SSM parameter" || !strings.Contains(err.Error(), "/aws/service/no/such/parameter") {
		t.Errorf("unknown parameter: %v", err)
	}
}
