package control

import (
	"context"

	"cloudcontrol/backend/orchestrate"
	"cloudcontrol/backend/runbook"
)

// runbookTiming tells a plan how long the exported runbook should take in
// AWS doing the same, when the environment runs there: it has a schedule
// (no call), or its runbook is deployed (one GetDocument; a plan is read
// on demand, never polled). A runbook that cannot be read is not guessed.
func (s *Service) runbookTiming(ctx context.Context, sess Session, target Target, prep *Prepared) {
	why := ""
	switch {
	case prep.Env.Schedule != nil:
		why = "scheduled"
	default:
		a, err := inAWSOf(sess)
		if err != nil {
			return
		}
		name := runbook.StartDocumentName(prep.Env.Name)
		if prep.Plan.Action == "stop" {
			name = runbook.StopDocumentName(prep.Env.Name)
		}
		if _, err := a.docs.GetDocument(ctx, target.Region, name); err != nil {
			return
		}
		why = "deployed"
	}
	t := runbook.PlanTiming(prep.Plan, orchestrate.Estimates{})
	prep.Plan.Runbook = &orchestrate.RunbookTiming{Why: why, Seconds: t.Runbook, App: t.App, Notes: t.Notes}
}
