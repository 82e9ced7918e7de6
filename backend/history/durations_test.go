package history

import (
	"context"
	"testing"
	"time"

	"cloudcontrol/backend/op"
)

func TestStageDurationsTakeTheLatestRealRunOfEachStage(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	run := func(at time.Time, action, result string, events ...op.Event) {
		t.Helper()
		rec, err := s.Begin(ctx, Operation{Env: "shop", Action: action, Client: "cli", Started: at})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			e.Time = at.Add(time.Duration(e.Elapsed * float64(time.Second)))
			rec.Emit(e)
		}
		if err := rec.End(ctx, result, "", at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	ev := func(typ op.EventType, stage string, at float64) op.Event {
		return op.Event{Type: typ, Stage: stage, Elapsed: at}
	}
	// An older full start: db 40s, web 20s.
	run(t0, "start", "done",
		ev(op.EventStageStarted, "db", 0), ev(op.EventStageReady, "db", 40),
		ev(op.EventStageStarted, "web", 40), ev(op.EventStageReady, "web", 60))
	// A newer start that skipped db (already up) and took web 30s.
	run(t0.Add(24*time.Hour), "start", "done",
		ev(op.EventStageSkipped, "db", 0),
		ev(op.EventStageStarted, "web", 0), ev(op.EventStageReady, "web", 30))
	// The newest start failed in web: no measure from it.
	run(t0.Add(48*time.Hour), "start", "failed",
		ev(op.EventStageStarted, "web", 0), ev(op.EventStageFailed, "web", 900))
	// A stop says nothing about starting.
	run(t0.Add(72*time.Hour), "stop", "done",
		ev(op.EventStageStarted, "web", 0), ev(op.EventStageReady, "web", 5))

	got, err := s.StageDurations(ctx, "shop", "start")
	if err != nil {
		t.Fatal(err)
	}
	if got["db"] != 40*time.Second || got["web"] != 30*time.Second || len(got) != 2 {
		t.Fatalf("durations = %v, want db 40s (older run; the newer skipped it) and web 30s (the latest that finished it)", got)
	}
	if got, _ := s.StageDurations(ctx, "other", "start"); len(got) != 0 {
		t.Fatalf("an environment with no history has durations %v", got)
	}
}
