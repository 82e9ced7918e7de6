// Package rodir makes a folder read-only for a test, the way a read-only
// mount or a folder of another user is: writes into it fail. Tests run as
// root too, whom file modes do not stop, so there it bind-mounts the
// folder read-only over itself (Linux); where neither works the test is
// skipped, saying why.
package rodir

import (
	"os"
	"sync"
	"testing"
)

// Make makes dir read-only until the test ends, or until the returned
// function is called (the folder then is writable again).
func Make(t testing.TB, dir string) (undo func()) {
	t.Helper()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	mounted := false
	var once sync.Once
	undo = func() {
		once.Do(func() {
			if mounted {
				if err := unmount(dir); err != nil {
					t.Errorf("unmounting the read-only %s: %v", dir, err)
				}
			}
			_ = os.Chmod(dir, 0o755) // so the test's folder can be removed
		})
	}
	t.Cleanup(undo)
	if !writable(dir) {
		return undo
	}
	if err := mountReadOnly(dir); err != nil {
		t.Skipf("cannot make %s read-only here (file modes do not stop this user, and a read-only mount failed: %v)", dir, err)
	}
	mounted = true
	if writable(dir) {
		t.Fatalf("%s is still writable after a read-only mount", dir)
	}
	return undo
}

func writable(dir string) bool {
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return false
	}
	f.Close()
	_ = os.Remove(f.Name())
	return true
}
