package control

import (
	"context"
	"maps"
	"slices"
)

// applyDeploy carries out the plan's steps in order; the first failure
// stops it, with what was and was not applied and what that leaves.
func (s *Service) applyDeploy(ctx context.Context, p *DeployPlan, res *DeployResult, changed func(string)) error {
	for i, st := range p.steps {
		if err := ctx.Err(); err != nil {
			return s.deployStopped(p, res, i, st, err)
		}
		if err := st.do(ctx); err != nil {
			return s.deployStopped(p, res, i, st, err)
		}
		res.Applied = append(res.Applied, st.what)
		changed(st.what)
	}
	return nil
}

func (s *Service) deployStopped(p *DeployPlan, res *DeployResult, i int, st deployStep, err error) error {
	for _, rest := range p.steps[i:] {
		res.NotApplied = append(res.NotApplied, rest.what)
	}
	leaves := st.leaves
	if i == 0 && !p.Remove {
		leaves = "nothing was changed"
	}
	return &DeployError{Env: p.Env, Step: st.what, Err: err, Applied: slices.Clone(res.Applied), NotApplied: slices.Clone(res.NotApplied), Leaves: leaves}
}

func sortedNames[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
