//go:build unix

package userfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestReadRefusesPipesAndDevicesAtOnce(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop.yaml")
	if err := os.Symlink("loop.yaml", loop); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{pipe: "it is a named pipe, not a regular file", zero: "it is a device, not a regular file"} {
		done := make(chan error, 1)
		go func() { _, err := Read(path, 1<<20); done <- err }()
		select {
		case err := <-done:
			var nr *NotRegularError
			if !errors.As(err, &nr) || err.Error() != want {
				t.Errorf("Read(%s) = %v, want %q", filepath.Base(path), err, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Read(%s) did not return within 5s", filepath.Base(path))
		}
	}
	for path, want := range map[string]string{pipe: "it is a named pipe, not a regular file", zero: "it is a device, not a regular file"} {
		var nr *NotRegularError
		if err := Check(path, 1<<20); !errors.As(err, &nr) || err.Error() != want {
			t.Errorf("Check(%s) = %v, want %q", filepath.Base(path), err, want)
		}
	}
	if _, err := Read(loop, 1<<20); !errors.Is(err, syscall.ELOOP) {
		t.Errorf("Read(a link to itself) = %v, want ELOOP", err)
	}
}
