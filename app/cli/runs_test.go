package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFailedStartResumes: an api instance that fails to start fails the
// run at stage api, naming it, with the database left running; once the
// fault is gone a second start resumes without redoing the database.
func TestFailedStartResumes(t *testing.T) {
	h := newHarness(t, examplesWorld, 100, examplesDir)
	ctx := timeout(t, 20*time.Second)
	if err := h.sb.SetFailStart(api1ID, true); err != nil {
		t.Fatal(err)
	}
	r := h.run(ctx, "env", "start", "three-tier")
	if r.code != ExitFailed {
		t.Fatalf("start with a failing api instance: exit %d, want %d\n%s%s", r.code, ExitFailed, r.stdout, r.stderr)
	}
	for _, want := range []string{`stage "api"`, api1ID, "shop-api-1", "left running: ", "shop-db"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the failure message does not say %q:\n%s", want, r.stderr)
		}
	}
	if s := h.state(dbID); s != "running" {
		t.Errorf("the database is %s after the failure, want it left running", s)
	}
	for _, id := range []string{web1ID, web2ID} {
		if firstCall(h.starts(), id) >= 0 {
			t.Errorf("web instance %s was started although api failed", id)
		}
	}

	// What was up stays up and is not started again.
	wasUp := map[string]bool{}
	for _, id := range []string{dbID, api1ID, api2ID, workerID, web1ID, web2ID} {
		st := h.state(id)
		wasUp[id] = st == "running" || st == "pending"
	}
	if wasUp[api1ID] || !wasUp[dbID] {
		t.Fatalf("after the failure: %v; want the database up and shop-api-1 down", wasUp)
	}
	if err := h.sb.SetFailStart(api1ID, false); err != nil {
		t.Fatal(err)
	}
	before := len(h.starts())
	r = h.run(ctx, "env", "start", "three-tier")
	if r.code != ExitOK {
		t.Fatalf("the resumed start: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	again := h.starts()[before:]
	for id, up := range wasUp {
		if started := firstCall(again, id) >= 0; started == up {
			t.Errorf("resume: %s was up before: %v, started again: %v (calls %v)", id, up, started, again)
		}
		if s := h.state(id); s != "running" {
			t.Errorf("after the resume %s is %s", id, s)
		}
	}
}

// waitFor polls out until it contains s, or fails the test.
func waitFor(t *testing.T, out *syncBuffer, s string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(out.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %q; output so far:\n%s", within, s, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestBusyEnvironmentIsRefused: while a start runs, another start or stop
// of the same environment exits 3 saying who holds it since when; a
// different environment is not held up.
func TestBusyEnvironmentIsRefused(t *testing.T) {
	// At speed 1 the database takes 8s to start: the first run holds the
	// lock for as long as the test needs.
	h := newHarness(t, examplesWorld, 1, examplesDir)
	ctx := timeout(t, 20*time.Second)
	firstCtx, cancelFirst := context.WithCancel(ctx)
	defer cancelFirst()
	var out, errOut syncBuffer
	done := make(chan result, 1)
	go func() { done <- h.runTo(firstCtx, &out, &errOut, "env", "start", "three-tier", "--json") }()
	waitFor(t, &out, `"type":"action-sent"`, 5*time.Second)

	// env status says what the held environment is doing, and who holds it.
	r := h.run(ctx, "env", "status", "three-tier", "--json")
	var st struct {
		State  string `json:"state"`
		Holder *struct {
			PID    int    `json:"pid"`
			Action string `json:"action"`
			Client string `json:"client"`
			User   string `json:"user"`
			Since  string `json:"since"`
		} `json:"holder"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || r.code != ExitOK {
		t.Fatalf("env status --json while a start runs: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	if st.State != "starting" || st.Holder == nil || st.Holder.PID != os.Getpid() || st.Holder.Action != "start" ||
		st.Holder.Client != "cli" || st.Holder.User == "" || st.Holder.Since == "" {
		t.Errorf("env status --json while a start runs: state %q, holder %+v; want starting, held by this start", st.State, st.Holder)
	}
	// Where the start is, as far as the usage history has it (the run
	// writes its events there at every stage boundary, in the background).
	var prog struct {
		Progress *struct {
			Action, Outcome string
			Stages          []struct{ Name, Status string }
		} `json:"progress"`
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		r = h.run(ctx, "env", "status", "three-tier", "--json")
		if err := json.Unmarshal([]byte(r.stdout), &prog); err == nil && prog.Progress != nil && len(prog.Progress.Stages) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("env status --json never showed the start's progress:\n%s", r.stdout)
		}
	}
	if p := prog.Progress; p.Action != "start" || p.Outcome != "running" || p.Stages[0].Name != "database" || p.Stages[0].Status != "active" {
		t.Errorf("the start's progress in env status: %+v, want it running with database active", p)
	}
	r = h.run(ctx, "env", "status", "three-tier")
	for _, want := range []string{"three-tier: starting (account 123456789012, eu-west-1)", `three-tier is busy: "start" by`, fmt.Sprintf("pid %d", os.Getpid()), "cli) since ",
		"start so far (usage history): database active"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("env status while a start runs does not say %q:\n%s", want, r.stdout)
		}
	}

	r = h.run(ctx, "env", "start", "three-tier")
	if r.code != ExitRefused {
		t.Errorf("second start: exit %d, want %d; stderr %q", r.code, ExitRefused, r.stderr)
	}
	for _, want := range []string{"three-tier is busy", `"start"`, fmt.Sprintf("pid %d", os.Getpid()), "cli", "since ", " ago"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the refusal does not say %q: %q", want, r.stderr)
		}
	}
	r = h.run(ctx, "env", "start", "three-tier", "--json")
	events := jsonLines(t, r.stdout)
	if r.code != ExitRefused || len(events) != 1 || events[0]["type"] != "run-refused" ||
		!strings.Contains(fmt.Sprint(events[0]["message"]), "three-tier is busy") {
		t.Errorf("start --json while busy: exit %d, events %v", r.code, events)
	}
	if r := h.run(ctx, "env", "stop", "three-tier"); r.code != ExitRefused || !strings.Contains(r.stderr, "busy") {
		t.Errorf("stop while a start runs: exit %d, stderr %q", r.code, r.stderr)
	}
	if n := len(h.calls("StopInstances")); n > 0 {
		t.Errorf("the refused stop sent %d StopInstances", n)
	}
	if n := len(h.starts()); n != 1 {
		t.Errorf("%d StartInstances calls, want only the first run's database start", n)
	}
	// The lock is per environment: analytics is free.
	if r := h.run(ctx, "env", "plan", "analytics"); r.code != ExitOK {
		t.Errorf("plan of another environment while three-tier is busy: exit %d %s", r.code, r.stderr)
	}

	cancelFirst()
	first := <-done
	if first.code != ExitCancelled {
		t.Errorf("the first start, cancelled: exit %d, want %d; stderr %q", first.code, ExitCancelled, first.stderr)
	}
	// Once it has ended, the lock is free again.
	if r := h.run(ctx, "env", "plan", "three-tier"); r.code != ExitOK {
		t.Errorf("plan after the first run ended: exit %d %s", r.code, r.stderr)
	}
}

// TestOtherAccountIsRefused: a file pinned to another account is refused
// with exit 3, naming both accounts, before anything changes.
func TestOtherAccountIsRefused(t *testing.T) {
	h := newHarness(t, examplesWorld, 100, badDir)
	ctx := timeout(t, 10*time.Second)
	for _, cmd := range []string{"start", "stop", "plan"} {
		r := h.run(ctx, "env", cmd, "other-account")
		if r.code != ExitRefused {
			t.Errorf("env %s other-account: exit %d, want %d; stderr %q", cmd, r.code, ExitRefused, r.stderr)
		}
		for _, want := range []string{"999999999999", "123456789012", "refusing"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("env %s: the refusal does not name %q: %q", cmd, want, r.stderr)
			}
		}
	}
	r := h.run(ctx, "env", "start", "other-account", "--json")
	if ev := jsonLines(t, r.stdout); len(ev) != 1 || ev[0]["type"] != "run-refused" {
		t.Errorf("start --json: %v, want one run-refused line", ev)
	}
	if s, p := h.starts(), h.calls("StopInstances"); len(s)+len(p) > 0 {
		t.Errorf("a refused run changed instances: starts %v stops %v", s, p)
	}
}

// TestProfileAndRegionPinsAreRefusals: a file pinned to another profile or
// region than the one asked for exits 3 like an account pin, one
// run-refused line for scripts, nothing changed, and the history records
// it refused.
func TestProfileAndRegionPinsAreRefusals(t *testing.T) {
	dir := writeEnvs(t, map[string]string{
		"pinned-region.yaml":  "region: eu-west-1\nstages:\n  - name: db\n    instances: [{name: shop-db}]\n",
		"pinned-profile.yaml": "profile: work\nregion: eu-west-1\nstages:\n  - name: db\n    instances: [{name: shop-db}]\n",
	})
	h := newHarness(t, examplesWorld, 100, dir)
	ctx := timeout(t, 10*time.Second)
	for _, c := range []struct {
		env, flag, value, says string
	}{
		{"pinned-region", "--region", "eu-west-2", "pinned-region pins region eu-west-1; refusing to act on eu-west-2"},
		{"pinned-profile", "--profile", "home", `pinned-profile pins profile "work"; refusing to use "home"`},
	} {
		for _, cmd := range []string{"start", "stop", "plan", "status"} {
			r := h.run(ctx, c.flag, c.value, "env", cmd, c.env)
			if r.code != ExitRefused || !strings.Contains(r.stderr, c.says) {
				t.Errorf("%s %s env %s %s: exit %d, stderr %q; want %d saying %q", c.flag, c.value, cmd, c.env, r.code, r.stderr, ExitRefused, c.says)
			}
		}
		r := h.run(ctx, c.flag, c.value, "env", "start", c.env, "--json")
		if ev := jsonLines(t, r.stdout); len(ev) != 1 || ev[0]["type"] != "run-refused" || ev[0]["message"] != c.says {
			t.Errorf("start --json: %v, want one run-refused line saying why", ev)
		}
	}
	if s, p := h.starts(), h.calls("StopInstances"); len(s)+len(p) > 0 {
		t.Errorf("a refused run changed instances: starts %v stops %v", s, p)
	}
	r := h.run(ctx, "history", "--json")
	var ops []struct{ Env, Action, Result, Message string }
	if err := json.Unmarshal([]byte(r.stdout), &ops); err != nil || len(ops) != 6 {
		t.Fatalf("history --json: %v\n%s", err, r.stdout)
	}
	for _, o := range ops {
		if o.Result != "refused" || !strings.Contains(o.Message, "refusing") {
			t.Errorf("recorded %+v, want refused", o)
		}
	}
}

// TestCancelSaysWhatWasLeft: cancelling mid-run (Ctrl-C) exits 4 with a
// run-cancelled event saying which stages were ready, which in progress,
// and which instances were left running.
func TestCancelSaysWhatWasLeft(t *testing.T) {
	h := newHarness(t, examplesWorld, 100, examplesDir)
	ctx, cancel := context.WithCancel(timeout(t, 20*time.Second))
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan result, 1)
	go func() { done <- h.runTo(ctx, &out, &errOut, "env", "start", "three-tier", "--json") }()
	// The api stage then settles for 2s: the run is surely mid-way.
	waitFor(t, &out, `"gate":"delay 2s"`, 10*time.Second)
	cancel()
	r := <-done
	if r.code != ExitCancelled {
		t.Fatalf("cancelled start: exit %d, want %d\n%s", r.code, ExitCancelled, r.stderr)
	}
	events := jsonLines(t, r.stdout)
	last := events[len(events)-1]
	msg, _ := last["message"].(string)
	if last["type"] != "run-cancelled" {
		t.Fatalf("the last event is %v, want run-cancelled", last)
	}
	for _, want := range []string{"ready: database", "in progress: api", "running: ", dbID + " (shop-db)", api1ID} {
		if !strings.Contains(msg, want) {
			t.Errorf("run-cancelled message does not say %q: %q", want, msg)
		}
	}
	if !strings.Contains(r.stderr, "cancelled") {
		t.Errorf("stderr does not say the run was cancelled: %q", r.stderr)
	}
	if firstCall(h.starts(), web1ID) >= 0 {
		t.Errorf("web was started after the cancel: %v", h.starts())
	}
	if s := h.state(dbID); s != "running" {
		t.Errorf("the database is %s; a cancel leaves things as they are", s)
	}
}

// TestGateTimeout: a port nobody serves fails the stage at its timeout,
// naming the gate and the instance.
func TestGateTimeout(t *testing.T) {
	h := newHarness(t, examplesWorld, 100, filepath.Join("testdata", "timeout"))
	began := time.Now()
	r := h.run(timeout(t, 10*time.Second), "env", "start", "closed-port", "--json")
	if r.code != ExitFailed {
		t.Fatalf("start: exit %d, want %d\n%s%s", r.code, ExitFailed, r.stdout, r.stderr)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("a 600ms timeout took %s", took)
	}
	for _, want := range []string{"timed out", "tcp 9999", workerID, "shop-worker", `stage "queue"`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the failure does not say %q:\n%s", want, r.stderr)
		}
	}
	events := jsonLines(t, r.stdout)
	types := []string{}
	for _, e := range events {
		types = append(types, e["type"].(string))
	}
	if !slices.Contains(types, "stage-failed") || types[len(types)-1] != "run-failed" {
		t.Errorf("event types %v: want a stage-failed and a run-failed at the end", types)
	}
	if last := events[len(events)-1]; last["gate"] != "tcp 9999" && !strings.Contains(fmt.Sprint(last["message"]), "tcp 9999") {
		t.Errorf("run-failed does not name the gate: %v", last)
	}
}
