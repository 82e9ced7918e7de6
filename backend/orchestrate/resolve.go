package orchestrate

import (
	"context"
	"errors"
	"fmt"
	"github.com/agnivade/levenshtein"
	"maps"
	"slices"
	"strings"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
)

// Resolved is an environment's stages turned into the instances they select,
// as EC2 saw them when Resolve ran.
type Resolved struct {
	Region string          `json:"region"`
	Stages []ResolvedStage `json:"stages"` // in file order
}

// ResolvedStage is one stage's instances: the union of its selectors, each
// instance once, in selector order.
type ResolvedStage struct {
	Name      string           `json:"name"`
	Instances []cloud.Instance `json:"instances"`
	// Selected is where the file selects each instance (by id): the
	// selector that matched it first, for messages about that instance.
	Selected map[string]env.Pos `json:"-"`
}

// ProblemsError carries every problem found at once, so a person fixes a file
// in one go instead of one error per run.
type ProblemsError struct {
	Problems []env.Problem
}

func (e *ProblemsError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Resolve turns every stage's selectors into instances of region. The
// environment's select tags are ANDed into every selector. A selector that
// matches nothing, an id EC2 does not know, an instance selected by two stages
// and an unknown region are problems, all returned together as a
// *ProblemsError; a failing AWS call is returned as is.
func Resolve(ctx context.Context, e *env.Environment, fleet cloud.Fleet, region string) (*Resolved, error) {
	if e == nil || fleet == nil {
		return nil, errors.New("resolve: no environment or no cloud to resolve it against")
	}
	if region == "" {
		return nil, &ProblemsError{[]env.Problem{{Pos: e.Pos, Message: fmt.Sprintf(
			"environment %q has no region: set region: in the file or use a profile that has one", e.Name)}}}
	}
	regions, err := fleet.Regions(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing the AWS regions to check %q: %w", region, err)
	}
	if !slices.Contains(regions, region) {
		msg := fmt.Sprintf("region %q does not exist or is not enabled for this account", region)
		if near := closeNames(region, regions); len(near) > 0 {
			msg += "; did you mean " + strings.Join(near, ", ") + "?"
		}
		return nil, &ProblemsError{[]env.Problem{{Pos: e.Pos, Message: msg}}}
	}

	r := resolver{ctx: ctx, e: e, fleet: fleet, region: region}
	if err := r.findIDs(); err != nil {
		return nil, err
	}
	out := &Resolved{Region: region, Stages: make([]ResolvedStage, len(e.Stages))}
	owner := map[string]int{} // instance id -> index of the stage that selected it first
	for si, st := range e.Stages {
		out.Stages[si].Name = st.Name
		if len(st.Instances) == 0 {
			r.problem(st.Pos, "stage %q selects no instances: list at least one under instances:", st.Name)
		}
		for _, sel := range st.Instances {
			matched, err := r.match(sel, e.LaunchesInto(st.Name)) // launch_stage.go
			if err != nil {
				return nil, err
			}
			for _, in := range matched {
				if first, ok := owner[in.ID]; ok {
					if first != si {
						r.problem(sel.Pos, "instance %s is selected by stage %q and by stage %q: an instance belongs to one stage",
							label(in.ID, in.Name), e.Stages[first].Name, st.Name)
					}
					continue
				}
				owner[in.ID] = si
				if out.Stages[si].Selected == nil {
					out.Stages[si].Selected = map[string]env.Pos{}
				}
				out.Stages[si].Selected[in.ID] = r.pos(sel.Pos)
				if in.Region == "" {
					in.Region = region
				}
				out.Stages[si].Instances = append(out.Stages[si].Instances, in)
			}
		}
	}
	if len(r.problems) > 0 {
		return nil, &ProblemsError{r.problems}
	}
	return out, nil
}

type resolver struct {
	ctx      context.Context
	e        *env.Environment
	fleet    cloud.Fleet
	region   string
	byID     map[string]cloud.Instance
	problems []env.Problem
}

func (r *resolver) problem(pos env.Pos, format string, args ...any) {
	r.problems = append(r.problems, env.Problem{Pos: r.pos(pos), Message: fmt.Sprintf(format, args...)})
}

// pos is a selector's position with the file named.
func (r *resolver) pos(pos env.Pos) env.Pos {
	if pos.File == "" {
		pos.File = r.e.File
	}
	return pos
}

// findIDs looks up every id selector of the file in one call. EC2 refuses the
// whole call when one id is unknown, so the known rest are asked again once.
func (r *resolver) findIDs() error {
	var ids []string
	for _, st := range r.e.Stages {
		for _, sel := range st.Instances {
			if sel.ID != "" && !slices.Contains(ids, sel.ID) {
				ids = append(ids, sel.ID)
			}
		}
	}
	r.byID = map[string]cloud.Instance{}
	if len(ids) == 0 {
		return nil
	}
	found, err := r.fleet.Find(r.ctx, r.region, cloud.Query{IDs: ids})
	var nf *cloud.NotFoundError
	if errors.As(err, &nf) {
		rest := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(nf.IDs, id) })
		found, err = nil, nil
		if len(rest) > 0 {
			found, err = r.fleet.Find(r.ctx, r.region, cloud.Query{IDs: rest})
		}
	}
	if err != nil {
		return fmt.Errorf("looking up the instance ids of %s in %s: %w", r.e.Name, r.region, err)
	}
	for _, in := range found {
		r.byID[in.ID] = in
	}
	return nil
}

