package control

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"cloudcontrol/backend/runbook"
)

// env deploy through the real adapters: what it shows, what it writes as
// the AWS APIs see it, that a second deploy changes nothing, a hand edit
// in AWS, --remove of only its own, and the refusals that deploy nothing.

var berlinOpts = DeployOptions{CreateRoles: true, StartAt: "cron(0 8 ? * MON-FRI *)", StopAt: "cron(0 19 ? * MON-FRI *)", Timezone: "Europe/Berlin"}

const (
	shopAutomation = "arn:aws:iam::" + account + ":role/CloudControl-shop-automation"
	shopScheduler  = "arn:aws:iam::" + account + ":role/CloudControl-shop-scheduler"
)

func (r *sandboxRig) deploy(opts DeployOptions, confirm Confirm) (*DeployResult, error) {
	r.t.Helper()
	return r.svc.Deploy(context.Background(), r.env("shop"), opts, confirm, &events{})
}

func TestDeployOnTheSandbox(t *testing.T) {
	r := newSandboxRig(t, map[string]string{"shop": sandboxShop})
	ctx := context.Background()
	r.sb.ResetRequests()

	// The preview: roles, runbooks and their versions, the group, the
	// schedules with their next runs in Berlin; nothing written.
	p, err := r.svc.DeployPlan(ctx, r.env("shop"), berlinOpts)
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if p.Changes != 7 || p.Account != account || p.Region != "eu-west-1" || len(p.Roles) != 2 || len(p.Documents) != 2 || len(p.Schedules) != 2 {
		t.Fatalf("plan %+v", p)
	}
	for i, want := range []RoleChange{{Use: "automation", Name: "CloudControl-shop-automation", ARN: shopAutomation, Change: Create},
		{Use: "scheduler", Name: "CloudControl-shop-scheduler", ARN: shopScheduler, Change: Create}} {
		if p.Roles[i] != want {
			t.Errorf("role %d: %+v", i, p.Roles[i])
		}
	}
	for i, name := range []string{"CloudControl-shop-start", "CloudControl-shop-stop"} {
		if d := p.Documents[i]; d.Name != name || d.Change != Create || d.NewVersion != "1" || d.Bytes == 0 {
			t.Errorf("document %+v", d)
		}
	}
	if p.Group != (GroupChange{Name: "cloudcontrol-shop", Change: Create}) {
		t.Errorf("group %+v", p.Group)
	}
	// Monday 2 March, 10:00 in Berlin: the next start is Tuesday 08:00, the next stop tonight at 19:00.
	start, stop := p.Schedules[0], p.Schedules[1]
	if start.Change != Create || len(start.Next) != 3 || !start.Next[0].Equal(time.Date(2026, 3, 3, 8, 0, 0, 0, berlin)) ||
		start.Next[0].Location().String() != "Europe/Berlin" || stop.Change != Create || !stop.Next[0].Equal(time.Date(2026, 3, 2, 19, 0, 0, 0, berlin)) {
		t.Errorf("schedules %+v", p.Schedules)
	}
	if got := r.changing(); len(got) != 0 {
		t.Fatalf("the preview changed %v", got)
	}

	// Applied (--yes --create-roles): roles first, then the runbooks, the
	// group, the schedules.
	res, err := r.deploy(berlinOpts, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"iam CreateRole", "iam PutRolePolicy", "iam CreateRole", "iam PutRolePolicy", "ssm CreateDocument", "ssm CreateDocument",
		"scheduler CreateScheduleGroup", "scheduler CreateSchedule", "scheduler CreateSchedule"}
	if got := r.changing(); !slices.Equal(got, want) || res.Outcome != "done" {
		t.Fatalf("deploy made %v (%s), want %v", got, res.Outcome, want)
	}
	r.checkDeployed(t)

	// Again: nothing changes, and it says so.
	r.sb.ResetRequests()
	res, err = r.deploy(berlinOpts, func(*DeployPlan) (bool, error) {
		t.Error("asked to confirm a deploy that changes nothing")
		return false, nil
	})
	if err != nil || res.Plan.Changes != 0 || !strings.HasPrefix(res.Message, "nothing to change: shop is deployed in eu-west-1") {
		t.Fatalf("second deploy: %v, %+v", err, res)
	}
	if got := r.changing(); len(got) != 0 {
		t.Fatalf("the second deploy changed %v", got)
	}
	st, err := r.svc.StatusWithDeployment(ctx, r.env("shop"))
	if err != nil || st.Deployed == nil || !st.Deployed.Deployed || st.Deployed.NextStart == nil || st.DeployedError != "" ||
		!st.Deployed.NextStart.Equal(time.Date(2026, 3, 3, 7, 0, 0, 0, time.UTC)) || !st.Deployed.NextStop.Equal(time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)) ||
		len(st.Deployed.Documents) != 2 || st.Deployed.Documents[0].Version != "1" || st.Deployed.Documents[0].ChangedInAWS {
		t.Fatalf("status %+v: deployed %+v (%v)", st, st.Deployed, err)
	}
}

