package history

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/op"
)

// TestRunningWithoutAHolderReadsInterrupted: an operation still marked
// running whose environment nobody holds (its program died) reads
// "interrupted?" at once, not "running" until that environment's next run;
// one whose environment is held still reads running.
func TestRunningWithoutAHolderReadsInterrupted(t *testing.T) {
	ctx := context.Background()
	held := map[string]bool{"live": true}
	s, err := Open(ctx, filepath.Join(t.TempDir(), FileName), Options{Held: func(env string) bool { return held[env] }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := map[string]int64{}
	for _, env := range []string{"crashed", "live", "finished"} {
		rec, err := s.Begin(ctx, Operation{Env: env, Action: "start", Who: "me", Client: "cli", Started: t0})
		if err != nil {
			t.Fatal(err)
		}
		rec.Emit(op.Event{Time: t0, Env: env, Action: "start", Type: op.EventRunStarted})
		if env == "finished" {
			if err := rec.End(ctx, "done", "", t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		ids[env] = rec.ID()
	}
	ops, err := s.Operations(ctx, "", t0.Add(-time.Hour), t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]OperationRow{}
	for _, o := range ops {
		got[o.Env] = o
	}
	if o := got["crashed"]; o.Result != ResultMaybeInterrupted || !strings.Contains(o.Message, "nobody holds crashed") {
		t.Errorf("the crashed run reads %q (%q), want %q saying nobody holds it", o.Result, o.Message, ResultMaybeInterrupted)
	}
	if got["live"].Result != "running" || got["finished"].Result != "done" {
		t.Errorf("live reads %q and finished %q, want running and done", got["live"].Result, got["finished"].Result)
	}
	if o, err := s.Operation(ctx, ids["crashed"]); err != nil || o.Result != ResultMaybeInterrupted {
		t.Errorf("Operation(crashed) = %q, %v; want %q", o.Result, err, ResultMaybeInterrupted)
	}
}
