package sandbox

import (
	"fmt"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// The sandbox's clock is its Options.Clock moved forward by what Advance
// added: a served sandbox (on the real clock) can be taken to a lease's end
// or a schedule's time at once, so a test of what AWS does hours from now
// takes no longer than the calls it makes. Everything on the clock - the
// agenda's timer, request latency - is a timer of this clock, and is
// brought forward with it.

// shiftedClock is a clockwork.Clock offset from its base by Advance.
type shiftedClock struct {
	base clockwork.Clock

	mu     sync.Mutex
	offset time.Duration
	timers map[*shiftedTimer]struct{} // armed, not yet fired or stopped
}

func newShiftedClock(base clockwork.Clock) *shiftedClock {
	return &shiftedClock{base: base, timers: map[*shiftedTimer]struct{}{}}
}

func (c *shiftedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Now().Add(c.offset)
}

func (c *shiftedClock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }
func (c *shiftedClock) Until(t time.Time) time.Duration { return t.Sub(c.Now()) }

func (c *shiftedClock) After(d time.Duration) <-chan time.Time { return c.NewTimer(d).Chan() }

func (c *shiftedClock) Sleep(d time.Duration) { <-c.After(d) }

// NewTicker is the base clock's: a ticker's period is not moved by a shift.
func (c *shiftedClock) NewTicker(d time.Duration) clockwork.Ticker { return c.base.NewTicker(d) }

func (c *shiftedClock) NewTimer(d time.Duration) clockwork.Timer {
	ch := make(chan time.Time, 1)
	t := &shiftedTimer{c: c, ch: ch}
	t.f = func() {
		select {
		case ch <- c.Now():
		default:
		}
	}
	t.Reset(d)
	return t
}

func (c *shiftedClock) AfterFunc(d time.Duration, f func()) clockwork.Timer {
	t := &shiftedTimer{c: c, f: f}
	t.Reset(d)
	return t
}

// Advance moves the clock forward by d: every timer due by the new time
// fires now, the others are set to their time on the moved clock.
func (c *shiftedClock) Advance(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("the sandbox clock only goes forward, not by %s", d)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
	now := c.base.Now().Add(c.offset)
	for t := range c.timers {
		t.inner.Stop()
		t.arm(max(t.at.Sub(now), 0))
	}
	return nil
}

// shiftedTimer is a timer of the shifted clock, due at a time of it. Its
// fields are guarded by c.mu.
type shiftedTimer struct {
	c     *shiftedClock
	f     func()
	ch    chan time.Time // NewTimer's; nil for AfterFunc's
	at    time.Time
	inner clockwork.Timer
	// gen tells the base timer armed last from those stopped or replaced,
	// which may still be firing: only the last one calls f.
	gen int
}

func (t *shiftedTimer) Chan() <-chan time.Time { return t.ch }

// arm sets the base timer to fire in d. Called with c.mu held.
func (t *shiftedTimer) arm(d time.Duration) {
	t.gen++
	gen := t.gen
	t.inner = t.c.base.AfterFunc(d, func() { t.fire(gen) })
}

func (t *shiftedTimer) fire(gen int) {
	t.c.mu.Lock()
	if gen != t.gen {
		t.c.mu.Unlock()
		return
	}
	t.gen++
	delete(t.c.timers, t)
	t.c.mu.Unlock()
	t.f()
}

// Stop reports whether it stopped the timer before it fired.
func (t *shiftedTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if _, armed := t.c.timers[t]; !armed {
		return false
	}
	delete(t.c.timers, t)
	t.inner.Stop()
	t.gen++
	return true
}

func (t *shiftedTimer) Reset(d time.Duration) bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	_, armed := t.c.timers[t]
	if armed {
		t.inner.Stop()
	}
	t.at = t.c.base.Now().Add(t.c.offset).Add(d)
	t.c.timers[t] = struct{}{}
	t.arm(d)
	return armed
}

// Now is the sandbox's time: its clock's, plus what Advance added.
func (sb *Sandbox) Now() time.Time { return sb.clock.Now() }

// Advance moves the sandbox's time forward by d and plays what falls due
// on the way, in time order (schedules fire, automations run their steps,
// instances reach their states), before it returns the new time. The
// clock it was given goes on as before; the sandbox is d ahead of it.
func (sb *Sandbox) Advance(d time.Duration) (time.Time, error) {
	if err := sb.clock.Advance(d); err != nil {
		return time.Time{}, err
	}
	sb.syncAgenda()
	return sb.clock.Now(), nil
}
