//go:build !unix

package fifo

import "testing"

// Make skips the test: named pipes in the file system are Unix's.
func Make(t testing.TB, _ string) {
	t.Helper()
	t.Skip("named pipes in the file system are Unix's")
}
