package desktop

import (
	"context"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/op"
)

// kafka1 is the analytics instance the sandbox is told to fail to start.
const kafka1 = "i-0d100000000000001"

// A failed start says "needs attention" on the dashboard and in the tray,
// whatever the instances say, until dismissed or until the next run; the
// resumed run's log follows the failed one's.
func TestAFailedStartNeedsAttentionUntilDismissedOrTheNextRun(t *testing.T) {
	r := newRig(t, nil)
	envs := &Environments{s: r.shell}
	if err := r.sb.SetFailStart(kafka1, true); err != nil {
		t.Fatal(err)
	}
	if err := envs.Start("analytics"); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the start fails", func() bool { return len(r.plat.sent(EventFinished)) == 1 })
	if fin := r.plat.sent(EventFinished)[0].data.(op.Progress); fin.Outcome != op.OutcomeFailed {
		t.Fatalf("outcome %s, want failed", fin.Outcome)
	}
	r.plat.waitFor(t, "analytics needs attention", func() bool {
		v := find(r.plat.lastEnvs(), "analytics")
		return v != nil && v.State == op.StateAttention && v.InstanceState != op.StateAttention && v.InstanceState != op.StateUnknown
	})
	m := newTrayMenu(&fakeActions{})
	items := m.update(r.board.views())
	if got := items[2].Title; !strings.HasPrefix(got, "analytics — needs attention") || !items[3].Enabled {
		t.Errorf("tray: %q, its stop enabled %v; want needs attention, and what it left up stoppable", got, items[3].Enabled)
	}
	failedLog := len(envs.RunLog("analytics"))

	if err := envs.Dismiss("three-tier"); err == nil {
		t.Error("dismissed three-tier, which has no failed run")
	}
	if err := envs.Dismiss("analytics"); err != nil {
		t.Fatal(err)
	}
	if v := find(r.plat.lastEnvs(), "analytics"); v.State != v.InstanceState {
		t.Errorf("dismissed: %s, want what its instances say (%s)", v.State, v.InstanceState)
	}

	if err := r.sb.SetFailStart(kafka1, false); err != nil {
		t.Fatal(err)
	}
	if err := envs.Start("analytics"); err != nil { // resume
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the resume ends", func() bool { return len(r.plat.sent(EventFinished)) == 2 })
	log := envs.RunLog("analytics")
	starts := 0
	for _, e := range log {
		if e.Type == op.EventRunStarted {
			starts++
		}
	}
	if starts != 2 || len(log) <= failedLog || log[failedLog].Type != op.EventRunStarted {
		t.Errorf("the resume's log: %d run-started events of %d (the failed run had %d); want the failed run's, then the resume's", starts, len(log), failedLog)
	}
	r.plat.waitFor(t, "analytics runs", func() bool {
		v := find(r.plat.lastEnvs(), "analytics")
		return v != nil && v.State == op.StateRunning
	})
}

// A cancel leaves no stage active or waiting, and nothing reads "context canceled".
func TestACancelledRunSettlesItsStages(t *testing.T) {
	r := newRig(t, nil)
	envs := &Environments{s: r.shell}
	if err := envs.Start("three-tier"); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the database stage waits on a gate", func() bool {
		for _, e := range r.plat.sent(EventRun) {
			if e.data.(op.Event).Type == op.EventGateWaiting {
				return true
			}
		}
		return false
	})
	if err := envs.Cancel("three-tier"); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the cancelled run ends", func() bool { return len(r.plat.sent(EventFinished)) == 1 })
	fin := r.plat.sent(EventFinished)[0].data.(op.Progress)
	if fin.Outcome != op.OutcomeCancelled || strings.Contains(fin.Message, "context canceled") {
		t.Fatalf("finished %s: %q", fin.Outcome, fin.Message)
	}
	for _, s := range fin.Stages {
		if s.Status == op.StageActive || s.Status == op.StagePending || s.Waiting != nil {
			t.Errorf("after the cancel stage %s is %s (waiting %+v)", s.Name, s.Status, s.Waiting)
		}
	}
	if fin.Stages[0].Status != op.StageCancelled || fin.Stages[3].Status != op.StageNotStarted {
		t.Errorf("database %s, web %s; want cancelled, not-started", fin.Stages[0].Status, fin.Stages[3].Status)
	}
	if v := find(r.board.views(), "three-tier"); v.State != op.StateAttention {
		t.Errorf("after a cancel three-tier reads %s, want needs attention", v.State)
	}
}