// checkDeployed reads what the deploy wrote with the SDK, as AWS has it.
func (r *sandboxRig) checkDeployed(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for _, name := range []string{"CloudControl-shop-start", "CloudControl-shop-stop"} {
		d, err := r.ssm().DescribeDocument(ctx, &ssm.DescribeDocumentInput{Name: sdkaws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		tags := map[string]string{}
		for _, tg := range d.Document.Tags {
			tags[sdkaws.ToString(tg.Key)] = sdkaws.ToString(tg.Value)
		}
		if d.Document.DocumentType != ssmtypes.DocumentTypeAutomation || sdkaws.ToString(d.Document.DefaultVersion) != "1" ||
			tags["cloudcontrol:env"] != "shop" || tags["cloudcontrol:created-by"] != sandboxCaller {
			t.Errorf("%s: %+v, tags %v", name, d.Document, tags)
		}
	}
	for _, name := range []string{"start", "stop"} {
		sc, err := r.scheduler().GetSchedule(ctx, &scheduler.GetScheduleInput{GroupName: sdkaws.String("cloudcontrol-shop"), Name: sdkaws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		var in struct {
			DocumentName string
			Parameters   map[string][]string
		}
		_ = json.Unmarshal([]byte(sdkaws.ToString(sc.Target.Input)), &in)
		if sc.FlexibleTimeWindow == nil || sc.FlexibleTimeWindow.Mode != schedtypes.FlexibleTimeWindowModeOff ||
			sdkaws.ToString(sc.ScheduleExpressionTimezone) != "Europe/Berlin" || sdkaws.ToString(sc.Target.Arn) != UniversalTarget ||
			sdkaws.ToString(sc.Target.RoleArn) != shopScheduler || in.DocumentName != "CloudControl-shop-"+name ||
			!slices.Equal(in.Parameters[runbook.AssumeRoleParameter], []string{shopAutomation}) {
			t.Errorf("schedule %s: %+v, input %s", name, sc, sdkaws.ToString(sc.Target.Input))
		}
	}
	for _, name := range []string{"CloudControl-shop-automation", "CloudControl-shop-scheduler"} {
		pols, err := r.iam().ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: sdkaws.String(name)})
		if err != nil || !slices.Equal(pols.PolicyNames, []string{"cloudcontrol"}) {
			t.Errorf("role %s: policies %v, %v", name, pols, err)
		}
	}
}

// A runbook changed by hand in AWS shows as such and is overwritten only
// when the deploy is confirmed.
func TestDeployShowsAndOverwritesAHandEditOnlyWhenConfirmed(t *testing.T) {
	r := newSandboxRig(t, map[string]string{"shop": sandboxShop})
	ctx := context.Background()
	if _, err := r.deploy(berlinOpts, nil); err != nil {
		t.Fatal(err)
	}
	name := sdkaws.String("CloudControl-shop-start")
	cur, err := r.ssm().GetDocument(ctx, &ssm.GetDocumentInput{Name: name, DocumentFormat: ssmtypes.DocumentFormatYaml})
	if err != nil {
		t.Fatal(err)
	}
	written := sdkaws.ToString(cur.Content)
	edited := strings.Replace(written, "timeoutSeconds: 300", "timeoutSeconds: 900", 1)
	if edited == written {
		t.Fatal("the runbook has no timeoutSeconds: 300 to edit")
	}
	up, err := r.ssm().UpdateDocument(ctx, &ssm.UpdateDocumentInput{Name: name, Content: sdkaws.String(edited), DocumentVersion: sdkaws.String("$LATEST"),
		DocumentFormat: ssmtypes.DocumentFormatYaml})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.ssm().UpdateDocumentDefaultVersion(ctx, &ssm.UpdateDocumentDefaultVersionInput{Name: name, DocumentVersion: up.DocumentDescription.DocumentVersion}); err != nil {
		t.Fatal(err)
	}

	d, err := r.svc.Deployed(ctx, r.env("shop"))
	if err != nil || !d.Documents[0].ChangedInAWS || d.Documents[0].Version != "2" || d.Documents[1].ChangedInAWS {
		t.Fatalf("deployed %+v %v", d, err)
	}
	r.sb.ResetRequests()
	var shown *DocumentChange
	_, err = r.deploy(berlinOpts, func(p *DeployPlan) (bool, error) { shown = &p.Documents[0]; return false, nil })
	if !errors.Is(err, ErrDeclined) {
		t.Fatalf("declined: %v", err)
	}
	// SSM refuses new content equal to an old version's: version 1, what
	// Cloud Control wrote, is to be the default again.
	if shown == nil || shown.Change != Update || !shown.ChangedInAWS || shown.Version != "2" || shown.NewVersion != "1" || shown.Diff == nil ||
		!strings.Contains(shown.Note, "changed in AWS since Cloud Control deployed it") || !strings.Contains(shown.Note, "version 1 holds what Cloud Control writes") {
		t.Fatalf("the plan shown: %+v", shown)
	}
	if got := r.changing(); len(got) != 0 {
		t.Fatalf("a declined deploy changed %v", got)
	}
	if now, _ := r.ssm().GetDocument(ctx, &ssm.GetDocumentInput{Name: name, DocumentFormat: ssmtypes.DocumentFormatYaml}); sdkaws.ToString(now.Content) != edited {
		t.Fatal("the hand edit was overwritten without a confirmation")
	}

	res, err := r.deploy(berlinOpts, func(*DeployPlan) (bool, error) { return true, nil })
	if err != nil {
		t.Fatal(err)
	}
	if got := r.changing(); !slices.Equal(got, []string{"ssm UpdateDocumentDefaultVersion"}) || res.Outcome != "done" {
		t.Fatalf("the confirmed deploy made %v", got)
	}
	now, err := r.ssm().GetDocument(ctx, &ssm.GetDocumentInput{Name: name, DocumentFormat: ssmtypes.DocumentFormatYaml})
	if err != nil || sdkaws.ToString(now.Content) != written || sdkaws.ToString(now.DocumentVersion) != "1" {
		t.Fatalf("after the confirmed deploy: version %s, its own content: %v (%v)", sdkaws.ToString(now.DocumentVersion), sdkaws.ToString(now.Content) == written, err)
	}
	if d, err := r.svc.Deployed(ctx, r.env("shop")); err != nil || d.Documents[0].ChangedInAWS || d.Documents[0].Version != "1" || d.Documents[0].LatestVersion != "2" {
		t.Fatalf("deployed after: %+v %v", d, err)
	}
}

// --remove deletes what deploys created (the lease's schedule too) and
// nothing else: a colleague's runbook, schedule group and role stay.
func TestRemoveDeletesOnlyWhatDeployCreatedOnTheSandbox(t *testing.T) {
	r := newSandboxRig(t, map[string]string{"shop": sandboxShop})
	ctx := context.Background()
	if _, err := r.deploy(berlinOpts, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := r.start("shop", 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	// A colleague's own runbook, role and schedule (in their own group).
	team := "TeamScheduler"
	if _, err := r.iam().CreateRole(ctx, &iam.CreateRoleInput{RoleName: sdkaws.String(team),
		AssumeRolePolicyDocument: sdkaws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"scheduler.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ssm().CreateDocument(ctx, &ssm.CreateDocumentInput{Name: sdkaws.String("Team-report"), DocumentType: ssmtypes.DocumentTypeAutomation,
		DocumentFormat: ssmtypes.DocumentFormatYaml, Content: sdkaws.String("schemaVersion: '0.3'\nmainSteps:\n- {name: nap, action: aws:sleep, inputs: {Duration: PT1S}}\n")}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.scheduler().CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: sdkaws.String("team")}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.scheduler().CreateSchedule(ctx, &scheduler.CreateScheduleInput{GroupName: sdkaws.String("team"), Name: sdkaws.String("nightly"),
		ScheduleExpression: sdkaws.String("cron(0 2 * * ? *)"), FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff},
		Target: &schedtypes.Target{Arn: sdkaws.String(UniversalTarget), RoleArn: sdkaws.String("arn:aws:iam::" + account + ":role/" + team),
			Input: sdkaws.String(`{"DocumentName":"Team-report"}`)}}); err != nil {
		t.Fatal(err)
	}

	r.sb.ResetRequests()
	res, err := r.deploy(DeployOptions{Remove: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range res.Plan.Schedules {
		names = append(names, s.Name+" "+string(s.Change))
	}
	if !slices.Equal(names, []string{"lease delete", "start delete", "stop delete"}) || res.Plan.Group.Change != Delete {
		t.Fatalf("the removal plan: schedules %v, group %+v", names, res.Plan.Group)
	}
	// The reverse of their making: schedules, group, runbooks, roles.
	want := []string{"scheduler DeleteSchedule", "scheduler DeleteSchedule", "scheduler DeleteSchedule", "scheduler DeleteScheduleGroup",
		"ssm DeleteDocument", "ssm DeleteDocument", "iam DeleteRolePolicy", "iam DeleteRole", "iam DeleteRolePolicy", "iam DeleteRole"}
	if got := r.changing(); !slices.Equal(got, want) {
		t.Fatalf("the removal made %v, want %v", got, want)
	}
	for _, name := range []string{"CloudControl-shop-start", "CloudControl-shop-stop"} {
		if _, err := r.ssm().DescribeDocument(ctx, &ssm.DescribeDocumentInput{Name: sdkaws.String(name)}); err == nil {
			t.Errorf("%s is still there", name)
		}
	}
	if _, err := r.scheduler().GetScheduleGroup(ctx, &scheduler.GetScheduleGroupInput{Name: sdkaws.String("cloudcontrol-shop")}); err == nil {
		t.Error("the group is still there")
	}
	for _, name := range []string{"CloudControl-shop-automation", "CloudControl-shop-scheduler"} {
		if _, err := r.iam().GetRole(ctx, &iam.GetRoleInput{RoleName: sdkaws.String(name)}); err == nil {
			t.Errorf("%s is still there", name)
		}
	}
	// The colleague's are untouched.
	if _, err := r.ssm().DescribeDocument(ctx, &ssm.DescribeDocumentInput{Name: sdkaws.String("Team-report")}); err != nil {
		t.Errorf("Team-report: %v", err)
	}
	if _, err := r.scheduler().GetSchedule(ctx, &scheduler.GetScheduleInput{GroupName: sdkaws.String("team"), Name: sdkaws.String("nightly")}); err != nil {
		t.Errorf("team/nightly: %v", err)
	}
	if _, err := r.iam().GetRole(ctx, &iam.GetRoleInput{RoleName: sdkaws.String(team)}); err != nil {
		t.Errorf("%s: %v", team, err)
	}
	res, err = r.deploy(DeployOptions{Remove: true}, nil)
	if err != nil || res.Plan.Changes != 0 || !strings.HasPrefix(res.Message, "nothing to remove") {
		t.Errorf("removing again: %v %q", err, res.Message)
	}
}

// What cannot be deployed is refused before anything is written.
func TestDeployRefusalsChangeNothingOnTheSandbox(t *testing.T) {
	r := newSandboxRig(t, map[string]string{"shop": sandboxShop})
	r.sb.ResetRequests()
	for _, tc := range []struct {
		opts DeployOptions
		says string
	}{
		{DeployOptions{AutomationRole: "arn:aws:iam::" + account + ":role/nobody", SchedulerRole: "arn:aws:iam::" + account + ":role/nobody-either"},
			"--automation-role arn:aws:iam::123456789012:role/nobody does not exist, so nothing was deployed"},
		{DeployOptions{CreateRoles: true, StartAt: "cron(0 25 * * ? *)"}, "the start schedule"},
		{DeployOptions{CreateRoles: true, StartAt: "every morning"}, "the start schedule"},
		{DeployOptions{CreateRoles: true, StartAt: "cron(0 8 ? * MON-FRI *)", Timezone: "Mars/Olympus_Mons"}, "--timezone"},
		{DeployOptions{CreateRoles: true, StopAt: "at(2020-01-01T00:00:00)"}, "never runs again"},
	} {
		_, err := r.deploy(tc.opts, nil)
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%+v: %v; want %q", tc.opts, err, tc.says)
		}
	}
	if got := r.changing(); len(got) != 0 {
		t.Fatalf("refused deploys changed %v", got)
	}
}
