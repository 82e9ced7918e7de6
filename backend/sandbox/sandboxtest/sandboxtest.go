// Package sandboxtest serves a sandbox for the length of one test, the way
// net/http/httptest serves a handler: on 127.0.0.1:0, in its own loopback
// address block (so parallel test packages never share service ports), and
// stopped when the test ends.
package sandboxtest

import (
	"context"
	"testing"

	"cloudcontrol/backend/sandbox"
)

// Serve runs w at speed until t ends. When t failed, the services that
// could not listen are logged: a port held elsewhere leaves a gate failing.
func Serve(t testing.TB, w *sandbox.World, speed float64) *sandbox.Server {
	t.Helper()
	return ServeWith(t, w, sandbox.Options{Speed: speed})
}

// ServeWith is Serve with the sandbox's options (a clock the test moves);
// without an address block it claims its own.
func ServeWith(t testing.TB, w *sandbox.World, o sandbox.Options) *sandbox.Server {
	t.Helper()
	if o.AddressBlock == 0 {
		o.AddressBlock = Block(t)
	}
	srv, err := sandbox.Listen("127.0.0.1:0", w, o)
	if err != nil {
		t.Fatalf("starting the sandbox: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		if t.Failed() {
			for _, r := range srv.Sandbox.Requests() {
				if r.ErrorCode == "ListenFailed" {
					t.Logf("sandbox: %s", r.Message)
				}
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("sandbox server: %v", err)
		}
	})
	return srv
}

// Block claims a loopback address block for the length of t, so no other
// sandbox on this machine (another test package, another test run) serves
// its instances' services on the same addresses.
func Block(t testing.TB) int {
	b, release := sandbox.ClaimAddressBlock()
	t.Cleanup(release)
	return b
}

// RequestsOf are sb's logged requests of action, in order.
func RequestsOf(sb *sandbox.Sandbox, action string) []sandbox.Request {
	var out []sandbox.Request
	for _, q := range sb.Requests() {
		if q.Action == action {
			out = append(out, q)
		}
	}
	return out
}
