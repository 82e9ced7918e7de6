package desktop

import "sync"

// screen is the window as the shell sees it: on screen or hidden to the
// tray, whether a tray is up, and whether the person asked to quit. It is
// made first, so that what must bring the window up (an MFA question, a
// second launch, the tray) needs nothing else.
type screen struct {
	plat Platform

	mu        sync.Mutex
	visible   bool
	tray      bool // a tray is up: closing hides the window
	quitting  bool
	listeners []func() // told when the window is shown or hidden
}

func newScreen(plat Platform) *screen { return &screen{plat: plat, visible: true} }

// onVisibility adds a listener for the window being shown or hidden (the
// refresher changes pace).
func (sc *screen) onVisibility(f func()) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.listeners = append(sc.listeners, f)
}

func (sc *screen) show() {
	sc.plat.Show()
	sc.setVisible(true)
}

func (sc *screen) quit() {
	sc.mu.Lock()
	sc.quitting = true
	sc.mu.Unlock()
	sc.plat.Quit()
}

// closing hides the window to the tray when there is one and the person
// is not quitting; it reports whether closing must be prevented.
func (sc *screen) closing() bool {
	sc.mu.Lock()
	hide := sc.tray && !sc.quitting
	sc.mu.Unlock()
	if hide {
		sc.plat.Hide()
		sc.setVisible(false)
	}
	return hide
}

func (sc *screen) setVisible(v bool) {
	sc.mu.Lock()
	sc.visible = v
	listeners := sc.listeners
	sc.mu.Unlock()
	for _, f := range listeners {
		f()
	}
}

func (sc *screen) isVisible() bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.visible
}

func (sc *screen) setTray(up bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.tray = up
}

func (sc *screen) hasTray() bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.tray
}
