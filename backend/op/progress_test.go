package op

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// outline is a start of e: db (two instances; running, tcp and a settle
// delay) then web (one instance; running).
func outline() Outline {
	return Outline{Env: "e", Action: Start, Stages: []OutlineStage{
		{Name: "db", Instances: []Instance{{ID: "i-1", Name: "db-1", State: "stopped"}, {ID: "i-2", State: "stopped"}},
			Gates:          []OutlineGate{{Name: "running", PerInstance: true}, {Name: "tcp 5432", PerInstance: true}, {Name: "delay 2s"}},
			TimeoutSeconds: 900},
		{Name: "web", Instances: []Instance{{ID: "i-3", Name: "web-1", State: "running"}},
			Gates: []OutlineGate{{Name: "running", PerInstance: true}}, TimeoutSeconds: 600},
	}}
}

// ev is an event of e's start, at seconds into the run.
func ev(typ EventType, at float64, e Event) Event {
	e.Type, e.Elapsed, e.Time = typ, at, t0.Add(time.Duration(at*float64(time.Second)))
	if e.Env == "" {
		e.Env = "e"
	}
	if e.Action == "" {
		e.Action = Start
	}
	return e
}

func statuses(p Progress) []StageStatus {
	var out []StageStatus
	for _, s := range p.Stages {
		out = append(out, s.Status)
	}
	return out
}

func TestAStageCountsEachInstanceGateOncePlusItsStageGates(t *testing.T) {
	p := Fold(outline(),
		ev(EventStageStarted, 0, Event{Stage: "db"}),
		ev(EventGatePassed, 1, Event{Stage: "db", Gate: "running", Instance: "i-1"}),
		ev(EventGatePassed, 1, Event{Stage: "db", Gate: "running", Instance: "i-1"}),
		ev(EventGatePassed, 2, Event{Stage: "db", Gate: "running", Instance: "i-2"}))
	// 2 instances x 2 instance gates + 1 delay = 5.
	if db := p.Stages[0]; db.Status != StageActive || db.Passed != 2 || db.Total != 5 || db.State != StateStarting {
		t.Errorf("db = %+v, want active, 2 of 5, starting", db)
	}
	if web := p.Stages[1]; web.Status != StagePending || web.Total != 1 || web.State != "" {
		t.Errorf("web = %+v, want pending of 1 with no state word", web)
	}
	if p.Elapsed != 2 || p.Events != 4 {
		t.Errorf("elapsed %v after %d events, want 2 after 4", p.Elapsed, p.Events)
	}
}

func TestEventsOfAnotherEnvironmentOrActionAreIgnored(t *testing.T) {
	tr := NewTracker(outline())
	for _, e := range []Event{
		ev(EventStageStarted, 1, Event{Stage: "db", Env: "other"}),
		ev(EventStageStarted, 1, Event{Stage: "db", Action: Stop}),
	} {
		if tr.Apply(e) {
			t.Errorf("applied %+v", e)
		}
	}
	if p := tr.Progress(); p.Stages[0].Status != StagePending || p.Events != 0 || p.Elapsed != 0 {
		t.Errorf("after foreign events: %+v", p)
	}
}

func TestTheGateWaitedOnClearsOnceItPasses(t *testing.T) {
	tr := NewTracker(outline())
	tr.Apply(ev(EventGateWaiting, 3, Event{Stage: "db", Gate: "tcp 5432", Instance: "i-1", Name: "db-1", Message: "10.0.0.1:5432"}))
	p := tr.Progress()
	want := &Waiting{Gate: "tcp 5432", Instance: "i-1", Name: "db-1", Address: "10.0.0.1:5432"}
	if db := p.Stages[0]; !reflect.DeepEqual(db.Waiting, want) || db.Status != StageActive || !db.Started.Equal(t0.Add(3*time.Second)) {
		t.Errorf("waiting: %+v, want active since 3s waiting for %+v", db, want)
	}
	// Another instance's pass does not clear it.
	tr.Apply(ev(EventGatePassed, 4, Event{Stage: "db", Gate: "tcp 5432", Instance: "i-2"}))
	if tr.Progress().Stages[0].Waiting == nil {
		t.Error("i-2 passing cleared the wait on i-1")
	}
	tr.Apply(ev(EventGatePassed, 5, Event{Stage: "db", Gate: "tcp 5432", Instance: "i-1"}))
	if db := tr.Progress().Stages[0]; db.Waiting != nil || db.Status != StageActive || db.Passed != 2 {
		t.Errorf("after the pass: %+v, want active, no wait, 2 passed", db)
	}
	// The copy handed out before is not changed by later events.
	if !reflect.DeepEqual(p.Stages[0].Waiting, want) {
		t.Errorf("an earlier progress value changed: %+v", p.Stages[0].Waiting)
	}
}

