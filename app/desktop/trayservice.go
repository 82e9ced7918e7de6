package desktop

import (
	"context"
	"log/slog"
	"sync"
)

// trayUI is a tray on screen (sysTray); tests give a fake.
type trayUI interface {
	show(envs []EnvView)
	showProfiles(l ProfileList)
	stop()
}

// trayOptions are what the tray service is made from.
type trayOptions struct {
	Shell    *shell
	Profiles *Profiles
	Price    func(EnvView) string // the hourly cost of what runs; nil shows none
	Log      *slog.Logger
	// Open puts a tray on screen for the menu, or says why there is none.
	Open func(menu *trayMenu) (trayUI, error)
}

// trayService is the tray: its menu follows the dashboard and the profile
// list, and its clicks stop environments and switch profiles. Without a
// tray (no session bus) the window quits when closed.
type trayService struct {
	menu  *trayMenu
	shell *shell
	prof  *Profiles
	log   *slog.Logger
	open  func(*trayMenu) (trayUI, error)

	mu sync.Mutex
	ui trayUI
}

func newTrayService(o trayOptions) *trayService {
	menu := newTrayMenu(o.Shell)
	menu.switcher = o.Profiles // trayprofiles.go: the profile submenu
	menu.price = o.Price
	if o.Shell.leases != nil {
		menu.now = o.Shell.leases.clock.Now
	}
	return &trayService{menu: menu, shell: o.Shell, prof: o.Profiles, log: o.Log, open: o.Open}
}

// start puts the tray up and keeps it current.
func (t *trayService) start(context.Context) {
	ui, err := t.open(t.menu)
	if err != nil {
		t.log.Info("no tray: closing the window quits", "reason", err)
		return
	}
	t.mu.Lock()
	t.ui = ui
	t.mu.Unlock()
	t.shell.screen.setTray(true)
	// A tray lays its menu out once it is ready; nothing here waits for it.
	t.prof.onList(func(l ProfileList) { go ui.showProfiles(l) })
	if l, err := t.prof.List(); err == nil {
		go ui.showProfiles(l)
	}
	t.shell.board.onChange(func(v []EnvView) { go ui.show(v) })
	t.shell.leases.onMinute(func() { go ui.show(t.shell.board.views()) }) // the lease countdown
	go ui.show(t.shell.board.views())
}

// shutdown takes the tray down.
func (t *trayService) shutdown() {
	t.mu.Lock()
	ui := t.ui
	t.mu.Unlock()
	if ui != nil {
		ui.stop()
	}
}
