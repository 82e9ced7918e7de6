package desktop

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"cloudcontrol/backend/op"
)

// Tray menu item ids (dbusmenu ids on Linux; documented in API.md). The
// items are created in id order once, so the ids never move; environments
// fill fixed slots and unused slots are hidden.
const (
	trayOpen      = 1
	traySep1      = 2
	trayFirstSlot = 3 // slot k: label 3+2k, stop 4+2k
	traySlots     = 12
	traySep2      = trayFirstSlot + 2*traySlots // 27
	trayStopAll   = traySep2 + 1                // 28
	// The profile submenu, then Quit last, where people look for it.
	traySep3        = trayStopAll + 1               // 29
	trayProfileMenu = traySep3 + 1                  // 30: "Profile: NAME"
	trayFirstProf   = trayProfileMenu + 1           // 31: profile slot k is 31+k, in its submenu
	trayProfSlots   = 12                            // ids 31..42
	traySep4        = trayFirstProf + trayProfSlots // 43
	trayQuit        = traySep4 + 1                  // 44
	trayItemsTotal  = trayQuit
)

// trayItem is one menu entry as the tray should show it.
type trayItem struct {
	ID        uint32
	Title     string
	Separator bool
	Visible   bool
	Enabled   bool
	Parent    uint32 // the submenu it belongs to; 0 for the menu itself
	env       string // for a stop item
	profile   string // for a profile slot
	extend    bool   // a label whose click extends the lease (traylease.go)
}

// trayActions is what the tray's clicks do.
type trayActions interface {
	show()
	quit()
	stop(name string) error
	// extend extends the environment's lease by an hour.
	extend(name string) error
}

// trayMenu is the tray's menu as data: laid out from the dashboard and
// clicked by id, so it is tested without a tray.
type trayMenu struct {
	act   trayActions
	items []trayItem // index i holds id i+1
	envs  []EnvView
	mu    sync.Mutex

	// Set once before the tray starts (window.go); nil in tests that
	// need neither.
	switcher profileSwitcher      // switches the active profile
	price    func(EnvView) string // the hourly cost of what runs, for a label
	profiles trayProfiles
	now      func() time.Time // the lease countdown's clock; nil: time.Now
}

func newTrayMenu(act trayActions) *trayMenu {
	m := &trayMenu{act: act}
	m.update(nil)
	return m
}

// stoppable says whether an environment has anything up to stop and is not busy.
func stoppable(v EnvView) bool {
	if v.Busy != nil || !v.Usable {
		return false
	}
	return upNow(v)
}

// upNow says whether some of the environment runs (and so costs by the
// hour), as its instances say: a start that failed and needs attention
// may have left some up.
func upNow(v EnvView) bool {
	return slices.Contains([]op.State{op.StateRunning, op.StatePartly, op.StateStarting, op.StateBroken}, v.InstanceState)
}

// update lays the menu out for the dashboard and returns the items.
func (m *trayMenu) update(envs []EnvView) []trayItem {
	items := make([]trayItem, 0, trayItemsTotal)
	items = append(items, trayItem{ID: trayOpen, Title: "Open Cloud Control", Visible: true, Enabled: true},
		trayItem{ID: traySep1, Separator: true, Visible: true})
	anyUp := false
	for k := range traySlots {
		label := trayItem{ID: uint32(trayFirstSlot + 2*k), Enabled: true}
		stop := trayItem{ID: uint32(trayFirstSlot + 2*k + 1)}
		if k < len(envs) {
			v := envs[k]
			label.Visible, label.Title = true, v.Name+" — "+string(v.State)
			if m.price != nil && upNow(v) {
				if p := m.price(v); p != "" {
					label.Title += " — " + p
				}
			}
			if v.Busy != nil {
				label.Title += fmt.Sprintf(" (busy: %s by %s)", v.Busy.Action, v.Busy.Client)
			}
			label.env = v.Name
			m.whoLabel(&label, v) // traylease.go
			stop.Visible, stop.Title, stop.env, stop.Enabled = v.Usable, "Stop "+v.Name, v.Name, stoppable(v)
			anyUp = anyUp || stoppable(v)
		}
		if k == traySlots-1 && len(envs) > traySlots {
			label.Title = fmt.Sprintf("… and %d more (open the window)", len(envs)-traySlots+1)
			stop.Visible = false
		}
		items = append(items, label, stop)
	}
	for _, v := range envs[min(len(envs), traySlots):] {
		anyUp = anyUp || stoppable(v)
	}
	items = append(items, trayItem{ID: traySep2, Separator: true, Visible: true},
		trayItem{ID: trayStopAll, Title: "Stop all running environments", Visible: true, Enabled: anyUp})
	m.mu.Lock()
	items = append(items, m.profileItems()...)
	items = append(items, trayItem{ID: traySep4, Separator: true, Visible: true},
		trayItem{ID: trayQuit, Title: "Quit", Visible: true, Enabled: true})
	m.items, m.envs = items, envs
	m.mu.Unlock()
	return items
}

// click acts on the item with that id.
func (m *trayMenu) click(id uint32) error {
	m.mu.Lock()
	items, envs := m.items, m.envs
	m.mu.Unlock()
	switch {
	case id == trayOpen:
		m.act.show()
	case id == trayQuit:
		m.act.quit()
	case id == trayStopAll:
		var errs []error
		for _, v := range envs {
			if stoppable(v) {
				errs = append(errs, m.act.stop(v.Name))
			}
		}
		return errors.Join(errs...)
	case id >= trayFirstSlot && id < traySep2:
		it := items[id-1]
		if (id-trayFirstSlot)%2 == 0 {
			if it.extend { // its lease ends soon: the label says so and extends it
				return m.act.extend(it.env)
			}
			m.act.show() // an environment's label opens the window
			return nil
		}
		if !it.Enabled {
			return nil
		}
		return m.act.stop(it.env)
	case id >= trayFirstProf && id < traySep4:
		return m.useProfile(items[id-1])
	}
	return nil
}
