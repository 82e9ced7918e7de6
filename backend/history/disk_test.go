package history

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cloudcontrol/internal/rodir"
)

// TestReadOnlyFolderIsSaidInWords: a history in a folder that turned
// read-only still reads, and a write says the folder cannot be written to
// rather than SQLite's "unable to open database file (14)".
func TestReadOnlyFolderIsSaidInWords(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	rodir.Make(t, dir)
	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("opening a history in a read-only folder to read it: %v", err)
	}
	defer s.Close()
	if _, err := s.Operations(ctx, "", time.Time{}, time.Now()); err != nil {
		t.Errorf("reading: %v", err)
	}
	_, err = s.Begin(ctx, Operation{Env: "e", Action: "stop", Who: "me", Client: "cli", Started: time.Now()})
	if err == nil || !strings.Contains(err.Error(), "cannot write to "+dir) {
		t.Fatalf("writing: %v, want it to say the folder %s cannot be written to", err, dir)
	}
}
