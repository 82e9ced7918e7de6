package desktop

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/atomicfile"
	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/settings"
)

func TestDashboardShowsLastKnownStateAtOnceThenLive(t *testing.T) {
	r := newRig(t, func(r *rig) {
		// A previous session saw three-tier running.
		cached := map[string]*control.Status{"three-tier": {Env: "three-tier", State: op.StateRunning,
			Stages: []control.StageStatus{{Name: "database", State: op.StateRunning,
				Instances: []cloud.Instance{{ID: "i-0db00000000000001", Name: "shop-db", State: cloud.Running}}}}}}
		if err := atomicfile.WriteJSON(filepath.Join(r.paths.State, "dashboard-sandbox.json"), cached, 0o600); err != nil {
			t.Fatal(err)
		}
	})
	first := find(r.board.views(), "three-tier")
	if first == nil || first.State != op.StateRunning || first.Live {
		t.Fatalf("before any refresh three-tier = %+v, want the cached running state, not live", first)
	}
	r.plat.waitFor(t, "three-tier is read live", func() bool {
		v := find(r.plat.lastEnvs(), "three-tier")
		return v != nil && v.Live && v.State == op.StateStopped
	})
	v := find(r.plat.lastEnvs(), "three-tier")
	if len(v.Stages) != 4 || v.Stages[3].Name != "web" || !slices.Equal(v.Stages[3].After, []string{"api", "worker"}) {
		t.Errorf("stages = %+v, want database, api, worker, web with web after api and worker", v.Stages)
	}
	db := v.Stages[0]
	if len(db.Instances) != 1 || db.Instances[0].Name != "shop-db" || db.Instances[0].Type != "m5.large" || db.Instances[0].AZ == "" {
		t.Errorf("database instances = %+v, want shop-db with its type and AZ", db.Instances)
	}
	if kinds := gateKinds(db.Gates); !slices.Equal(kinds, []string{"running", "status-checks", "tcp"}) {
		t.Errorf("database gates = %v", kinds)
	}
	// The live state replaced the cached one on disk.
	r.plat.waitFor(t, "the cache file holds the live state", func() bool {
		st := (&stateCache{path: filepath.Join(r.paths.State, "dashboard-sandbox.json")}).load()["three-tier"]
		return st != nil && st.State == op.StateStopped && len(st.Stages) == 4
	})
}

func gateKinds(gs []orchestrate.Gate) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Kind)
	}
	return out
}

func TestRefreshIsOneDescribePerRegionPerEnvironment(t *testing.T) {
	r := newRig(t, nil)
	r.plat.waitFor(t, "first live read", func() bool {
		envs := r.plat.lastEnvs()
		a, b := find(envs, "analytics"), find(envs, "three-tier")
		return a != nil && a.Live && b != nil && b.Live
	})
	r.stop() // no background refresh from here on
	// A refresh cancelled by stop may still reach the sandbox a moment
	// later (the client gave up, the bytes were already on the socket):
	// wait until its log has been quiet before counting.
	waitQuiet(t, r.sb, 100*time.Millisecond)
	r.sb.ResetRequests()
	r.refreshAll(context.Background())
	count := map[string]int{}
	for _, q := range r.sb.Requests() {
		if q.Attempt <= 1 { // the SDK's own retries of a dropped loopback connection are not new calls
			count[q.Action]++
		}
	}
	if count["DescribeInstances"] != 2 || len(count) != 1 {
		t.Errorf("one refresh of 2 environments in one region made %v, want exactly 2 DescribeInstances", count)
	}
}

// waitQuiet returns once the sandbox has logged no new request for quiet.
func waitQuiet(t *testing.T, sb *sandbox.Sandbox, quiet time.Duration) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	n := len(sb.Requests())
	for time.Now().Before(deadline) {
		time.Sleep(quiet)
		m := len(sb.Requests())
		if m == n {
			return
		}
		n = m
	}
	t.Fatalf("the sandbox kept receiving requests after the shell stopped (%d logged)", n)
}

