package testwait

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A condition made true on another goroutine is waited for; one that never
// holds fails the test at its deadline, naming what was waited for.
func TestUntil(t *testing.T) {
	// The other goroutine stores once a poll has seen the condition false,
	// so Until must poll again to see it.
	var n atomic.Int32
	sawFalse := make(chan struct{})
	var once sync.Once
	go func() { <-sawFalse; n.Store(1) }()
	polls := 0
	Until(t, 5*time.Second, "the store", func() bool {
		polls++
		if n.Load() == 1 {
			return true
		}
		once.Do(func() { close(sawFalse) })
		return false
	})
	if polls < 2 {
		t.Errorf("the condition held after %d poll(s); want it seen false first", polls)
	}

	ft := &fakeT{TB: t}
	done := make(chan struct{})
	go func() { defer close(done); Until(ft, 30*time.Millisecond, "nothing", func() bool { return false }) }()
	<-done
	if want := "timed out after 30ms waiting for nothing"; ft.msg != want {
		t.Errorf("failed with %q, want %q", ft.msg, want)
	}
}

type fakeT struct {
	testing.TB
	msg string
}

func (f *fakeT) Helper() {}

func (f *fakeT) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit() // as t.Fatalf ends its goroutine
}
