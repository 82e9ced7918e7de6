//go:build unix

package settings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cloudcontrol/internal/fifo"
)

// TestAStrayFileIsDamagedNotRead: a named pipe or /dev/zero behind a link
// as settings.json, or a file past MaxFileSize, is reported at once as a
// damaged settings file (every save refused, nothing replaced) instead of
// a read that never ends or never stops growing.
func TestAStrayFileIsDamagedNotRead(t *testing.T) {
	for name, create := range map[string]func(t *testing.T, path string){
		"a named pipe": func(t *testing.T, path string) { fifo.Make(t, path) },
		"a device":     func(t *testing.T, path string) { must(t, os.Symlink("/dev/zero", path)) },
		"too large":    func(t *testing.T, path string) { must(t, os.WriteFile(path, make([]byte, MaxFileSize+1), 0o600)) },
	} {
		t.Run(name, func(t *testing.T) {
			f := Open(t.TempDir())
			create(t, f.Path())
			err := fifo.Within(t, "saving over "+name, func() error { return f.Use("dev", "") })
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

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
