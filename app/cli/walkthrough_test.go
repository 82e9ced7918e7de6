package cli

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestWalkThrough follows the README's command-line tour on the shipped
// examples: list, validate, plan, start, status, start again, stop.
func TestWalkThrough(t *testing.T) {
	h := newHarness(t, examplesWorld, 100, examplesDir)
	ctx := timeout(t, 20*time.Second)

	t.Run("list", func(t *testing.T) {
		r := h.run(ctx, "env", "list")
		if r.code != ExitOK {
			t.Fatalf("env list: exit %d, stderr %q", r.code, r.stderr)
		}
		for _, want := range []string{"three-tier", "database, api, worker, web", "analytics", "eu-west-1"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("env list does not show %q:\n%s", want, r.stdout)
			}
		}
		r = h.run(ctx, "env", "list", "--json")
		var list []envListEntry
		if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || r.code != ExitOK {
			t.Fatalf("env list --json: exit %d, %v:\n%s", r.code, err, r.stdout)
		}
		names := []string{}
		for _, e := range list {
			names = append(names, e.Name)
			if !e.Valid {
				t.Errorf("example %s is listed as invalid: %v", e.Name, e.Problems)
			}
		}
		if !slices.Equal(names, []string{"analytics", "three-tier"}) {
			t.Errorf("env list --json names = %v, want [analytics three-tier]", names)
		}
	})

	t.Run("validate", func(t *testing.T) {
		r := h.run(ctx, "env", "validate")
		if r.code != ExitOK || r.stderr != "" {
			t.Fatalf("env validate: exit %d, stderr %q", r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "2 environment(s) valid") {
			t.Errorf("env validate says %q", r.stdout)
		}
	})

	t.Run("plan", func(t *testing.T) { checkPlan(t, h) })

	t.Run("start", func(t *testing.T) {
		r := h.run(ctx, "env", "start", "three-tier", "--json")
		if r.code != ExitOK {
			t.Fatalf("env start: exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
		}
		events := jsonLines(t, r.stdout)
		for i, e := range events {
			ts, _ := e["time"].(string)
			if _, err := time.Parse(time.RFC3339, ts); err != nil {
				t.Errorf("event %d: time %q is not RFC 3339: %v", i, ts, err)
			}
			if e["env"] != "three-tier" || e["action"] != "start" || e["type"] == nil || e["type"] == "" {
				t.Errorf("event %d lacks env/action/type: %v", i, e)
			}
		}
		if last := events[len(events)-1]; last["type"] != "run-done" {
			t.Errorf("the last event is %v, want a run-done", last)
		}
		// The database first, then api and worker, then web.
		starts := h.starts()
		db, web := firstCall(starts, dbID), firstCall(starts, web1ID)
		for _, id := range []string{api1ID, api2ID, workerID} {
			if i := firstCall(starts, id); i <= db || i >= web {
				t.Errorf("StartInstances for %s is call %d; want after the database's (%d) and before web's (%d)", id, i, db, web)
			}
		}
		if db < 0 || web < 0 || firstCall(starts, web2ID) < 0 {
			t.Errorf("not every instance was started: %v", starts)
		}
	})

	t.Run("status", func(t *testing.T) {
		r := h.run(ctx, "env", "status", "three-tier", "--json")
		var st struct {
			Env    string
			State  string
			Stages []struct {
				Name      string
				Instances []struct{ ID, State string }
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || r.code != ExitOK {
			t.Fatalf("env status --json: exit %d, %v:\n%s%s", r.code, err, r.stdout, r.stderr)
		}
		if st.Env != "three-tier" || st.State != "running" || len(st.Stages) != 4 {
			t.Errorf("status = %s %s with %d stages, want three-tier running with 4", st.Env, st.State, len(st.Stages))
		}
		for _, s := range st.Stages {
			for _, in := range s.Instances {
				if in.State != "running" {
					t.Errorf("%s of stage %s is %s", in.ID, s.Name, in.State)
				}
			}
		}
		r = h.run(ctx, "env", "status", "three-tier")
		if r.code != ExitOK || !strings.Contains(r.stdout, "three-tier: running") || !strings.Contains(r.stdout, dbID) {
			t.Errorf("env status: exit %d:\n%s", r.code, r.stdout)
		}
	})

	t.Run("start again does nothing twice", func(t *testing.T) {
		before := len(h.starts())
		r := h.run(ctx, "env", "start", "three-tier")
		if r.code != ExitOK {
			t.Fatalf("second env start: exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
		}
		if n := len(h.starts()); n != before {
			t.Errorf("a start of a running environment sent %d StartInstances", n-before)
		}
		if !strings.Contains(r.stdout, "6 already running") {
			t.Errorf("the second start does not say all are running:\n%s", r.stdout)
		}
	})

	t.Run("stop in reverse order", func(t *testing.T) {
		r := h.run(ctx, "env", "stop", "three-tier")
		if r.code != ExitOK {
			t.Fatalf("env stop: exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
		}
		stops := h.calls("StopInstances")
		web, db := firstCall(stops, web1ID), firstCall(stops, dbID)
		for _, id := range []string{api1ID, api2ID, workerID} {
			if i := firstCall(stops, id); i <= web || i >= db {
				t.Errorf("StopInstances for %s is call %d; want after web's (%d) and before the database's (%d)", id, i, web, db)
			}
		}
		if web < 0 || db < 0 {
			t.Errorf("not every instance was stopped: %v", stops)
		}
		for _, id := range []string{dbID, api1ID, workerID, web2ID} {
			if s := h.state(id); s != "stopped" {
				t.Errorf("%s is %s after the stop", id, s)
			}
		}
	})
}

func checkPlan(t *testing.T, h *harness) {
	ctx := timeout(t, 10*time.Second)
	r := h.run(ctx, "env", "plan", "three-tier")
	if r.code != ExitOK {
		t.Fatalf("env plan: exit %d, stderr %q", r.code, r.stderr)
	}
	// The text names the stages in order, the account and the region.
	at := -1
	for _, s := range []string{"1. database", "2. api", "3. worker", "4. web"} {
		i := strings.Index(r.stdout, s)
		if i <= at {
			t.Errorf("plan text: %q missing or out of order:\n%s", s, r.stdout)
		}
		at = i
	}
	for _, want := range []string{"123456789012", "eu-west-1", dbID, "tcp 5432", "delay 2s"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan text lacks %q", want)
		}
	}

	r = h.run(ctx, "env", "plan", "three-tier", "--json")
	var plan struct {
		Env, Action, Region, Account string
		Stages                       []struct {
			Name      string
			After     []string
			Instances []struct{ ID, Do string }
			Gates     []struct {
				Kind string
				Port int
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil || r.code != ExitOK {
		t.Fatalf("env plan --json: exit %d, %v:\n%s", r.code, err, r.stdout)
	}
	if plan.Env != "three-tier" || plan.Action != "start" || plan.Account != "123456789012" || plan.Region != "eu-west-1" {
		t.Errorf("plan header = %s %s %s %s", plan.Env, plan.Action, plan.Account, plan.Region)
	}
	var names []string
	for _, s := range plan.Stages {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, []string{"database", "api", "worker", "web"}) {
		t.Fatalf("plan stages = %v", names)
	}
	db, web := plan.Stages[0], plan.Stages[3]
	if len(db.Instances) != 1 || db.Instances[0].ID != dbID || db.Instances[0].Do != "start" {
		t.Errorf("database instances = %+v", db.Instances)
	}
	var gates []string
	for _, g := range db.Gates {
		gates = append(gates, g.Kind)
	}
	if !slices.Equal(gates, []string{"running", "status-checks", "tcp"}) || db.Gates[2].Port != 5432 {
		t.Errorf("database gates = %+v", db.Gates)
	}
	if len(web.Instances) != 2 || !slices.Equal(web.After, []string{"api", "worker"}) {
		t.Errorf("web = %+v", web)
	}
}

// TestAnalyticsBranchesStartInParallel: kafka and warehouse are both roots,
// so both are started before either branch's second stage.
func TestAnalyticsBranchesStartInParallel(t *testing.T) {
	h := newHarness(t, examplesWorld, 100, examplesDir)
	r := h.run(timeout(t, 20*time.Second), "env", "start", "analytics", "--json")
	if r.code != ExitOK {
		t.Fatalf("env start analytics: exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
	}
	starts := h.starts()
	kafka, wh, ingest := firstCall(starts, kafka1ID), firstCall(starts, whID), firstCall(starts, ingestID)
	if kafka < 0 || firstCall(starts, kafka2ID) < 0 || wh < 0 || ingest < 0 {
		t.Fatalf("kafka, warehouse or ingest never started: %v", starts)
	}
	// reports-1 is running already in the world, so ingest is the only
	// second stage that sends a StartInstances.
	if kafka >= ingest || wh >= ingest {
		t.Errorf("StartInstances order %v: kafka (%d) and warehouse (%d) must both come before ingest (%d)", starts, kafka, wh, ingest)
	}
	if firstCall(starts, reportsID) >= 0 {
		t.Errorf("reports-1 was running, yet it was started: %v", starts)
	}
	// The warehouse settles for 3s; the kafka branch must not wait for it.
	at := map[string]float64{}
	for _, e := range jsonLines(t, r.stdout) {
		if st, _ := e["stage"].(string); st != "" {
			at[e["type"].(string)+" "+st], _ = e["elapsed"].(float64)
		}
	}
	ingestBegan, ok1 := at["stage-started ingest"]
	whReady, ok2 := at["stage-ready warehouse"]
	if !ok1 || !ok2 || ingestBegan >= whReady {
		t.Errorf("ingest began at %.2fs (seen %v), the warehouse was ready at %.2fs (seen %v): the branches did not run side by side",
			ingestBegan, ok1, whReady, ok2)
	}
}
