package desktop

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/paths"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
)

var examplesDir = filepath.Join("..", "..", "environments")

// fakePlatform records what the shell pushes to the window.
type fakePlatform struct {
	mu        sync.Mutex
	events    []sent
	notes     []string
	folder    string // what ChooseFolder answers
	save      string // what SaveFile answers
	opened    []string
	paths     []string   // "open PATH" / "reveal PATH"
	terminals [][]string // OpenTerminal's commands
	hidden    bool
	quit      bool
	geom      Geometry
	changed   chan struct{}
}

type sent struct {
	name string
	data any
	at   time.Time
}

func newFakePlatform() *fakePlatform { return &fakePlatform{changed: make(chan struct{}, 1)} }

func (p *fakePlatform) Emit(event string, data any) {
	p.mu.Lock()
	p.events = append(p.events, sent{event, data, time.Now()})
	p.mu.Unlock()
	select {
	case p.changed <- struct{}{}:
	default:
	}
}
func (p *fakePlatform) Notify(title, body string) {
	p.mu.Lock()
	p.notes = append(p.notes, title+": "+body)
	p.mu.Unlock()
}
func (p *fakePlatform) ChooseFolder(string) (string, error)                 { return p.folder, nil }
func (p *fakePlatform) SaveFile(string, string, FileFilter) (string, error) { return p.save, nil }
func (p *fakePlatform) OpenPath(path string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paths = append(p.paths, "open "+path)
	return nil
}
func (p *fakePlatform) RevealPath(path string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paths = append(p.paths, "reveal "+path)
	return nil
}
func (p *fakePlatform) OpenTerminal(argv []string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.terminals = append(p.terminals, argv)
	return nil
}
func (p *fakePlatform) OpenURL(u string)   { p.mu.Lock(); p.opened = append(p.opened, u); p.mu.Unlock() }
func (p *fakePlatform) Show()              { p.mu.Lock(); p.hidden = false; p.mu.Unlock() }
func (p *fakePlatform) Hide()              { p.mu.Lock(); p.hidden = true; p.mu.Unlock() }
func (p *fakePlatform) Quit()              { p.mu.Lock(); p.quit = true; p.mu.Unlock() }
func (p *fakePlatform) Geometry() Geometry { return p.geom }

func (p *fakePlatform) sent(name string) []sent {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []sent
	for _, e := range p.events {
		if e.name == name {
			out = append(out, e)
		}
	}
	return out
}

// waitFor waits until ok holds for the platform, failing after 10s.
func (p *fakePlatform) waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for !ok() {
		select {
		case <-p.changed:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// lastEnvs is the last dashboard pushed.
func (p *fakePlatform) lastEnvs() []EnvView {
	s := p.sent(EventEnvs)
	if len(s) == 0 {
		return nil
	}
	return s[len(s)-1].data.([]EnvView)
}

func find(envs []EnvView, name string) *EnvView {
	for i := range envs {
		if envs[i].Name == name {
			return &envs[i]
		}
	}
	return nil
}

// serveExamples serves the examples' world at 100x speed until the test ends.
func serveExamples(t *testing.T) *sandbox.Server {
	t.Helper()
	w, err := sandbox.LoadWorld(filepath.Join(examplesDir, "sandbox", "world.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := sandboxtest.Serve(t, w, 100)
	return srv
}

// rig is a shell on a fake platform, driving the real control layer
// against an in-process sandbox of the examples' world at 100x speed.
type rig struct {
	*shell
	plat  *fakePlatform
	sb    *sandbox.Sandbox
	dir   string // the watched folder, a copy of the examples
	paths paths.Dirs
	hist  *history.Lazy
	stop  func()
	// wrap, when set, wraps every session the rig's services open (a test
	// gives sessions more than the AWS adapter has).
	wrap func(control.Session) control.Session
	// service is a control service like the window's, for another client
	// (a terminal's "cli") on the same folders, locks and history.
	service func(client string) *control.Service
}

// faultInternal makes every call of action answer InternalError.
func faultInternal(action string) sandbox.Fault {
	return sandbox.Fault{Kind: sandbox.FaultInternal, Action: action}
}

// connect is the rig's connector: the window's, each session wrapped.
func (r *rig) connect(o aws.Options) control.Connector {
	inner := connector(o)
	return func(ctx context.Context, profile, region string) (control.Session, error) {
		sess, err := inner(ctx, profile, region)
		if err != nil || r.wrap == nil {
			return sess, err
		}
		return r.wrap(sess), nil
	}
}

// copyExamples copies the named example environment files into dir (made if
// missing), the folder a test's window watches.
func copyExamples(t *testing.T, dir string, files ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(examplesDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The scripts and templates the examples' launch sections name.
	if _, err := os.Stat(filepath.Join(dir, "launch")); err == nil {
		return
	}
	if err := os.CopyFS(filepath.Join(dir, "launch"), os.DirFS(filepath.Join(examplesDir, "launch"))); err != nil {
		t.Fatal(err)
	}
}

func newRig(t *testing.T, prepare func(r *rig)) *rig {
	t.Helper()
	srv := serveExamples(t)
	isolateAWS(t)

	r := &rig{plat: newFakePlatform(), sb: srv.Sandbox, dir: t.TempDir(), paths: paths.Under(t.TempDir())}
	copyExamples(t, r.dir, "three-tier.yaml", "analytics.yaml")
	if prepare != nil {
		prepare(r)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r.hist = windowHistory(r.paths, r.plat, log)
	t.Cleanup(func() { r.hist.Close() })
	service := func(client string, o aws.Options) *control.Service {
		return control.New(control.Options{Dirs: []string{r.dir}, Paths: r.paths, Tick: 20 * time.Millisecond,
			Client: client, Logger: log, Connect: r.connect(o), History: r.hist})
	}
	reads := awsOptions(srv.URL)
	reads.MaxAttempts, reads.RetryMaxBackoff = readAttempts, readBackoff
	readService := service("window", reads)
	r.service = func(client string) *control.Service { return service(client, awsOptions(srv.URL)) }
	s, err := newShell(shellOptions{Plat: r.plat, Log: log, Paths: r.paths, Folders: []string{r.dir}, SandboxURL: srv.URL,
		Debounce: 10 * time.Millisecond, History: r.hist,
		Cores: func(client string) core { return service(client, awsOptions(srv.URL)) },
		Reads: func() core { return readService }})
	if err != nil {
		t.Fatal(err)
	}
	r.shell = s
	s.start(context.Background())
	r.stop = s.shutdown
	t.Cleanup(r.stop)
	return r
}