// match returns the instances one selector picks, recording a problem when it
// picks none. Terminated instances only count when named by id: a Name or tag
// often outlives a terminated instance, and the plan must say so for an id.
func (r *resolver) match(sel env.Selector, mayBeEmpty bool) ([]cloud.Instance, error) {
	if sel.ID != "" {
		in, ok := r.byID[sel.ID]
		switch {
		case !ok:
			r.problem(sel.Pos, "instance %s does not exist in %s", sel.ID, r.region)
			return nil, nil
		case !hasTags(in.Tags, r.e.Select):
			r.problem(sel.Pos, "instance %s does not have the tags of select (%s)", label(in.ID, in.Name), tagText(r.e.Select))
			return nil, nil
		}
		return []cloud.Instance{in}, nil
	}
	tags := maps.Clone(r.e.Select)
	if tags == nil {
		tags = map[string]string{}
	}
	maps.Copy(tags, sel.Tags)
	what := "tags " + tagText(sel.Tags)
	if sel.Name != "" {
		tags["Name"] = sel.Name
		what = fmt.Sprintf("name %q", sel.Name)
	}
	if len(tags) == 0 {
		r.problem(sel.Pos, "selector names no id, name or tags")
		return nil, nil
	}
	found, err := r.fleet.Find(r.ctx, r.region, cloud.Query{Tags: tags})
	if err != nil {
		return nil, fmt.Errorf("looking up the instances with %s for %s: %w", what, r.e.Name, err)
	}
	var live, gone []string
	out := found[:0:0]
	for _, in := range found {
		if in.State == cloud.Terminated {
			gone = append(gone, in.ID)
			continue
		}
		live = append(live, in.ID)
		out = append(out, in)
	}
	if len(live) == 0 && !mayBeEmpty {
		msg := fmt.Sprintf("no instance in %s has %s", r.region, what)
		if len(r.e.Select) > 0 {
			msg += " and the tags of select (" + tagText(r.e.Select) + ")"
		}
		if len(gone) > 0 {
			msg += " (only terminated ones: " + strings.Join(gone, ", ") + ")"
		}
		r.problem(sel.Pos, "%s", msg)
	}
	slices.SortStableFunc(out, func(a, b cloud.Instance) int { return strings.Compare(a.Name+a.ID, b.Name+b.ID) })
	return out, nil
}

func hasTags(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// tagText writes tags as the file does, keys sorted so messages are stable.
func tagText(tags map[string]string) string {
	parts := make([]string, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		parts = append(parts, k+"="+tags[k])
	}
	return strings.Join(parts, ", ")
}

// label names an instance for people: its id and, when it has one, its Name.
func label(id, name string) string {
	if name == "" {
		return id
	}
	return id + " (" + name + ")"
}

// closeNames returns the names within a small edit distance of s, or sharing
// its first part ("eu-west" for "eu-west-9"), for "did you mean" hints.
func closeNames(s string, names []string) []string {
	var out []string
	prefix, _, _ := strings.Cut(s, "-")
	for _, n := range names {
		d := levenshtein.ComputeDistance(s, n)
		if d <= 2 || (len(s) > 4 && strings.HasPrefix(n, s[:len(s)-2])) {
			out = append(out, n)
		}
	}
	if len(out) == 0 && prefix != "" {
		for _, n := range names {
			if strings.HasPrefix(n, prefix+"-") {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out
}
