package desktop

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"cloudcontrol/app/cli"
	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/settings"
)

// openLog writes the app's log to a file in the logs folder (never a
// secret: credentials never reach the shell). Falls back to stderr.
func openLog(dir string) (*slog.Logger, io.Closer) {
	if err := os.MkdirAll(dir, 0o700); err == nil {
		f, err := os.OpenFile(filepath.Join(dir, "cloudcontrol.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err == nil {
			return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})), f
		}
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil)), io.NopCloser(nil)
}

// windowApp builds the Wails options around a shell: size and position
// restored, single instance, close to tray, tray started on startup.
func windowApp(o cli.WindowOptions, sandboxURL string, log *slog.Logger) (*options.App, error) {
	plat := &wailsPlatform{log: log}
	hist := windowHistory(o.Paths, plat, log) // usage history, shared by every client: costs.go
	// One control service per lock client, all given the Profiles service's
	// keychain so MFA codes are asked in the window (profilewire.go).
	ctl := newControls(o.AWS, func(client string, a aws.Options) *control.Service {
		return control.New(control.Options{Dirs: o.Dirs, Paths: o.Paths, AWS: a, Client: client, Logger: log, History: hist,
			OnIdentity: settings.Open(o.Paths.Config).IdentityHook(a.EndpointURL, log.Warn)})
	})
	var s *shell
	var tray atomic.Pointer[sysTray]
	prof, err := NewProfiles(cli.KeychainService, o.Paths.Config, o.AWS.EndpointURL, ctl,
		profileEvents(plat, func() { s.show() }, func(l ProfileList) {
			if t := tray.Load(); t != nil {
				go t.showProfiles(l)
			}
		}), plat.OpenURL, func() context.Context { return s.context() })
	if err != nil {
		return nil, err
	}
	ctl.setKeychain(prof.keychain())
	s, err = newShell(shellOptions{Plat: plat, Log: log, Paths: o.Paths, Folders: o.Dirs, FoldersGiven: o.DirsGiven, SandboxURL: sandboxURL,
		Cores: func(client string) core { return ctl.get(client) }})
	if err != nil {
		return nil, err
	}
	ctl.afterReset(s.refresher.poke) // a new profile: read AWS again at once
	if sandboxURL != "" {
		prof.note = "In the sandbox the window uses the sandbox's own credentials; the profile chosen here applies outside it."
	}
	costs := newCosts(ctl.get("window"), hist, o.Paths, s.context)
	costs.save = plat.SaveFile
	title := "Cloud Control"
	if sandboxURL != "" {
		title += " (Sandbox)"
	}
	width, height := 1100, 720
	geom := s.settings.geometry()
	if geom != nil {
		width, height = geom.Width, geom.Height
	}
	var wait, stopRuns func()
	id := sha256.Sum256([]byte(o.Paths.Config + "\x00" + title))
	return &options.App{
		Title: title, Width: width, Height: height,
		BackgroundColour: &options.RGBA{R: 27, G: 38, B: 54, A: 1},
		Bind:             []any{&Environments{s: s}, &Settings{s: s}, costs, prof},
		SingleInstanceLock: &options.SingleInstanceLock{
			// Per config folder, so an isolated CLOUDCONTROL_HOME is its own app.
			UniqueId:               "cloudcontrol-" + hex.EncodeToString(id[:8]),
			OnSecondInstanceLaunch: func(options.SecondInstanceData) { s.show() },
		},
		OnStartup: func(ctx context.Context) {
			plat.ctx = ctx
			shown := &launchLog{log: log, now: time.Now}
			runtime.EventsOn(ctx, EventListShown, func(data ...any) {
				if len(data) > 0 {
					shown.shown(data[0])
				}
			})
			// Wails never cancels ctx, so the watcher, the refresher and any
			// run get their own, cancelled on shutdown (else quitting hangs).
			runCtx, cancel := context.WithCancel(ctx)
			stopRuns = cancel
			wait = s.start(runCtx)
			go s.quitOnSignal(runCtx)
			menu := newTrayMenu(s)
			menu.switcher = prof // trayprofiles.go: the profile submenu and the hourly cost
			if book, err := cost.Default(o.Paths.Cache); err == nil {
				menu.price = trayPrice(book, time.Now)
			}
			t, err := startTray(menu, log, sandboxURL != "")
			if err != nil {
				log.Info("no tray: closing the window quits", "reason", err)
				return
			}
			tray.Store(t)
			if l, err := prof.List(); err == nil {
				go t.showProfiles(l)
			}
			s.mu.Lock()
			s.tray = true
			s.mu.Unlock()
			s.board.onChange(func(v []EnvView) { go t.show(v) })
			go t.show(s.board.views())
		},
		OnDomReady: func(ctx context.Context) {
			if geom != nil {
				runtime.WindowSetPosition(ctx, geom.X, geom.Y)
				if geom.Maximised {
					runtime.WindowMaximise(ctx)
				}
			}
		},
		OnBeforeClose: func(ctx context.Context) bool { return s.beforeClose() },
		OnShutdown: func(ctx context.Context) {
			tray.Load().stop()
			if wait != nil {
				stopRuns()
				wait()
			}
			log.Info("window closed")
		},
	}, nil
}
