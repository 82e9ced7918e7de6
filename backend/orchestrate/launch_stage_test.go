package orchestrate

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

// launchable: db, then api (launched into, no instance yet), then web.
func launchable(t *testing.T) *env.Environment {
	t.Helper()
	e, problems := env.Parse("shop.yaml", []byte(`name: shop
stages:
  - {name: db, instances: [{name: db}]}
  - {name: api, instances: [{tags: {Role: api}}], ready: {tcp: 8080}}
  - {name: web, instances: [{name: web}]}
launch:
  subnet: subnet-01234567
  security-groups: [sg-01234567]
  templates: [{name: api-node, stage: api, ami: ami-01234567, types: [t3.small]}]
`))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	return e
}

func TestStageALaunchFillsMayBeEmpty(t *testing.T) {
	h := newHarness(t)
	h.fleet.Add("i-db", "db", cloud.Stopped, nil)
	h.fleet.Add("i-web", "web", cloud.Stopped, nil)
	e := launchable(t)
	p := h.plan(e, op.Start)
	want := `stage "api" has no instance yet; cloudcontrol launch shop api-node adds one (it is skipped until then)`
	if !slices.Contains(p.Warnings, want) || len(p.Stages[1].Instances) != 0 {
		t.Fatalf("plan warnings %q, api %+v", p.Warnings, p.Stages[1])
	}
	res, err := h.run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	skipped := h.eventsOf(op.EventStageSkipped)
	if len(skipped) != 1 || skipped[0].Stage != "api" || !strings.Contains(skipped[0].Message, "no instance yet") {
		t.Errorf("stage-skipped events %+v", skipped)
	}
	if got := stageOutcomes(res); got["api"] != op.StageSkipped || got["web"] != op.StageReady {
		t.Errorf("outcomes %v: web starts after the empty stage", got)
	}
	// Stopping skips it too.
	if _, err := h.run(context.Background(), h.plan(e, op.Stop)); err != nil {
		t.Fatal(err)
	}
}

func TestStageNoTemplateFillsMustMatch(t *testing.T) {
	h := newHarness(t)
	h.fleet.Add("i-api", "api-1", cloud.Running, map[string]string{"Role": "api"})
	e := launchable(t)
	_, err := Resolve(context.Background(), e, h.fleet, "eu-west-1")
	var pe *ProblemsError
	if !errors.As(err, &pe) || len(pe.Problems) != 2 || !strings.Contains(pe.Problems[0].Message, `no instance in eu-west-1 has name "db"`) {
		t.Fatalf("Resolve = %v: the stages no template launches into must still match", err)
	}
	h.fleet.Add("i-db", "db", cloud.Running, nil)
	h.fleet.Add("i-web", "web", cloud.Running, nil)
	p := h.plan(e, op.Start)
	if len(p.Warnings) != 0 || len(p.Stages[1].Instances) != 1 {
		t.Errorf("with an instance launched: warnings %q, api %+v", p.Warnings, p.Stages[1].Instances)
	}
}
