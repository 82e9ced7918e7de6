package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/runbook"
	"cloudcontrol/backend/sandbox"
)

// The in-AWS contract suite: what env deploy writes (the exported runbooks,
// the schedule group and schedules, the two roles with their policies) is
// accepted and read back identical, Run Command, SSM's inventory and EC2
// tags, on every target. What moto cannot check is skipped there, saying
// why (see motoGaps).
var inAWSTests = []struct {
	name string
	fn   func(t *testing.T, fx *inAWSFixture)
}{
	{"DocumentsFromExport", testDocumentsFromExport},
	{"DocumentVersions", testDocumentVersions},
	{"DocumentContentChecked", testDocumentContent},
	{"RolesWithPolicies", testRolesWithPolicies},
	{"RoleHalfMadeIsTakenBack", testRoleTakenBack},
	{"ScheduleGroupAndSchedules", testSchedules},
	{"ScheduleNeedsItsRole", testScheduleRole},
	{"RunCommand", testRunCommand},
	{"RunCommandUnreachable", testRunCommandUnreachable},
	{"ManagedInstances", testManaged},
	{"Tagger", testTagger},
	{"Automation", testAutomation},
	{"PermissionsNamed", testPermissionsNamed},
	{"Throttled", testThrottled},
}

// Why moto cannot check a test (moto 5.2.5's ssm, scheduler and iam).
const (
	motoNoInvocations = "moto has no ListCommandInvocations: a command's results cannot be read"
	motoNoInventory   = "moto has no DescribeInstanceInformation: SSM's inventory cannot be read"
	motoReachesAll    = "moto's SendCommand takes any instance id, managed or not"
	motoNoAutomation  = "moto does not execute automations (no StartAutomationExecution) nor fire schedules"
	motoNoRoleCheck   = "moto's CreateSchedule does not check that the target's role exists"
	motoNoConflict    = "moto's CreateScheduleGroup replaces an existing group (and drops its schedules) instead of a ConflictException"
	motoNoFaults      = "moto injects no faults"
	motoNoPolicyCheck = "moto stores inline policies without checking them"
	motoNoGroupCheck  = "moto answers CreateSchedule in a schedule group that does not exist with an internal error (HTTP 500)"
	motoNoContent     = "moto's CreateDocument does not check an Automation document's steps (any action, no inputs)"
	motoNoTagCheck    = "moto's CreateTags takes instance ids that do not exist"
)

func TestInAWSContract(t *testing.T) {
	for _, tg := range targets(t) {
		it, ok := tg.(inAWSTarget)
		if !ok {
			continue
		}
		t.Run(tg.name(), func(t *testing.T) {
			for _, tc := range inAWSTests {
				t.Run(tc.name, func(t *testing.T) { tc.fn(t, it.openInAWS(t)) })
			}
		})
	}
}

