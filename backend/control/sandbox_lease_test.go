package control

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
)

// Leases and who has it through the real adapters, and what AWS does with
// them on its own: the sandbox's scheduler and Automation run the
// deployed runbooks with no Cloud Control call in between.

func (r *sandboxRig) leaseSchedule() (*scheduler.GetScheduleOutput, error) {
	return r.scheduler().GetSchedule(context.Background(), &scheduler.GetScheduleInput{GroupName: sdkaws.String("cloudcontrol-shop"), Name: sdkaws.String("lease")})
}

func noteWith(evs []op.Event, part string) string {
	for _, e := range evs {
		if e.Type == op.EventNote && strings.Contains(e.Message, part) {
			return e.Message
		}
	}
	return ""
}

func TestLeaseWithoutTheRunbooksIsKeptOnlyByTheApp(t *testing.T) {
	r := newSandboxRig(t, map[string]string{"shop": sandboxShop})
	began := r.clock.Now().UTC().Truncate(time.Second)
	evs, err := r.start("shop", 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if noteWith(evs, "the lease is kept only while the app is open") == "" {
		t.Errorf("the start did not say the lease is the app's alone: %v", evs)
	}
	for _, id := range []string{dbID, api1ID, api2ID} {
		in := r.instance(id)
		if in.Tags[cloud.TagLeaseUntil] != began.Add(2*time.Hour).Format(time.RFC3339) || in.Tags[cloud.TagLeaseBy] != sandboxCaller {
			t.Errorf("%s: tags %v", id, in.Tags)
		}
	}
	if _, err := r.scheduler().GetScheduleGroup(context.Background(), &scheduler.GetScheduleGroupInput{Name: sdkaws.String("cloudcontrol-shop")}); err == nil {
		t.Error("a schedule group was made for a lease nothing in AWS can keep")
	}
}

func TestLeaseHeldByTheSandboxWithTheAppClosed(t *testing.T) {
	r := newSandboxRig(t, map[string]string{"shop": sandboxShop})
	ctx := context.Background()
	if _, err := r.deploy(DeployOptions{CreateRoles: true}, nil); err != nil {
		t.Fatal(err)
	}
	set := r.clock.Now().UTC().Truncate(time.Second)
	evs, err := r.start("shop", 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if noteWith(evs, "AWS stops it then with the deployed stop runbook (schedule cloudcontrol-shop/lease), also with every laptop closed") == "" {
		t.Errorf("the start's lease note: %v", evs)
	}
	sc, err := r.leaseSchedule()
	if err != nil {
		t.Fatal(err)
	}
	if sdkaws.ToString(sc.ScheduleExpression) != AtExpression(set.Add(2*time.Hour)) || sc.ActionAfterCompletion != schedtypes.ActionAfterCompletionDelete ||
		sc.FlexibleTimeWindow.Mode != schedtypes.FlexibleTimeWindowModeOff || sdkaws.ToString(sc.Target.RoleArn) != shopScheduler {
		t.Fatalf("the lease schedule %+v", sc)
	}

	// Extended, it moves; ended, it goes.
	lr, err := r.svc.Lease(ctx, r.env("shop"), LeaseRequest{Extend: time.Hour}, nil)
	if err != nil || lr.KeptBy != KeptByAWS {
		t.Fatalf("extend: %+v %v", lr, err)
	}
	if sc, err := r.leaseSchedule(); err != nil || sdkaws.ToString(sc.ScheduleExpression) != AtExpression(set.Add(3*time.Hour)) {
		t.Fatalf("after extending: %+v %v", sc, err)
	}
	if r.instance(dbID).Tags[cloud.TagLeaseUntil] != set.Add(3*time.Hour).Format(time.RFC3339) {
		t.Errorf("the tags did not move: %v", r.instance(dbID).Tags)
	}
	if _, err := r.svc.Lease(ctx, r.env("shop"), LeaseRequest{End: true}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := r.leaseSchedule(); err == nil {
		t.Fatal("the lease schedule is still there after the lease ended")
	}
	if until := r.instance(api1ID).Tags[cloud.TagLeaseUntil]; until != "" {
		t.Fatalf("the lease tag is still there: %s", until)
	}

	// A stop ends the lease, its schedule with it.
	if _, err := r.svc.Lease(ctx, r.env("shop"), LeaseRequest{For: 30 * time.Minute}, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.stop("shop"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.leaseSchedule(); err == nil {
		t.Fatal("the lease schedule is still there after a stop")
	}
	if until := r.instance(dbID).Tags[cloud.TagLeaseUntil]; until != "" {
		t.Fatalf("the lease tag is still there after a stop: %s", until)
	}
	if _, err := r.start("shop", 0); err != nil {
		t.Fatal(err)
	}

	// A lease of an hour, then the laptop is closed: the sandbox's own
	// scheduler runs the stop runbook at its end, stage by stage in the
	// stop order, and the schedule deletes itself.
	lr, err = r.svc.Lease(ctx, r.env("shop"), LeaseRequest{For: time.Hour}, nil)
	if err != nil || lr.KeptBy != KeptByAWS || lr.Until == nil {
		t.Fatalf("lease: %+v %v", lr, err)
	}
	end := *lr.Until
	r.sb.ResetRequests()
	r.advance(end.Sub(r.clock.Now()) + 10*time.Minute)
	reqs := r.sb.Requests()
	if len(reqs) == 0 || reqs[0].Action != "InvokeSchedule" || !reqs[0].Time.Equal(end) || reqs[0].Via != "schedule cloudcontrol-shop/lease" || reqs[0].ErrorCode != "" {
		t.Fatalf("the first thing after the lease was set: %+v", reqs)
	}
	for _, q := range reqs {
		if q.Via == "" {
			t.Errorf("a client called AWS with the app closed: %+v", q)
		}
	}
	stops := idsOf(r.requestsOf("StopInstances"))
	if want := [][]string{{api1ID, api2ID}, {dbID}}; !slices.EqualFunc(stops, want, slices.Equal) {
		t.Fatalf("stops %v, want the stop order %v", stops, want)
	}
	for _, id := range []string{dbID, api1ID, api2ID} {
		if in := r.instance(id); in.State != cloud.Stopped {
			t.Errorf("%s is %s after the lease's end", id, in.State)
		}
	}
	if _, err := r.leaseSchedule(); err == nil {
		t.Error("the lease schedule is still there after it ran")
	}
	st, err := r.svc.StatusWithDeployment(ctx, r.env("shop"))
	if err != nil || st.State != "stopped" || st.Deployed == nil || st.Deployed.Lease != nil || st.LeaseUntil != nil {
		t.Fatalf("status after: %+v %v", st, err)
	}
}

// Who started it, from the instances' tags: the caller's ARN after env
// start, the automation role's after the deployed start runbook ran on its
// schedule; it costs no call beyond the DescribeInstances status makes.
func TestWhoStartedItOnTheSandbox(t *testing.T) {
	r := newSandboxRig(t, map[string]string{"shop": sandboxShop})
	ctx := context.Background()
	r.sb.ResetRequests()
	if _, err := r.svc.Status(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	before := r.calls()
	began := r.clock.Now().UTC().Truncate(time.Second)
	if _, err := r.start("shop", 0); err != nil {
		t.Fatal(err)
	}
	r.sb.ResetRequests()
	st, err := r.svc.Status(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	if st.StartedBy != sandboxCaller || st.StartedByName != "sandbox" || st.StartedAt == nil || !st.StartedAt.Equal(began) {
		t.Fatalf("who %+v; want %s at %s", st.Who, sandboxCaller, began)
	}
	if got := r.calls(); !slices.Equal(got, before) {
		t.Errorf("status with who costs %v; without %v", got, before)
	}
	r.sb.ResetRequests()
	again, err := r.svc.Refresh(ctx, r.env("shop"), st)
	if err != nil || again.StartedBy != sandboxCaller {
		t.Fatalf("refresh: %+v %v", again, err)
	}
	if got := r.calls(); !slices.Equal(got, []string{"ec2 DescribeInstances"}) {
		t.Errorf("a refresh (the dashboard's poll) costs %v", got)
	}

	// Stopped, then started by its deployed runbook on a schedule.
	if err := r.stop("shop"); err != nil {
		t.Fatal(err)
	}
	at := r.clock.Now().UTC().Add(time.Hour).Truncate(time.Minute)
	if _, err := r.deploy(DeployOptions{CreateRoles: true, StartAt: AtExpression(at), Timezone: "UTC"}, nil); err != nil {
		t.Fatal(err)
	}
	r.sb.ResetRequests()
	r.advance(at.Sub(r.clock.Now()) + 15*time.Minute)
	starts := r.requestsOf("StartInstances")
	if got := idsOf(starts); len(got) != 2 || !slices.Equal(got[0], []string{dbID}) || !slices.Equal(got[1], []string{api1ID, api2ID}) ||
		!strings.HasPrefix(starts[0].Via, "automation ") {
		t.Fatalf("the runbook's starts %+v", starts)
	}
	st, err = r.svc.Status(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	if st.State != "running" || st.StartedBy != shopAutomation || st.StartedByName != "CloudControl-shop-automation" || st.StartedAt == nil || !st.StartedAt.Equal(at) {
		t.Fatalf("after the scheduled runbook: %s, who %+v; want %s at %s", st.State, st.Who, shopAutomation, at)
	}
}