func TestAFailureIsKeptUntilTheNextRunStartedRestartsEveryStage(t *testing.T) {
	tr := NewTracker(outline())
	for _, e := range []Event{
		ev(EventRunStarted, 0, Event{Message: "start e: 2 stage(s)"}),
		ev(EventStageReady, 10, Event{Stage: "db"}),
		ev(EventInstanceState, 11, Event{Stage: "db", Instance: "i-1", Name: "db-1", State: "running"}),
		ev(EventStageFailed, 12, Event{Stage: "web", Instance: "i-3", Name: "web-1", Gate: "running", Message: "instance i-3 (web-1) was terminated"}),
		ev(EventRunFailed, 12, Event{Stage: "web", Instance: "i-3", Name: "web-1", Gate: "running", Message: `start e failed in stage "web": ...`}),
	} {
		tr.Apply(e)
	}
	failed := tr.Progress()
	if failed.Outcome != OutcomeFailed || !failed.Finished() || failed.Elapsed != 12 || failed.Message != `start e failed in stage "web": ...` {
		t.Fatalf("failed run: %+v", failed)
	}
	// web-1 runs in the outline and was not seen otherwise: left running with db-1.
	want := &Failure{Stage: "web", Instance: "i-3", Name: "web-1", Gate: "running", Message: "instance i-3 (web-1) was terminated",
		LeftRunning: []string{"i-1 (db-1)", "i-3 (web-1)"}}
	if !reflect.DeepEqual(failed.Failure, want) {
		t.Errorf("failure %+v, want %+v", failed.Failure, want)
	}
	if got := statuses(failed); !reflect.DeepEqual(got, []StageStatus{StageReady, StageFailed}) || failed.Stages[1].State != StateBroken {
		t.Errorf("stages %v (web %q), want ready, failed", got, failed.Stages[1].State)
	}

	again := ev(EventRunStarted, 0, Event{})
	again.Time = t0.Add(time.Hour)
	tr.Apply(again)
	resumed := tr.Progress()
	if resumed.Outcome != OutcomeRunning || resumed.Failure != nil || !resumed.Started.Equal(t0.Add(time.Hour)) || resumed.Events != 6 {
		t.Errorf("resumed: %+v", resumed)
	}
	if got := statuses(resumed); !reflect.DeepEqual(got, []StageStatus{StagePending, StagePending}) || resumed.Stages[0].Passed != 0 {
		t.Errorf("resumed stages %+v, want every stage pending afresh", resumed.Stages)
	}
	if in := resumed.Stages[0].Instances[0]; in.State != "running" {
		t.Errorf("a resume forgot what was observed of %s: %q", in.ID, in.State)
	}
}

func TestAFailedStopSaysWhatItLeftRunning(t *testing.T) {
	o := Outline{Env: "e", Action: Stop, Stages: []OutlineStage{
		{Name: "web", Instances: []Instance{{ID: "i-2", State: "running"}}, Gates: []OutlineGate{{Name: "stopped", PerInstance: true}}},
		{Name: "db", Instances: []Instance{{ID: "i-1", Name: "db-1", State: "running"}, {ID: "i-9", State: "running"}},
			Gates: []OutlineGate{{Name: "stopped", PerInstance: true}}},
	}}
	stop := func(typ EventType, at float64, e Event) Event { e.Action = Stop; return ev(typ, at, e) }
	p := Fold(o,
		stop(EventRunStarted, 0, Event{}),
		stop(EventStageStarted, 0, Event{Stage: "web"}),
		stop(EventInstanceState, 5, Event{Stage: "web", Instance: "i-2", State: "stopped"}),
		stop(EventGatePassed, 5, Event{Stage: "web", Gate: "stopped", Instance: "i-2"}),
		stop(EventStageReady, 5, Event{Stage: "web"}),
		stop(EventStageStarted, 5, Event{Stage: "db"}),
		stop(EventInstanceState, 6, Event{Stage: "db", Instance: "i-9", State: "missing"}),
		stop(EventStageFailed, 30, Event{Stage: "db", Instance: "i-1", Name: "db-1", Gate: "stopped", Message: "timed out"}),
		stop(EventRunFailed, 30, Event{Message: "stop e failed"}))
	if got := []string{p.Stages[0].Name, p.Stages[1].Name}; !reflect.DeepEqual(got, []string{"web", "db"}) {
		t.Errorf("stage order %v, want the outline's", got)
	}
	if p.Stages[0].State != StateStopped || p.Stages[0].Passed != 1 || p.Stages[0].Total != 1 {
		t.Errorf("web = %+v, want stopped, 1 of 1", p.Stages[0])
	}
	// The run-failed event named no stage: the stage-failed event's place stays.
	want := &Failure{Stage: "db", Instance: "i-1", Name: "db-1", Gate: "stopped", Message: "timed out", LeftRunning: []string{"i-1 (db-1)"}}
	if p.Outcome != OutcomeFailed || !reflect.DeepEqual(p.Failure, want) {
		t.Errorf("outcome %s, failure %+v; want failed, %+v", p.Outcome, p.Failure, want)
	}
}

