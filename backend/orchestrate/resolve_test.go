package orchestrate

import (
	"context"
	"errors"
	"testing"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cloud/cloudtest"
	"cloudcontrol/backend/env"
)

func resolveFleet() *cloudtest.Fleet {
	f := cloudtest.NewFleet(clockwork.NewFakeClockAt(t0))
	f.Add("i-db1", "db-1", cloud.Stopped, map[string]string{"Env": "staging", "Role": "db"})
	f.Add("i-db2", "db-2", cloud.Running, map[string]string{"Env": "staging", "Role": "db"})
	f.Add("i-app1", "app-1", cloud.Stopped, map[string]string{"Env": "staging", "Role": "app"})
	f.Add("i-prod", "app-1", cloud.Running, map[string]string{"Env": "prod", "Role": "app"})
	f.Add("i-old", "old", cloud.Terminated, map[string]string{"Env": "staging"})
	return f
}

func TestResolveUnionSelectAndBatching(t *testing.T) {
	f := resolveFleet()
	e := environment(
		env.Stage{Name: "data", Instances: []env.Selector{idSel("i-db1"), {Tags: map[string]string{"Role": "db"}}, {Name: "db-2"}}},
		env.Stage{Name: "app", After: []string{"data"}, Instances: []env.Selector{{Name: "app-1"}}},
	)
	e.Select = map[string]string{"Env": "staging"}
	res, err := Resolve(context.Background(), e, f, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, in := range res.Stages[0].Instances {
		ids = append(ids, in.ID)
	}
	if len(ids) != 2 || ids[0] != "i-db1" || ids[1] != "i-db2" {
		t.Errorf("data resolved to %v, want the union [i-db1 i-db2] once each", ids)
	}
	// select keeps prod's app-1 out.
	if a := res.Stages[1].Instances; len(a) != 1 || a[0].ID != "i-app1" {
		t.Errorf("app resolved to %+v, want only staging's app-1", a)
	}
	// One Find for the id selectors, one per tag/name selector.
	finds := f.CallsOf("Find")
	if len(finds) != 4 || len(finds[0].IDs) != 1 {
		t.Errorf("Find calls %+v, want 1 for the ids then 3", finds)
	}
}

func TestResolveProblemsWithPositions(t *testing.T) {
	f := resolveFleet()
	at := func(line int) env.Pos { return env.Pos{File: "envs/pay.yaml", Line: line, Col: 9} }
	e := environment(
		env.Stage{Name: "data", Pos: at(5), Instances: []env.Selector{
			{ID: "i-db1", Pos: at(7)}, {ID: "i-nope", Pos: at(8)}, {Name: "db-9", Pos: at(9)}}},
		env.Stage{Name: "app", Pos: at(11), Instances: []env.Selector{
			{Tags: map[string]string{"Role": "db"}, Pos: at(13)}, {Name: "old", Pos: at(14)}}},
	)
	_, err := Resolve(context.Background(), e, f, "eu-west-1")
	var pe *ProblemsError
	if !errors.As(err, &pe) {
		t.Fatalf("want a ProblemsError, got %v", err)
	}
	want := []string{
		"envs/pay.yaml:8:9: instance i-nope does not exist in eu-west-1",
		`envs/pay.yaml:9:9: no instance in eu-west-1 has name "db-9"`,
		`envs/pay.yaml:13:9: instance i-db1 (db-1) is selected by stage "data" and by stage "app": an instance belongs to one stage`,
		`envs/pay.yaml:14:9: no instance in eu-west-1 has name "old" (only terminated ones: i-old)`,
	}
	if len(pe.Problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(pe.Problems), len(want), err)
	}
	for i, w := range want {
		if pe.Problems[i].Error() != w {
			t.Errorf("problem %d:\n got %s\nwant %s", i, pe.Problems[i].Error(), w)
		}
	}
	// The unknown id made EC2 refuse the batch: the known one was asked again.
	if finds := f.CallsOf("Find"); len(finds) < 2 || len(finds[1].IDs) != 1 || finds[1].IDs[0] != "i-db1" {
		t.Errorf("Find calls %+v", finds)
	}
}

func TestResolveRegion(t *testing.T) {
	f := resolveFleet()
	e := environment(stage("data", []string{}, "db-1"))
	_, err := Resolve(context.Background(), e, f, "eu-west-9")
	var pe *ProblemsError
	if !errors.As(err, &pe) || len(pe.Problems) != 1 {
		t.Fatalf("want one problem, got %v", err)
	}
	mustContain(t, err.Error(), "test.yaml:1:1:", `region "eu-west-9" does not exist`, "did you mean eu-west-1, eu-west-2?")
	if n := len(f.CallsOf("Find")); n != 0 {
		t.Errorf("%d Find calls in a region that does not exist", n)
	}
	if _, err := Resolve(context.Background(), e, f, ""); err == nil {
		t.Error("no region must be an error")
	}
}
