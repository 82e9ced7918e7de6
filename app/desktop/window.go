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

	"cloudcontrol/app/launch"
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

// windowApp builds the Wails options around the desktop app: size and
// position restored, single instance, close to tray, the services started
// on startup and stopped on shutdown, and a quit once stop is done (a
// signal, signals.go).
func windowApp(stop context.Context, o launch.WindowOptions, sandboxURL string, log *slog.Logger) (*options.App, error) {
	plat := &wailsPlatform{log: log, osOpener: newOSOpener()}
	app, err := newDesktopApp(appOptions{Window: o, SandboxURL: sandboxURL, Plat: plat, Log: log,
		OpenTray: func(menu *trayMenu) (trayUI, error) { return startTray(menu, log, sandboxURL != "") }})
	if err != nil {
		return nil, err
	}
	title := "Cloud Control"
	if sandboxURL != "" {
		title += " (Sandbox)"
	}
	width, height := 1100, 720
	geom := app.shell.settings.geometry()
	if geom != nil {
		width, height = geom.Width, geom.Height
	}
	id := sha256.Sum256([]byte(o.Paths.Config + "\x00" + title))
	// started: OnStartup has given plat its context. Wails's own signal
	// handler may close the window before that (OnBeforeClose), when the
	// runtime cannot be called yet. gone: OnShutdown began.
	var started atomic.Bool
	gone := make(chan struct{})
	return &options.App{
		Title: title, Width: width, Height: height,
		BackgroundColour: &options.RGBA{R: 27, G: 38, B: 54, A: 1},
		Bind:             app.bound(),
		EnumBind:         enumBindings(),
		SingleInstanceLock: &options.SingleInstanceLock{
			// Per config folder, so an isolated CLOUDCONTROL_HOME is its own app.
			UniqueId:               "cloudcontrol-" + hex.EncodeToString(id[:8]),
			OnSecondInstanceLaunch: func(options.SecondInstanceData) { app.screen.show() },
		},
		OnStartup: func(ctx context.Context) {
			plat.ctx = ctx
			started.Store(true)
			go app.shell.quitOnSignal(stop, gone, func() <-chan time.Time { return time.After(quitAgain) })
			shown := &launchLog{log: log, now: time.Now}
			runtime.EventsOn(ctx, EventListShown, func(data ...any) {
				if len(data) > 0 {
					shown.shown(data[0])
				}
			})
			app.start(ctx)
		},
		OnDomReady: func(ctx context.Context) {
			if geom != nil {
				runtime.WindowSetPosition(ctx, geom.X, geom.Y)
				if geom.Maximised {
					runtime.WindowMaximise(ctx)
				}
			}
		},
		OnBeforeClose: func(ctx context.Context) bool { return started.Load() && app.shell.beforeClose() },
		OnShutdown: func(ctx context.Context) {
			close(gone)
			app.shutdown()
			log.Info("window closed")
		},
	}, nil
}
