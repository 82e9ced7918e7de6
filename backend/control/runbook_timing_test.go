package control

import (
	"context"
	"strings"
	"testing"

	"cloudcontrol/backend/op"
)

// branches: two independent stages the app starts side by side, which
// the runbook runs one after the other.
const branches = `name: shop
stages:
  - {name: a, after: [], instances: [{name: db}]}
  - {name: b, after: [], instances: [{name: app-1}, {name: app-2}], ready: {status-checks: true}}
`

// A plan says how much longer the runbook takes in AWS, when the
// environment runs there: scheduled, or deployed; else it says nothing.
func TestPlanSaysHowTheRunbookDiffers(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": branches})
	a.addShop()
	prep, err := a.svc.Plan(context.Background(), "shop", op.Start)
	if err != nil {
		t.Fatal(err)
	}
	if prep.Plan.Runbook != nil {
		t.Errorf("neither scheduled nor deployed, yet %+v", prep.Plan.Runbook)
	}
	if _, err := a.deploy("shop", DeployOptions{CreateRoles: true}, nil); err != nil {
		t.Fatal(err)
	}
	prep, err = a.svc.Plan(context.Background(), "shop", op.Start)
	if err != nil {
		t.Fatal(err)
	}
	r := prep.Plan.Runbook
	if r == nil || r.Why != "deployed" || r.Seconds <= r.App || len(r.Notes) < 2 ||
		!strings.Contains(r.Notes[0], "Automation runs the stages one after another") || !strings.Contains(r.Notes[1], `stage "a" has no status-checks gate`) {
		t.Fatalf("runbook timing %+v", r)
	}
	if text := prep.Plan.String(); !strings.Contains(text, "In AWS (deployed): the start runbook should take about") {
		t.Errorf("the text plan does not say it:\n%s", text)
	}
	b := newAWSRig(t, map[string]string{"shop": branches + "schedule: {start: rate(1 day)}\n"})
	b.addShop()
	prep, err = b.svc.Plan(context.Background(), "shop", op.Stop)
	if err != nil || prep.Plan.Runbook == nil || prep.Plan.Runbook.Why != "scheduled" {
		t.Errorf("scheduled: %+v %v", prep, err)
	}
	if calls := b.aws.Docs.Calls(); len(calls) != 0 {
		t.Errorf("a scheduled environment's plan read %v", calls)
	}
}