// exported is env export of an example environment, for the target's account.
func exported(t *testing.T, fx *inAWSFixture, file string) *runbook.Export {
	t.Helper()
	e, problems := env.LoadFile("../../environments/" + file)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	x, err := runbook.Build(e, runbook.Options{Account: fx.account})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func testDocumentsFromExport(t *testing.T, fx *inAWSFixture) {
	d := fx.session(t, nil).Documents()
	for _, file := range []string{"three-tier.yaml", "analytics.yaml"} {
		x := exported(t, fx, file)
		for _, doc := range []struct {
			name    string
			content []byte
		}{{runbook.StartDocumentName(x.Env), x.Start}, {runbook.StopDocumentName(x.Env), x.Stop}} {
			name := fx.name(doc.name)
			tags := map[string]string{cloud.TagEnv: x.Env}
			made, err := d.CreateDocument(ctx, fx.region, cloud.Document{Name: name, Content: string(doc.content), Tags: tags})
			if err != nil {
				t.Fatalf("%s: CreateDocument: %v", name, err)
			}
			if made.Version != "1" || made.Hash != sha256Hex(string(doc.content)) {
				t.Fatalf("%s: created %+v", name, made)
			}
			got, err := d.GetDocument(ctx, fx.region, name)
			if err != nil {
				t.Fatalf("%s: GetDocument: %v", name, err)
			}
			if got.Content != string(doc.content) || got.Version != "1" || got.DefaultVersion != "1" || got.LatestVersion != "1" ||
				got.Hash != sha256Hex(string(doc.content)) || !maps.Equal(got.Tags, tags) {
				t.Fatalf("%s: read back %+v, content equal: %v", name, *got, got.Content == string(doc.content))
			}
			_, err = d.CreateDocument(ctx, fx.region, cloud.Document{Name: name, Content: string(doc.content)})
			if !errors.Is(err, cloud.ErrExists) {
				t.Fatalf("%s: a second CreateDocument: %v", name, err)
			}
		}
	}
}

func testDocumentVersions(t *testing.T, fx *inAWSFixture) {
	d := fx.session(t, nil).Documents()
	x := exported(t, fx, "three-tier.yaml")
	name := fx.name(runbook.StartDocumentName(x.Env))
	if _, err := d.CreateDocument(ctx, fx.region, cloud.Document{Name: name, Content: string(x.Start)}); err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(x.Start), "timeoutSeconds: 300", "timeoutSeconds: 600", 1)
	up, err := d.UpdateDocument(ctx, fx.region, name, changed)
	if err != nil || up.Version != "2" || up.LatestVersion != "2" || up.DefaultVersion != "1" {
		t.Fatalf("UpdateDocument: %+v %v", up, err)
	}
	if got, err := d.GetDocument(ctx, fx.region, name); err != nil || got.Content != string(x.Start) || got.Version != "1" {
		t.Fatalf("the default stays version 1 until it is set: %+v %v", got, err)
	}
	if _, err := d.UpdateDocument(ctx, fx.region, name, changed); !errors.Is(err, cloud.ErrExists) {
		t.Fatalf("an update that changes nothing: %v", err)
	}
	// Content equal to an older version is refused too, not only the latest's.
	if _, err := d.UpdateDocument(ctx, fx.region, name, string(x.Start)); !errors.Is(err, cloud.ErrExists) {
		t.Fatalf("an update back to version 1's content: %v", err)
	}
	// ...so the version that has it is found, to be made the default.
	for content, want := range map[string]string{string(x.Start): "1", changed: "2", changed + "\n# another\n": ""} {
		if got, err := d.(*Documents).VersionWithContent(ctx, fx.region, name, content); err != nil || got != want {
			t.Fatalf("VersionWithContent: %q %v, want %q", got, err, want)
		}
	}
	if err := d.SetDefaultVersion(ctx, fx.region, name, "2"); err != nil {
		t.Fatal(err)
	}
	if got, err := d.GetDocument(ctx, fx.region, name); err != nil || got.Content != changed || got.Version != "2" || got.DefaultVersion != "2" {
		t.Fatalf("after SetDefaultVersion 2: %+v %v", got, err)
	}
	if err := d.DeleteDocument(ctx, fx.region, name); err != nil {
		t.Fatal(err)
	}
	_, err = d.GetDocument(ctx, fx.region, name)
	var nf *cloud.NotFoundError
	if !errors.As(err, &nf) || nf.Kind != "SSM document" || nf.IDs[0] != name {
		t.Fatalf("after DeleteDocument: %v", err)
	}
	if err := d.DeleteDocument(ctx, fx.region, name); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("deleting it again: %v", err)
	}
}

