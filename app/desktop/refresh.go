package desktop

import (
	"context"
	"fmt"
	"reflect"
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

func (r *refresher) run(ctx context.Context) {
	for {
		r.refresh(ctx)
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

// refreshAll reads every usable environment once and publishes the
// dashboard; it saves the result as the last known state.
func (s *shell) refreshAll(ctx context.Context) {
	c := s.cores("window")
	for _, e := range s.board.usable() {
		if ctx.Err() != nil {
			return
		}
		st, err := s.readOne(ctx, c, e)
		s.board.setLive(e, st, err)
	}
	s.board.setBusy(c.Holder)
	s.board.publish()
	if err := s.cache.save(s.board.statuses()); err != nil {
		s.log.Warn("saving the last known state", "path", s.cache.path, "err", err)
		if s.cache.firstFailure() {
			s.plat.Notify("The last known state is not saved", fmt.Sprintf(
				"Cloud Control cannot write %s (%v). The window shows the live state, but opens without it next time.", s.cache.path, err))
		}
	}
}

func (s *shell) readOne(ctx context.Context, c core, e *env.Environment) (*control.Status, error) {
	prev, def, n := s.board.liveOf(e.Name)
	if prev == nil || !sameDefinition(def, e) || n%resolveEvery == 0 {
		return c.StatusEnv(ctx, e)
	}
	return c.Refresh(ctx, e, prev)
}

// sameDefinition: the watcher rereads every file on any change, so a
// definition is compared by content, not by pointer.
func sameDefinition(a, b *env.Environment) bool { return a == b || reflect.DeepEqual(a, b) }
