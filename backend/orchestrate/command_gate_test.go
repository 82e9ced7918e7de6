package orchestrate

import (
	"strings"
	"testing"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

// A command gate the app does not check yet is said, not skipped silently.
func TestPlanWarnsOfCommandGatesItDoesNotCheck(t *testing.T) {
	e, problems := env.Parse("f.yaml", []byte("stages:\n  - {name: a, instances: [{name: x}], ready: {command: ls}}\n  - {name: b, instances: [{name: y}]}\n"))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	res := &Resolved{Region: "eu-west-1", Stages: []ResolvedStage{
		{Name: "a", Instances: []cloud.Instance{{ID: "i-0123456789abcdef0", State: cloud.Stopped}}},
		{Name: "b", Instances: []cloud.Instance{{ID: "i-0123456789abcdef1", State: cloud.Stopped}}},
	}}
	p, err := NewPlan(e, op.Start, res, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], `stage "a": its command gate is not checked by env start`) {
		t.Errorf("warnings %q", p.Warnings)
	}
	if p, _ := NewPlan(e, op.Stop, res, PlanOptions{}); len(p.Warnings) != 0 {
		t.Errorf("a stop plan warns: %q", p.Warnings)
	}
}
