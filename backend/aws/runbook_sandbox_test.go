package aws

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/runbook"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
)

// Proof that the exported runbooks do what env start and env stop do: the
// three-tier example, exported and deployed through the adapters into the
// sandbox's example world, started by StartAutomationExecution and stopped
// by a lease's at() schedule, as the sandbox's request log shows.

type exampleRig struct {
	fx    *inAWSFixture
	sb    *sandbox.Sandbox
	clock *clockwork.FakeClock
	s     *Session
	e     *env.Environment
	x     *runbook.Export
	start time.Time
}

func newExampleRig(t *testing.T) *exampleRig {
	t.Helper()
	isolateAWS(t, "eu-west-1")
	w, err := sandbox.LoadWorld("../../environments/sandbox/world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 6, 2, 7, 0, 0, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(start)
	sb, err := sandbox.New(w, sandbox.Options{Clock: clock, AddressBlock: sandboxtest.Block(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	fx := &inAWSFixture{fixture: &fixture{target: "sandbox", endpoint: srv.URL, region: "eu-west-1", account: w.Account, advance: clock.Advance}}
	e, problems := env.LoadFile("../../environments/three-tier.yaml")
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	x, err := runbook.Build(e, runbook.Options{Account: w.Account})
	if err != nil {
		t.Fatal(err)
	}
	return &exampleRig{fx: fx, sb: sb, clock: clock, s: fx.session(t, nil), e: e, x: x, start: start}
}

// stageIDs are the instances of each stage, as the app resolves them.
func (r *exampleRig) stageIDs(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, st := range r.e.Stages {
		for _, sel := range st.Instances {
			tags := map[string]string{}
			for k, v := range r.e.Select {
				tags[k] = v
			}
			for k, v := range sel.Tags {
				tags[k] = v
			}
			if sel.Name != "" {
				tags["Name"] = sel.Name
			}
			found, err := r.s.Fleet().Find(ctx, "eu-west-1", cloud.Query{Tags: tags})
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range found {
				out[st.Name] = append(out[st.Name], in.ID)
			}
		}
		slices.Sort(out[st.Name])
	}
	return out
}

// runToEnd moves the clock until the execution ends.
func (r *exampleRig) runToEnd(t *testing.T, id string, limit time.Duration) *cloud.AutomationRun {
	t.Helper()
	var run *cloud.AutomationRun
	r.fx.wait(t, "automation "+id, limit, func() bool {
		var err error
		if run, err = r.s.Documents().Automation(ctx, "eu-west-1", id); err != nil {
			t.Fatal(err)
		}
		return run.Status != cloud.AutomationInProgress && run.Status != cloud.AutomationPending
	})
	return run
}

// changes are the automation's Start/StopInstances calls in the request
// log, in order, with their instances.
func (r *exampleRig) changes(action, automation string) []sandbox.Request {
	var out []sandbox.Request
	for _, q := range r.sb.Requests() {
		if q.Action == action && strings.HasPrefix(q.Via, "automation "+automation+" ") && q.ErrorCode == "" {
			out = append(out, q)
		}
	}
	return out
}

func TestExportedStartRunbookStartsTheEnvironmentInOrder(t *testing.T) {
	r := newExampleRig(t)
	automation, _ := deployRoles(t, r.fx, r.x)
	name := runbook.StartDocumentName(r.x.Env)
	if _, err := r.s.Documents().CreateDocument(ctx, "eu-west-1", cloud.Document{Name: name, Content: string(r.x.Start)}); err != nil {
		t.Fatal(err)
	}
	id, err := r.s.Documents().StartAutomation(ctx, "eu-west-1", name, map[string][]string{runbook.AssumeRoleParameter: {automation.ARN}})
	if err != nil {
		t.Fatal(err)
	}
	run := r.runToEnd(t, id, 30*time.Minute)
	if run.Status != cloud.AutomationSuccess {
		var steps []string
		for _, s := range run.Steps {
			steps = append(steps, s.Name+"="+s.Status+" "+s.Failure)
		}
		t.Fatalf("the start runbook ended %s: %s\n%s", run.Status, run.Failure, strings.Join(steps, "\n"))
	}
	// Stage by stage in the environment's order: each stage's instances
	// started together in one call, after the stage before it was ready.
	ids := r.stageIDs(t)
	starts := r.changes("StartInstances", id)
	order := r.e.StartOrder()
	if len(starts) != len(order) {
		t.Fatalf("%d StartInstances for %d stages: %+v", len(starts), len(order), starts)
	}
	for i, stage := range order {
		got := slices.Sorted(slices.Values(starts[i].InstanceIDs))
		if !slices.Equal(got, ids[stage]) {
			t.Fatalf("start %d was %v, want stage %s %v", i+1, got, stage, ids[stage])
		}
		if i == 0 {
			continue
		}
		// The stage before is ready once its last step (its gates or delay) passed.
		var ready time.Time
		for _, s := range run.Steps {
			if strings.HasPrefix(s.Name, fmt.Sprintf("s%02d_", i)) && s.Ended.After(ready) {
				ready = s.Ended
			}
		}
		if ready.IsZero() || starts[i].Time.Before(ready) || !starts[i].Time.After(starts[i-1].Time) {
			t.Fatalf("stage %s started at %s, before stage %s was ready (%s)", stage, starts[i].Time, order[i-1], ready)
		}
	}
	// Every gate ran on each instance of its stage and passed.
	gated := 0
	for _, s := range run.Steps {
		if !strings.HasSuffix(s.Name, "_gates") {
			continue
		}
		gated++
		res, err := r.s.Commands().Results(ctx, "eu-west-1", s.Outputs["CommandId"][0])
		if err != nil || s.Status != cloud.AutomationSuccess || len(res) == 0 {
			t.Fatalf("gates step %+v: %v %v", s, res, err)
		}
		for _, c := range res {
			if c.Status != cloud.CommandSuccess || !strings.Contains(c.Output, " passed\n") {
				t.Fatalf("%s on %s: %+v", s.Name, c.Instance, c)
			}
		}
	}
	if gated != len(order) {
		t.Fatalf("%d gates steps for %d stages with gates", gated, len(order))
	}
	all, err := r.s.Fleet().Describe(ctx, "eu-west-1", slices.Concat(ids["database"], ids["api"], ids["worker"], ids["web"]))
	if err != nil {
		t.Fatal(err)
	}
	// Each says the runbook's role started it, at the execution's time in
	// Automation's own format, which the app reads as it reads its own.
	for _, in := range all {
		if in.State != cloud.Running {
			t.Fatalf("%s is %s", in.Name, in.State)
		}
		if in.StartedBy != automation.ARN || in.StartedAt == nil || !in.StartedAt.Equal(run.Started.Truncate(time.Second)) {
			t.Fatalf("%s: started by %q at %v (tag %q); want %s at %s", in.Name, in.StartedBy, in.StartedAt, in.Tags[cloud.TagStartedAt],
				automation.ARN, run.Started)
		}
	}
}

func TestDeployedLeaseStopsTheEnvironment(t *testing.T) {
	r := newExampleRig(t)
	ids := r.stageIDs(t)
	every := slices.Concat(ids["database"], ids["api"], ids["worker"], ids["web"])
	if err := r.s.Fleet().Start(ctx, "eu-west-1", every); err != nil {
		t.Fatal(err)
	}
	r.fx.wait(t, "the environment running", 5*time.Minute, func() bool {
		got, err := r.s.Fleet().Describe(ctx, "eu-west-1", every)
		return err == nil && !slices.ContainsFunc(got, func(in cloud.Instance) bool { return in.State != cloud.Running })
	})
	automation, scheduler := deployRoles(t, r.fx, r.x)
	stop := runbook.StopDocumentName(r.x.Env)
	if _, err := r.s.Documents().CreateDocument(ctx, "eu-west-1", cloud.Document{Name: stop, Content: string(r.x.Stop)}); err != nil {
		t.Fatal(err)
	}
	group := runbook.ScheduleGroupName(r.x.Env)
	if err := r.s.Schedules().CreateGroup(ctx, "eu-west-1", group, nil); err != nil {
		t.Fatal(err)
	}
	input, _ := json.Marshal(map[string]any{"DocumentName": stop, "Parameters": map[string][]string{runbook.AssumeRoleParameter: {automation.ARN}}})
	leaseEnd := r.clock.Now().Add(time.Minute).Truncate(time.Second)
	lease := cloud.Schedule{Group: group, Name: "lease", Expression: "at(" + leaseEnd.UTC().Format("2006-01-02T15:04:05") + ")", Timezone: "UTC",
		State: "ENABLED", TargetARN: sandbox.StartAutomationTarget, RoleARN: scheduler.ARN, Input: string(input), DeleteAfter: true}
	if err := r.s.Schedules().CreateSchedule(ctx, "eu-west-1", lease); err != nil {
		t.Fatal(err)
	}
	fired := func() []sandbox.Request {
		var out []sandbox.Request
		for _, q := range r.sb.Requests() {
			if q.Action == "InvokeSchedule" {
				out = append(out, q)
			}
		}
		return out
	}
	r.fx.wait(t, "the lease's end", 2*time.Minute, func() bool { return len(fired()) > 0 })
	f := fired()[0]
	if !f.Time.Equal(leaseEnd) || f.ErrorCode != "" || f.Via != "schedule "+group+"/lease" {
		t.Fatalf("the firing %+v (lease end %s)", f, leaseEnd)
	}
	id := strings.Fields(f.Message)[2]
	if run := r.runToEnd(t, id, 30*time.Minute); run.Status != cloud.AutomationSuccess {
		t.Fatalf("the stop runbook ended %s: %s", run.Status, run.Failure)
	}
	stops := r.changes("StopInstances", id)
	if len(stops) != len(r.e.Stop.Order) {
		t.Fatalf("%d StopInstances for %d stages", len(stops), len(r.e.Stop.Order))
	}
	for i, stage := range r.e.Stop.Order {
		if got := slices.Sorted(slices.Values(stops[i].InstanceIDs)); !slices.Equal(got, ids[stage]) {
			t.Fatalf("stop %d was %v, want stage %s %v", i+1, got, stage, ids[stage])
		}
	}
	got, err := r.s.Fleet().Describe(ctx, "eu-west-1", every)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range got {
		if in.State != cloud.Stopped {
			t.Fatalf("%s is %s after the lease ended", in.Name, in.State)
		}
	}
	if _, err := r.s.Schedules().GetSchedule(ctx, "eu-west-1", group, "lease"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("the lease schedule after it ran: %v", err)
	}
}
