package desktop

import (
	"errors"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
)

// The dashboard's states come from control.StateOf/StageStateOf: this app's
// run first, else the progress of another process's start as the usage
// history has it (read with the live status), else the instances.
func TestTheBoardShowsTheRunItKnowsOf(t *testing.T) {
	e := &env.Environment{Name: "shop", Stages: []env.Stage{{Name: "data"}, {Name: "app"}}}
	b := newBoard(newFakePlatform())
	b.snap = env.Snapshot{Set: env.Set{Envs: []*env.Environment{e}}}
	insts := func(state string) []cloud.Instance { return []cloud.Instance{{ID: "i-" + state, State: state}} }
	elsewhere := op.Fold(op.Outline{}, op.Event{Env: "shop", Action: op.Start, Type: op.EventRunStarted},
		op.Event{Env: "shop", Action: op.Start, Type: op.EventStageReady, Stage: "data"},
		op.Event{Env: "shop", Action: op.Start, Type: op.EventStageStarted, Stage: "app"})
	b.setLive(e, &control.Status{Env: "shop", Holder: &lock.Holder{Action: "start", Client: "cli"}, Progress: &elsewhere,
		Stages: []control.StageStatus{{Name: "data", Instances: insts(cloud.Running)}, {Name: "app", Instances: insts(cloud.Stopped)}}}, nil, time.Now())
	b.busy["shop"] = &lock.Holder{Action: "start", Client: "cli"}
	v := b.views()[0]
	if v.State != op.StateStarting || v.Stages[0].State != op.StateRunning || v.Stages[1].State != op.StateStarting {
		t.Errorf("another process's start: %s, stages %s %s; want starting, running, starting", v.State, v.Stages[0].State, v.Stages[1].State)
	}

	// This app's own stop wins over what the history had.
	mine := op.Fold(op.Outline{}, op.Event{Env: "shop", Action: op.Stop, Type: op.EventRunStarted},
		op.Event{Env: "shop", Action: op.Stop, Type: op.EventStageStarted, Stage: "app"})
	b.setRun(mine)
	if v = b.views()[0]; v.State != op.StateStopping || v.Stages[1].State != op.StateStopping || v.Stages[0].State != op.StateRunning {
		t.Errorf("this app's stop: %s, stages %s %s; want stopping, running (its instances), stopping", v.State, v.Stages[0].State, v.Stages[1].State)
	}

	// Once nothing holds it, the instances say.
	b.setLive(e, &control.Status{Env: "shop", Stages: []control.StageStatus{{Name: "data", Instances: insts(cloud.Running)},
		{Name: "app", Instances: insts(cloud.Stopped)}}}, nil, time.Now())
	delete(b.busy, "shop")
	b.setRun(op.Fold(op.Outline{}, op.Event{Env: "shop", Action: op.Stop, Type: op.EventRunDone}))
	if v = b.views()[0]; v.State != op.StatePartly || v.Stages[1].State != op.StateStopped {
		t.Errorf("free: %s, app %s; want partly running, stopped", v.State, v.Stages[1].State)
	}
}

// What a run saw of an instance after a read began wins over that read
// (which may have been answered before the start was sent): a running
// start's instances read pending, not stopped.
func TestARunsObservationsWinOverAnOlderRead(t *testing.T) {
	e := &env.Environment{Name: "shop", Stages: []env.Stage{{Name: "data"}}}
	b := newBoard(newFakePlatform())
	b.snap = env.Snapshot{Set: env.Set{Envs: []*env.Environment{e}}}
	read := func(state string) *control.Status {
		return &control.Status{Env: "shop", Stages: []control.StageStatus{{Name: "data", Instances: []cloud.Instance{{ID: "i-1", State: state}}}}}
	}
	b.setLive(e, read(cloud.Stopped), nil, time.Now())
	began := time.Now()
	b.instanceState("shop", "i-1", cloud.Pending)
	b.setLive(e, read(cloud.Stopped), nil, began) // a read that began before the run saw it
	if got := b.views()[0].Stages[0].Instances[0].State; got != cloud.Pending {
		t.Errorf("after an older read: %s, want pending", got)
	}
	b.setLive(e, read(cloud.Running), nil, time.Now()) // a newer read wins
	if got := b.views()[0].Stages[0].Instances[0].State; got != cloud.Running {
		t.Errorf("after a newer read: %s, want running", got)
	}
}