// trust is a role's trust policy for an AWS service.
func trust(service string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`
}

// deployRoles creates the two roles env deploy --create-roles creates.
func deployRoles(t *testing.T, fx *inAWSFixture, x *runbook.Export) (automation, scheduler *cloud.Role) {
	t.Helper()
	r := fx.session(t, nil).Roles()
	var err error
	automation, err = r.CreateRole(ctx, cloud.Role{Name: fx.name(runbook.AutomationRoleName(x.Env)), TrustPolicy: trust("ssm.amazonaws.com"),
		Policies: map[string]string{"runbook": string(x.AutomationPolicy)}, Tags: map[string]string{cloud.TagEnv: x.Env}})
	if err != nil {
		t.Fatalf("CreateRole automation: %v", err)
	}
	scheduler, err = r.CreateRole(ctx, cloud.Role{Name: fx.name(runbook.SchedulerRoleName(x.Env)), TrustPolicy: trust("scheduler.amazonaws.com"),
		Policies: map[string]string{"start-runbooks": string(x.SchedulerPolicy)}})
	if err != nil {
		t.Fatalf("CreateRole scheduler: %v", err)
	}
	return automation, scheduler
}

func testRolesWithPolicies(t *testing.T, fx *inAWSFixture) {
	r := fx.session(t, nil).Roles()
	x := exported(t, fx, "three-tier.yaml")
	automation, _ := deployRoles(t, fx, x)
	if automation.ARN != "arn:aws:iam::"+fx.account+":role/"+automation.Name {
		t.Fatalf("role ARN %s", automation.ARN)
	}
	got, err := r.GetRole(ctx, automation.Name)
	if err != nil {
		t.Fatal(err)
	}
	if got.TrustPolicy != trust("ssm.amazonaws.com") || got.Policies["runbook"] != string(x.AutomationPolicy) || len(got.Policies) != 1 ||
		got.Tags[cloud.TagEnv] != x.Env || got.ARN != automation.ARN {
		t.Fatalf("read back %+v", got)
	}
	narrower := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}]}`
	if err := r.PutRolePolicy(ctx, automation.Name, "describe", narrower); err != nil {
		t.Fatal(err)
	}
	if err := r.DeleteRolePolicy(ctx, automation.Name, "runbook"); err != nil {
		t.Fatal(err)
	}
	if got, err := r.GetRole(ctx, automation.Name); err != nil || len(got.Policies) != 1 || got.Policies["describe"] != narrower {
		t.Fatalf("after replacing the policy: %+v %v", got, err)
	}
	if _, err := r.CreateRole(ctx, cloud.Role{Name: automation.Name, TrustPolicy: trust("ssm.amazonaws.com")}); !errors.Is(err, cloud.ErrExists) {
		t.Fatalf("a second CreateRole: %v", err)
	}
	if err := r.DeleteRole(ctx, automation.Name); err != nil { // its inline policy first, then the role
		t.Fatal(err)
	}
	_, err = r.GetRole(ctx, automation.Name)
	var nf *cloud.NotFoundError
	if !errors.As(err, &nf) || nf.Kind != "IAM role" {
		t.Fatalf("after DeleteRole: %v", err)
	}
}

func testRoleTakenBack(t *testing.T, fx *inAWSFixture) {
	fx.skipUnless(t, fx.policyChecks, motoNoPolicyCheck)
	r := fx.session(t, nil).Roles()
	name := fx.name("CloudControl-broken-automation")
	_, err := r.CreateRole(ctx, cloud.Role{Name: name, TrustPolicy: trust("ssm.amazonaws.com"), Policies: map[string]string{"runbook": `{"Statement": [`}})
	if !errors.Is(err, cloud.ErrInvalid) {
		t.Fatalf("a policy that is not JSON: %v", err)
	}
	if _, err := r.GetRole(ctx, name); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("the role without its policy was left behind: %v", err)
	}
}

