package orchestrate

import (
	"fmt"
	"slices"
	"strings"

	"cloudcontrol/backend/env"
)

// startOrder returns the stage indexes in execution order: every stage after
// the stages of its after list, ties broken by file order (Kahn's algorithm
// always taking the first ready stage in the file).
func startOrder(stages []env.Stage) ([]int, error) {
	index := make(map[string]int, len(stages))
	for i, st := range stages {
		if _, dup := index[st.Name]; dup {
			return nil, fmt.Errorf("stage %q is defined twice", st.Name)
		}
		index[st.Name] = i
	}
	waiting := make([]int, len(stages)) // how many of its after stages are not placed yet
	next := make([][]int, len(stages))  // stage -> the stages that wait for it
	for i, st := range stages {
		for _, a := range st.After {
			j, ok := index[a]
			if !ok {
				return nil, fmt.Errorf("stage %q starts after %q, which is not a stage of this environment", st.Name, a)
			}
			waiting[i]++
			next[j] = append(next[j], i)
		}
	}
	order := make([]int, 0, len(stages))
	placed := make([]bool, len(stages))
	for len(order) < len(stages) {
		pick := -1
		for i := range stages {
			if !placed[i] && waiting[i] == 0 {
				pick = i
				break
			}
		}
		if pick < 0 {
			var stuck []string
			for i, st := range stages {
				if !placed[i] {
					stuck = append(stuck, st.Name)
				}
			}
			return nil, fmt.Errorf("the after lists of stages %s form a cycle", strings.Join(stuck, ", "))
		}
		placed[pick] = true
		order = append(order, pick)
		for _, k := range next[pick] {
			waiting[k]--
		}
	}
	return order, nil
}

// stopGraph returns the stop order and, per stage index, the stages that must
// be stopped before it. With reverse (the file says `reverse` or nothing) a
// stage stops once every stage that starts after it has stopped, so
// independent branches stop in parallel; a written list is a sequence, first
// stopped first.
func stopGraph(stages []env.Stage, start []int, order []string, reverse bool) ([]int, [][]string, error) {
	index := make(map[string]int, len(stages))
	for i, st := range stages {
		index[st.Name] = i
	}
	after := make([][]string, len(stages))
	if len(order) == 0 || reverse {
		rev := slices.Clone(start)
		slices.Reverse(rev)
		for _, i := range rev {
			after[i] = []string{}
		}
		for i := range stages { // file order, so each list reads as the file does
			for _, a := range stages[i].After {
				j := index[a]
				after[j] = append(after[j], stages[i].Name)
			}
		}
		return rev, after, nil
	}
	seq := make([]int, 0, len(order))
	for k, name := range order {
		i, ok := index[name]
		if !ok {
			return nil, nil, fmt.Errorf("stop order names %q, which is not a stage of this environment", name)
		}
		if slices.Contains(seq, i) {
			return nil, nil, fmt.Errorf("stop order names stage %q twice", name)
		}
		seq = append(seq, i)
		after[i] = []string{}
		if k > 0 {
			after[i] = []string{order[k-1]}
		}
	}
	var missing []string
	for i, st := range stages {
		if !slices.Contains(seq, i) {
			missing = append(missing, st.Name)
		}
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("stop order does not name stage(s) %s: list every stage, or write order: reverse", strings.Join(missing, ", "))
	}
	return seq, after, nil
}
