package testwait

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// A condition made true on another goroutine is waited for; one that never
// holds fails the test at its deadline, naming what was waited for.
func TestUntil(t *testing.T) {
	var n atomic.Int32
	go func() { time.Sleep(20 * time.Millisecond); n.Store(1) }() // the other goroutine's work
	Until(t, 5*time.Second, "the store", func() bool { return n.Load() == 1 })

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