// deploySchedules writes what env deploy writes for an environment with a
// schedule and a lease: the group and the start, stop and lease schedules.
func deploySchedules(t *testing.T, fx *inAWSFixture, x *runbook.Export, automationRole, schedulerRole string, lease time.Time) (string, []cloud.Schedule) {
	t.Helper()
	s := fx.session(t, nil).Schedules()
	group := fx.name(runbook.ScheduleGroupName(x.Env))
	if err := s.CreateGroup(ctx, fx.region, group, map[string]string{cloud.TagEnv: x.Env}); err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	input := func(doc string) string {
		b, err := json.Marshal(map[string]any{"DocumentName": fx.name(doc), "Parameters": map[string][]string{runbook.AssumeRoleParameter: {automationRole}}})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	want := []cloud.Schedule{
		{Group: group, Name: "lease", Expression: "at(" + lease.UTC().Format("2006-01-02T15:04:05") + ")", Timezone: "UTC", State: "ENABLED",
			Description: "ends the lease of " + x.Env, TargetARN: sandbox.StartAutomationTarget, RoleARN: schedulerRole,
			Input: input(runbook.StopDocumentName(x.Env)), DeleteAfter: true},
		{Group: group, Name: "start", Expression: "cron(0 8 ? * MON-FRI *)", Timezone: "Europe/Berlin", State: "ENABLED",
			Description: "starts " + x.Env, TargetARN: sandbox.StartAutomationTarget, RoleARN: schedulerRole, Input: input(runbook.StartDocumentName(x.Env))},
		{Group: group, Name: "stop", Expression: "cron(0 19 ? * MON-FRI *)", Timezone: "Europe/Berlin", State: "ENABLED",
			Description: "stops " + x.Env, TargetARN: sandbox.StartAutomationTarget, RoleARN: schedulerRole, Input: input(runbook.StopDocumentName(x.Env))},
	}
	for _, sc := range want {
		if err := s.CreateSchedule(ctx, fx.region, sc); err != nil {
			t.Fatalf("CreateSchedule %s: %v", sc.Name, err)
		}
	}
	return group, want
}

func testSchedules(t *testing.T, fx *inAWSFixture) {
	s := fx.session(t, nil).Schedules()
	x := exported(t, fx, "three-tier.yaml")
	automation, scheduler := deployRoles(t, fx, x)
	group, want := deploySchedules(t, fx, x, automation.ARN, scheduler.ARN, time.Date(2031, 1, 2, 18, 0, 0, 0, time.UTC))
	if ok, err := s.GroupExists(ctx, fx.region, group); err != nil || !ok {
		t.Fatalf("GroupExists: %v %v", ok, err)
	}
	if tags, err := s.GroupTags(ctx, fx.region, group); err != nil || !maps.Equal(tags, map[string]string{cloud.TagEnv: x.Env}) {
		t.Fatalf("GroupTags: %v %v", tags, err)
	}
	for _, w := range want {
		got, err := s.GetSchedule(ctx, fx.region, group, w.Name)
		if err != nil || *got != w {
			t.Fatalf("GetSchedule %s:\n got %+v (%v)\nwant %+v", w.Name, got, err, w)
		}
	}
	list, err := s.ListSchedules(ctx, fx.region, group)
	if err != nil || len(list) != 3 || list[0] != want[0] || list[1] != want[1] || list[2] != want[2] {
		t.Fatalf("ListSchedules: %+v %v", list, err)
	}
	moved := want[2]
	moved.Expression, moved.Description = "cron(30 18 ? * MON-FRI *)", "stops "+x.Env+" earlier"
	if err := s.UpdateSchedule(ctx, fx.region, moved); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetSchedule(ctx, fx.region, group, "stop"); err != nil || *got != moved {
		t.Fatalf("after UpdateSchedule: %+v %v", got, err)
	}
	if fx.groupConflicts {
		if err := s.CreateGroup(ctx, fx.region, group, nil); !errors.Is(err, cloud.ErrExists) {
			t.Fatalf("a second CreateGroup: %v", err)
		}
	} else {
		t.Logf("%s: not checked: %s", fx.target, motoNoConflict)
	}
	if err := s.CreateSchedule(ctx, fx.region, want[1]); !errors.Is(err, cloud.ErrExists) {
		t.Fatalf("a second CreateSchedule: %v", err)
	}
	if err := s.DeleteSchedule(ctx, fx.region, group, "lease"); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetSchedule(ctx, fx.region, group, "lease")
	var nf *cloud.NotFoundError
	if !errors.As(err, &nf) || nf.Kind != "schedule" {
		t.Fatalf("after DeleteSchedule: %v", err)
	}
	if err := s.DeleteGroup(ctx, fx.region, group); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.GroupExists(ctx, fx.region, group); err != nil || ok {
		t.Fatalf("after DeleteGroup: %v %v", ok, err)
	}
	if _, err := s.GroupTags(ctx, fx.region, group); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("GroupTags of a group that is gone: %v", err)
	}
	if !fx.groupChecked {
		t.Logf("%s: not checked: %s", fx.target, motoNoGroupCheck)
		return
	}
	if err := s.CreateSchedule(ctx, fx.region, want[1]); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("a schedule in a group that is gone: %v", err)
	}
}