func TestStartPushesEventsInOrderThenResultAndNotification(t *testing.T) {
	r := newRig(t, nil)
	if err := (&Environments{s: r.shell}).Start("three-tier"); err != nil {
		t.Fatal(err)
	}
	// The run keeps the definition it started with, even when the file breaks now.
	if err := os.WriteFile(filepath.Join(r.dir, "three-tier.yaml"), []byte("stages: ["), 0o644); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the run finishes", func() bool { return len(r.plat.sent(EventFinished)) == 1 })
	fin := r.plat.sent(EventFinished)[0].data.(op.Progress)
	if fin.Outcome != op.OutcomeDone || !fin.Finished() {
		t.Fatalf("run finished %+v, want done", fin)
	}
	for _, st := range fin.Stages {
		if st.Status != op.StageReady {
			t.Errorf("stage %s ended %s, want ready", st.Name, st.Status)
		}
	}
	// While the run holds it, the dashboard says three-tier is starting,
	// also between stages when its instances alone read partly running.
	during := 0
	var runStarted, runEnded time.Time
	for _, e := range r.plat.sent(EventRun) {
		switch e.data.(op.Event).Type {
		case op.EventRunStarted:
			runStarted = e.at
		case op.EventRunDone:
			runEnded = e.at
		}
	}
	for _, e := range r.plat.sent(EventEnvs) {
		v := find(e.data.([]EnvView), "three-tier")
		if v == nil || e.at.Before(runStarted) || !e.at.Before(runEnded) {
			continue
		}
		during++
		if v.State != op.StateStarting {
			t.Errorf("during the run three-tier read %q, want starting", v.State)
		}
	}
	if during == 0 {
		t.Error("no dashboard update was sent during the run")
	}
	// A stage's state follows the run's events at once: the dashboard showed
	// stages starting, and ready ones running, before the next refresh.
	words := map[op.State]bool{}
	for _, e := range r.plat.sent(EventEnvs) {
		if v := find(e.data.([]EnvView), "three-tier"); v != nil && !e.at.Before(runStarted) && e.at.Before(runEnded) {
			for _, st := range v.Stages {
				words[st.State] = true
			}
		}
	}
	if !words[op.StateStarting] || !words[op.StateRunning] {
		t.Errorf("during the run the stages read %v, want starting and running ones", words)
	}
	// Every event's progress is pushed; the last is the finished run, which
	// the overview keeps for a window opened later.
	progress := r.plat.sent(EventProgress)
	if last := progress[len(progress)-1].data.(op.Progress); last.Outcome != op.OutcomeDone || last.Events != fin.Events {
		t.Errorf("the last progress pushed %+v, want the finished run's", last)
	}
	if runs := r.overview().Runs; len(runs) != 1 || runs[0].Env != "three-tier" || runs[0].Outcome != op.OutcomeDone || len(runs[0].Stages) != 4 {
		t.Errorf("Overview().Runs = %+v, want three-tier's done run with its 4 stages", runs)
	}
	var types, ready []string
	for _, e := range r.plat.sent(EventRun) {
		ev := e.data.(op.Event)
		types = append(types, string(ev.Type))
		if ev.Type == op.EventStageReady {
			ready = append(ready, ev.Stage)
		}
	}
	if types[0] != string(op.EventRunStarted) || types[len(types)-1] != string(op.EventRunDone) {
		t.Errorf("events %v, want run-started first and run-done last", types)
	}
	if ready[0] != "database" || ready[len(ready)-1] != "web" {
		t.Errorf("stages became ready in order %v, want database first and web last", ready)
	}
	if got := (&Environments{s: r.shell}).RunLog("three-tier"); len(got) != len(types) {
		t.Errorf("RunLog has %d events, %d were pushed", len(got), len(types))
	}
	if len(r.plat.sent(EventProgress)) < 4 {
		t.Errorf("%d progress events, want at least one per stage", len(r.plat.sent(EventProgress)))
	}
	// The notification follows run:finished (the run's goroutine sends both).
	var notes []string
	r.plat.waitFor(t, "the run's notification", func() bool {
		r.plat.mu.Lock()
		defer r.plat.mu.Unlock()
		notes = slices.Clone(r.plat.notes)
		return len(notes) > 0
	})
	if len(notes) != 1 || !strings.HasPrefix(notes[0], "three-tier is ready") {
		t.Errorf("notifications %q, want one saying three-tier is ready", notes)
	}
	// The broken file shows its problem while its last good version stays usable.
	r.plat.waitFor(t, "three-tier runs, its file broken but usable", func() bool {
		v := find(r.plat.lastEnvs(), "three-tier")
		return v != nil && v.State == op.StateRunning && v.Usable && len(v.Problems) > 0
	})
	v := find(r.plat.lastEnvs(), "three-tier")
	if p := v.Problems[0]; p.Line != 1 || p.Source != "stages: [" || !strings.HasPrefix(p.Text, filepath.Join(r.dir, "three-tier.yaml")+":1:") {
		t.Errorf("problem %+v, want line 1 with its source text", p)
	}
	if _, err := r.plan(r.context(), "three-tier", "stop"); err != nil {
		t.Errorf("planning a stop with the last good version: %v", err)
	}
}

