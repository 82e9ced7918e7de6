package desktop

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"cloudcontrol/app/cli"
	"cloudcontrol/backend/control"
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
	hist := windowHistory(o.Paths) // usage history, shared by every client: costs.go
	s, err := newShell(shellOptions{Plat: plat, Log: log, Paths: o.Paths, Folders: o.Dirs, SandboxURL: sandboxURL,
		Cores: func(client string) core {
			return control.New(control.Options{Dirs: o.Dirs, Paths: o.Paths, AWS: o.AWS, Client: client, Logger: log, History: hist})
		}})
	if err != nil {
		return nil, err
	}
	title := "Cloud Control"
	if sandboxURL != "" {
		title += " (Sandbox)"
	}
	width, height := 1100, 720
	geom := s.settings.geometry()
	if geom != nil {
		width, height = geom.Width, geom.Height
	}
	var tray *sysTray
	var wait func()
	id := sha256.Sum256([]byte(o.Paths.Config + "\x00" + title))
	return &options.App{
		Title: title, Width: width, Height: height,
		BackgroundColour: &options.RGBA{R: 27, G: 38, B: 54, A: 1},
		Bind: []any{&Environments{s: s}, &Settings{s: s},
			newCosts(control.New(control.Options{Dirs: o.Dirs, Paths: o.Paths, AWS: o.AWS, Client: "window", Logger: log, History: hist}), hist, o.Paths, s.context)},
		SingleInstanceLock: &options.SingleInstanceLock{
			// Per config folder, so an isolated CLOUDCONTROL_HOME is its own app.
			UniqueId:               "cloudcontrol-" + hex.EncodeToString(id[:8]),
			OnSecondInstanceLaunch: func(options.SecondInstanceData) { s.show() },
		},
		OnStartup: func(ctx context.Context) {
			plat.ctx = ctx
			wait = s.start(ctx)
			menu := newTrayMenu(s)
			t, err := startTray(menu, log, sandboxURL != "")
			if err != nil {
				log.Info("no tray: closing the window quits", "reason", err)
				return
			}
			tray = t
			s.mu.Lock()
			s.tray = true
			s.mu.Unlock()
			s.board.onChange(func(v []EnvView) { go tray.show(v) })
			go tray.show(s.board.views())
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
			tray.stop()
			if wait != nil {
				wait()
			}
			log.Info("window closed")
		},
	}, nil
}
