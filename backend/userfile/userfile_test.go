package userfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestReadRegularFileAndItsLink(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(path, []byte("stages: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path, 11)
	if err != nil || string(got) != "stages: []\n" {
		t.Fatalf("Read = %q, %v", got, err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(path, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if got, err := Read(link, 11); err != nil || string(got) != "stages: []\n" {
		t.Fatalf("Read(link) = %q, %v", got, err)
	}
}

func TestReadRefusesMoreThanTheLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.yaml")
	if err := os.WriteFile(path, make([]byte, 12), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Read(path, 11)
	var big *TooLargeError
	if !errors.As(err, &big) || big.Size != 12 || big.Limit != 11 {
		t.Fatalf("Read(12 bytes, limit 11) = %v, want a TooLargeError of 12 > 11", err)
	}
	if err := Check(path, 11); !errors.As(err, &big) {
		t.Errorf("Check(12 bytes, limit 11) = %v, want a TooLargeError", err)
	}
	if err := Check(path, 12); err != nil {
		t.Errorf("Check(12 bytes, limit 12) = %v, want nil", err)
	}
}

func TestReadRefusesAFolderAndReportsMissingFiles(t *testing.T) {
	dir := t.TempDir()
	var nr *NotRegularError
	if _, err := Read(dir, 1<<20); !errors.As(err, &nr) || err.Error() != "it is a folder, not a regular file" {
		t.Errorf("Read(folder) = %v", err)
	}
	if _, err := Read(filepath.Join(dir, "nope"), 1<<20); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read(missing) = %v, want not-exist", err)
	}
	if err := Check(dir, 1<<20); !errors.As(err, &nr) {
		t.Errorf("Check(folder) = %v", err)
	}
	if err := Check(filepath.Join(dir, "nope"), 1<<20); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Check(missing) = %v, want not-exist", err)
	}
}
