package cli

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSandboxServe serves the example world on a free loopback port and
// points the other commands at it with --endpoint-url.
func TestSandboxServe(t *testing.T) {
	isolateAWS(t, "http://127.0.0.1:1") // only --endpoint-url reaches the sandbox
	ctx, cancel := context.WithCancel(timeout(t, 10*time.Second))
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- runCLI(ctx, &out, &errOut, "sandbox", "serve", "--listen", "127.0.0.1:0", "--world", examplesWorld, "--speed", "100")
	}()
	waitFor(t, &out, "\n", 5*time.Second)
	m := regexp.MustCompile(`Sandbox listening on (http://127\.0\.0\.1:\d+) \(account 123456789012, speed x100\)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("serve did not print its URL:\n%s%s", out.String(), errOut.String())
	}
	var sOut, sErr syncBuffer
	code := runCLI(ctx, &sOut, &sErr, "--dir", examplesDir, "--endpoint-url", m[1], "env", "status", "three-tier")
	if code != ExitOK || !strings.Contains(sOut.String(), "three-tier: stopped (account 123456789012, eu-west-1)") {
		t.Errorf("env status against the served sandbox: exit %d\n%s%s", code, sOut.String(), sErr.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("serve ended with exit %d on interrupt: %s", code, errOut.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop when its context ended")
	}
}

// TestCommandLineMistakes: usage errors exit 2 and say what is wrong; a
// non-loopback sandbox address is refused before anything listens.
func TestCommandLineMistakes(t *testing.T) {
	isolateAWS(t, "http://127.0.0.1:1")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sandbox", "serve", "--listen", "0.0.0.0:0", "--world", examplesWorld}, ExitFailed, `"0.0.0.0:0" is not a loopback address`},
		{[]string{"sandbox", "serve", "--listen", "192.0.2.1:4566", "--world", examplesWorld}, ExitFailed, "not a loopback address"},
		{[]string{"sandbox", "serve", "--listen", "127.0.0.1:0"}, ExitUsage, "--world FILE is required"},
		{[]string{"sandbox", "serve", "--listen", "127.0.0.1:0", "--world", examplesWorld, "--speed", "0"}, ExitUsage, "--speed must be above 0"},
		{[]string{"frobnicate"}, ExitUsage, `unknown command "frobnicate"`},
		{[]string{"env", "strat", "three-tier"}, ExitUsage, `unknown command "strat" for "cloudcontrol env"`},
		{[]string{"sandbox", "srve"}, ExitUsage, `unknown command "srve" for "cloudcontrol sandbox"`},
		{[]string{"env", "list", "--frob"}, ExitUsage, "unknown flag: --frob"},
		{[]string{"--poll", "soon", "env", "list"}, ExitUsage, `invalid argument "soon" for "--poll"`},
		{[]string{"env", "start"}, ExitUsage, "accepts 1 arg(s), received 0"},
		{[]string{"env", "stop", "a", "b"}, ExitUsage, "accepts 1 arg(s), received 2"},
		{[]string{}, ExitUsage, "no desktop window"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			// A refused serve must return at once; the deadline catches one
			// that would serve instead.
			ctx := timeout(t, 3*time.Second)
			var out, errOut syncBuffer
			code := runCLI(ctx, &out, &errOut, c.args...)
			if code != c.code || !strings.Contains(errOut.String(), c.want) {
				t.Errorf("exit %d, want %d; stderr %q, want it to say %q", code, c.code, errOut.String(), c.want)
			}
			if strings.Contains(out.String(), "listening") {
				t.Errorf("it listened: %s", out.String())
			}
		})
	}
	// Bare group commands print their help and succeed.
	var out, errOut syncBuffer
	if code := runCLI(context.Background(), &out, &errOut, "env"); code != ExitOK || !strings.Contains(out.String(), "Available Commands") {
		t.Errorf("env alone: exit %d, stdout %q", code, out.String())
	}
}
