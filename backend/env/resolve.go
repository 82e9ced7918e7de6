package env

import (
	"cloudcontrol/backend/yamlpos"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// resolve checks what needs the whole file (unique names, after, cycles,
// stop order) and fills in Stage.After and Stop.Order.
func (d *decoder) resolve(e *Environment, stages []stageSrc, stop stopSrc) {
	before := len(d.Problems)
	index := map[string]int{} // first stage of each name
	var names []string
	for i, s := range stages {
		if s.nameNode == nil {
			continue
		}
		if first, dup := index[s.stage.Name]; dup {
			d.Errorf(s.nameNode, "duplicate stage name %q (first at line %d)", s.stage.Name, stages[first].nameNode.Line)
			continue
		}
		index[s.stage.Name] = i
		names = append(names, s.stage.Name)
	}
	unknown := func(name string) string {
		msg := fmt.Sprintf("%q, which is not a stage", name)
		if c := yamlpos.Closest(name, names); c != "" {
			msg += fmt.Sprintf("; did you mean %q?", c)
		}
		return msg + " (stages: " + strings.Join(names, ", ") + ")"
	}

	// edges[i] holds, per stage, the stages it starts after and the node
	// that said so (nil when implied by the order of the list).
	type edge struct {
		to   int
		node *yaml.Node
	}
	edges := make([][]edge, len(stages))
	for i := range stages {
		s := &stages[i]
		e.Stages[i].After = nil
		if !s.hasAfter {
			if i > 0 && stages[i-1].nameNode != nil {
				e.Stages[i].After = []string{stages[i-1].stage.Name}
				edges[i] = append(edges[i], edge{to: index[stages[i-1].stage.Name]})
			}
			continue
		}
		for _, n := range s.after {
			v := yamlpos.Deref(n)
			if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
				d.Errorf(n, "after lists stage names, not %s", yamlpos.Describe(v))
				continue
			}
			j, ok := index[v.Value]
			switch {
			case !ok:
				d.Errorf(n, "stage %q starts after %s", s.stage.Name, unknown(v.Value))
			case v.Value == s.stage.Name:
				d.Errorf(n, "stage %q cannot start after itself", s.stage.Name)
			case slices.Contains(e.Stages[i].After, v.Value):
				d.Errorf(n, "after lists %q twice", v.Value)
			default:
				e.Stages[i].After = append(e.Stages[i].After, v.Value)
				edges[i] = append(edges[i], edge{to: j, node: n})
			}
		}
	}

	// Depth-first search in file order; a grey stage reached again closes
	// a cycle, reported at the first explicit after: entry on it.
	color := make([]int, len(stages)) // 0 white, 1 grey, 2 black
	var path []int
	var visit func(i int)
	visit = func(i int) {
		color[i] = 1
		path = append(path, i)
		for _, ed := range edges[i] {
			switch color[ed.to] {
			case 0:
				visit(ed.to)
			case 1:
				cycle := append(slices.Clone(path[slices.Index(path, ed.to):]), ed.to)
				names := make([]string, len(cycle))
				var at *yaml.Node
				for k, c := range cycle {
					names[k] = stages[c].stage.Name
					if k+1 < len(cycle) && at == nil {
						for _, x := range edges[c] {
							if x.to == cycle[k+1] && x.node != nil {
								at = x.node
							}
						}
					}
				}
				if at == nil {
					at = stages[ed.to].nameNode
				}
				d.Errorf(at, "after makes a cycle: %s (each starts after the next); remove one of these after: entries", strings.Join(names, " -> "))
			}
		}
		path = path[:len(path)-1]
		color[i] = 2
	}
	for i := range stages {
		if color[i] == 0 && stages[i].nameNode != nil {
			visit(i)
		}
	}
	// The start order is meaningless with bad names or cycles, but the
	// stop order's names are still worth checking.
	var order []string
	if len(d.Problems) == before {
		order = e.StartOrder()
	}
	e.Stop.Order = nil
	e.Stop.Reverse = stop.order == nil
	for _, n := range stop.order {
		v := yamlpos.Deref(n)
		if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
			d.Errorf(n, "stop order lists stage names, not %s", yamlpos.Describe(v))
			continue
		}
		switch _, ok := index[v.Value]; {
		case !ok:
			d.Errorf(n, "stop order names %s", unknown(v.Value))
		case slices.Contains(e.Stop.Order, v.Value):
			d.Errorf(n, "stop order lists %q twice", v.Value)
		default:
			e.Stop.Order = append(e.Stop.Order, v.Value)
		}
	}
	// Stages the list leaves out stop after it, later-started first.
	for i := len(order) - 1; i >= 0; i-- {
		if !slices.Contains(e.Stop.Order, order[i]) {
			e.Stop.Order = append(e.Stop.Order, order[i])
		}
	}
}

// StartOrder returns the stage names in an order that respects After,
// keeping the file's order where After leaves a choice. It assumes a
// parsed (acyclic) environment; stages on a cycle are left out.
func (e *Environment) StartOrder() []string {
	done := make(map[string]bool, len(e.Stages))
	var order []string
	for progress := true; progress; {
		progress = false
		for _, s := range e.Stages {
			if done[s.Name] || !allDone(s.After, done) {
				continue
			}
			done[s.Name] = true
			order = append(order, s.Name)
			progress = true
			break // restart so earlier stages in the file keep priority
		}
	}
	return order
}

func allDone(names []string, done map[string]bool) bool {
	for _, n := range names {
		if !done[n] {
			return false
		}
	}
	return true
}
