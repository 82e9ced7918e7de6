package desktop

import (
	"fmt"
	"slices"
	"testing"

	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
)

type fakeActions struct {
	stopped, extended []string
	shown, quits      int
}

func (f *fakeActions) show()                  { f.shown++ }
func (f *fakeActions) quit()                  { f.quits++ }
func (f *fakeActions) stop(name string) error { f.stopped = append(f.stopped, name); return nil }
func (f *fakeActions) extend(name string) error {
	f.extended = append(f.extended, name)
	return nil
}

func TestTrayMenuLabelsStatesAndStops(t *testing.T) {
	act := &fakeActions{}
	m := newTrayMenu(act)
	envs := []EnvView{
		{Name: "analytics", State: op.StateRunning, InstanceState: op.StateRunning, Usable: true},
		{Name: "shop", State: op.StateStopped, InstanceState: op.StateStopped, Usable: true},
		{Name: "three-tier", State: op.StatePartly, InstanceState: op.StatePartly, Usable: true, Busy: &lock.Holder{Action: "start", Client: "cli"}},
		{Name: "web", State: op.StateStarting, InstanceState: op.StateStarting, Usable: true},
		// A failed start: the tray says it needs attention, and what it left up can be stopped.
		{Name: "zoo", State: op.StateAttention, InstanceState: op.StatePartly, Usable: true},
	}
	items := m.update(envs)
	if len(items) != trayItemsTotal {
		t.Fatalf("%d items, want %d (ids must not move)", len(items), trayItemsTotal)
	}
	for i, it := range items {
		if it.ID != uint32(i+1) {
			t.Fatalf("item %d has id %d", i, it.ID)
		}
	}
	byID := func(id int) trayItem { return items[id-1] }
	if got := byID(3).Title; got != "analytics — running" {
		t.Errorf("slot 0 label %q", got)
	}
	if got := byID(7).Title; got != "three-tier — partly running (busy: start by cli)" {
		t.Errorf("slot 2 label %q", got)
	}
	if !byID(4).Enabled || byID(6).Enabled || byID(8).Enabled {
		t.Errorf("stop enabled: analytics %v shop %v three-tier(busy) %v; want only analytics", byID(4).Enabled, byID(6).Enabled, byID(8).Enabled)
	}
	if got := byID(11).Title; got != "zoo — needs attention" || !byID(12).Enabled {
		t.Errorf("slot 4 label %q, its stop enabled %v; want needs attention, stoppable", got, byID(12).Enabled)
	}
	if byID(13).Visible || byID(14).Visible {
		t.Error("an unused slot is visible")
	}
	if byID(trayStopAll).Title != "Stop all running environments" || byID(trayQuit).Title != "Quit" || byID(trayOpen).Title != "Open Cloud Control" {
		t.Error("fixed items moved")
	}

	if err := m.click(4); err != nil {
		t.Fatal(err)
	}
	if err := m.click(6); err != nil { // shop is stopped: nothing to do
		t.Fatal(err)
	}
	if !slices.Equal(act.stopped, []string{"analytics"}) {
		t.Errorf("Stop clicks stopped %v, want [analytics]", act.stopped)
	}
	act.stopped = nil
	if err := m.click(trayStopAll); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(act.stopped, []string{"analytics", "web", "zoo"}) {
		t.Errorf("Stop all stopped %v, want analytics, web and zoo (three-tier is busy, shop stopped)", act.stopped)
	}
	_ = m.click(trayOpen)
	_ = m.click(5) // an environment's label opens the window
	_ = m.click(trayQuit)
	if act.shown != 2 || act.quits != 1 {
		t.Errorf("shown %d quits %d, want 2 and 1", act.shown, act.quits)
	}
}

func TestTrayMenuOverflowSaysHowManyMore(t *testing.T) {
	m := newTrayMenu(&fakeActions{})
	var envs []EnvView
	for i := range traySlots + 3 {
		envs = append(envs, EnvView{Name: fmt.Sprintf("env-%02d", i), State: op.StateStopped, Usable: true})
	}
	items := m.update(envs)
	last := items[trayFirstSlot+2*(traySlots-1)-1]
	if last.Title != "… and 4 more (open the window)" || items[last.ID].Visible {
		t.Errorf("last slot %+v, want the overflow note with its stop hidden", last)
	}
}
