package orchestrate

import (
	"reflect"
	"testing"

	"cloudcontrol/backend/op"
)

func TestTheOutlineOfAStartHasThePlansStagesGatesAndTimeouts(t *testing.T) {
	e, res := planFixture()
	p, err := NewPlan(e, op.Start, res, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := p.Outline()
	if o.Env != "payments" || o.Action != op.Start || len(o.Stages) != 4 {
		t.Fatalf("outline %+v", o)
	}
	data := o.Stages[0]
	wantGates := []op.OutlineGate{{Name: "running", PerInstance: true}, {Name: "status-checks", PerInstance: true},
		{Name: "tcp 5432", PerInstance: true}, {Name: "delay 30s"}}
	if data.Name != "data" || !reflect.DeepEqual(data.Gates, wantGates) || data.TimeoutSeconds != 900 ||
		!reflect.DeepEqual(data.Instances, []op.Instance{{ID: "i-db", Name: "db", State: "stopped"}}) {
		t.Errorf("data stage %+v", data)
	}
	if o.Stages[1].TimeoutSeconds != 300 || o.Stages[3].Gates[1].Name != "http http://{{.PrivateIP}}/health" {
		t.Errorf("app %+v, web %+v", o.Stages[1], o.Stages[3])
	}
	// 1 instance x 3 per-instance gates + the delay.
	if got := op.NewTracker(o).Progress().Stages[0].Total; got != 4 {
		t.Errorf("data has %d gate checks, want 4", got)
	}
}

func TestTheOutlineOfAStopIsInStopOrderWithOneStoppedGatePerInstance(t *testing.T) {
	e, res := planFixture()
	p, err := NewPlan(e, op.Stop, res, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := p.Outline()
	var names []string
	for _, s := range o.Stages {
		names = append(names, s.Name)
	}
	if !reflect.DeepEqual(names, []string{"web", "jobs", "app", "data"}) {
		t.Errorf("stop outline order %v", names)
	}
	prog := op.NewTracker(o).Progress()
	if app := o.Stages[2]; !reflect.DeepEqual(app.Gates, []op.OutlineGate{{Name: "stopped", PerInstance: true}}) || prog.Stages[2].Total != 2 {
		t.Errorf("app stop stage %+v (%d checks), want one stopped gate per instance (2)", app, prog.Stages[2].Total)
	}
}
