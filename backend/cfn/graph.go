package cfn

import (
	"slices"
	"strings"
)

// Graph returns the resources whose conditions hold, in template order,
// with the resources each one waits for (Ref, Fn::GetAtt, Fn::Sub and
// DependsOn). With conds it follows only the Fn::If branches that are
// taken; with nil it follows every branch and includes every resource, as
// the static check does. A reference to a resource its condition leaves
// out, and a cycle, are CloudFormation's errors.
func (t *Template) Graph(conds map[string]bool) (order []string, waits map[string][]string, err error) {
	included := func(r Resource) bool { return conds == nil || r.Condition == "" || conds[r.Condition] }
	waits = map[string][]string{}
	for _, r := range t.Resources {
		if !included(r) {
			continue
		}
		order = append(order, r.Name)
		var ds []string
		add := func(name string) {
			if _, ok := t.Resource(name); ok && !slices.Contains(ds, name) {
				ds = append(ds, name)
			}
		}
		refs(r.Properties, conds, add)
		for _, d := range r.DependsOn {
			add(d)
		}
		for _, d := range ds {
			if dr, _ := t.Resource(d); !included(dr) {
				return nil, nil, errf("Template format error: Unresolved resource dependencies [%s] in the Resources block of the template", d)
			}
		}
		waits[r.Name] = ds
	}
	if cycle := findCycle(order, waits); cycle != nil {
		return nil, nil, errf("Template format error: Circular dependency between resources: [%s]", strings.Join(cycle, ", "))
	}
	return order, waits, nil
}

// refs calls add for every name a value refers to.
func refs(v any, conds map[string]bool, add func(string)) {
	if fn, arg, ok := intrinsic(v, false); ok {
		switch fn {
		case "Ref":
			name, _ := arg.(string)
			add(name)
			return
		case "Fn::GetAtt":
			res, _, _ := getAttArgs(arg)
			add(res)
			return
		case "Fn::Sub":
			text, vars, _ := subArgs(arg)
			for _, k := range vars.Keys {
				refs(vars.Vals[k], conds, add)
			}
			for _, name := range subNames(text) {
				if _, own := vars.Get(name); !own {
					res, _, _ := strings.Cut(name, ".")
					add(res)
				}
			}
			return
		case "Fn::If":
			list, _ := arg.([]any)
			if len(list) == 3 && conds != nil {
				name, _ := list[0].(string)
				if conds[name] {
					refs(list[1], conds, add)
				} else {
					refs(list[2], conds, add)
				}
				return
			}
		}
		refs(arg, conds, add)
		return
	}
	switch x := v.(type) {
	case *Map:
		for _, k := range x.Keys {
			refs(x.Vals[k], conds, add)
		}
	case []any:
		for _, e := range x {
			refs(e, conds, add)
		}
	}
}

// findCycle returns the resources of one dependency cycle, sorted, or nil.
func findCycle(order []string, waits map[string][]string) []string {
	state := map[string]int{}
	var stack []string
	var found []string
	var visit func(n string) bool
	visit = func(n string) bool {
		state[n] = 1
		stack = append(stack, n)
		for _, d := range waits[n] {
			if state[d] == 1 {
				i := slices.Index(stack, d)
				found = slices.Clone(stack[i:])
				return true
			}
			if state[d] == 0 && visit(d) {
				return true
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = 2
		return false
	}
	for _, n := range order {
		if state[n] == 0 && visit(n) {
			slices.Sort(found)
			return found
		}
	}
	return nil
}