func TestAStopsStagesSayStoppingThenStopped(t *testing.T) {
	tr := NewTracker(Outline{})
	tr.Apply(Event{Env: "e", Action: Stop, Type: EventStageStarted, Stage: "web"})
	if s := tr.Progress().Stages[0]; s.State != StateStopping {
		t.Errorf("an active stop stage reads %q", s.State)
	}
	tr.Apply(Event{Env: "e", Action: Stop, Type: EventStageSkipped, Stage: "db"})
	tr.Apply(Event{Env: "e", Action: Stop, Type: EventStageCancelled, Stage: "web"})
	p := tr.Progress()
	if p.Stages[0].State != "" || p.Stages[1].State != StateStopped || p.Stages[1].Passed != p.Stages[1].Total {
		t.Errorf("cancelled web %q, skipped db %+v; want no word, and stopped with every check passed", p.Stages[0].State, p.Stages[1])
	}
}

// A run with no outline (history replay, another process's run) folds from
// its events alone: stages as the events name them, instances as they
// are seen, totals from the checks seen.
func TestARunFoldsFromItsEventsAlone(t *testing.T) {
	p := Fold(Outline{},
		ev(EventRunStarted, 0, Event{Message: "start e"}),
		ev(EventStageSkipped, 0, Event{Stage: "db", Message: "all 1 instance(s) already running"}),
		ev(EventStageStarted, 1, Event{Stage: "web"}),
		ev(EventInstanceState, 2, Event{Stage: "web", Instance: "i-3", Name: "web-1", State: "pending"}),
		ev(EventGatePassed, 3, Event{Stage: "web", Gate: "running", Instance: "i-3", Name: "web-1"}),
		ev(EventGateWaiting, 3, Event{Stage: "web", Gate: "http http://x/", Instance: "i-3", Name: "web-1"}),
		ev(EventGateWaiting, 4, Event{Stage: "web", Gate: "http http://x/", Instance: "i-4"}))
	if p.Env != "e" || p.Action != Start || p.Outcome != OutcomeRunning || p.Message != "start e" {
		t.Fatalf("progress %+v", p)
	}
	if len(p.Stages) != 2 || p.Stages[0].Name != "db" || p.Stages[0].Status != StageSkipped || p.Stages[0].State != StateRunning {
		t.Fatalf("stages %+v, want db skipped (running) first", p.Stages)
	}
	web := p.Stages[1]
	wantInsts := []Instance{{ID: "i-3", Name: "web-1", State: "pending"}, {ID: "i-4"}}
	if web.Status != StageActive || web.Passed != 1 || web.Total != 3 || !reflect.DeepEqual(web.Instances, wantInsts) {
		t.Errorf("web %+v, want active, 1 of the 3 checks seen, instances %+v", web, wantInsts)
	}
	if web.Waiting == nil || web.Waiting.Instance != "i-4" {
		t.Errorf("web waits on %+v, want the latest wait (i-4)", web.Waiting)
	}
}

func TestCancelledAndRefusedRunsEndSo(t *testing.T) {
	c := Fold(outline(), ev(EventRunStarted, 0, Event{}), ev(EventStageStarted, 0, Event{Stage: "db"}),
		ev(EventStageCancelled, 4, Event{Stage: "db", Message: "cancelled"}),
		ev(EventRunCancelled, 4, Event{Message: "start e cancelled; ready: none"}))
	if c.Outcome != OutcomeCancelled || c.Message != "start e cancelled; ready: none" || c.Failure != nil || c.Stages[0].Status != StageCancelled {
		t.Errorf("cancelled: %+v", c)
	}
	r := Fold(Outline{}, Event{Env: "e", Action: Stop, Type: EventRunRefused, Message: `e is busy: "start" by alice`})
	if r.Outcome != OutcomeRefused || !r.Finished() || r.Failure == nil || r.Failure.Message != `e is busy: "start" by alice` || len(r.Stages) != 0 {
		t.Errorf("refused: %+v", r)
	}
	d := Fold(outline(), ev(EventRunStarted, 0, Event{}), ev(EventRunDone, 9, Event{Message: "start e done after 9s"}))
	if d.Outcome != OutcomeDone || d.Message != "start e done after 9s" || d.Elapsed != 9 {
		t.Errorf("done: %+v", d)
	}
	if (Progress{}).Finished() || (Progress{Outcome: OutcomeRunning}).Finished() {
		t.Error("a run not begun, or running, reads finished")
	}
}

