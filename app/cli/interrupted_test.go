package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/history"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/paths"
	"cloudcontrol/internal/testwait"
)

// TestHistoryShowsACrashedRunAsInterrupted: a run whose program died reads
// "interrupted?" as soon as nobody holds its environment, in the list, in
// --json and in `history show`; while something holds it, it reads running.
func TestHistoryShowsACrashedRunAsInterrupted(t *testing.T) {
	isolateAWS(t, "http://127.0.0.1:1")
	ctx := timeout(t, 20*time.Second)
	p := paths.Default()
	store, err := history.Open(ctx, filepath.Join(p.Data, history.FileName), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	rec, err := store.Begin(context.Background(), history.Operation{Env: "three-tier", Action: "start", Who: "bob", Client: "window", Started: now})
	if err != nil {
		t.Fatal(err)
	}
	rec.Emit(op.Event{Time: now, Env: "three-tier", Action: "start", Type: op.EventRunStarted})
	// Written in the background.
	testwait.Until(t, 5*time.Second, "the run-started event in the history", func() bool {
		evs, _ := store.Events(ctx, rec.ID())
		return len(evs) == 1
	})
	store.Close() // the program dies: no End

	rowOf := func() history.OperationRow {
		t.Helper()
		var out, errOut syncBuffer
		if code := runCLI(ctx, &out, &errOut, "history", "--json"); code != ExitOK {
			t.Fatalf("history --json: exit %d, %s", code, errOut.String())
		}
		var ops []history.OperationRow
		if err := json.Unmarshal([]byte(out.String()), &ops); err != nil || len(ops) != 1 {
			t.Fatalf("history --json: %v\n%s", err, out.String())
		}
		return ops[0]
	}
	if o := rowOf(); o.Result != history.ResultMaybeInterrupted {
		t.Errorf("the crashed run reads %q, want %q", o.Result, history.ResultMaybeInterrupted)
	}
	var out, errOut syncBuffer
	runCLI(ctx, &out, &errOut, "history")
	if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), "three-tier start interrupted? -") {
		t.Errorf("history lists:\n%s\nwant the start as interrupted?", out.String())
	}
	out, errOut = syncBuffer{}, syncBuffer{}
	runCLI(ctx, &out, &errOut, "history", "show", jsonID(rec.ID()))
	if !strings.Contains(out.String(), "(operation 1): interrupted?") || !strings.Contains(out.String(), "nobody holds three-tier") {
		t.Errorf("history show:\n%s\nwant it interrupted? and why", out.String())
	}

	l, err := lock.Acquire(p.Locks(), "three-tier", lock.Holder{Action: "start"})
	if err != nil {
		t.Fatal(err)
	}
	if o := rowOf(); o.Result != "running" {
		t.Errorf("while the environment is held the run reads %q, want running", o.Result)
	}
	if err := l.Release(); err != nil {
		t.Error(err)
	}
}
