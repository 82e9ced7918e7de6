package desktop

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/env"
)

// Refresh pacing: the visible pace comes from the settings.
const (
	fastRefresh   = 2 * time.Second  // while something starts or stops
	hiddenRefresh = 60 * time.Second // while the window is hidden (the tray still shows states)
	// resolveEvery: every this many refreshes an environment's selectors
	// are resolved again (several calls) to see instances added or retagged;
	// in between a refresh is one Describe per region.
	resolveEvery = 20
)

// refresher reads AWS in the background at a pace set by pace, or at once
// when poked.
type refresher struct {
	clock   clockwork.Clock
	pace    func() time.Duration
	refresh func(ctx context.Context)
	kick    chan struct{}

	mu      sync.Mutex
	waiting []chan struct{} // closed once a round that began after they asked has ended
}

func newRefresher(clock clockwork.Clock, pace func() time.Duration, refresh func(context.Context)) *refresher {
	return &refresher{clock: clock, pace: pace, refresh: refresh, kick: make(chan struct{}, 1)}
}

// poke asks for a refresh now; it never blocks.
func (r *refresher) poke() {
	if r == nil {
		return
	}
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// request asks for a refresh now and returns a channel closed once a
// round that began after the request has ended: the window's Refresh
// button shows it working until then.
func (r *refresher) request() <-chan struct{} {
	ch := make(chan struct{})
	r.mu.Lock()
	r.waiting = append(r.waiting, ch)
	r.mu.Unlock()
	r.poke()
	return ch
}

func (r *refresher) run(ctx context.Context) {
	for {
		r.mu.Lock()
		round := r.waiting
		r.waiting = nil
		r.mu.Unlock()
		r.refresh(ctx)
		for _, ch := range round {
			close(ch)
		}
		t := r.clock.NewTimer(r.pace())
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-r.kick:
			t.Stop()
		case <-t.Chan():
		}
	}
}

// pace is how long to wait before the next refresh.
func (s *shell) pace() time.Duration {
	if s.runs.anyActive() || s.board.transitioning() {
		return fastRefresh
	}
	if !s.isVisible() {
		return max(hiddenRefresh, s.settings.refresh())
	}
	return s.settings.refresh()
}

// parallelReads is how many environments a refresh reads at once: a slow
// region holds up no more than its own environments.
const parallelReads = 4

// refreshAll reads every usable environment once, each within
// readTimeout, and publishes the dashboard; it saves the result as the
// last known state.
func (s *shell) refreshAll(ctx context.Context) {
	c := s.reads()
	sem := make(chan struct{}, parallelReads)
	var wg sync.WaitGroup
	for _, e := range s.board.usable() {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			began := time.Now()
			rctx, cancel := context.WithTimeout(ctx, readTimeout)
			st, basis, err := s.readOne(rctx, c, e, began)
			cancel()
			if ctx.Err() != nil {
				return // shutting down: not a failed read
			}
			s.board.setRead(e, st, err, began, basis)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return
	}
	s.board.setBusy(c.Holder)
	s.followOthers(ctx)
	s.board.publish()
	if err := s.cache.save(s.board.statuses()); err != nil {
		s.log.Warn("saving the last known state", "path", s.cache.path, "err", err)
		if s.cache.firstFailure() {
			s.plat.Notify("The last known state is not saved", fmt.Sprintf(
				"Cloud Control cannot write %s (%v). The window shows the live state, but opens without it next time.", s.cache.path, err))
		}
	}
}

// readOne reads e, begun at began: resolved afresh now and then, else the
// states of the instances it had (resolved at basis).
func (s *shell) readOne(ctx context.Context, c core, e *env.Environment, began time.Time) (*control.Status, time.Time, error) {
	prev, def, n, basis := s.board.liveOf(e.Name)
	if prev == nil || !sameDefinition(def, e) || n%resolveEvery == 0 {
		st, err := c.StatusEnv(ctx, e)
		return st, began, err
	}
	st, err := c.Refresh(ctx, e, prev)
	return st, basis, err
}

// sameDefinition: the watcher rereads every file on any change, so a
// definition is compared by content, not by pointer.
func sameDefinition(a, b *env.Environment) bool { return a == b || reflect.DeepEqual(a, b) }
