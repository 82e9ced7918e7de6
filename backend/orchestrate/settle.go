package orchestrate

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"
)

// Settle lets a test on a fake clock move time only while a run waits on
// it. A real network check and an AWS call over a real connection do not
// follow that clock, and a call's bound is a waiter of the clock like the
// run's own tick: moving time during one would cut the call, or give a
// check no time at all. A Runner with a Settle counts its checks in flight
// and read-holds its lock for the whole of each AWS call, bound included.
type Settle struct {
	checking atomic.Int64
	calling  sync.RWMutex
}

// Advance moves clock by d, and each of also by d, when something waits on
// the clock, once no check and no AWS call of the run is in flight; it says
// whether time moved. It gives up waiting for checks when ctx ends.
func (s *Settle) Advance(ctx context.Context, clock *clockwork.FakeClock, d time.Duration, also ...func(time.Duration)) bool {
	for s.checking.Load() > 0 && ctx.Err() == nil {
		time.Sleep(100 * time.Microsecond) // a real connection's time: nothing on the clock to wait for
	}
	s.calling.Lock()
	defer s.calling.Unlock()
	now, cancel := context.WithCancel(context.Background())
	cancel()
	if clock.BlockUntilContext(now, 1) != nil { // no waiter at once
		return false
	}
	clock.Advance(d)
	for _, f := range also {
		f(d)
	}
	return true
}

func (s *Settle) checkBegan() {
	if s != nil {
		s.checking.Add(1)
	}
}

func (s *Settle) checkTaken() {
	if s != nil {
		s.checking.Add(-1)
	}
}

// CallBegan read-holds the lock for a call, bound included; the returned
// func releases it. Runs other than orchestrate's (a launch's polls) call
// it around their own bounded calls.
func (s *Settle) CallBegan() func() {
	if s == nil {
		return func() {}
	}
	s.calling.RLock()
	return s.calling.RUnlock
}
