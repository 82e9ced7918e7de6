//go:build unix

package settings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAStrayFileIsDamagedNotRead: a named pipe or /dev/zero behind a link
// as settings.json, or a file past MaxFileSize, is reported at once as a
// damaged settings file (every save refused, nothing replaced) instead of
// a read that never ends or never stops growing.
func TestAStrayFileIsDamagedNotRead(t *testing.T) {
	for name, create := range map[string]func(path string) error{
		"a named pipe": func(path string) error { return syscall.Mkfifo(path, 0o600) },
		"a device":     func(path string) error { return os.Symlink("/dev/zero", path) },
		"too large":    func(path string) error { return os.WriteFile(path, make([]byte, MaxFileSize+1), 0o600) },
	} {
		t.Run(name, func(t *testing.T) {
			f := Open(t.TempDir())
			if err := create(f.Path()); err != nil {
				t.Skipf("cannot make %s here: %v", name, err)
			}
			t.Cleanup(func() { // a reader stuck on the pipe after all is let go
				if w, err := os.OpenFile(f.Path(), os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					w.Close()
				}
			})
			done := make(chan error, 1)
			go func() { done <- f.Use("dev", "") }()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("saving over it did not return within 5s")
			}
			var damaged *DamagedError
			if !errors.As(err, &damaged) || !strings.Contains(err.Error(), "not saved") || !strings.Contains(err.Error(), f.Path()) {
				t.Errorf("Use = %v; want it refused as a damaged file, naming it", err)
			}
			if _, err := f.Load(); !errors.As(err, &damaged) {
				t.Errorf("Load = %v; want a DamagedError", err)
			}
			if info, err := os.Lstat(f.Path()); err != nil || (name != "too large") == info.Mode().IsRegular() {
				t.Errorf("the file was replaced: %v, %v", info.Mode(), err)
			}
			if entries, _ := os.ReadDir(filepath.Dir(f.Path())); len(entries) != 2 { // the file and its lock
				t.Errorf("files beside it: %v", entries)
			}
		})
	}
}
