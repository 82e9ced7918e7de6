package desktop

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"cloudcontrol/backend/history"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/paths"
)

// TestOperationsShowACrashedRunAsInterrupted: the Reports view's list of
// starts and stops reads a run whose program died as interrupted? once
// nobody holds its environment, and as running while someone does.
func TestOperationsShowACrashedRunAsInterrupted(t *testing.T) {
	p := paths.Under(t.TempDir())
	hist := windowHistory(p, newFakePlatform(), slog.New(slog.DiscardHandler))
	defer hist.Close()
	ctx := context.Background()
	now := time.Now()
	rec, err := hist.Begin(ctx, history.Operation{Env: "shop", Action: "stop", Who: "me", Client: "tray", Started: now})
	if err != nil {
		t.Fatal(err)
	}
	rec.Emit(op.Event{Time: now, Env: "shop", Action: "stop", Type: op.EventRunStarted})
	c := newCosts(&fakeCoster{}, hist, p, nil)
	result := func() string {
		t.Helper()
		ops, err := c.Operations(ReportRequest{})
		if err != nil || len(ops) != 1 {
			t.Fatalf("operations = %+v, %v", ops, err)
		}
		return ops[0].Result
	}
	if got := result(); got != history.ResultMaybeInterrupted {
		t.Errorf("a run nobody holds reads %q, want %q", got, history.ResultMaybeInterrupted)
	}
	l, err := lock.Acquire(p.Locks(), "shop", lock.Holder{Action: "stop"})
	if err != nil {
		t.Fatal(err)
	}
	if got := result(); got != "running" {
		t.Errorf("a held run reads %q, want running", got)
	}
	if err := l.Release(); err != nil {
		t.Error(err)
	}
}
