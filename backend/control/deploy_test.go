package control

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/runbook"
)

func (a *awsRig) deploy(name string, o DeployOptions, confirm Confirm) (*DeployResult, error) {
	return a.svc.Deploy(context.Background(), a.env(name), o, confirm, nil)
}

// The first deploy with --create-roles creates the roles, both runbooks,
// the group and the two schedules, in that order, as the plan said; the
// schedules target Automation with the time zone and the automation role.
func TestDeployCreatesEverythingInOrder(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": scheduledShop})
	p, err := a.svc.DeployPlan(context.Background(), a.env("shop"), DeployOptions{CreateRoles: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Changes != 7 || len(a.mutations()) != 0 {
		t.Fatalf("plan: %d changes (%s), mutations %v", p.Changes, p.Summary(), a.mutations())
	}
	if p.Roles[0].Change != Create || p.Roles[0].ARN != "arn:aws:iam::123456789012:role/CloudControl-shop-automation" ||
		p.Documents[0].Change != Create || p.Documents[0].NewVersion != "1" || p.Group.Change != Create {
		t.Errorf("plan %+v", p)
	}
	start := p.Schedules[0]
	if start.Name != "start" || start.Change != Create || start.Timezone != "Europe/Berlin" || len(start.Next) != 3 ||
		!start.Next[0].Equal(time.Date(2026, 3, 3, 7, 0, 0, 0, time.UTC)) || start.Next[0].Location().String() != "Europe/Berlin" ||
		start.Describe != "at 08:00 on Monday to Friday, Europe/Berlin time" {
		t.Errorf("start schedule %+v", start)
	}
	confirmed := 0
	res, err := a.deploy("shop", DeployOptions{CreateRoles: true}, func(p *DeployPlan) (bool, error) { confirmed++; return true, nil })
	if err != nil {
		t.Fatal(err)
	}
	if confirmed != 1 || res.Outcome != op.OutcomeDone || len(res.Applied) != 9 || len(res.NotApplied) != 0 {
		t.Fatalf("result %+v", res)
	}
	want := []string{"CreateRole", "PutRolePolicy", "CreateRole", "PutRolePolicy", "CreateDocument", "CreateDocument", "CreateGroup", "CreateSchedule", "CreateSchedule"}
	if got := a.mutations(); !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v in this order", got, want)
	}
	sc, err := a.aws.Scheduler.GetSchedule(context.Background(), "eu-west-1", "cloudcontrol-shop", "stop")
	if err != nil {
		t.Fatal(err)
	}
	var in struct {
		DocumentName string
		Parameters   map[string][]string
	}
	if err := json.Unmarshal([]byte(sc.Input), &in); err != nil {
		t.Fatal(err)
	}
	if sc.TargetARN != "arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution" || sc.Timezone != "Europe/Berlin" ||
		sc.Expression != "cron(0 19 ? * MON-FRI *)" || sc.RoleARN != "arn:aws:iam::123456789012:role/CloudControl-shop-scheduler" ||
		in.DocumentName != "CloudControl-shop-stop" || !slices.Equal(in.Parameters["AutomationAssumeRole"], []string{"arn:aws:iam::123456789012:role/CloudControl-shop-automation"}) {
		t.Errorf("stop schedule %+v input %+v", sc, in)
	}
	role, _ := a.aws.IAM.GetRole(context.Background(), "CloudControl-shop-automation")
	x, _ := runbook.Build(a.env("shop"), runbook.Options{Account: account, Region: "eu-west-1"})
	if !sameData(role.Policies["cloudcontrol"], string(x.AutomationPolicy)) || !strings.Contains(role.TrustPolicy, "ssm.amazonaws.com") || !ours(role.Tags, "shop") {
		t.Errorf("role %+v", role)
	}
	doc, _ := a.aws.Docs.GetDocument(context.Background(), "eu-west-1", "CloudControl-shop-start")
	if !pristine(doc.Content) || !strings.Contains(doc.Content, "tag") || !ours(doc.Tags, "shop") {
		t.Errorf("document %s", doc.Content)
	}
	if err := runbook.Validate([]byte(doc.Content)); err != nil {
		t.Errorf("the deployed runbook is not valid: %v", err)
	}
	ops := a.operations("shop")
	if len(ops) != 1 || ops[0].Action != "deploy" || ops[0].Result != "done" {
		t.Errorf("history %+v", ops)
	}

	// Again, with nothing changed: nothing to do, and it says so.
	before := len(a.mutations())
	sink := &events{}
	res, err = a.svc.Deploy(context.Background(), a.env("shop"), DeployOptions{}, func(*DeployPlan) (bool, error) {
		t.Error("asked to confirm a deploy that changes nothing")
		return false, nil
	}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.mutations()) != before || res.Plan.Changes != 0 || !strings.HasPrefix(res.Message, "nothing to change: shop is deployed") {
		t.Errorf("second deploy: %+v, mutations %v", res, a.mutations()[before:])
	}
	if types := sink.types(); !slices.Equal(types, []op.EventType{op.EventRunStarted, op.EventRunDone}) {
		t.Errorf("events %v", types)
	}
}

// A document edited in AWS shows as changed there, with what differs;
// declined, nothing changes; confirmed, it is overwritten.
func TestDeployShowsAHandEditAndOverwritesOnlyWhenConfirmed(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": scheduledShop})
	if _, err := a.deploy("shop", DeployOptions{CreateRoles: true}, nil); err != nil {
		t.Fatal(err)
	}
	doc, _ := a.aws.Docs.GetDocument(context.Background(), "eu-west-1", "CloudControl-shop-stop")
	edited := strings.Replace(doc.Content, "timeoutSeconds: 600", "timeoutSeconds: 60", 1)
	a.aws.Docs.Edit("eu-west-1", "CloudControl-shop-stop", edited)
	before := len(a.mutations())
	var seen *DeployPlan
	_, err := a.deploy("shop", DeployOptions{}, func(p *DeployPlan) (bool, error) { seen = p; return false, nil })
	if !errors.Is(err, ErrDeclined) || OutcomeOf(context.Background(), err) != op.OutcomeCancelled {
		t.Fatalf("declined: %v", err)
	}
	if len(a.mutations()) != before {
		t.Errorf("a declined deploy changed %v", a.mutations()[before:])
	}
	dc := seen.Documents[1]
	if seen.Changes != 1 || dc.Change != Update || !dc.ChangedInAWS || dc.Version != "2" || dc.NewVersion != "3" || dc.Diff == nil ||
		!slices.Equal(dc.Diff.StepsChanged, []string{"s01_app_find"}) || len(dc.Diff.Parts) != 0 || !strings.Contains(dc.Note, "changed in AWS") {
		t.Errorf("the plan showed %+v (diff %+v)", dc, dc.Diff)
	}
	if got := seen.Documents[0]; got.Change != Unchanged {
		t.Errorf("start document %+v", got)
	}
	if _, err := a.deploy("shop", DeployOptions{}, func(*DeployPlan) (bool, error) { return true, nil }); err != nil {
		t.Fatal(err)
	}
	now, _ := a.aws.Docs.GetDocument(context.Background(), "eu-west-1", "CloudControl-shop-stop")
	if now.DefaultVersion != "3" || !pristine(now.Content) || !sameData(now.Content, doc.Content) {
		t.Errorf("after the confirmed deploy: version %s, pristine %v", now.DefaultVersion, pristine(now.Content))
	}
}

// A changed environment file is an update Cloud Control expects: not
// flagged as a hand edit; both new versions exist before either is the default.
func TestDeployUpdatesAfterTheFileChanged(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": scheduledShop})
	if _, err := a.deploy("shop", DeployOptions{CreateRoles: true}, nil); err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(scheduledShop, "stop: cron(0 19", "stop: cron(0 20", 1) + "  \n"
	changed = strings.Replace(changed, "  - name: app\n", "  - name: app\n    timeout: 20m\n", 1) + "stop: {timeout: 5m}\n"
	if err := os.WriteFile(filepath.Join(a.envs, "shop.yaml"), []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	before := len(a.mutations())
	res, err := a.deploy("shop", DeployOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Plan
	if p.Documents[0].Change != Update || p.Documents[0].ChangedInAWS || p.Documents[1].Change != Update || len(p.Documents[0].Diff.Parts) != 0 ||
		!slices.Equal(p.Documents[0].Diff.StepsChanged, []string{"s02_app_find", "s02_app_tag", "s02_app_start"}) {
		t.Errorf("documents %+v", p.Documents)
	}
	if s := p.Schedules[1]; s.Change != Update || s.Was != "cron(0 19 ? * MON-FRI *) in Europe/Berlin" {
		t.Errorf("stop schedule %+v", s)
	}
	want := []string{"UpdateDocument", "UpdateDocument", "SetDefaultVersion", "SetDefaultVersion", "UpdateSchedule"}
	if got := a.mutations()[before:]; !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
}

// Part-way failures say exactly what was and was not applied, and the
// refusal names the permission; the documents' default stays where it was
// when their second new version cannot be made.
func TestDeployFailingPartWaySaysWhatWasApplied(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": scheduledShop})
	a.aws.Scheduler.FailAlways("CreateSchedule", &cloud.AccessDeniedError{Action: "scheduler:CreateSchedule", Message: "not authorized"})
	res, err := a.deploy("shop", DeployOptions{CreateRoles: true}, nil)
	var de *DeployError
	if !errors.As(err, &de) {
		t.Fatalf("err %v", err)
	}
	if de.Step != "create schedule cloudcontrol-shop/start" || len(de.Applied) != 7 || len(de.NotApplied) != 2 ||
		!strings.Contains(err.Error(), "AWS refused scheduler:CreateSchedule") || !strings.Contains(err.Error(), "deploy again to finish") {
		t.Errorf("error %v (%+v)", err, de)
	}
	if res.Outcome != op.OutcomeFailed || !slices.Equal(res.NotApplied, de.NotApplied) {
		t.Errorf("result %+v", res)
	}
	// The next one finishes it.
	a.aws.Scheduler.FailAlways("CreateSchedule", nil)
	res, err = a.deploy("shop", DeployOptions{}, nil)
	if err != nil || res.Plan.Changes != 2 {
		t.Fatalf("%v %+v", err, res)
	}

	// Throttled making the second new version: neither version is the default.
	changed := strings.Replace(scheduledShop, "name: data", "name: database", 1)
	changed = strings.Replace(changed, "- name: app\n", "- name: app\n    after: [database]\n", 1)
	if err := os.WriteFile(filepath.Join(a.envs, "shop.yaml"), []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	a.aws.Docs.FailNext("UpdateDocument", nil, &cloud.ThrottledError{Action: "ssm:UpdateDocument", Message: "Rate exceeded"})
	_, err = a.deploy("shop", DeployOptions{}, nil)
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "AWS throttled ssm:UpdateDocument") || !strings.Contains(de.Leaves, "the previous deployment runs as it did") {
		t.Fatalf("err %v", err)
	}
	for _, name := range []string{"CloudControl-shop-start", "CloudControl-shop-stop"} {
		if d, _ := a.aws.Docs.GetDocument(context.Background(), "eu-west-1", name); d.DefaultVersion != "1" {
			t.Errorf("%s default version %s after the failed update", name, d.DefaultVersion)
		}
	}
	// Again: the version the failed run left is used, not refused as a duplicate.
	if _, err := a.deploy("shop", DeployOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	if d, _ := a.aws.Docs.GetDocument(context.Background(), "eu-west-1", "CloudControl-shop-start"); d.DefaultVersion != "2" {
		t.Errorf("start default %s", d.DefaultVersion)
	}
}

// IAM refusing the first step: nothing at all was changed, and it says so.
func TestDeployRefusedByIAMChangesNothing(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": scheduledShop})
	a.aws.IAM.FailAlways("CreateRole", &cloud.AccessDeniedError{Action: "iam:CreateRole", Message: "not authorized"})
	_, err := a.deploy("shop", DeployOptions{CreateRoles: true}, nil)
	var de *DeployError
	if !errors.As(err, &de) || len(de.Applied) != 0 || de.Leaves != "nothing was changed" || !strings.Contains(err.Error(), "AWS refused iam:CreateRole") {
		t.Fatalf("err %v", err)
	}
	if got := a.mutations(); !slices.Equal(got, []string{"CreateRole"}) {
		t.Errorf("calls %v", got)
	}
}

// Bad input is refused before anything changes in AWS, with a clear message.
func TestDeployRefusesBadInputAndChangesNothing(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": scheduledShop, "public": `stages:
  - name: web
    instances: [{name: web}]
    ready: {http: "http://{{.PublicIP}}/"}
`, "pinned": strings.Replace(shop, "name: shop", "name: pinned\naccount: \"999999999999\"", 1)})
	a.aws.IAM.Put(cloud.Role{Name: "CloudControl-shop-automation"}) // someone else's, same name
	a.aws.IAM.Put(cloud.Role{Name: "mine"})
	cases := []struct {
		name string
		env  string
		opts DeployOptions
		want string
	}{
		{"an unknown role ARN", "shop", DeployOptions{AutomationRole: "arn:aws:iam::123456789012:role/mine", SchedulerRole: "arn:aws:iam::123456789012:role/nope"},
			"arn:aws:iam::123456789012:role/nope does not exist, so nothing was deployed"},
		{"not an ARN", "shop", DeployOptions{AutomationRole: "mine", SchedulerRole: "arn:aws:iam::123456789012:role/mine"}, "is not an IAM role ARN"},
		{"one role only", "shop", DeployOptions{AutomationRole: "arn:aws:iam::123456789012:role/mine"}, "give both --automation-role"},
		{"roles twice", "shop", DeployOptions{CreateRoles: true, SchedulerRole: "arn:aws:iam::123456789012:role/mine"}, "not both"},
		{"no roles at all", "shop", DeployOptions{}, "has no roles in AWS for its runbooks yet"},
		{"a role of that name not ours", "shop", DeployOptions{CreateRoles: true}, "exists and was not created by a Cloud Control deploy of shop"},
		{"a bad expression", "shop", DeployOptions{CreateRoles: true, StartAt: "cron(0 25 * * ? *)"}, "the start schedule:"},
		{"a bad time zone", "shop", DeployOptions{CreateRoles: true, Timezone: "Mars/Olympus"}, `--timezone: time zone "Mars/Olympus" is not an IANA time zone name`},
		{"a time gone", "shop", DeployOptions{CreateRoles: true, StopAt: "at(2020-01-01T00:00:00)"}, "never runs again"},
		{"start as stop", "shop", DeployOptions{CreateRoles: true, StartAt: "rate(1 day)", StopAt: "rate(1 day)"}, "the same schedule"},
		{"remove with more", "shop", DeployOptions{Remove: true, CreateRoles: true}, "--remove takes none of"},
		{"a gate the export refuses", "public", DeployOptions{CreateRoles: true}, "public cannot be deployed, nothing was: its runbooks cannot express"},
		{"the account pin", "pinned", DeployOptions{CreateRoles: true}, "pinned is pinned to account 999999999999"},
	}
	for _, c := range cases {
		_, err := a.deploy(c.env, c.opts, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if m := a.mutations(); len(m) != 0 {
			t.Fatalf("%s changed %v", c.name, m)
		}
	}
	var pin *PinError
	if _, err := a.deploy("pinned", DeployOptions{CreateRoles: true}, nil); !errors.As(err, &pin) || !IsRefusal(err) {
		t.Errorf("pinned: %v", err)
	}
	var refused *ExportRefusedError
	if _, err := a.deploy("public", DeployOptions{CreateRoles: true}, nil); !errors.As(err, &refused) || len(refused.Findings) != 1 {
		t.Errorf("export refusal %v", err)
	}
}

// Given roles are only checked; a later deploy without flags reuses them.
func TestDeployWithGivenRoles(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": scheduledShop})
	a.aws.IAM.Put(cloud.Role{Name: "auto", Policies: map[string]string{"x": "{}"}})
	a.aws.IAM.Put(cloud.Role{Name: "sched"})
	o := DeployOptions{AutomationRole: a.aws.IAM.ARN("auto"), SchedulerRole: a.aws.IAM.ARN("sched")}
	res, err := a.deploy("shop", o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Plan.Roles[0].Change != Use || !strings.Contains(res.Plan.Roles[0].Note, "used as it is") {
		t.Errorf("roles %+v", res.Plan.Roles)
	}
	for _, m := range a.aws.IAM.Mutations() {
		t.Errorf("a given role was changed: %s", m)
	}
	res, err = a.deploy("shop", DeployOptions{}, nil)
	if err != nil || res.Plan.Changes != 0 {
		t.Errorf("again without flags: %v %s", err, res.Message)
	}
}

// --remove deletes what deploys created, and nothing else: a schedule
// someone added keeps the group, a document of that name made by hand and
// the roles given stay.
func TestRemoveDeletesOnlyWhatDeployCreated(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": scheduledShop, "other": strings.Replace(scheduledShop, "name: shop", "name: other", 1)})
	if _, err := a.deploy("shop", DeployOptions{CreateRoles: true}, nil); err != nil {
		t.Fatal(err)
	}
	a.aws.IAM.Put(cloud.Role{Name: "auto"})
	a.aws.IAM.Put(cloud.Role{Name: "sched"})
	if _, err := a.deploy("other", DeployOptions{AutomationRole: a.aws.IAM.ARN("auto"), SchedulerRole: a.aws.IAM.ARN("sched")}, nil); err != nil {
		t.Fatal(err)
	}
	// Someone's own schedule in shop's group, and other's stop document replaced by a hand-made one.
	if err := a.aws.Scheduler.CreateSchedule(context.Background(), "eu-west-1", cloud.Schedule{Group: "cloudcontrol-shop", Name: "nightly-report",
		Expression: "cron(0 2 * * ? *)", Timezone: "UTC", TargetARN: "arn:x", RoleARN: "arn:y"}); err != nil {
		t.Fatal(err)
	}
	if err := a.aws.Docs.DeleteDocument(context.Background(), "eu-west-1", "CloudControl-other-stop"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.aws.Docs.CreateDocument(context.Background(), "eu-west-1", cloud.Document{Name: "CloudControl-other-stop", Content: "schemaVersion: '0.3'"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.deploy("shop", DeployOptions{Remove: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Plan.Group.Change != Keep || !strings.Contains(res.Plan.Group.Note, "1 schedule(s) Cloud Control did not write") {
		t.Errorf("group %+v", res.Plan.Group)
	}
	if got := a.aws.Scheduler.Groups("eu-west-1"); !slices.Equal(got, []string{"cloudcontrol-other", "cloudcontrol-shop"}) {
		t.Errorf("groups %v", got)
	}
	if list, _ := a.aws.Scheduler.ListSchedules(context.Background(), "eu-west-1", "cloudcontrol-shop"); len(list) != 1 || list[0].Name != "nightly-report" {
		t.Errorf("shop's group holds %+v", list)
	}
	if got := a.aws.IAM.Names(); !slices.Equal(got, []string{"auto", "sched"}) {
		t.Errorf("roles left %v", got)
	}
	res, err = a.deploy("other", DeployOptions{Remove: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.aws.Docs.Names("eu-west-1"); !slices.Equal(got, []string{"CloudControl-other-stop"}) {
		t.Errorf("documents left %v", got)
	}
	if got := a.aws.Scheduler.Groups("eu-west-1"); !slices.Equal(got, []string{"cloudcontrol-shop"}) {
		t.Errorf("groups left %v", got)
	}
	for _, r := range res.Plan.Roles {
		t.Errorf("the removal of other listed role %+v (it used given roles)", r)
	}
	// Nothing left to remove: it says so.
	res, err = a.deploy("other", DeployOptions{Remove: true}, nil)
	if err != nil || res.Plan.Changes != 0 || !strings.HasPrefix(res.Message, "nothing to remove") {
		t.Errorf("%v %q", err, res.Message)
	}
}

// What is deployed reads back with the next runs, for status and list.
func TestDeployedShowsDocumentsAndNextRuns(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": scheduledShop})
	a.addShop()
	d, err := a.svc.Deployed(context.Background(), a.env("shop"))
	if err != nil || d.Deployed || len(d.Schedules) != 0 {
		t.Fatalf("before: %+v %v", d, err)
	}
	if _, err := a.deploy("shop", DeployOptions{CreateRoles: true}, nil); err != nil {
		t.Fatal(err)
	}
	d, err = a.svc.Deployed(context.Background(), a.env("shop"))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Deployed || len(d.Documents) != 2 || d.Documents[0].Version != "1" || d.Documents[0].ChangedInAWS ||
		d.NextStart == nil || !d.NextStart.Equal(time.Date(2026, 3, 3, 7, 0, 0, 0, time.UTC)) ||
		d.NextStop == nil || !d.NextStop.Equal(time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)) || !d.Schedules[0].Ours {
		t.Errorf("deployed %+v", d)
	}
	st, err := a.svc.StatusWithDeployment(context.Background(), a.env("shop"))
	if err != nil || st.Deployed == nil || st.DeployedError != "" {
		t.Errorf("status %+v %v", st, err)
	}
}
