package desktop

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"cloudcontrol/internal/testwait"
)

// loopPlatform's Quit does what Wails's does: nothing until GTK's main
// loop runs (start-up), then it ends the app (gone).
type loopPlatform struct {
	*fakePlatform
	mu      sync.Mutex
	running bool
	quits   int
	gone    chan struct{}
}

func (p *loopPlatform) Quit() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.quits++
	if p.running {
		select {
		case <-p.gone:
		default:
			close(p.gone)
		}
	}
}

func (p *loopPlatform) count() int { p.mu.Lock(); defer p.mu.Unlock(); return p.quits }

func (p *loopPlatform) loopRuns() { p.mu.Lock(); p.running = true; p.mu.Unlock() }

func signalShell(p Platform) *shell {
	return &shell{plat: p, screen: newScreen(p), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func TestQuitOnSignalDuringStartUp(t *testing.T) {
	p := &loopPlatform{fakePlatform: newFakePlatform(), gone: make(chan struct{})}
	s := signalShell(p)
	// SIGTERM came before the window's start-up got this far: the command
	// line's context is already cancelled.
	stop, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("terminated signal received"))
	again := make(chan time.Time)
	done := make(chan struct{})
	go func() { defer close(done); s.quitOnSignal(stop, p.gone, func() <-chan time.Time { return again }) }()

	// The first quit comes before GTK's main loop runs and is lost...
	testwait.Until(t, 10*time.Second, "the first quit", func() bool { return p.count() == 1 })
	again <- time.Time{}
	testwait.Until(t, 10*time.Second, "the quit asked again", func() bool { return p.count() == 2 })
	// ...so it is asked again until one takes once the loop runs.
	p.loopRuns()
	again <- time.Time{}
	<-done
	if n := p.count(); n != 3 {
		t.Errorf("quit asked %d times, want 3 (two lost, one taken)", n)
	}
	if !s.screen.quitting {
		t.Error("the screen was not told it is quitting: a tray would hide the window instead")
	}
}

func TestQuitOnSignalNone(t *testing.T) {
	p := &loopPlatform{fakePlatform: newFakePlatform(), gone: make(chan struct{})}
	s := signalShell(p)
	close(p.gone) // the window closed with no signal
	s.quitOnSignal(context.Background(), p.gone, func() <-chan time.Time { return nil })
	if n := p.count(); n != 0 {
		t.Errorf("quit asked %d times with no signal", n)
	}
}
