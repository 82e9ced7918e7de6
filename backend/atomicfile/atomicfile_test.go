package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestWriteReplacesWithThePermissionsAsked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "folder")
	path := filepath.Join(dir, "settings.json")
	if err := Write(path, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "two" {
		t.Fatalf("content %q %v", b, err)
	}
	if runtime.GOOS != "windows" {
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
			t.Errorf("mode %v, want 0644", st.Mode().Perm())
		}
		if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
			t.Errorf("a created folder is %v, want private (0700)", st.Mode().Perm())
		}
	}
	assertNoTemporaryFiles(t, dir, "settings.json")
}

func TestAFailedWriteLeavesTheOldFileAndNoTemporaryOne(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "table.bin")
	if err := Write(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	err := WriteWith(path, 0o600, func(w io.Writer) error {
		if _, err := w.Write([]byte("half of the ne")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v; want the writer's error, naming the file", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("after a failed write the file holds %q; want the old content", b)
	}
	assertNoTemporaryFiles(t, dir, "table.bin")
}

func TestWriteJSONIsIndentedWithAFinalNewline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.json")
	if err := WriteJSON(path, map[string]int{"a": 1}, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "{\n  \"a\": 1\n}\n" {
		t.Fatalf("%q", b)
	}
	if err := WriteJSON(path, func() {}, 0o600); err == nil {
		t.Fatal("a value JSON cannot hold was written")
	}
}

func TestWriteIntoAFolderThatCannotBeCreatedSaysWhere(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := Write(filepath.Join(file, "below", "x.json"), []byte("{}"), 0o600)
	if err == nil || !strings.Contains(err.Error(), "x.json") {
		t.Fatalf("error %v; want one naming the file", err)
	}
}

func assertNoTemporaryFiles(t *testing.T, dir, want string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != want {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
