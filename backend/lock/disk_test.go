package lock

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"cloudcontrol/backend/atomicfile"
	"cloudcontrol/internal/rodir"
)

// TestAcquireWhenTheDiskIsFull: writing who holds the lock fails with
// ENOSPC (the sidecar is written to /dev/full); the OS lock needs no space,
// so the lock is held anyway and Note says what was not recorded.
func TestAcquireWhenTheDiskIsFull(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/dev/full is Linux's")
	}
	dir := t.TempDir()
	// atomicfile's own temporary file and rename, with the write going to
	// /dev/full: ENOSPC as a full disk answers it.
	writeFile = func(path string, data []byte, perm os.FileMode) error {
		return atomicfile.WriteWith(path, perm, func(io.Writer) error {
			full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer full.Close()
			_, err = full.Write(data)
			return err
		})
	}
	t.Cleanup(func() { writeFile = atomicfile.Write })
	l, err := Acquire(dir, "env", Holder{Action: "stop"})
	if err != nil {
		t.Fatalf("a full disk must not stop the lock: %v", err)
	}
	defer release(t, l)
	mustContain(t, l.Note(), "who holds the lock could not be recorded", filepath.Join(dir, "env.json"), "no space left on device")
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(left) != 0 {
		t.Errorf("the failed write left %v behind", left)
	}
	_, err = Acquire(dir, "env", Holder{Action: "start"})
	var busy *BusyError
	if !errors.As(err, &busy) {
		t.Fatalf("a second acquire while held: %v, want busy", err)
	}
	if busy.Holder != nil {
		t.Errorf("the busy error names %+v, but nobody could record a holder", busy.Holder)
	}
}

// TestAcquireInAReadOnlyFolder: with the lock file there from an earlier
// run, the lock is taken as usual; without it (an environment never run
// here), the folder itself is locked. Either way the run goes on, and Note
// says what is different.
func TestAcquireInAReadOnlyFolder(t *testing.T) {
	dir := t.TempDir()
	earlier, err := Acquire(dir, "ran-before", Holder{Action: "start"})
	if err != nil {
		t.Fatal(err)
	}
	release(t, earlier)
	crashed, err := Acquire(dir, "crashed", Holder{Action: "start"})
	if err != nil {
		t.Fatal(err)
	}
	if err := crashed.fl.Unlock(); err != nil { // a holder that died: its record stays
		t.Fatal(err)
	}
	rodir.Make(t, dir)
	if l, err := Acquire(dir, "crashed", Holder{Action: "stop"}); err != nil || !strings.Contains(l.Note(), "an older record") {
		t.Errorf("over a dead holder's record: %v, note %q; want it said that the record may name the wrong holder", err, l.Note())
	} else {
		release(t, l)
	}

	l, err := Acquire(dir, "ran-before", Holder{Action: "stop"})
	if err != nil {
		t.Fatalf("a read-only folder must not stop the lock: %v", err)
	}
	mustContain(t, l.Note(), "who holds the lock could not be recorded", "read-only file system")
	if strings.Contains(l.Note(), "older record") {
		t.Errorf("note %q speaks of an older record, but the last holder removed its own", l.Note())
	}
	if _, err := Acquire(dir, "ran-before", Holder{Action: "start"}); !isBusy(err) {
		t.Errorf("a second acquire while held: %v, want busy", err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("release: %v", err)
	}

	fresh, err := Acquire(dir, "never-ran", Holder{Action: "start"})
	if err != nil {
		t.Fatalf("a read-only folder without the lock file must not stop the lock: %v", err)
	}
	mustContain(t, fresh.Note(), "cannot create the lock file", "(read-only file system)", "the whole lock folder is locked instead")
	if _, err := Acquire(dir, "never-ran", Holder{Action: "stop"}); !isBusy(err) {
		t.Errorf("the same environment while its folder is locked: %v, want busy", err)
	}
	release(t, fresh)
	again, err := Acquire(dir, "never-ran", Holder{Action: "stop"})
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	release(t, again)
}

func isBusy(err error) bool {
	var busy *BusyError
	return errors.As(err, &busy) && strings.Contains(err.Error(), "busy")
}
