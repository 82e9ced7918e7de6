package desktop

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"cloudcontrol/app/launch"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/paths"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/settings"
)

// fakeTray records what the tray was asked to show.
type fakeTray struct {
	mu       sync.Mutex
	menu     *trayMenu
	envs     [][]EnvView
	profiles []ProfileList
	stopped  bool
}

func (f *fakeTray) show(v []EnvView) { f.mu.Lock(); f.envs = append(f.envs, v); f.mu.Unlock() }
func (f *fakeTray) showProfiles(l ProfileList) {
	f.mu.Lock()
	f.profiles = append(f.profiles, l)
	f.mu.Unlock()
}
func (f *fakeTray) stop() { f.mu.Lock(); f.stopped = true; f.mu.Unlock() }

func (f *fakeTray) lists() []ProfileList {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.profiles)
}

// appRig is the whole desktop app on a fake window and tray, against an
// in-process sandbox, as Opener wires it in sandbox mode.
type appRig struct {
	app  *desktopApp
	plat *fakePlatform
	tray *fakeTray
	sb   *sandbox.Sandbox
	p    paths.Dirs
	dir  string
}

func newAppRig(t *testing.T, prepare func(p paths.Dirs)) *appRig {
	t.Helper()
	return newAppRigOn(t, launch.WindowOptions{}, prepare)
}

// newAppRigOn is newAppRig with the command line's window options (its
// folders and paths are the rig's).
func newAppRigOn(t *testing.T, w launch.WindowOptions, prepare func(p paths.Dirs)) *appRig {
	t.Helper()
	keyring.MockInit()
	srv := serveExamples(t)
	isolateAWS(t)
	r := &appRig{plat: newFakePlatform(), tray: &fakeTray{}, sb: srv.Sandbox, p: paths.Under(t.TempDir()), dir: t.TempDir()}
	copyExamples(t, r.dir, "three-tier.yaml")
	if prepare != nil {
		prepare(r.p)
	}
	var err error
	w.Dirs, w.Paths = []string{r.dir}, r.p
	r.app, err = newDesktopApp(appOptions{Window: w, SandboxURL: srv.URL,
		Plat: r.plat, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Tick: 20 * time.Millisecond, Debounce: 10 * time.Millisecond,
		OpenTray: func(m *trayMenu) (trayUI, error) { r.tray.menu = m; return r.tray, nil }})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A window on its own sandbox at speed 10 plans with EC2's timings a tenth
// of AWS's, as that sandbox runs them; on AWS (or a sandbox it did not
// start, whose speed it does not know) they are AWS's.
func TestTheWindowsSandboxScalesThePlansEstimates(t *testing.T) {
	for speed, want := range map[float64]time.Duration{10: 22500 * time.Millisecond, 0: 225 * time.Second} {
		r := newAppRigOn(t, launch.WindowOptions{Sandbox: speed > 0, SandboxSpeed: speed}, nil)
		r.app.start(t.Context())
		p, err := (&Environments{s: r.app.shell}).Plan("three-tier", op.Start)
		r.app.shutdown()
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Stages[0].Expected.D(); got != want {
			t.Errorf("speed %v: the database stage is expected to take %s, want %s", speed, got, want)
		}
	}
}

func TestTheAppStartsItsServicesAndStopsThem(t *testing.T) {
	r := newAppRig(t, nil)
	if r.app.shell.overview().TrayAvailable {
		t.Fatal("a tray before start")
	}
	r.app.start(t.Context())
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			r.app.shutdown()
		}
	})
	if !r.app.shell.overview().TrayAvailable || r.tray.menu == nil || r.tray.menu.switcher != r.app.profiles {
		t.Fatal("the tray is not up, or cannot switch profiles")
	}
	r.plat.waitFor(t, "the tray lists the profiles with the sandbox's note", func() bool {
		l := r.tray.lists()
		return len(l) > 0 && slices.Contains(l[0].Problems, sandboxNote)
	})
	r.plat.waitFor(t, "the dashboard is read live", func() bool {
		e := find(r.plat.lastEnvs(), "three-tier")
		return e != nil && e.Live
	})

	// A switch of profile drops the sessions and reads AWS again at once
	// (the pace is 15 s after the first read: a read within 10 s is the
	// switch's).
	waitQuiet(t, r.sb, 100*time.Millisecond)
	r.sb.ResetRequests()
	lists := len(r.tray.lists())
	if err := r.app.profiles.Use("work", "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "AWS read again after the switch", func() bool { return describes(r.sb) > 0 })
	r.plat.waitFor(t, "the tray's new profile list", func() bool {
		l := r.tray.lists()
		return len(l) > lists && l[len(l)-1].Active == "work"
	})

	// An MFA question brings the hidden window up.
	r.app.screen.setTray(true)
	r.plat.geom = Geometry{Width: 800, Height: 600}
	if !r.app.shell.beforeClose() || r.app.screen.isVisible() {
		t.Fatal("closing with a tray did not hide the window")
	}
	go func() { _, _ = r.app.profiles.mfa.ask(t.Context(), "work", "arn:mfa") }()
	r.plat.waitFor(t, "the window is brought up for the code", func() bool { return r.app.screen.isVisible() })
	r.app.profiles.CancelMFA()

	r.app.shutdown()
	stopped = true
	if !r.tray.stopped {
		t.Error("the tray was left up")
	}
	// The sandbox's window keeps its folders and geometry apart; the
	// active profile is in the one settings.json.
	win, err := settings.WindowFile(r.p.Config, true).Load()
	if err != nil || win.Window == nil || win.Window.Width != 800 || win.Profile != "" {
		t.Errorf("settings-sandbox.json: %+v %v", win, err)
	}
	if s, err := settings.Open(r.p.Config).Load(); err != nil || s.Profile != "work" || s.Window != nil {
		t.Errorf("settings.json: %+v %v", s, err)
	}
}

