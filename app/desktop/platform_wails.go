package desktop

import (
	"context"
	"log/slog"
	"sync"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// wailsPlatform is Platform over the Wails runtime of one window.
type wailsPlatform struct {
	osOpener // files, folders and terminals (opener.go)
	ctx      context.Context
	log      *slog.Logger
	initOnce sync.Once
	canToast bool
	onAction func(env, actionID string) // platform_notify.go
}

func (p *wailsPlatform) Emit(event string, data any) { runtime.EventsEmit(p.ctx, event, data) }

func (p *wailsPlatform) initNotifications() {
	if err := runtime.InitializeNotifications(p.ctx); err != nil {
		p.log.Warn("desktop notifications are not available", "err", err)
		return
	}
	p.canToast = runtime.IsNotificationAvailable(p.ctx)
	if p.canToast {
		p.listenActions()
	}
}

func (p *wailsPlatform) Notify(title, body string) {
	p.initOnce.Do(p.initNotifications)
	if !p.canToast {
		p.log.Info("notification (not shown: no notification service)", "title", title, "body", body)
		return
	}
	err := runtime.SendNotification(p.ctx, runtime.NotificationOptions{ID: title, Title: title, Body: body})
	if err != nil {
		p.log.Warn("sending a desktop notification", "err", err)
	}
}

func (p *wailsPlatform) ChooseFolder(title string) (string, error) {
	return runtime.OpenDirectoryDialog(p.ctx, runtime.OpenDialogOptions{Title: title, CanCreateDirectories: true})
}

func (p *wailsPlatform) SaveFile(title, name string, f FileFilter) (string, error) {
	return runtime.SaveFileDialog(p.ctx, runtime.SaveDialogOptions{Title: title, DefaultFilename: name, CanCreateDirectories: true,
		Filters: []runtime.FileFilter{{DisplayName: f.Name + " (" + f.Pattern + ")", Pattern: f.Pattern}}})
}

func (p *wailsPlatform) OpenURL(url string) { runtime.BrowserOpenURL(p.ctx, url) }

func (p *wailsPlatform) Show() {
	runtime.WindowUnminimise(p.ctx)
	runtime.WindowShow(p.ctx)
}

func (p *wailsPlatform) Hide() { runtime.WindowHide(p.ctx) }
func (p *wailsPlatform) Quit() { runtime.Quit(p.ctx) }

func (p *wailsPlatform) Geometry() Geometry {
	var g Geometry
	g.X, g.Y = runtime.WindowGetPosition(p.ctx)
	g.Width, g.Height = runtime.WindowGetSize(p.ctx)
	g.Maximised = runtime.WindowIsMaximised(p.ctx)
	return g
}
