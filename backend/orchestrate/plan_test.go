package orchestrate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cloud/cloudtest"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

func planFixture() (*env.Environment, *Resolved) {
	e := environment(
		stage("data", []string{}, "db"),
		stage("app", []string{"data"}, "app"),
		stage("jobs", []string{"data"}, "jobs"),
		stage("web", []string{"app"}, "web"),
	)
	e.Stages[0].Ready = env.Ready{StatusChecks: true, TCP: []int{5432}, Delay: env.Duration(30 * time.Second)}
	e.Stages[3].Ready = env.Ready{HTTP: []string{"http://{{.PrivateIP}}/health"}}
	e.Stages[1].Timeout = env.Duration(5 * time.Minute)
	inst := func(id, name, state string) cloud.Instance {
		return cloud.Instance{ID: id, Name: name, Type: "t3.small", State: state, Region: "eu-west-1"}
	}
	res := &Resolved{Region: "eu-west-1", Stages: []ResolvedStage{
		{Name: "data", Instances: []cloud.Instance{inst("i-db", "db", cloud.Stopped)}},
		{Name: "app", Instances: []cloud.Instance{inst("i-app", "app", cloud.Pending), inst("i-app2", "app2", cloud.Running)}},
		{Name: "jobs", Instances: []cloud.Instance{inst("i-jobs", "jobs", cloud.Stopping)}},
		{Name: "web", Instances: []cloud.Instance{inst("i-web", "web", cloud.Running)}},
	}}
	return e, res
}