func TestStartRefusesWhenBusyAndCancelStopsARun(t *testing.T) {
	r := newRig(t, nil)
	l, err := lock.Acquire(r.paths.Locks(), "analytics", lock.Holder{Action: "stop", Client: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	err = (&Environments{s: r.shell}).Start("analytics")
	if err == nil || !strings.Contains(err.Error(), "analytics is busy") || !strings.Contains(err.Error(), "cli") {
		t.Errorf("Start while a terminal holds the lock = %v, want a busy refusal naming the holder", err)
	}
	r.refreshAll(r.context())
	if v := find(r.plat.lastEnvs(), "analytics"); v == nil || v.Busy == nil || v.Busy.Client != "cli" {
		t.Errorf("dashboard busy info = %+v, want the cli holder", v)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if n := len(r.plat.sent(EventRun)); n != 0 {
		t.Errorf("a refused start pushed %d run events", n)
	}
	// The window shows it as a refusal: the run's progress says so.
	if p := r.plat.sent(EventProgress); len(p) != 1 || p[0].data.(op.Progress).Outcome != op.OutcomeRefused ||
		!strings.Contains(p[0].data.(op.Progress).Failure.Message, "analytics is busy") {
		t.Errorf("a refused start pushed the progress %+v, want one refused saying busy", p)
	}

	envs := &Environments{s: r.shell}
	if err := envs.Start("three-tier"); err != nil {
		t.Fatal(err)
	}
	if err := envs.Start("three-tier"); err == nil || !strings.Contains(err.Error(), "busy") {
		t.Errorf("a second Start = %v, want busy", err)
	}
	if err := envs.Cancel("three-tier"); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the cancelled run ends", func() bool { return len(r.plat.sent(EventFinished)) == 1 })
	if fin := r.plat.sent(EventFinished)[0].data.(op.Progress); fin.Outcome != op.OutcomeCancelled {
		t.Errorf("outcome %q, want cancelled", fin.Outcome)
	}
	if err := envs.Cancel("three-tier"); err == nil {
		t.Error("Cancel with no run succeeded")
	}
}

func TestInstanceActionActsOnlyOnTheEnvironmentsInstances(t *testing.T) {
	r := newRig(t, nil)
	envs := &Environments{s: r.shell}
	if err := envs.InstanceAction("three-tier", "i-0db00000000000001", "start"); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "shop-db is seen starting or running", func() bool {
		v := find(r.plat.lastEnvs(), "three-tier")
		return v != nil && len(v.Stages) > 0 && len(v.Stages[0].Instances) == 1 && v.Stages[0].Instances[0].State != cloud.Stopped
	})
	err := envs.InstanceAction("analytics", "i-0db00000000000001", "stop")
	if err == nil || !strings.Contains(err.Error(), "not part of analytics") {
		t.Errorf("acting on another environment's instance = %v, want a refusal", err)
	}
	if err := envs.InstanceAction("three-tier", "i-0db00000000000001", "explode"); err == nil {
		t.Error("an unknown action was accepted")
	}
}

func TestWatchedFileChangesReachTheWindow(t *testing.T) {
	r := newRig(t, nil)
	r.plat.waitFor(t, "first dashboard", func() bool { return find(r.plat.lastEnvs(), "three-tier") != nil })
	file := filepath.Join(r.dir, "web.yaml")
	begin := len(r.plat.sent(EventEnvs))
	text := "region: eu-west-1\nstages:\n  - name: app\n    instances: [{name: shop-web-1}]\n"
	wrote := timeNow()
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the new file appears", func() bool { return find(r.plat.lastEnvs(), "web") != nil })
	for _, e := range r.plat.sent(EventEnvs)[begin:] {
		if find(e.data.([]EnvView), "web") != nil {
			t.Logf("watcher latency, write to envs:changed: %s", e.at.Sub(wrote))
			if d := e.at.Sub(wrote); d > 300*1e6 {
				t.Errorf("the change took %s to reach the window, want under 300ms", d)
			}
			break
		}
	}
	if err := os.WriteFile(file, []byte(strings.Replace(text, "stages:", "stages: [", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the broken file shows problems, still usable", func() bool {
		v := find(r.plat.lastEnvs(), "web")
		return v != nil && v.Usable && len(v.Problems) > 0
	})
	if err := os.Rename(file, filepath.Join(r.dir, "shop.yaml")); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the renamed broken file is invalid under its new name", func() bool {
		envs := r.plat.lastEnvs()
		v := find(envs, "shop")
		return find(envs, "web") == nil && v != nil && v.State == op.StateInvalid && !v.Usable
	})
	if err := os.Remove(filepath.Join(r.dir, "shop.yaml")); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the deleted file disappears", func() bool { return find(r.plat.lastEnvs(), "shop") == nil })
}

func TestSettingsFoldersAndWindowPersist(t *testing.T) {
	r := newRig(t, nil)
	extra := t.TempDir()
	r.plat.folder = extra
	set := &Settings{s: r.shell}
	v, err := set.AddFolder()
	if err != nil || !slices.Contains(v.Folders, extra) {
		t.Fatalf("AddFolder = %+v, %v", v, err)
	}
	if err := os.WriteFile(filepath.Join(extra, "solo.yaml"), []byte("region: eu-west-1\nstages:\n  - name: a\n    instances: [{name: shop-db}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the added folder is watched", func() bool { return find(r.plat.lastEnvs(), "solo") != nil })
	if _, err := set.AddFolder(); err == nil {
		t.Error("adding the same folder twice succeeded")
	}
	if _, err := set.SetRefreshSeconds(2); err == nil {
		t.Error("a 2s refresh was accepted")
	}
	if _, err := set.SetRefreshSeconds(30); err != nil {
		t.Fatal(err)
	}
	r.plat.geom = Geometry{X: 10, Y: 20, Width: 900, Height: 600}
	r.screen.setTray(true)
	if prevent := r.beforeClose(); !prevent || !r.plat.hidden {
		t.Errorf("closing with a tray: prevent=%v hidden=%v, want the window hidden", prevent, r.plat.hidden)
	}
	saved, err := loadWindowSettings(r.settings.file, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := saved.view(); !slices.Equal(got.Folders, []string{r.dir, extra}) || got.RefreshSeconds != 30 {
		t.Errorf("saved settings %+v", got)
	}
	if g := saved.geometry(); g == nil || *g != r.plat.geom {
		t.Errorf("saved geometry %+v, want %+v", g, r.plat.geom)
	}
	if _, err := set.RemoveFolder(extra); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the removed folder's environment goes", func() bool { return find(r.plat.lastEnvs(), "solo") == nil })
	r.quit()
	if r.beforeClose() || !r.plat.quit {
		t.Error("after Quit, closing must not be prevented")
	}
	b, _ := os.ReadFile(r.settings.file.Path())
	var f settings.Settings
	if json.Unmarshal(b, &f) != nil || slices.Contains(f.Folders, extra) {
		t.Errorf("settings file after remove: %s", b)
	}
}

// Folders named with --dir replace the saved ones; without --dir the saved
// ones win over the defaults.
func TestDirFlagReplacesSavedFoldersDefaultsDoNot(t *testing.T) {
	dir := t.TempDir()
	file := settings.Open(dir)
	saved, other := t.TempDir(), t.TempDir()
	if err := os.WriteFile(file.Path(), []byte(`{"folders":["`+saved+`"],"refreshSeconds":30,"profile":"work"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := loadWindowSettings(file, []string{other})
	if err != nil || !slices.Equal(st.folders(), []string{saved}) {
		t.Fatalf("without --dir: folders %v (%v), want the saved %s", st.folders(), err, saved)
	}
	if err := st.setFolders([]string{other}); err != nil {
		t.Fatal(err)
	}
	again, err := loadWindowSettings(file, nil)
	if err != nil || !slices.Equal(again.folders(), []string{other}) || again.view().RefreshSeconds != 30 {
		t.Fatalf("after --dir %s: saved %+v (%v); the other settings must stay", other, again.view(), err)
	}
	if p, _, _ := file.Choice(); p != "work" {
		t.Fatalf("the active profile was lost by the window's save: %q", p)
	}
}