func testScheduleRole(t *testing.T, fx *inAWSFixture) {
	fx.skipUnless(t, fx.checksRoles, motoNoRoleCheck)
	s := fx.session(t, nil).Schedules()
	group := fx.name("cloudcontrol-norole")
	if err := s.CreateGroup(ctx, fx.region, group, nil); err != nil {
		t.Fatal(err)
	}
	err := s.CreateSchedule(ctx, fx.region, cloud.Schedule{Group: group, Name: "stop", Expression: "rate(1 day)", TargetARN: sandbox.StartAutomationTarget,
		RoleARN: "arn:aws:iam::" + fx.account + ":role/nobody", Input: `{"DocumentName":"x"}`})
	if !errors.Is(err, cloud.ErrInvalid) || !strings.Contains(err.Error(), "assume the role") {
		t.Fatalf("a role that does not exist: %v", err)
	}
}

func testRunCommand(t *testing.T, fx *inAWSFixture) {
	c := fx.session(t, nil).Commands()
	id, err := c.SendShell(ctx, fx.region, []string{fx.managed}, []string{"echo ready"}, time.Minute)
	if err != nil || id == "" {
		t.Fatalf("SendShell: %q %v", id, err)
	}
	fx.skipUnless(t, fx.runsCommands, motoNoInvocations)
	var res []cloud.CommandResult
	fx.wait(t, "the command to end", time.Minute, func() bool {
		res, err = c.Results(ctx, fx.region, id)
		if err != nil {
			t.Fatal(err)
		}
		return len(res) == 1 && res[0].Done()
	})
	if r := res[0]; r.Instance != fx.managed || r.Status != cloud.CommandSuccess || r.ExitCode != 0 || r.Output != "ready\n" || r.Detail != "Success" {
		t.Fatalf("result %+v", r)
	}
	if _, err := c.Results(ctx, fx.region, "00000000-0000-4000-a000-000000000000"); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("a command that does not exist: %v", err)
	}
}

func testRunCommandUnreachable(t *testing.T, fx *inAWSFixture) {
	fx.skipUnless(t, fx.reachability, motoReachesAll)
	_, err := fx.session(t, nil).Commands().SendShell(ctx, fx.region, []string{fx.managed, fx.unmanaged}, []string{"true"}, time.Minute)
	var nf *cloud.NotFoundError
	if !errors.As(err, &nf) || nf.Kind != "SSM managed instance" || len(nf.IDs) != 1 || nf.IDs[0] != fx.unmanaged {
		t.Fatalf("an instance SSM does not manage: %v", err)
	}
}

func testManaged(t *testing.T, fx *inAWSFixture) {
	fx.skipUnless(t, fx.inventory, motoNoInventory)
	got, err := fx.session(t, nil).Commands().Managed(ctx, fx.region, []string{fx.managed, fx.unmanaged})
	if err != nil || len(got) != 1 || got[fx.managed].PingStatus != "Online" || got[fx.managed].Platform != "Linux" || got[fx.managed].LastPing.IsZero() {
		t.Fatalf("Managed: %+v %v", got, err)
	}
}

