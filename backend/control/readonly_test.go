package control

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/history"
	"cloudcontrol/backend/op"
	"cloudcontrol/internal/rodir"
)

func notes(events []op.Event) []string {
	var out []string
	for _, e := range events {
		if e.Type == op.EventNote {
			out = append(out, e.Message)
		}
	}
	return out
}

// TestStopWithReadOnlyStateAndData: the state folder (locks) and the data
// folder (history) turn read-only after a start; the stop still stops
// everything, and its notes say what could not be recorded.
func TestStopWithReadOnlyStateAndData(t *testing.T) {
	f := newRunFixture(t)
	f.run(t, op.Start)
	rodir.Make(t, f.home.Locks())
	rodir.Make(t, f.home.Data)

	got := notes(f.run(t, op.Stop))
	text := strings.Join(got, "\n")
	for _, want := range []string{"who holds the lock could not be recorded", "read-only file system", "this run is not in the usage history"} {
		if !strings.Contains(text, want) {
			t.Errorf("notes:\n%s\nwant one saying %q", text, want)
		}
	}
	if strings.Contains(text, "nothing was lost") {
		t.Errorf("notes:\n%s\nclaim nothing was lost while the run is not recorded", text)
	}
	st, err := f.svc.Status(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	if st.State != op.StateStopped {
		t.Errorf("after the stop the environment is %s, want stopped", st.State)
	}
}

// TestStartWithAReadOnlyHomeNeverRunBefore: nothing can be created at all
// (no lock file, no history); the start still runs, under a lock of the
// whole folder.
func TestStartWithAReadOnlyHomeNeverRunBefore(t *testing.T) {
	f := newRunFixture(t)
	home := filepath.Dir(f.home.State)
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	rodir.Make(t, home)
	text := strings.Join(notes(f.run(t, op.Start)), "\n")
	for _, want := range []string{"the whole lock folder is locked instead", "this run is not in the usage history"} {
		if !strings.Contains(text, want) {
			t.Errorf("notes:\n%s\nwant one saying %q", text, want)
		}
	}
}

// TestHistoryLostMidRun: the data folder turns read-only once the run has
// begun (as a disk filling up would): the run ends as usual and a note after
// its end says the history did not record how it ended.
func TestHistoryLostMidRun(t *testing.T) {
	f := newRunFixture(t)
	events := f.run(t, op.Start, func(e op.Event) {
		if e.Type == op.EventRunStarted {
			rodir.Make(t, f.home.Data)
		}
	})
	last := events[len(events)-1]
	if last.Type != op.EventNote || !strings.Contains(last.Message, "the usage history did not record how this run ended") {
		t.Fatalf("last event %+v, want a note that the end is not recorded", last)
	}
}

// TestHistoryHeldByAnotherProgram: the run goes on unrecorded, and its note
// does not claim that nothing was lost.
func TestHistoryHeldByAnotherProgram(t *testing.T) {
	f := newRunFixture(t, history.Options{BusyTimeout: 50 * time.Millisecond})
	f.run(t, op.Start) // creates the history
	other, err := sql.Open("sqlite", filepath.Join(f.home.Data, history.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
			t.Errorf("letting the history go: %v", err)
		}
	}()
	text := strings.Join(notes(f.run(t, op.Stop)), "\n")
	if !strings.Contains(text, "this run is not in the usage history") || !strings.Contains(text, "held by another program") {
		t.Errorf("notes:\n%s\nwant one saying the run is not recorded because another program holds the history", text)
	}
	if strings.Contains(text, "nothing was lost") {
		t.Errorf("notes:\n%s\nclaim nothing was lost while the run is not recorded", text)
	}
}
