// Package testwait is the one way a test waits for something that happens
// on another goroutine or across a real connection: it polls the thing
// itself until a deadline, never sleeps a fixed time and hopes.
package testwait

import (
	"testing"
	"time"
)

// Until polls ok every 5 ms until it holds, failing t with what once
// within has passed.
func Until(t testing.TB, within time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