func testTagger(t *testing.T, fx *inAWSFixture) {
	s := fx.session(t, nil)
	until := "2031-01-02T18:00:00Z"
	tags := map[string]string{cloud.TagLeaseUntil: until, cloud.TagLeaseBy: "arn:aws:iam::" + fx.account + ":user/tester"}
	if err := s.Tagger().Tag(ctx, fx.region, []string{fx.managed, fx.unmanaged}, tags); err != nil {
		t.Fatal(err)
	}
	got, err := s.Fleet().Describe(ctx, fx.region, []string{fx.managed})
	if err != nil || len(got) != 1 || got[0].LeaseUntil == nil || got[0].LeaseUntil.Format(time.RFC3339) != until || got[0].LeaseBy != tags[cloud.TagLeaseBy] {
		t.Fatalf("after Tag: %+v %v", got, err)
	}
	if err := s.Tagger().Untag(ctx, fx.region, []string{fx.managed, fx.unmanaged}, []string{cloud.TagLeaseUntil, cloud.TagLeaseBy}); err != nil {
		t.Fatal(err)
	}
	got, err = s.Fleet().Describe(ctx, fx.region, []string{fx.unmanaged})
	if err != nil || len(got) != 1 || got[0].LeaseUntil != nil || got[0].Tags[cloud.TagLeaseBy] != "" {
		t.Fatalf("after Untag: %+v %v", got, err)
	}
	if !fx.tagsCheckIDs {
		t.Logf("%s: not checked: %s", fx.target, motoNoTagCheck)
		return
	}
	if err := s.Tagger().Tag(ctx, fx.region, []string{"i-0ffffffffffffff01"}, tags); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("an instance that does not exist: %v", err)
	}
}

func testDocumentContent(t *testing.T, fx *inAWSFixture) {
	fx.skipUnless(t, fx.contentChecks, motoNoContent)
	d := fx.session(t, nil).Documents()
	for _, bad := range []string{
		"schemaVersion: '0.3'\nmainSteps:\n- {name: go, action: aws:teleport, inputs: {}}\n",
		"schemaVersion: '0.3'\nmainSteps:\n- {name: go, action: aws:changeInstanceState, inputs: {DesiredState: running}}\n",
	} {
		_, err := d.CreateDocument(ctx, fx.region, cloud.Document{Name: fx.name("bad-runbook"), Content: bad})
		if !errors.Is(err, cloud.ErrInvalid) || !strings.Contains(err.Error(), "InvalidDocumentContent") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func testAutomation(t *testing.T, fx *inAWSFixture) {
	fx.skipUnless(t, fx.executes, motoNoAutomation)
	d := fx.session(t, nil).Documents()
	doc := "schemaVersion: '0.3'\nparameters: {Who: {type: String}}\noutputs: [find.Ids]\nmainSteps:\n" +
		"- name: find\n  action: aws:executeAwsApi\n  inputs: {Service: ec2, Api: DescribeInstances, Filters: [{Name: 'tag:Name', Values: ['{{ Who }}']}]}\n" +
		"  outputs: [{Name: Ids, Selector: '$.Reservations..Instances..InstanceId', Type: StringList}]\n" +
		"- {name: nap, action: aws:sleep, inputs: {Duration: PT30S}}\n"
	if _, err := d.CreateDocument(ctx, fx.region, cloud.Document{Name: "find-and-nap", Content: doc}); err != nil {
		t.Fatal(err)
	}
	id, err := d.StartAutomation(ctx, fx.region, "find-and-nap", map[string][]string{"Who": {"managed-1"}})
	if err != nil {
		t.Fatal(err)
	}
	var run *cloud.AutomationRun
	fx.wait(t, "the automation to end", time.Minute, func() bool {
		if run, err = d.Automation(ctx, fx.region, id); err != nil {
			t.Fatal(err)
		}
		return run.Status != cloud.AutomationInProgress && run.Status != cloud.AutomationPending
	})
	if run.Status != cloud.AutomationSuccess || run.Document != "find-and-nap" || len(run.Steps) != 2 || run.Steps[1].Ended.Sub(run.Steps[1].Started) != 30*time.Second ||
		fmt.Sprint(run.Outputs["find.Ids"]) != "["+fx.managed+"]" || fmt.Sprint(run.Steps[0].Outputs["Ids"]) != "["+fx.managed+"]" {
		t.Fatalf("run %+v", run)
	}
	if _, err := d.Automation(ctx, fx.region, "00000000-0000-4000-a000-000000000000"); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("an execution that does not exist: %v", err)
	}
	if _, err := d.StartAutomation(ctx, fx.region, "no-such-runbook", nil); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("a runbook that does not exist: %v", err)
	}
}

