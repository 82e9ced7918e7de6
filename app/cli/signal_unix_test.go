//go:build unix

package cli

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"cloudcontrol/app/launch"
)

// The window's start-up relies on this: a SIGTERM at any moment from the
// process's start cancels the context the window is opened with, so the
// desktop's quit (app/desktop/signals.go) sees it even when it came before
// the window could listen, and the process does not die half-started.
func TestSigtermCancelsTheWindowsContext(t *testing.T) {
	t.Setenv("CLOUDCONTROL_HOME", t.TempDir())
	var cause error
	open := func(ctx context.Context, _ launch.WindowOptions) error {
		if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			cause = context.Cause(ctx)
		case <-time.After(10 * time.Second):
			t.Error("SIGTERM did not cancel the window's context")
		}
		return nil
	}
	if code := Main(nil, open); code != ExitOK {
		t.Fatalf("exit %d, want %d: a window quit on a signal ends as a normal quit", code, ExitOK)
	}
	if cause == nil || !strings.Contains(cause.Error(), "terminated") {
		t.Errorf("the context's cause is %v, want the SIGTERM", cause)
	}
}
