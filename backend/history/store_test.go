package history

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNewerVersionIsRefusedAndUntouched(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("PRAGMA user_version = 7"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	before, _ := os.ReadFile(path)
	_, err = Open(ctx, path, Options{})
	var ne *NewerError
	if !errors.As(err, &ne) || ne.Version != 7 || !strings.Contains(err.Error(), "newer Cloud Control") || !strings.Contains(err.Error(), "untouched") {
		t.Fatalf("opening a version-7 file: %v, want a NewerError saying it is left untouched", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("the newer file was changed")
	}
}

func TestCorruptFileIsMovedAsideNotDeleted(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	junk := []byte("this is not an SQLite database, but someone's data all the same ........................................")
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 22, 7, 0, 0, 0, time.UTC) }
	s, err := Open(ctx, path, Options{Now: now})
	if err != nil {
		t.Fatalf("open over a corrupt file: %v", err)
	}
	defer s.Close()
	aside := path + ".corrupt-20261122T070000Z"
	kept, err := os.ReadFile(aside)
	if err != nil || !bytes.Equal(kept, junk) {
		t.Fatalf("the damaged file was not kept as %s: %v", aside, err)
	}
	if !strings.Contains(s.Notice, "damaged") || !strings.Contains(s.Notice, aside) {
		t.Fatalf("notice = %q, want it to say the file was damaged and where it was kept", s.Notice)
	}
	if _, err := s.Begin(ctx, Operation{Env: "e", Action: "start", Who: "me", Client: "cli", Started: now()}); err != nil {
		t.Fatalf("the new history does not work: %v", err)
	}
}

func TestLockedFileIsAClearErrorAndNothingIsLost(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := s.Begin(ctx, Operation{Env: "kept", Action: "start", Who: "me", Client: "cli", Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	_ = rec.End(ctx, "done", "", time.Now())
	s.Close()

	holder, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	holder.SetMaxOpenConns(1)
	conn, err := holder.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	_, err = Open(ctx, path, Options{BusyTimeout: 50 * time.Millisecond})
	var le *LockedError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "held by another program (another Cloud Control?) for more than 50ms") {
		t.Fatalf("open while locked: %v, want a LockedError", err)
	}
	if time.Since(began) > 3*time.Second {
		t.Fatalf("waited %v, want about the 50 ms busy timeout", time.Since(began))
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("after the lock is gone: %v", err)
	}
	defer s.Close()
	ops, err := s.Operations(ctx, "kept", time.Time{}, time.Now().Add(time.Hour))
	if err != nil || len(ops) != 1 || ops[0].Result != "done" {
		t.Fatalf("the history before the lock: %+v, %v", ops, err)
	}
	if matches, _ := filepath.Glob(path + ".corrupt-*"); len(matches) > 0 {
		t.Fatalf("a locked file was treated as corrupt: %v", matches)
	}
}