// An outline told after some events (the window's tracker learns it when
// the plan is made) folds them again: the result is the same as if it
// had been known from the start.
func TestALateOutlineFoldsTheEventsAgain(t *testing.T) {
	events := []Event{ev(EventRunStarted, 0, Event{}), ev(EventStageStarted, 0, Event{Stage: "db"}),
		ev(EventGatePassed, 1, Event{Stage: "db", Gate: "running", Instance: "i-1"})}
	tr := NewTracker(Outline{})
	for _, e := range events {
		tr.Apply(e)
	}
	tr.Outline(outline())
	if got, want := tr.Progress(), Fold(outline(), events...); !reflect.DeepEqual(got, want) {
		t.Errorf("late outline:\n%+v\nwant\n%+v", got, want)
	}
	if db := tr.Progress().Stages[0]; db.Total != 5 || db.Passed != 1 || db.TimeoutSeconds != 900 {
		t.Errorf("db %+v, want 1 of 5 with its timeout", db)
	}
}

func TestATrackerIsASinkAndAnOutliner(t *testing.T) {
	tr := NewTracker(Outline{})
	var s Sink = tr
	var o Outliner = tr
	o.Outline(outline())
	s.Emit(ev(EventStageStarted, 0, Event{Stage: "web"}))
	if tr.Progress().Stages[1].Status != StageActive {
		t.Errorf("%+v", tr.Progress())
	}
}

// The JSON of an event is a contract (`env start --json`, the history, the
// window): the same bytes as before the vocabulary was typed.
func TestEventJSONIsTheContract(t *testing.T) {
	e := Event{Time: t0, Env: "shop", Action: Start, Type: EventGateWaiting, Stage: "db", Instance: "i-1", Name: "db-1",
		State: "running", Gate: "tcp 5432", Message: "10.0.0.1:5432", Elapsed: 1.5}
	b, _ := json.Marshal(e)
	want := `{"time":"2025-01-01T00:00:00Z","env":"shop","action":"start","type":"gate-waiting","stage":"db","instance":"i-1",` +
		`"name":"db-1","state":"running","gate":"tcp 5432","message":"10.0.0.1:5432","elapsed":1.5}`
	if string(b) != want {
		t.Errorf("event JSON\n%s\nwant\n%s", b, want)
	}
	b, _ = json.Marshal(Event{Time: t0, Env: "shop", Action: Stop, Type: EventRunDone})
	if want := `{"time":"2025-01-01T00:00:00Z","env":"shop","action":"stop","type":"run-done","elapsed":0}`; string(b) != want {
		t.Errorf("a bare event\n%s\nwant\n%s", b, want)
	}
}

// A cancel arrives as run-cancelled alone (the runner stops mid-stage): the
// stage it was waiting in no longer waits, and stages never begun say so.
// A failure settles the stages the same way.
func TestAnEndedRunLeavesNoStageActiveOrWaiting(t *testing.T) {
	for _, end := range []Event{
		ev(EventRunCancelled, 4, Event{Message: "start e cancelled"}),
		ev(EventRunFailed, 4, Event{Stage: "db", Message: "failed"}),
	} {
		p := Fold(outline(), ev(EventRunStarted, 0, Event{}), ev(EventStageStarted, 0, Event{Stage: "db"}),
			ev(EventGateWaiting, 1, Event{Stage: "db", Gate: "running", Instance: "i-1"}), end)
		if got := statuses(p); !reflect.DeepEqual(got, []StageStatus{StageCancelled, StageNotStarted}) {
			t.Errorf("after %s: stages %v, want cancelled, not-started", end.Type, got)
		}
		if p.Stages[0].Waiting != nil || p.Stages[0].State != "" {
			t.Errorf("after %s: db still waits on %+v (state %q)", end.Type, p.Stages[0].Waiting, p.Stages[0].State)
		}
	}
	// A resume begins every stage afresh.
	tr := NewTracker(outline())
	for _, e := range []Event{ev(EventRunStarted, 0, Event{}), ev(EventRunCancelled, 1, Event{}), ev(EventRunStarted, 2, Event{})} {
		tr.Apply(e)
	}
	if got := statuses(tr.Progress()); !reflect.DeepEqual(got, []StageStatus{StagePending, StagePending}) {
		t.Errorf("resumed after a cancel: %v", got)
	}
}
