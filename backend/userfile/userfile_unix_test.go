//go:build unix

package userfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"cloudcontrol/internal/fifo"
)

func TestReadRefusesPipesAndDevicesAtOnce(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "pipe.yaml")
	fifo.Make(t, pipe)
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop.yaml")
	if err := os.Symlink("loop.yaml", loop); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{pipe: "it is a named pipe, not a regular file", zero: "it is a device, not a regular file"} {
		var nr *NotRegularError
		err := fifo.Within(t, "Read("+filepath.Base(path)+")", func() error { _, err := Read(path, 1<<20); return err })
		if !errors.As(err, &nr) || err.Error() != want {
			t.Errorf("Read(%s) = %v, want %q", filepath.Base(path), err, want)
		}
		if err := Check(path, 1<<20); !errors.As(err, &nr) || err.Error() != want {
			t.Errorf("Check(%s) = %v, want %q", filepath.Base(path), err, want)
		}
	}
	if _, err := Read(loop, 1<<20); !errors.Is(err, syscall.ELOOP) {
		t.Errorf("Read(a link to itself) = %v, want ELOOP", err)
	}
}