// testPermissionsNamed: a refusal names the IAM action the caller lacks.
func testPermissionsNamed(t *testing.T, fx *inAWSFixture) {
	fx.skipUnless(t, fx.fault != nil, motoNoFaults)
	s := fx.session(t, nil)
	calls := []struct {
		action, iamAction string
		call              func() error
	}{
		{"SendCommand", "ssm:SendCommand", func() error {
			_, err := s.Commands().SendShell(ctx, fx.region, []string{fx.managed}, []string{"true"}, time.Minute)
			return err
		}},
		{"CreateDocument", "ssm:CreateDocument", func() error {
			_, err := s.Documents().CreateDocument(ctx, fx.region, cloud.Document{Name: "denied", Content: "{}"})
			return err
		}},
		{"CreateSchedule", "scheduler:CreateSchedule", func() error {
			return s.Schedules().CreateSchedule(ctx, fx.region, cloud.Schedule{Group: "default", Name: "denied", Expression: "rate(1 day)"})
		}},
		{"CreateRole", "iam:CreateRole", func() error {
			_, err := s.Roles().CreateRole(ctx, cloud.Role{Name: "denied", TrustPolicy: trust("ssm.amazonaws.com")})
			return err
		}},
		{"CreateTags", "ec2:CreateTags", func() error {
			return s.Tagger().Tag(ctx, fx.region, []string{fx.managed}, map[string]string{"k": "v"})
		}},
	}
	for _, c := range calls {
		fx.fault(t, "denied", c.action, 1)
		err := c.call()
		var denied *cloud.AccessDeniedError
		if !errors.As(err, &denied) || denied.Action != c.iamAction || !strings.Contains(err.Error(), "needs the IAM permission "+c.iamAction) {
			t.Errorf("%s refused: %v (%#v)", c.action, err, denied)
		}
	}
}

func testThrottled(t *testing.T, fx *inAWSFixture) {
	fx.skipUnless(t, fx.fault != nil, motoNoFaults)
	// One attempt: the SDK's adaptive retries would slow the test down.
	s := fx.session(t, nil, func(o *Options) { o.MaxAttempts = 1 })
	for _, action := range []string{"GetScheduleGroup", "GetRole", "DescribeInstanceInformation"} {
		fx.fault(t, "throttle", action, 1)
	}
	// Each is cloud.ErrThrottled and a *cloud.ThrottledError naming the call.
	throttled := func(what, iamAction string, err error) {
		t.Helper()
		var th *cloud.ThrottledError
		if !errors.Is(err, cloud.ErrThrottled) || !errors.As(err, &th) || th.Action != iamAction ||
			!strings.Contains(err.Error(), "AWS throttled "+iamAction+" even after retrying") {
			t.Errorf("%s: %v (%#v)", what, err, th)
		}
	}
	_, err := s.Schedules().GroupExists(ctx, fx.region, "default")
	throttled("scheduler", "scheduler:GetScheduleGroup", err)
	_, err = s.Roles().GetRole(ctx, "any")
	throttled("iam", "iam:GetRole", err)
	_, err = s.Commands().Managed(ctx, fx.region, []string{fx.managed})
	throttled("ssm", "ssm:DescribeInstanceInformation", err)
	fx.fault(t, "throttle", "CreateTags", 1)
	throttled("ec2", "ec2:CreateTags", s.Tagger().Tag(ctx, fx.region, []string{fx.managed}, map[string]string{"k": "v"}))
}
