package cloudtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

var ctx = context.Background()

func TestSSMRegistersAfterTheAgentsDelayAndRunsCommands(t *testing.T) {
	clock := clockwork.NewFakeClockAt(t0)
	c := NewCloud(clock, "123456789012")
	c.EC2.Add("i-1", "db", cloud.Stopped, nil)
	c.SSM.Install("i-1", Agent{Delay: 20 * time.Second, Run: func(lines []string, attempt int) Outcome {
		if attempt == 1 {
			return Outcome{Exit: 3, Output: "not yet", Took: 2 * time.Second}
		}
		return Outcome{Took: time.Second}
	}})
	if m, _ := c.SSM.Managed(ctx, "eu-west-1", []string{"i-1"}); len(m) != 0 {
		t.Fatalf("a stopped instance that never ran is managed: %v", m)
	}
	if err := c.EC2.Start(ctx, "eu-west-1", []string{"i-1"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Second) // running now
	if _, err := c.SSM.SendShell(ctx, "eu-west-1", []string{"i-1"}, []string{"true"}, time.Minute); err == nil {
		t.Error("a command was sent to an instance SSM does not see yet")
	}
	clock.Advance(20 * time.Second)
	if m, _ := c.SSM.Managed(ctx, "eu-west-1", []string{"i-1"}); m["i-1"].PingStatus != "Online" {
		t.Fatalf("20s after running: %v", m)
	}
	id, err := c.SSM.SendShell(ctx, "eu-west-1", []string{"i-1"}, []string{"check"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := c.SSM.Results(ctx, "eu-west-1", id)
	if r[0].Done() || r[0].ExitCode != -1 {
		t.Errorf("at once: %+v", r[0])
	}
	clock.Advance(2 * time.Second)
	if r, _ = c.SSM.Results(ctx, "eu-west-1", id); r[0].Status != cloud.CommandFailed || r[0].ExitCode != 3 || r[0].Output != "not yet" {
		t.Errorf("after 2s: %+v", r[0])
	}
	if _, err := c.SSM.Results(ctx, "eu-west-1", "cmd-9"); !errors.Is(err, cloud.ErrNotFound) {
		t.Errorf("unknown command: %v", err)
	}
	if err := c.EC2.Stop(ctx, "eu-west-1", []string{"i-1"}); err != nil {
		t.Fatal(err)
	}
	if m, _ := c.SSM.Managed(ctx, "eu-west-1", []string{"i-1"}); m["i-1"].PingStatus != "ConnectionLost" {
		t.Errorf("stopped: %v", m)
	}
}

func TestDocumentsKeepVersionsAsSSMDoes(t *testing.T) {
	d := NewDocuments(clockwork.NewFakeClockAt(t0))
	if _, err := d.GetDocument(ctx, "eu-west-1", "x"); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	if _, err := d.CreateDocument(ctx, "eu-west-1", cloud.Document{Name: "x", Content: "a", Tags: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.CreateDocument(ctx, "eu-west-1", cloud.Document{Name: "x", Content: "a"}); err == nil {
		t.Error("created twice")
	}
	if _, err := d.UpdateDocument(ctx, "eu-west-1", "x", "a"); err == nil {
		t.Error("an update with the same content was taken")
	}
	v, err := d.UpdateDocument(ctx, "eu-west-1", "x", "b")
	if err != nil || v.Version != "2" {
		t.Fatalf("update: %+v %v", v, err)
	}
	if got, _ := d.GetDocument(ctx, "eu-west-1", "x"); got.Content != "a" || got.LatestVersion != "2" || got.Tags["k"] != "v" {
		t.Errorf("before the default moves: %+v", got)
	}
	if err := d.SetDefaultVersion(ctx, "eu-west-1", "x", "2"); err != nil {
		t.Fatal(err)
	}
	if got, _ := d.GetDocument(ctx, "eu-west-1", "x"); got.Content != "b" || got.DefaultVersion != "2" {
		t.Errorf("after: %+v", got)
	}
	d.FailNext("DeleteDocument", &cloud.AccessDeniedError{Action: "ssm:DeleteDocument"})
	if err := d.DeleteDocument(ctx, "eu-west-1", "x"); err == nil {
		t.Error("the fault did not fail the call")
	}
	if err := d.DeleteDocument(ctx, "eu-west-1", "x"); err != nil || len(d.Names("eu-west-1")) != 0 {
		t.Errorf("delete: %v %v", err, d.Names("eu-west-1"))
	}
}

func TestSchedulerFiresAtSchedulesOnceAndTheyDeleteThemselves(t *testing.T) {
	clock := clockwork.NewFakeClockAt(t0)
	s := NewScheduler(clock)
	var ran []string
	s.Target = func(sc cloud.Schedule, at time.Time) { ran = append(ran, sc.Name+"@"+at.Format("15:04")) }
	base := cloud.Schedule{Group: "g", Timezone: "UTC", TargetARN: "arn:t", RoleARN: "arn:r"}
	lease := base
	lease.Name, lease.Expression, lease.DeleteAfter = "lease", "at(2026-03-02T11:00:00)", true
	if err := s.CreateSchedule(ctx, "eu-west-1", lease); err == nil {
		t.Fatal("a schedule was created in a group that does not exist")
	}
	if err := s.CreateGroup(ctx, "eu-west-1", "g", map[string]string{"cloudcontrol:env": "shop"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSchedule(ctx, "eu-west-1", lease); err != nil {
		t.Fatal(err)
	}
	past := base
	past.Name, past.Expression = "old", "at(2026-03-02T08:00:00)"
	if err := s.CreateSchedule(ctx, "eu-west-1", past); err == nil {
		t.Error("an at() in the past was taken")
	}
	daily := base
	daily.Name, daily.Expression = "stop", "cron(0 19 * * ? *)"
	if err := s.CreateSchedule(ctx, "eu-west-1", daily); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Hour)
	if got := s.Fire(); len(got) != 1 || len(ran) != 1 || ran[0] != "lease@11:00" {
		t.Fatalf("fired %v, ran %v", got, ran)
	}
	if _, err := s.GetSchedule(ctx, "eu-west-1", "g", "lease"); !errors.Is(err, cloud.ErrNotFound) {
		t.Errorf("the lease schedule is still there after it ran: %v", err)
	}
	clock.Advance(24 * time.Hour)
	s.Fire()
	if len(ran) != 2 || ran[1] != "stop@19:00" {
		t.Errorf("ran %v", ran)
	}
	if tags, _ := s.GroupTags(ctx, "eu-west-1", "g"); tags["cloudcontrol:env"] != "shop" {
		t.Errorf("tags %v", tags)
	}
	if err := s.DeleteGroup(ctx, "eu-west-1", "g"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSchedule(ctx, "eu-west-1", "g", "stop"); !errors.Is(err, cloud.ErrNotFound) {
		t.Error("deleting the group left its schedules")
	}
}

func TestIAMRefusesWhatIAMRefuses(t *testing.T) {
	iam := NewIAM(clockwork.NewFakeClockAt(t0), "123456789012")
	r, err := iam.CreateRole(ctx, cloud.Role{Name: "r", TrustPolicy: "{}"})
	if err != nil || r.ARN != "arn:aws:iam::123456789012:role/r" {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := iam.CreateRole(ctx, cloud.Role{Name: "r"}); err == nil {
		t.Error("created twice")
	}
	if err := iam.PutRolePolicy(ctx, "r", "p", "{}"); err != nil {
		t.Fatal(err)
	}
	if err := iam.DeleteRole(ctx, "r"); err == nil {
		t.Error("a role with a policy was deleted")
	}
	if err := iam.DeleteRolePolicy(ctx, "r", "p"); err != nil {
		t.Fatal(err)
	}
	if err := iam.DeleteRole(ctx, "r"); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.GetRole(ctx, "r"); !errors.Is(err, cloud.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
	if got := iam.Mutations(); len(got) != 6 { // the refused calls count too
		t.Errorf("mutations %v", got)
	}
}

func TestFleetTagsShowInDescribe(t *testing.T) {
	f := NewFleet(clockwork.NewFakeClockAt(t0))
	f.Add("i-1", "db", cloud.Running, nil)
	if err := f.Tag(ctx, "eu-west-1", []string{"i-1"}, map[string]string{cloud.TagLeaseUntil: "2026-03-02T11:00:00Z"}); err != nil {
		t.Fatal(err)
	}
	got, _ := f.Describe(ctx, "eu-west-1", []string{"i-1"})
	if got[0].LeaseUntil == nil || !got[0].LeaseUntil.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("lease %v", got[0].LeaseUntil)
	}
	if err := f.Untag(ctx, "eu-west-1", []string{"i-1"}, []string{cloud.TagLeaseUntil}); err != nil {
		t.Fatal(err)
	}
	if got, _ = f.Describe(ctx, "eu-west-1", []string{"i-1"}); got[0].LeaseUntil != nil {
		t.Error("untagged, still leased")
	}
	if err := f.Tag(ctx, "eu-west-1", []string{"i-2"}, map[string]string{"a": "b"}); err == nil {
		t.Error("tagged an instance that does not exist")
	}
}
