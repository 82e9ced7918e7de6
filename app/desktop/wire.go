package desktop

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/env"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/paths"
	"cloudcontrol/backend/settings"
)

// shellOptions are what a shell is built from; tests fill them with fakes.
type shellOptions struct {
	Plat Platform
	// Screen is the window's visibility; nil makes one over Plat.
	Screen *screen
	Log    *slog.Logger
	Cores  func(client string) core
	// Reads is the service the dashboard and the plan dialog read AWS
	// with (quick retries); nil reads with Cores("window").
	Reads func() core
	// History is the usage history, for the runs of other processes (a
	// terminal's start); nil: those show while they hold the lock only.
	History *history.Lazy
	Paths   paths.Dirs
	// Settings holds the window's part of the settings; nil means
	// settings.WindowFile of Paths.Config (the sandbox's own in sandbox mode).
	Settings *settings.File
	Folders  []string // the folders to watch when no settings exist yet
	// FoldersGiven: Folders were named on the command line (--dir), so they
	// replace the saved ones instead of only seeding a first run.
	FoldersGiven bool
	SandboxURL   string
	Clock        clockwork.Clock
	Debounce     time.Duration // the watcher's; 0 is its default
}

// newShell loads the settings and the last known state (shown at once)
// and prepares the watcher and the refresher; start runs them.
func newShell(o shellOptions) (*shell, error) {
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	if o.Screen == nil {
		o.Screen = newScreen(o.Plat)
	}
	if o.Settings == nil {
		o.Settings = settings.WindowFile(o.Paths.Config, o.SandboxURL != "")
	}
	st, err := loadWindowSettings(o.Settings, o.Folders)
	if err != nil {
		o.Log.Warn("settings", "err", err)
	}
	if o.FoldersGiven {
		if err := st.setFolders(o.Folders); err != nil {
			o.Log.Warn("saving the folders given with --dir", "err", err)
		}
	}
	s := &shell{plat: o.Plat, screen: o.Screen, log: o.Log, cores: memo(o.Cores), settings: st, sandboxURL: o.SandboxURL,
		cache: &stateCache{path: filepath.Join(o.Paths.State, cacheName(o.SandboxURL))}, paths: o.Paths, hist: o.History}
	s.reads, s.lookPath = func() core { return s.cores("window") }, exec.LookPath
	if o.Reads != nil {
		s.reads = o.Reads
	}
	s.board = newBoard(o.Plat)
	s.board.seed(s.cache.load())
	// Read the folders now, so the first Overview has every environment
	// with its last known state before the watcher or AWS says anything.
	s.board.snap = env.Snapshot{Set: env.LoadDirs(st.folders())}
	s.runs = newRuns(s)
	s.refresher = newRefresher(o.Clock, s.pace, s.refreshAll)
	s.leases = newLeaseKeeper(o.Clock, s, o.Plat, o.Log)
	s.board.onChange(s.leases.update)
	o.Screen.onVisibility(s.refresher.poke) // shown or hidden: a new pace
	w, err := env.NewWatcher(st.folders(), env.WatchOptions{Debounce: o.Debounce, Logger: o.Log, OnChange: func(sn env.Snapshot) {
		s.board.setSnapshot(sn)
		s.refresher.poke() // a new or changed file is read from AWS at once
	}})
	if err != nil {
		return nil, err
	}
	s.watcher = w
	return s, nil
}

func cacheName(sandboxURL string) string {
	if sandboxURL != "" {
		return "dashboard-sandbox.json"
	}
	return "dashboard.json"
}

// memo keeps one core per lock client, so sessions are reused.
func memo(f func(string) core) func(string) core {
	var mu sync.Mutex
	m := map[string]core{}
	return func(client string) core {
		mu.Lock()
		defer mu.Unlock()
		if m[client] == nil {
			m[client] = f(client)
		}
		return m[client]
	}
}

// start runs the watcher and the refresher, and lets runs begin, until
// shutdown (or ctx ends).
func (s *shell) start(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	s.begin(ctx)
	s.stopAll = cancel
	s.wg.Add(4)
	go func() { defer s.wg.Done(); s.leases.run(ctx) }()
	go func() {
		defer s.wg.Done()
		if err := s.watcher.Run(ctx); err != nil {
			s.log.Error("watching the environment folders", "err", err)
		}
	}()
	go func() { defer s.wg.Done(); s.watchLocks(ctx) }()
	go func() { defer s.wg.Done(); s.refresher.run(ctx) }()
}

// shutdown cancels every run and waits for them, the watcher and the
// refresher to end.
func (s *shell) shutdown() {
	if s.stopAll != nil {
		s.stopAll()
	}
	s.wg.Wait()
	s.runs.wait()
}

// trayActions for the tray: stops run with the "tray" lock client.
func (s *shell) stop(name string) error {
	if err := s.runs.begin(name, "stop", "tray"); err != nil {
		s.plat.Notify(fmt.Sprintf("%s was not stopped", name), err.Error())
		return err
	}
	return nil
}