func TestPlanStartOrderGatesAndEstimates(t *testing.T) {
	e, res := planFixture()
	p, err := NewPlan(e, op.Start, res, PlanOptions{Profile: "testing", Account: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range p.Stages {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, []string{"data", "app", "jobs", "web"}) {
		t.Errorf("stage order %v", names)
	}
	dos := map[string]string{}
	for _, s := range p.Stages {
		for _, in := range s.Instances {
			dos[in.ID] = in.Do
		}
	}
	want := map[string]string{"i-db": DoStart, "i-app": DoWait, "i-app2": DoAlreadyRunning, "i-jobs": DoStartWhenStopped, "i-web": DoAlreadyRunning}
	for id, w := range want {
		if dos[id] != w {
			t.Errorf("%s: do %q, want %q", id, dos[id], w)
		}
	}
	data := p.Stages[0]
	if got := fmt.Sprint(data.Gates); got != "[running status-checks tcp 5432 delay 30s]" {
		t.Errorf("data gates %s", got)
	}
	// data: 45s start + 3m checks + 30s delay; app after it: 45s; jobs: 60s stop + 45s start; web all up: 0.
	if data.Expected.D() != 45*time.Second+3*time.Minute+30*time.Second {
		t.Errorf("data expected %s", data.Expected)
	}
	if p.Stages[1].Timeout.D() != 5*time.Minute || p.Stages[0].Timeout.D() != env.DefaultStageTimeout {
		t.Errorf("timeouts %s %s", p.Stages[1].Timeout, p.Stages[0].Timeout)
	}
	if p.Stages[3].Expected != 0 || p.Expected.D() != 4*time.Minute+15*time.Second+105*time.Second {
		t.Errorf("web expected %s, total %s; want 0 and the critical path data+jobs = 6m0s", p.Stages[3].Expected, p.Expected)
	}
	if p.Counts[DoStart] != 1 || p.Counts[DoAlreadyRunning] != 2 || p.Region != "eu-west-1" || p.Profile != "testing" {
		t.Errorf("counts %v region %q profile %q", p.Counts, p.Region, p.Profile)
	}
}

func TestPlanJSONShape(t *testing.T) {
	e, res := planFixture()
	p, err := NewPlan(e, op.Start, res, PlanOptions{Account: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"env", "action", "region", "account", "stages", "expectedSeconds", "counts"} {
		if _, ok := m[k]; !ok {
			t.Errorf("plan JSON has no %q: %s", k, b)
		}
	}
	st := m["stages"].([]any)[0].(map[string]any)
	if st["name"] != "data" || st["timeoutSeconds"] != 900.0 || st["expectedSeconds"] != 255.0 {
		t.Errorf("stage JSON %v", st)
	}
	in := st["instances"].([]any)[0].(map[string]any)
	if in["id"] != "i-db" || in["do"] != "start" || in["state"] != "stopped" {
		t.Errorf("instance JSON %v", in)
	}
	gate := st["gates"].([]any)[3].(map[string]any)
	if gate["kind"] != "delay" || gate["delaySeconds"] != 30.0 {
		t.Errorf("gate JSON %v", gate)
	}
	var back Plan
	if err := json.Unmarshal(b, &back); err != nil || back.Stages[0].Timeout.D() != 15*time.Minute {
		t.Errorf("plan JSON does not read back: %v %v", err, back.Stages)
	}
}

func TestPlanText(t *testing.T) {
	e, res := planFixture()
	p, err := NewPlan(e, op.Start, res, PlanOptions{Profile: "testing", Account: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	text := p.String()
	mustContain(t, text,
		"Plan: start payments (profile testing, region eu-west-1, account 123456789012)",
		"4 stage(s), 5 instance(s): 1 to start, 1 to start once stopped, 1 pending, 2 already running.",
		"about 6m0s",
		"1. data  (after nothing; timeout 15m0s; expected 4m15s",
		"ready when: running, status-checks, tcp 5432, delay 30s",
		"2. app  (after data;",
		"-> wait (pending)",
		"-> already running",
	)
	if !strings.Contains(text, "   i-db    db    t3.small  stopped   -> start\n") {
		t.Errorf("instance rows are not aligned:\n%s", text)
	}
}

func TestPlanStopOrders(t *testing.T) {
	e, res := planFixture()
	p, err := NewPlan(e, op.Stop, res, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	after := map[string][]string{}
	var names []string
	for _, s := range p.Stages {
		names = append(names, s.Name)
		after[s.Name] = s.After
	}
	if !slices.Equal(names, []string{"web", "jobs", "app", "data"}) {
		t.Errorf("reverse stop order %v", names)
	}
	if len(after["web"]) != 0 || len(after["jobs"]) != 0 || !slices.Equal(after["app"], []string{"web"}) ||
		!slices.Equal(after["data"], []string{"app", "jobs"}) {
		t.Errorf("reverse stop dependencies %v", after)
	}
	if p.Stages[0].Timeout.D() != env.DefaultStopTimeout || p.Stages[0].Instances[0].Do != DoStop {
		t.Errorf("stop stage %+v", p.Stages[0])
	}

	e.Stop.Order = []string{"data", "web", "app", "jobs"}
	e.Stop.Reverse = false
	p, err = NewPlan(e, op.Stop, res, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Stages[2].Name != "app" || !slices.Equal(p.Stages[2].After, []string{"web"}) || len(p.Stages[0].After) != 0 {
		t.Errorf("a listed order must be a sequence: %+v", p.Stages)
	}

	e.Stop.Order = []string{"web", "app"}
	if _, err := NewPlan(e, op.Stop, res, PlanOptions{}); err == nil || !strings.Contains(err.Error(), "data, jobs") {
		t.Errorf("an order that leaves stages out must say which: %v", err)
	}
}

func TestPlanRefusesTerminatedForStartAndCycles(t *testing.T) {
	e, res := planFixture()
	res.Stages[2].Instances[0].State = cloud.Terminated
	p, err := NewPlan(e, op.Start, res, PlanOptions{})
	if err == nil || p == nil || len(p.Errors) != 1 {
		t.Fatalf("want a plan with an error for the terminated instance, got %v, %v", p, err)
	}
	mustContain(t, err.Error(), `stage "jobs"`, "i-jobs (jobs) is terminated")
	if _, err := (&Runner{Fleet: cloudtest.NewFleet(nil)}).Run(t.Context(), p); err == nil {
		t.Error("a plan with errors must not run")
	}
	p, err = NewPlan(e, op.Stop, res, PlanOptions{})
	if err != nil || len(p.Warnings) != 1 || p.Counts[DoCannot] != 1 {
		t.Errorf("stop: want a warning, not an error: %v %v", err, p.Warnings)
	}

	e.Stages[0].After = []string{"web"}
	if _, err := NewPlan(e, op.Start, res, PlanOptions{}); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("want a cycle error, got %v", err)
	}
}

// BenchmarkNewPlan1000 plans 1,000 instances in 10 stages; it must take well
// under 50ms (it takes well under 1ms).
func BenchmarkNewPlan1000(b *testing.B) {
	var stages []env.Stage
	res := &Resolved{Region: "eu-west-1"}
	for s := range 10 {
		name := fmt.Sprintf("s%d", s)
		st := stage(name, []string{}, "x")
		if s > 0 {
			st.After = []string{fmt.Sprintf("s%d", s-1)}
		}
		st.Ready = env.Ready{StatusChecks: true, TCP: []int{80}, HTTP: []string{"http://{{.PrivateIP}}/"}}
		stages = append(stages, st)
		rs := ResolvedStage{Name: name}
		for i := range 100 {
			rs.Instances = append(rs.Instances, cloud.Instance{ID: fmt.Sprintf("i-%d-%d", s, i), State: cloud.Stopped, Region: "eu-west-1"})
		}
		res.Stages = append(res.Stages, rs)
	}
	e := environment(stages...)
	for b.Loop() {
		if _, err := NewPlan(e, op.Start, res, PlanOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPlanPrefersLastRunsMeasureWhereTheStageHasWork(t *testing.T) {
	e, res := planFixture()
	// data will start an instance; web is all up already, so last time's 5m
	// says nothing about this run.
	p, err := NewPlan(e, op.Start, res, PlanOptions{Measured: map[string]time.Duration{"data": 20 * time.Second, "web": 5 * time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	data, web := p.Stages[0], p.Stages[3]
	if data.Expected.D() != 20*time.Second || data.ExpectedFrom != ExpectedFromLastRun {
		t.Errorf("data expected %s from %q, want 20s from the last run", data.Expected, data.ExpectedFrom)
	}
	if web.Expected != 0 || web.ExpectedFrom != ExpectedFromEstimate {
		t.Errorf("web expected %s from %q, want 0 from the estimate (nothing to do)", web.Expected, web.ExpectedFrom)
	}
	if app := p.Stages[1]; app.ExpectedFrom != ExpectedFromEstimate || app.Expected.D() != DefaultStartEstimate {
		t.Errorf("app (no measure) expected %s from %q", app.Expected, app.ExpectedFrom)
	}
	if !strings.Contains(p.String(), "expected 20s as last time") {
		t.Errorf("the plan text does not say the data estimate is last time's:\n%s", p)
	}
}
