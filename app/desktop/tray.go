package desktop

import (
	_ "embed"
	"fmt"
	"log/slog"
	"sync"

	"fyne.io/systray"
	"github.com/godbus/dbus/v5"
)

//go:embed tray.png
var trayIcon []byte

// sysTray shows a trayMenu with fyne.io/systray (on Linux a DBus
// StatusNotifierItem, pure Go).
type sysTray struct {
	menu  *trayMenu
	log   *slog.Logger
	items map[uint32]*systray.MenuItem
	ready chan struct{}
	end   func()
	// mu keeps a layout from being overtaken by an older one.
	mu sync.Mutex
}

// startTray starts the tray inside the Wails loop, or returns an error
// saying why there is none: without a session bus systray's end() panics,
// so it is checked first.
func startTray(menu *trayMenu, log *slog.Logger, sandbox bool) (*sysTray, error) {
	conn, err := dbus.SessionBus()
	if err != nil {
		return nil, fmt.Errorf("no DBus session bus: %w", err)
	}
	_ = conn // shared connection; systray opens its own
	t := &sysTray{menu: menu, log: log, items: map[uint32]*systray.MenuItem{}, ready: make(chan struct{})}
	start, end := systray.RunWithExternalLoop(func() { t.build(sandbox) }, nil)
	t.end = end
	start()
	return t, nil
}

// build creates every item once, in id order, so the ids API.md lists hold.
func (t *sysTray) build(sandbox bool) {
	systray.SetIcon(trayIcon)
	title := "Cloud Control"
	if sandbox {
		title += " (Sandbox)"
	}
	systray.SetTitle(title)
	systray.SetTooltip(title)
	for _, it := range t.menu.update(nil) {
		parent := t.items[it.Parent]
		if it.Separator {
			systray.AddSeparator()
			continue
		}
		var mi *systray.MenuItem
		if parent != nil {
			mi = parent.AddSubMenuItem(it.Title, "")
		} else {
			mi = systray.AddMenuItem(it.Title, "")
		}
		t.items[it.ID] = mi
		go func(id uint32, ch <-chan struct{}) {
			for range ch {
				if err := t.menu.click(id); err != nil {
					t.log.Warn("tray action", "item", id, "err", err)
				}
			}
		}(it.ID, mi.ClickedCh)
	}
	close(t.ready)
}

// show lays the menu out for the dashboard.
func (t *sysTray) show(envs []EnvView) {
	<-t.ready
	t.mu.Lock()
	defer t.mu.Unlock()
	t.apply(t.menu.update(envs))
}

// showProfiles lays the profile submenu out for a new list.
func (t *sysTray) showProfiles(l ProfileList) {
	<-t.ready
	t.mu.Lock()
	defer t.mu.Unlock()
	t.apply(t.menu.setProfiles(l))
}

func (t *sysTray) apply(items []trayItem) {
	for _, it := range items {
		mi := t.items[it.ID]
		if mi == nil {
			continue
		}
		mi.SetTitle(it.Title)
		if it.Visible {
			mi.Show()
		} else {
			mi.Hide()
		}
		if it.Enabled {
			mi.Enable()
		} else {
			mi.Disable()
		}
	}
}

func (t *sysTray) stop() {
	if t.end != nil {
		t.end()
	}
}
