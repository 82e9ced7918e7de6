package cli

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
)

// rawControls are what must never reach a terminal unescaped.
const rawControls = "\x1b\a\x00\r\u202e\u2066\u0085"

// A folder named with --dir must exist: a missing one is a usage error
// (exit 2), not an environment named after it.
func TestAMissingDirIsAUsageError(t *testing.T) {
	isolateAWS(t, "http://127.0.0.1:1")
	ctx := timeout(t, 10*time.Second)
	file := filepath.Join(t.TempDir(), "not-a-folder.yaml")
	if err := os.WriteFile(file, []byte("stages: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]string{"/nonexistent": "--dir /nonexistent: no such folder", file: "is not a folder"} {
		for _, args := range [][]string{{"env", "list"}, {"env", "list", "--json"}, {"env", "validate"}, {"env", "status", "x"}} {
			var out, errOut syncBuffer
			code := runCLI(ctx, &out, &errOut, append([]string{"--dir", dir}, args...)...)
			if code != ExitUsage || !strings.Contains(errOut.String(), want) || out.String() != "" {
				t.Errorf("--dir %s %v: exit %d, stdout %q, stderr %q; want exit 2 saying %q", dir, args, code, out.String(), errOut.String(), want)
			}
		}
	}
}

// What the command line prints from files and from AWS is escaped for the
// terminal (a file can neither retitle it nor forge lines), while JSON
// keeps the exact values.
func TestTextOutputIsEscapedAndJSONKeepsTheValues(t *testing.T) {
	w, err := sandbox.ParseWorld([]byte(`regions:
  eu-west-1:
    instances:
      - {id: i-0db00000000000001, state: running, tags: {Name: "db\u202Etxt.exe\x85", Env: demo}}
`), "world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := sandboxtest.Serve(t, w, 100)
	isolateAWS(t, srv.URL)
	evilFile := "evil\x1b]0;owned\a\u202e.yaml"
	dir := writeEnvs(t, map[string]string{
		evilFile:                        "name: evil\nregion: eu-west-1\nstages:\n  - {name: db, instances: [{tags: {Env: demo}}]}\n",
		"broken\x1b[2J\rFAKE LINE.yaml": "stages: nope\n",
	})
	h := &harness{t: t, srv: srv, sb: srv.Sandbox, dir: dir}
	ctx := timeout(t, 20*time.Second)

	for _, args := range [][]string{{"env", "list"}, {"env", "validate"}, {"env", "plan", "evil"}, {"env", "status", "evil"},
		{"env", "start", "evil"}, {"env", "stop", "evil"}, {"history"}, {"history", "show", "1"}, {"env", "status", "broken\x1b[2J\rFAKE LINE"}} {
		r := h.run(ctx, args...)
		if strings.ContainsAny(r.stdout+r.stderr, rawControls) {
			t.Errorf("%v prints raw control characters:\n%q\n%q", args, r.stdout, r.stderr)
		}
	}
	r := h.run(ctx, "env", "list")
	if !strings.Contains(r.stdout, `evil\x1b]0;owned\a\u202e.yaml`) || !strings.Contains(r.stdout, `broken\x1b[2J\rFAKE LINE`) {
		t.Errorf("env list does not show the file names escaped:\n%s", r.stdout)
	}
	r = h.run(ctx, "env", "status", "evil")
	if !strings.Contains(r.stdout, `db\u202etxt.exe\u0085`) {
		t.Errorf("env status does not show the Name tag escaped:\n%s", r.stdout)
	}

	var list []envListEntry
	if r := h.run(ctx, "env", "list", "--json"); json.Unmarshal([]byte(r.stdout), &list) != nil || len(list) != 2 ||
		filepath.Base(list[0].File) != evilFile {
		t.Errorf("env list --json: %+v\n%s", list, r.stdout)
	}
	var st struct {
		Stages []struct{ Instances []struct{ Name string } }
	}
	if r := h.run(ctx, "env", "status", "evil", "--json"); json.Unmarshal([]byte(r.stdout), &st) != nil ||
		st.Stages[0].Instances[0].Name != "db\u202etxt.exe\u0085" {
		t.Errorf("env status --json does not keep the Name tag: %+v\n%s", st, r.stdout)
	}
}

// A password or token in a gate's URL is used for the check and is shown
// and stored nowhere: not in the plan, the progress, --json, the history
// or any file of Cloud Control's.
func TestAGateURLsSecretsAreNowhere(t *testing.T) {
	dir := writeEnvs(t, map[string]string{"api.yaml": `name: api
region: eu-west-1
stages:
  - name: api
    instances: [{name: shop-api-1}]
    ready:
      http: "http://admin:PASSWORD@{{.PrivateIP}}:8080/health?token=T0KEN"
`})
	h := newHarness(t, examplesWorld, 100, dir)
	ctx := timeout(t, 30*time.Second)
	var seen strings.Builder
	for _, args := range [][]string{{"env", "plan", "api"}, {"env", "plan", "api", "--json"}, {"env", "start", "api"},
		{"env", "stop", "api", "--json"}, {"env", "start", "api", "--json"}, {"env", "validate"}, {"history"}, {"history", "--json"},
		{"history", "show", "1"}, {"history", "show", "1", "--json"}, {"history", "show", "3", "--json"}, {"env", "status", "api", "--json"}} {
		r := h.run(ctx, args...)
		if r.code != ExitOK {
			t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		seen.WriteString(r.stdout + r.stderr)
	}
	if !strings.Contains(seen.String(), "http://***@127.") || !strings.Contains(seen.String(), "token=***") {
		t.Errorf("the gate's URL is not shown redacted:\n%s", seen.String())
	}
	home := os.Getenv("CLOUDCONTROL_HOME")
	err := filepath.WalkDir(home, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		seen.WriteString(path + ": " + string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(seen.String(), "history.db") {
		t.Fatal("no history.db was read")
	}
	for _, secret := range []string{"PASSWORD", "T0KEN"} {
		if strings.Contains(seen.String(), secret) {
			t.Errorf("%s is shown or stored: %s", secret, seen.String())
		}
	}
}

// An AWS call that hangs during a run is cut at what is left of the
// stage's timeout: the stage fails at its timeout, not minutes later.
func TestAHungAWSCallEndsAtTheStageTimeout(t *testing.T) {
	dir := writeEnvs(t, map[string]string{"db.yaml": `name: db
region: eu-west-1
stages:
  - name: data
    instances: [{name: shop-db}]
    timeout: 2s
`})
	h := newHarness(t, examplesWorld, 1, dir) // real EC2 timings: shop-db takes 8s to run
	ctx := timeout(t, 30*time.Second)
	began := time.Now()
	out, done := h.background(ctx, "env", "start", "db")
	waitFor(t, out, "start sent", 10*time.Second)
	if err := h.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultLatency, Action: "DescribeInstances", Latency: 300 * time.Second}); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.code != ExitFailed || !strings.Contains(r.stderr, `stage "data"`) || !strings.Contains(r.stderr, "timed out after 2s") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("the run took %s with a 2s stage timeout", took)
	}
	h.sb.ClearFaults()
}

// Ctrl-C while a command without a run waits on AWS exits 4, in words
// (never the context's "context canceled").
func TestCancellingACommandThatWaitsOnAWS(t *testing.T) {
	h := newHarness(t, examplesWorld, 100, examplesDir)
	if err := h.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultLatency, Action: "DescribeInstances", Latency: 300 * time.Second}); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"env", "status", "three-tier"}, {"env", "plan", "three-tier"}, {"env", "cost", "three-tier"},
		{"env", "start", "three-tier"}, {"env", "stop", "three-tier", "--json"}} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(300*time.Millisecond, cancel)
		r := h.run(ctx, args...)
		cancel()
		if r.code != ExitCancelled || strings.Contains(r.stdout+r.stderr, "context canceled") || !strings.Contains(r.stdout+r.stderr, "cancelled") {
			t.Errorf("%v cancelled: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
	h.sb.ClearFaults()
}

// A dead endpoint ends a run at once, saying it cannot reach AWS there and
// what it left running, instead of waiting out the stage's 15 minutes.
func TestADeadEndpointFailsTheRunFast(t *testing.T) {
	w, err := sandbox.LoadWorld(examplesWorld)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sandbox.Listen("127.0.0.1:0", w, sandbox.Options{Speed: 20, AddressBlock: sandboxtest.Block(t)})
	if err != nil {
		t.Fatal(err)
	}
	serveCtx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(serveCtx) }()
	stop := sync.OnceValue(func() error { cancel(); return <-served })
	t.Cleanup(func() { _ = stop() })
	isolateAWS(t, srv.URL)
	t.Setenv("AWS_MAX_ATTEMPTS", "2") // each call is tried twice, as a flaky network would be

	h := &harness{t: t, srv: srv, sb: srv.Sandbox, dir: examplesDir}
	ctx := timeout(t, 60*time.Second)
	out, done := h.background(ctx, "env", "start", "three-tier")
	waitFor(t, out, "stage database ready", 20*time.Second)
	began := time.Now()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.code != ExitFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"cannot reach AWS at " + srv.URL, "3 polls in a row", "left running: i-0db00000000000001 (shop-db)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the failure does not say %q:\n%s", want, r.stderr)
		}
	}
	if took := time.Since(began); took > 20*time.Second {
		t.Errorf("the run took %s to give up on a dead endpoint", took)
	}
}