// The window offers Launch on an environment with launch templates: the
// view names them in file order, and is empty (not null) without any.
func TestTheBoardNamesAnEnvironmentsLaunchTemplates(t *testing.T) {
	shop := &env.Environment{Name: "shop", Stages: []env.Stage{{Name: "api"}},
		Launch: &env.Launch{Templates: []env.Template{{Name: "api-node", Stage: "api"}, {Name: "worker", Stage: "api"}}}}
	plain := &env.Environment{Name: "plain", Stages: []env.Stage{{Name: "api"}}}
	b := newBoard(newFakePlatform())
	b.snap = env.Snapshot{Set: env.Set{Envs: []*env.Environment{shop, plain}}}
	got := map[string][]string{}
	for _, v := range b.views() {
		got[v.Name] = v.Templates
	}
	if s := got["shop"]; len(s) != 2 || s[0] != "api-node" || s[1] != "worker" {
		t.Errorf("shop's templates: %q; want api-node, worker", s)
	}
	if p := got["plain"]; p == nil || len(p) != 0 {
		t.Errorf("plain's templates: %#v; want an empty list", p)
	}
}

// A read of instances resolved before the ones shown is older news, in
// whichever order the reads end: a refresh overlapping a launch's reread
// (which found the new instance) does not put the environment back as it
// was before the launch.
func TestAnOvertakenReadDoesNotReplaceANewerOne(t *testing.T) {
	e := &env.Environment{Name: "shop", Stages: []env.Stage{{Name: "api"}}}
	b := newBoard(newFakePlatform())
	b.snap = env.Snapshot{Set: env.Set{Envs: []*env.Environment{e}}}
	read := func(ids ...string) *control.Status {
		var insts []cloud.Instance
		for _, id := range ids {
			insts = append(insts, cloud.Instance{ID: id, State: cloud.Running})
		}
		return &control.Status{Env: "shop", Stages: []control.StageStatus{{Name: "api", Instances: insts}}}
	}
	t0 := time.Now()
	refreshBegan, rereadBegan := t0.Add(time.Second), t0.Add(2*time.Second)
	b.setLive(e, read("i-1"), nil, t0)
	b.setLive(e, read("i-1", "i-launched"), nil, rereadBegan) // the reread ends first
	b.setLive(e, read("i-1"), nil, refreshBegan)              // the refresh that began before it ends after it
	if got := len(b.views()[0].Stages[0].Instances); got != 2 {
		t.Errorf("after an overtaken refresh: %d instances shown, want the reread's 2", got)
	}
	b.setLive(e, nil, errors.New("throttled"), refreshBegan) // nor does an overtaken failure
	if v := b.views()[0]; v.Error != "" {
		t.Errorf("an overtaken failed read shows as %q", v.Error)
	}
	// A refresh that re-reads the instances resolved at t0 and begins after
	// the reread, ending before it: its states are fresh, its instances not,
	// so the reread that ends later still shows the launched one.
	b2 := newBoard(newFakePlatform())
	b2.snap = b.snap
	b2.setLive(e, read("i-1"), nil, t0)
	b2.setRead(e, read("i-1"), nil, rereadBegan.Add(time.Millisecond), t0)
	b2.setLive(e, read("i-1", "i-launched"), nil, rereadBegan)
	if got := len(b2.views()[0].Stages[0].Instances); got != 2 {
		t.Errorf("after a reread that ended after a quicker refresh: %d instances shown, want 2", got)
	}
	b2.setRead(e, read("i-1"), nil, rereadBegan.Add(2*time.Millisecond), t0) // a refresh on the old instances, ending later
	if got := len(b2.views()[0].Stages[0].Instances); got != 2 {
		t.Errorf("after a refresh of the instances known before the reread: %d instances shown, want 2", got)
	}
	b.setLive(e, read("i-1"), nil, rereadBegan.Add(time.Second)) // a later read wins (the instance terminated)
	if got := len(b.views()[0].Stages[0].Instances); got != 1 {
		t.Errorf("after a newer read: %d instances shown, want 1", got)
	}
}
