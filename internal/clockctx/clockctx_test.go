package clockctx

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// On a fake clock the deadline follows the fake time, Err is nil until it
// passes (never blocking) and DeadlineExceeded after; a cancelled bound
// leaves no timer behind; the parent's cancel still ends it.
func TestADeadlineOnAFakeClock(t *testing.T) {
	clock := clockwork.NewFakeClock()
	ctx, cancel := WithTimeout(context.Background(), clock, 10*time.Second)
	defer cancel()
	if d, ok := ctx.Deadline(); !ok || !d.Equal(clock.Now().Add(10*time.Second)) {
		t.Errorf("deadline %v %v", d, ok)
	}
	if ctx.Err() != nil {
		t.Fatal("ended before its time")
	}
	clock.Advance(9 * time.Second)
	if ctx.Err() != nil {
		t.Fatal("ended a second early")
	}
	clock.Advance(time.Second)
	select {
	case <-ctx.Done():
	case <-time.After(3 * time.Second):
		t.Fatal("not done when the fake time reached the deadline")
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Errorf("Err %v", ctx.Err())
	}

	_, cancel2 := WithTimeout(context.Background(), clock, time.Minute)
	cancel2()
	wait, stop := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer stop()
	if clock.BlockUntilContext(wait, 1) == nil {
		t.Error("a cancelled bound is still a waiter of the clock")
	}

	parent, cancelParent := context.WithCancel(context.Background())
	child, cancel3 := WithTimeout(parent, clock, time.Hour)
	defer cancel3()
	cancelParent()
	<-child.Done()
	if !errors.Is(child.Err(), context.Canceled) {
		t.Errorf("after the parent's cancel: %v", child.Err())
	}
}
