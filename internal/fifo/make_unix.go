//go:build unix

package fifo

import (
	"os"
	"syscall"
	"testing"
)

// Make makes a named pipe at path, skipping the test where there are none.
// When the test ends it opens the pipe for writing, so a reader still
// blocked on it (the bug under test) is let go.
func Make(t testing.TB, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
}
