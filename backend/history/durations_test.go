package history

import (
	"context"
	"testing"
	"time"

	"cloudcontrol/backend/orchestrate"
)

func TestStageDurationsTakeTheLatestRealRunOfEachStage(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	run := func(at time.Time, action, result string, events ...orchestrate.Event) {
		t.Helper()
		op, err := s.Begin(ctx, Operation{Env: "shop", Action: action, Client: "cli", Started: at})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			e.Time = at.Add(time.Duration(e.Elapsed * float64(time.Second)))
			op.Emit(e)
		}
		if err := op.End(ctx, result, "", at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	ev := func(typ, stage string, at float64) orchestrate.Event {
		return orchestrate.Event{Type: typ, Stage: stage, Elapsed: at}
	}
	// An older full start: db 40s, web 20s.
	run(t0, "start", "done",
		ev(orchestrate.EventStageStarted, "db", 0), ev(orchestrate.EventStageReady, "db", 40),
		ev(orchestrate.EventStageStarted, "web", 40), ev(orchestrate.EventStageReady, "web", 60))
	// A newer start that skipped db (already up) and took web 30s.
	run(t0.Add(24*time.Hour), "start", "done",
		ev(orchestrate.EventStageSkipped, "db", 0),
		ev(orchestrate.EventStageStarted, "web", 0), ev(orchestrate.EventStageReady, "web", 30))
	// The newest start failed in web: no measure from it.
	run(t0.Add(48*time.Hour), "start", "failed",
		ev(orchestrate.EventStageStarted, "web", 0), ev(orchestrate.EventStageFailed, "web", 900))
	// A stop says nothing about starting.
	run(t0.Add(72*time.Hour), "stop", "done",
		ev(orchestrate.EventStageStarted, "web", 0), ev(orchestrate.EventStageReady, "web", 5))

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
