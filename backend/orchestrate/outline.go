package orchestrate

import "cloudcontrol/backend/op"

// Outline is what a progress fold needs of the plan: its stages in run
// order, their instances as planned, their gates named as the events name
// them, and their timeouts.
func (p *Plan) Outline() op.Outline {
	o := op.Outline{Env: p.Env, Action: p.Action, Stages: make([]op.OutlineStage, 0, len(p.Stages))}
	for _, s := range p.Stages {
		os := op.OutlineStage{Name: s.Name, TimeoutSeconds: s.Timeout.D().Seconds(),
			Instances: make([]op.Instance, 0, len(s.Instances)), Gates: make([]op.OutlineGate, 0, len(s.Gates))}
		for _, in := range s.Instances {
			os.Instances = append(os.Instances, op.Instance{ID: in.ID, Name: in.Name, State: in.State})
		}
		for _, g := range s.Gates {
			// The settle delay is the stage's, once all its instances passed the rest.
			os.Gates = append(os.Gates, op.OutlineGate{Name: g.String(), PerInstance: g.Kind != GateDelay})
		}
		o.Stages = append(o.Stages, os)
	}
	return o
}