func describes(sb *sandbox.Sandbox) int {
	n := 0
	for _, q := range sb.Requests() {
		if q.Action == "DescribeInstances" {
			n++
		}
	}
	return n
}

// A damaged settings file is shown in the window and left untouched:
// folder changes and the profile switcher refuse to overwrite it.
func TestADamagedSettingsFileIsShownAndKept(t *testing.T) {
	damaged := `{"folders": ["/envs"], "profile": "prod"`
	r := newAppRig(t, func(p paths.Dirs) {
		if err := os.MkdirAll(p.Config, 0o700); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{settings.FileName, settings.SandboxFileName} {
			if err := os.WriteFile(filepath.Join(p.Config, f), []byte(damaged), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	})
	win := filepath.Join(r.p.Config, settings.SandboxFileName)
	ov := r.app.shell.overview()
	if !strings.Contains(ov.SettingsProblem, win) || !slices.Equal(ov.Folders, []string{r.dir}) {
		t.Fatalf("overview: problem %q, folders %v; want the file named and the defaults watched", ov.SettingsProblem, ov.Folders)
	}
	set := &Settings{s: r.app.shell}
	r.plat.folder = t.TempDir()
	if _, err := set.AddFolder(); err == nil || !strings.Contains(err.Error(), "not saved") || !strings.Contains(err.Error(), win) {
		t.Fatalf("AddFolder over a damaged file: %v", err)
	}
	if ev := r.plat.sent(EventSettings); len(ev) != 1 || !strings.Contains(ev[0].data.(SettingsView).Problem, win) {
		t.Fatalf("settings events %+v; want the problem pushed", ev)
	}
	if err := r.app.profiles.Use("work", ""); err == nil || !strings.Contains(err.Error(), "not saved") {
		t.Fatalf("Use over a damaged settings.json: %v", err)
	}
	if l, _ := r.app.profiles.List(); !slices.ContainsFunc(l.Problems, func(p string) bool { return strings.Contains(p, "damaged") }) {
		t.Fatalf("profile list problems %v", l.Problems)
	}
	r.app.shell.beforeClose() // the geometry is not saved either
	for _, f := range []string{settings.FileName, settings.SandboxFileName} {
		if b, _ := os.ReadFile(filepath.Join(r.p.Config, f)); string(b) != damaged {
			t.Errorf("%s was changed to %q", f, b)
		}
	}
	// Fixed, the next change saves and the problem goes.
	if err := os.Remove(win); err != nil {
		t.Fatal(err)
	}
	if v, err := set.AddFolder(); err != nil || v.Problem != "" || len(v.Folders) != 2 {
		t.Fatalf("after removing the file: %+v %v", v, err)
	}
}
