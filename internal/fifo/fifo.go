// Package fifo is for tests of readers that must never wait on a named
// pipe (environment files, settings.json, the AWS files, caches): Make puts
// a pipe where a file is expected, and Within fails a read that waits.
package fifo

import (
	"testing"
	"time"
)

// Bound is how long Within lets a read take: these readers answer at
// once, so only a read stuck on a pipe (the bug under test) reaches it.
const Bound = 5 * time.Second

// Within runs f and returns what it returned, failing the test if it has
// not returned within Bound.
func Within[T any](t testing.TB, what string, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(Bound):
		t.Fatalf("%s did not return within %s", what, Bound)
		panic("unreachable")
	}
}
