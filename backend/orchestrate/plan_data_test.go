package orchestrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

// The plan says what the run will check, per instance, with the addresses
// filled in as the run fills them (secrets redacted), what will happen in
// plain words, and expected times scaled to a faster sandbox (its EC2
// timings; a delay is the app's own wait, and last run's measure is real).
func TestPlanChecksSummaryAndScale(t *testing.T) {
	e, res := planFixture()
	e.Stages[3].Ready.HTTP = append(e.Stages[3].Ready.HTTP, "http://ops:s3cret@{{.PrivateIP}}:8080/ready?token=abc")
	res.Stages[0].Instances[0].PrivateIP = "10.0.0.5"
	res.Stages[3].Instances[0].PrivateIP = "10.0.0.9"
	p, err := NewPlan(e, op.Start, res, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if db := p.Stages[0].Instances[0].Checks; fmt.Sprint(db) != "[{running } {status-checks } {tcp 5432 10.0.0.5:5432}]" {
		t.Errorf("db checks %v (the stage's delay is not the instance's)", db)
	}
	web := p.Stages[3].Instances[0].Checks
	if len(web) != 3 || web[1].Address != "http://10.0.0.9/health" || web[2].Address != "http://***@10.0.0.9:8080/ready?token=***" ||
		web[2].Gate != "http http://***@{{.PrivateIP}}:8080/ready?token=***" {
		t.Errorf("web checks %v", web)
	}
	if p.Summary != "1 to start, 1 to start once stopped, 1 pending, 2 already running" {
		t.Errorf("summary %q", p.Summary)
	}
	mustContain(t, p.String(), "1 to start, 1 to start once stopped, 1 pending, 2 already running.",
		"checks: running, status-checks, tcp 10.0.0.5:5432", "http http://10.0.0.9/health, http http://***@10.0.0.9:8080/ready?token=***")
	stop, _ := NewPlan(e, op.Stop, res, PlanOptions{})
	if c := stop.Stages[0].Instances[0].Checks; len(c) != 1 || c[0].Gate != GateStopped {
		t.Errorf("a stop checks %v", c)
	}

	fast, err := NewPlan(e, op.Start, res, PlanOptions{EstimateScale: 0.1, Measured: map[string]time.Duration{"app": 20 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	// data: (45s start + 3m checks) / 10 + the 30s delay as it is; app as measured.
	if d := fast.Stages[0].Expected.D(); d != 4500*time.Millisecond+18*time.Second+30*time.Second {
		t.Errorf("data expected %s at a tenth of the EC2 timings", d)
	}
	if d := fast.Stages[1].Expected.D(); d != 20*time.Second {
		t.Errorf("app expected %s, want last run's 20s unscaled", d)
	}
}

// A password or token in an http gate's URL is used for the check and
// shown nowhere: not in the plan (JSON or text), not in any event, not in
// the error of a gate that fails.
func TestAGateURLsSecretsAreUsedButNeverShown(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "admin" || p != "PASSWORD" || r.URL.Query().Get("token") != "T0KEN" {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		if r.URL.Path == "/fail" {
			http.Error(w, "broken", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	port := strconv.Itoa(srv.Listener.Addr().(*net.TCPAddr).Port)

	for _, path := range []string{"/health", "/fail"} {
		h := newHarness(t)
		e := threeTiers(h)
		e.Stages[0].Ready.HTTP = []string{"http://admin:PASSWORD@{{.PrivateIP}}:" + port + path + "?token=T0KEN"}
		e.Stages[0].Timeout = env.Duration(time.Minute)
		p := h.plan(e, op.Start)
		_, err := h.run(context.Background(), p)
		if path == "/health" && err != nil {
			t.Fatalf("the check did not use the URL's credentials: %v", err)
		}
		var re *RunError
		if path == "/fail" && (!errors.As(err, &re) || !strings.Contains(err.Error(), "answered 500")) {
			t.Fatalf("want the gate to fail with the 500, got %v", err)
		}
		plan, _ := json.Marshal(p)
		seen := string(plan) + p.String() + fmt.Sprint(p.Outline())
		for _, ev := range h.events {
			b, _ := json.Marshal(ev)
			seen += string(b)
		}
		if err != nil {
			seen += err.Error()
		}
		for _, secret := range []string{"PASSWORD", "T0KEN", "admin"} {
			if strings.Contains(seen, secret) {
				t.Errorf("%s: %q is shown: %s", path, secret, seen)
			}
		}
		if !strings.Contains(seen, "http://***@127.0.0.1:"+port+path+"?token=***") {
			t.Errorf("%s: the events do not show the URL checked, redacted: %s", path, seen)
		}
	}
}

// A stage expected to take longer than its timeout is said in the plan.
func TestPlanWarnsOfAStageThatCannotFinishInTime(t *testing.T) {
	e, res := planFixture()
	e.Stages[0].Timeout = env.Duration(2 * time.Minute) // data: 45s + 3m checks + 30s
	p, err := NewPlan(e, op.Start, res, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 1 || p.Warnings[0] != `stage "data" is expected to take about 4m15s, longer than its timeout of 2m0s: raise its timeout: or the start will fail there` {
		t.Errorf("warnings %q", p.Warnings)
	}
	mustContain(t, p.String(), "warning: stage \"data\" is expected to take about 4m15s")
}

// A terminated instance is named where the file selects it; a stop words
// it the way its plan does ("terminated (skipped)"), never as stopped.
func TestATerminatedInstanceIsNamedAtItsSelectorAndWordedOnce(t *testing.T) {
	h := newHarness(t)
	h.fleet.Add("i-0123456789abcdef0", "old", cloud.Terminated, nil)
	h.fleet.Add("i-db1", "db-1", cloud.Stopped, nil)
	e := environment(stage("data", []string{}, "db-1"))
	e.Stages[0].Instances = append(e.Stages[0].Instances, idSel("i-0123456789abcdef0"))
	res, err := Resolve(context.Background(), e, h.fleet, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewPlan(e, op.Start, res, PlanOptions{})
	if err == nil || !strings.Contains(err.Error(), "\ntest.yaml:30:9: stage \"data\": instance i-0123456789abcdef0 (old) is terminated and cannot be started") {
		t.Errorf("the start plan's error: %v", err)
	}

	stop, err := NewPlan(e, op.Stop, res, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stop.Summary != "1 already stopped, 1 terminated (skipped)" {
		t.Errorf("stop summary %q", stop.Summary)
	}
	mustContain(t, stop.String(), "-> terminated (skipped)", `test.yaml:30:9: stage "data": instance i-0123456789abcdef0 (old) is terminated; skipped`)
	if _, err := h.run(context.Background(), stop); err != nil {
		t.Fatal(err)
	}
	if ev := h.eventsOf(op.EventStageSkipped); len(ev) != 1 || ev[0].Message != "nothing to stop: 1 already stopped, 1 terminated (skipped)" {
		t.Errorf("the stop's stage said %+v", ev)
	}
}

// The plan names the other environments that share an instance.
func TestPlanNamesSharedInstances(t *testing.T) {
	e, res := planFixture()
	p, err := NewPlan(e, op.Stop, res, PlanOptions{Shared: map[string][]string{"i-db": {"analytics", "reports"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Stages[3].Instances[0].SharedWith; fmt.Sprint(got) != "[analytics reports]" {
		t.Errorf("db shared with %v", got)
	}
	mustContain(t, p.String(), "-> already stopped  (shared with analytics, reports)")
}
