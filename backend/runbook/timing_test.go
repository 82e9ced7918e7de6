package runbook

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/orchestrate"
)

func TestEstimateTimingComparesBranchesWithASequence(t *testing.T) {
	e := load(t, "../../environments/analytics.yaml") // kafka -> ingest, warehouse (delay 3s) -> reports
	start := EstimateTiming(e, "start", orchestrate.Estimates{})
	// The app: the slower branch, warehouse 45s+3s then reports 45s. The
	// runbook: every stage in turn, each with 3m of status checks.
	if start.App.D() != 93*time.Second || start.Runbook.D() != 4*(45+180)*time.Second+3*time.Second {
		t.Errorf("start: app %s runbook %s", start.App, start.Runbook)
	}
	var names []string
	for _, s := range start.Stages {
		names = append(names, s.Name)
	}
	if !reflect.DeepEqual(names, []string{"kafka", "ingest", "warehouse", "reports"}) || start.Stages[3].RunbookDone != start.Runbook || start.Stages[1].AppDone.D() != 90*time.Second {
		t.Errorf("stages %+v", start.Stages)
	}
	if len(start.Notes) != 5 || !strings.Contains(start.Notes[0], "one after another") || !strings.Contains(start.Notes[1], `stage "kafka" has no status-checks gate`) {
		t.Errorf("notes %q", start.Notes)
	}
	stop := EstimateTiming(e, "stop", orchestrate.Estimates{Stop: 30 * time.Second})
	if stop.App.D() != time.Minute || stop.Runbook.D() != 2*time.Minute || stop.Stages[0].Name != "reports" {
		t.Errorf("stop: app %s runbook %s stages %+v", stop.App, stop.Runbook, stop.Stages)
	}
	// One chain with status checks everywhere: no difference at all.
	chain := parseEnv(t, "stages: [{name: a, instances: [{name: a}], ready: {status-checks: true}}, {name: b, instances: [{name: b}], ready: {status-checks: true}}]\n")
	if got := EstimateTiming(chain, "start", orchestrate.Estimates{}); got.App != got.Runbook || len(got.Notes) != 0 {
		t.Errorf("a chain: %+v", got)
	}
}

func TestPlanTimingUsesThePlansOwnDurations(t *testing.T) {
	p := &orchestrate.Plan{Action: "start", Stages: []orchestrate.PlanStage{
		{Name: "a", After: []string{}, Expected: orchestrate.Seconds(time.Minute),
			Gates: []orchestrate.Gate{{Kind: orchestrate.GateRunning}}, Instances: []orchestrate.PlanInstance{{Do: orchestrate.DoStart}}},
		{Name: "b", After: []string{}, Expected: orchestrate.Seconds(30 * time.Second),
			Gates:     []orchestrate.Gate{{Kind: orchestrate.GateRunning}, {Kind: orchestrate.GateStatusChecks}},
			Instances: []orchestrate.PlanInstance{{Do: orchestrate.DoStart}}},
		{Name: "c", After: []string{"a"}, Expected: orchestrate.Seconds(10 * time.Second),
			Gates:     []orchestrate.Gate{{Kind: orchestrate.GateRunning}, {Kind: orchestrate.GateDelay, Delay: orchestrate.Seconds(10 * time.Second)}},
			Instances: []orchestrate.PlanInstance{{Do: orchestrate.DoAlreadyRunning}}},
	}}
	got := PlanTiming(p, orchestrate.Estimates{StatusChecks: 2 * time.Minute})
	// App: a, then c (70s), beside b (30s). Runbook: a + 2m checks, b, c + its delay (the app skips it).
	if got.App.D() != 70*time.Second || got.Runbook.D() != (180+30+20)*time.Second {
		t.Errorf("app %s runbook %s", got.App, got.Runbook)
	}
	if len(got.Notes) != 2 || !strings.Contains(got.Notes[1], `stage "a" has no status-checks gate`) {
		t.Errorf("notes %q", got.Notes)
	}
}
