package history

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cloudcontrol/internal/rodir"
)

// TestLazyTriesAgainAfterATransientFailure: a history that could not be
// opened once (its folder read-only for a while, another program holding
// it) is opened at the next use, so a long-running window does not go
// without a history for the rest of its life; a newer file stays refused.
func TestLazyTriesAgainAfterATransientFailure(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	data := filepath.Join(home, "data")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	l := NewLazy(filepath.Join(data, FileName), Options{})
	defer l.Close()
	undo := rodir.Make(t, home) // data cannot even be created
	if _, err := l.Store(ctx); err == nil {
		t.Fatal("opened a history in a read-only folder")
	}
	undo()
	if _, err := l.Begin(ctx, Operation{Env: "e", Action: "start", Who: "me", Client: "window", Started: time.Now()}); err != nil {
		t.Fatalf("once the folder is writable again: %v", err)
	}

	newer := filepath.Join(t.TempDir(), FileName)
	s, err := Open(ctx, newer, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("PRAGMA user_version = 9"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	nl := NewLazy(newer, Options{})
	for range 2 {
		var ne *NewerError
		if _, err := nl.Store(ctx); !errors.As(err, &ne) {
			t.Fatalf("a newer file: %v, want NewerError every time", err)
		}
	}
}