// When AWS fails, the dashboard says so within seconds, in words, naming
// the region once; Refresh returns once that read is done; the plan dialog
// gets the same words at once.
func TestAFailedReadIsStaleWithinSecondsWithItsReason(t *testing.T) {
	r := newRig(t, nil)
	r.plat.waitFor(t, "first live read", func() bool {
		v := find(r.plat.lastEnvs(), "three-tier")
		return v != nil && v.Live
	})
	checked := find(r.plat.lastEnvs(), "three-tier").CheckedAt
	if err := r.sb.AddFault(faultInternal("DescribeInstances")); err != nil {
		t.Fatal(err)
	}
	envs := &Environments{s: r.shell}
	began := time.Now()
	if err := envs.Refresh(); err != nil {
		t.Fatal(err)
	}
	took := time.Since(began)
	v := find(r.plat.lastEnvs(), "three-tier")
	t.Logf("a failed refresh took %s: %q", took, v.Error)
	if took > 5*time.Second {
		t.Errorf("the failed refresh took %s; want it said within seconds", took)
	}
	want := "AWS had a passing problem (InternalError, DescribeInstances in eu-west-1); it usually clears within a minute"
	if v.Error != want || !v.CheckedAt.Equal(checked) {
		t.Errorf("error %q (checked %s, was %s)\nwant %q, the state as last read", v.Error, v.CheckedAt, checked, want)
	}
	began = time.Now()
	_, err := envs.Plan("three-tier", op.Start)
	if err == nil || err.Error() != want || time.Since(began) > 5*time.Second {
		t.Errorf("the plan with AWS failing: %v after %s; want %q at once", err, time.Since(began), want)
	}
	r.sb.ClearFaults()
	if err := envs.Refresh(); err != nil {
		t.Fatal(err)
	}
	if v := find(r.plat.lastEnvs(), "three-tier"); v.Error != "" || !v.CheckedAt.After(checked) {
		t.Errorf("after AWS recovered: error %q, checked %s", v.Error, v.CheckedAt)
	}
}

// A start run by another process (a terminal) shows at once (the lock
// folder is watched), its progress as the usage history has it, and its
// end as soon as it lets go.
func TestARunFromTheCommandLineShowsAtOnceAndEndsAtOnce(t *testing.T) {
	r := newRig(t, nil)
	r.plat.waitFor(t, "first live read", func() bool {
		v := find(r.plat.lastEnvs(), "three-tier")
		return v != nil && v.Live
	})
	cli := r.service("cli")
	e, err := cli.Environment("three-tier")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan time.Time, 1)
	go func() {
		_, _ = cli.RunEnv(context.Background(), e, op.Start, nil)
		done <- time.Now()
	}()
	began := time.Now()
	r.plat.waitFor(t, "the window shows the terminal's start", func() bool {
		v := find(r.plat.lastEnvs(), "three-tier")
		return v != nil && v.Busy != nil && v.Busy.Client == "cli" && v.State == op.StateStarting
	})
	t.Logf("a terminal's start showed after %s", time.Since(began))
	if d := time.Since(began); d > 3*time.Second {
		t.Errorf("the terminal's start showed after %s; want within a poll", d)
	}
	r.plat.waitFor(t, "its progress is pushed", func() bool {
		for _, s := range r.plat.sent(EventProgress) {
			if p := s.data.(op.Progress); p.Env == "three-tier" && p.Outcome == op.OutcomeRunning && len(p.Stages) > 0 {
				return true
			}
		}
		return false
	})
	ended := <-done
	r.plat.waitFor(t, "its end shows", func() bool {
		v := find(r.plat.lastEnvs(), "three-tier")
		return v != nil && v.Busy == nil && len(r.plat.sent(EventFinished)) == 1
	})
	t.Logf("the busy notice went %s after the run ended", time.Since(ended))
	if d := time.Since(ended); d > 3*time.Second {
		t.Errorf("the busy notice stayed %s after the run ended", d)
	}
	if fin := r.plat.sent(EventFinished)[0].data.(op.Progress); fin.Outcome != op.OutcomeDone || fin.Env != "three-tier" {
		t.Errorf("the terminal's run ended %+v", fin)
	}
	if log := (&Environments{s: r.shell}).RunLog("three-tier"); len(log) == 0 || log[0].Type != op.EventRunStarted {
		t.Errorf("RunLog of the terminal's run: %d events", len(log))
	}
}
