package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
)

// The examples this package's end-to-end tests run, as shipped.
var (
	examplesDir   = filepath.Join("..", "..", "environments")
	examplesWorld = filepath.Join(examplesDir, "sandbox", "world.yaml")
)

// testPoll keeps every wait short: the sandbox runs 100x faster than life.
const testPoll = "20ms"

// harness is one in-process sandbox plus an isolated home, AWS
// configuration and environment folder for the command line to run against.
type harness struct {
	t   *testing.T
	srv *sandbox.Server
	sb  *sandbox.Sandbox
	dir string // the --dir given to every command
}

// newHarness serves worldFile on 127.0.0.1:0 at speed and points the AWS
// variables at it. dir is the environment folder every command gets.
// Tests using it cannot be parallel (t.Setenv).
func newHarness(t *testing.T, worldFile string, speed float64, dir string) *harness {
	t.Helper()
	w, err := sandbox.LoadWorld(worldFile)
	if err != nil {
		t.Fatalf("loading the world %s: %v", worldFile, err)
	}
	srv := sandboxtest.Serve(t, w, speed)
	isolateAWS(t, srv.URL)
	return &harness{t: t, srv: srv, sb: srv.Sandbox, dir: dir}
}

// isolateAWS makes the AWS SDK and the app see only the sandbox: dummy
// keys, empty config files, no CA bundle or profile from this machine, and
// a private CLOUDCONTROL_HOME (locks).
func isolateAWS(t *testing.T, endpoint string) {
	t.Helper()
	tmp := t.TempDir()
	empty := func(name string) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("CLOUDCONTROL_HOME", filepath.Join(tmp, "home"))
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_ACCESS_KEY_ID", "sandbox")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "sandbox")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", empty("config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty("credentials"))
	t.Setenv("AWS_CA_BUNDLE", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_DEFAULT_PROFILE", "")
}

// result is one command's outcome.
type result struct {
	code           int
	stdout, stderr string
}

// syncBuffer is written by a command running in another goroutine while
// the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// run runs the command line with --dir and --poll and waits for it.
func (h *harness) run(ctx context.Context, args ...string) result {
	h.t.Helper()
	var out, errOut syncBuffer
	return h.runTo(ctx, &out, &errOut, args...)
}

// runTo is run with the caller's buffers, for commands watched while they run.
func (h *harness) runTo(ctx context.Context, out, errOut *syncBuffer, args ...string) result {
	full := append([]string{"--dir", h.dir, "--poll", testPoll}, args...)
	code := runCLI(ctx, out, errOut, full...)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// runCLI runs the cobra root as main does, minus the signal handling.
func runCLI(ctx context.Context, out, errOut *syncBuffer, args ...string) int {
	root := NewRoot(nil, strings.NewReader(""), out, errOut)
	root.SetArgs(args)
	return Execute(ctx, root, errOut)
}

// timeout is the context of one test's commands: a hung run fails the test
// instead of the whole package.
func timeout(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// writeEnvs writes name -> content files into a new folder and returns it.
func writeEnvs(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// jsonLines decodes stdout of a --json run: every line must be an object.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var events []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %d of the output is not a JSON object: %v\n%s", len(events)+1, err, sc.Text())
		}
		events = append(events, e)
	}
	if len(events) == 0 {
		t.Fatalf("no JSON lines in the output %q", out)
	}
	return events
}

// starts are the StartInstances calls the sandbox answered OK, each as its
// instance ids, in the order they were received.
func (h *harness) starts() [][]string { return h.calls("StartInstances") }

func (h *harness) calls(action string) [][]string {
	var out [][]string
	for _, r := range h.sb.Requests() {
		if r.Action == action && r.Status == 200 {
			out = append(out, r.InstanceIDs)
		}
	}
	return out
}

// firstCall is the index among calls of the first one naming id, or -1.
func firstCall(calls [][]string, id string) int {
	return slices.IndexFunc(calls, func(ids []string) bool { return slices.Contains(ids, id) })
}

// The example world's instances.
const (
	dbID      = "i-0db00000000000001"
	api1ID    = "i-0a100000000000001"
	api2ID    = "i-0a100000000000002"
	workerID  = "i-0b100000000000001"
	web1ID    = "i-0c100000000000001"
	web2ID    = "i-0c100000000000002"
	kafka1ID  = "i-0d100000000000001"
	kafka2ID  = "i-0d100000000000002"
	ingestID  = "i-0d200000000000001"
	whID      = "i-0d300000000000001"
	reportsID = "i-0d400000000000001"
)

// state is the sandbox's view of one instance right now.
func (h *harness) state(id string) string {
	for _, in := range h.sb.Instances("eu-west-1") {
		if in.ID == id {
			return in.State
		}
	}
	h.t.Fatalf("the sandbox has no instance %s", id)
	return ""
}