// env status from another command line while a start waits in a stage's
// delay says starting (the lock's holder), not running.
func TestStatusDuringAStartsDelaySaysStarting(t *testing.T) {
	dir := writeEnvs(t, map[string]string{"db.yaml": `name: db
region: eu-west-1
stages:
  - name: data
    instances: [{name: shop-db}]
    ready: {delay: 1m}
`})
	h := newHarness(t, examplesWorld, 100, dir)
	ctx, cancel := context.WithCancel(timeout(t, 30*time.Second))
	defer cancel()
	out, done := h.background(ctx, "env", "start", "db")
	waitFor(t, out, "waiting for delay 1m0s", 20*time.Second)
	r := h.run(timeout(t, 10*time.Second), "env", "status", "db", "--json")
	var st struct {
		State  string
		Holder *struct{ Action string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || st.State != "starting" || st.Holder == nil || st.Holder.Action != "start" {
		t.Errorf("status during the delay: %+v, %v\n%s%s", st, err, r.stdout, r.stderr)
	}
	if h.state(dbID) != "running" {
		t.Fatalf("shop-db is %s in the delay", h.state(dbID))
	}
	cancel()
	if r := <-done; r.code != ExitCancelled {
		t.Errorf("the cancelled start: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// Stopping an environment whose database another one runs on is refused
// (exit 3), naming both; --force stops it; status and plan say who shares it.
func TestAStopOfASharedDatabaseIsRefused(t *testing.T) {
	dir := writeEnvs(t, map[string]string{"reports.yaml": `name: reports
region: eu-west-1
stages:
  - name: db
    instances: [{name: shop-db}]
`})
	copyExample(t, dir, "three-tier.yaml")
	h := newHarness(t, examplesWorld, 100, dir)
	ctx := timeout(t, 60*time.Second)
	if r := h.run(ctx, "env", "start", "three-tier"); r.code != ExitOK {
		t.Fatalf("start: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := h.run(ctx, "env", "stop", "reports")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "refusing to stop reports: i-0db00000000000001 (shop-db) is shared with three-tier, which is running") {
		t.Errorf("stop reports while three-tier runs: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if h.state(dbID) != "running" {
		t.Error("the refused stop stopped the database")
	}
	if r := h.run(ctx, "env", "status", "reports"); !strings.Contains(r.stdout, "shop-db (i-0db00000000000001) is shared with three-tier") {
		t.Errorf("status does not say the database is shared:\n%s", r.stdout)
	}
	if r := h.run(ctx, "env", "plan", "reports", "--stop"); !strings.Contains(r.stdout, "(shared with three-tier)") ||
		!strings.Contains(r.stdout, "env stop refuses to stop it unless --force") {
		t.Errorf("plan --stop does not say so:\n%s", r.stdout)
	}
	if r := h.run(ctx, "env", "stop", "reports", "--force"); r.code != ExitOK || !strings.Contains(r.stdout, "(--force)") {
		t.Errorf("stop --force: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if s := h.state(dbID); s != "stopped" {
		t.Errorf("after stop --force the database is %s", s)
	}
}

// background runs a command while the test watches its output; its result
// comes on the channel.
func (h *harness) background(ctx context.Context, args ...string) (*syncBuffer, <-chan result) {
	var out, errOut syncBuffer
	done := make(chan result, 1)
	go func() { done <- h.runTo(ctx, &out, &errOut, args...) }()
	return &out, done
}

// copyExample copies an example environment file into dir, with the
// scripts and templates the examples' launch sections name.
func copyExample(t *testing.T, dir, name string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examplesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "launch")); err == nil {
		return
	}
	if err := os.CopyFS(filepath.Join(dir, "launch"), os.DirFS(filepath.Join(examplesDir, "launch"))); err != nil {
		t.Fatal(err)
	}
}
