package runbook

import (
	"maps"
	"slices"
	"strings"

	"cloudcontrol/backend/env"
)

// Instance states a lookup keeps: every one but terminated and
// shutting-down, as the app ignores those when selecting by tags. The
// start runbook then starts them all, the stop runbook stops them all.
var liveStates = []string{"pending", "running", "stopping", "stopped"}

// lookup is one DescribeInstances call finding part of a stage at run
// time: by ids, or by tags (every key equal to one of its values). A stage
// needs as few as its selectors allow: tag selectors with the same keys
// that differ in one key's value share a call (Role in db, cache).
type lookup struct {
	ids    []string
	keys   []string                   // sorted
	values map[string][]string        // key -> accepted values, file order
	has    map[string]map[string]bool // key -> its values as a set; "" -> the ids
	from   []env.Selector
	text   string // String, once it is asked for
}

// stageLookups groups a stage's selectors, each ANDed with the file's
// select tags, into lookups in the order the selectors come.
func stageLookups(e *env.Environment, st env.Stage) []*lookup {
	var out []*lookup
	var ids *lookup
	for _, sel := range st.Instances {
		if sel.ID != "" {
			if ids == nil {
				ids = &lookup{ids: []string{}, has: map[string]map[string]bool{"": {}}}
				out = append(out, ids)
			}
			if !ids.has[""][sel.ID] {
				ids.has[""][sel.ID] = true
				ids.ids = append(ids.ids, sel.ID)
			}
			ids.from = append(ids.from, sel)
			continue
		}
		tags := maps.Clone(e.Select)
		if tags == nil {
			tags = map[string]string{}
		}
		maps.Copy(tags, sel.Tags)
		if sel.Name != "" {
			tags["Name"] = sel.Name
		}
		joined := false
		for _, l := range out {
			if l.ids == nil && l.join(tags) {
				l.from = append(l.from, sel)
				joined = true
				break
			}
		}
		if !joined {
			l := tagLookup(tags)
			l.from = []env.Selector{sel}
			out = append(out, l)
		}
	}
	return out
}

func tagLookup(tags map[string]string) *lookup {
	l := &lookup{keys: slices.Sorted(maps.Keys(tags)), values: map[string][]string{}, has: map[string]map[string]bool{}}
	for k, v := range tags {
		l.values[k] = []string{v}
		l.has[k] = map[string]bool{v: true}
	}
	return l
}

// tagSets merges the tag lookups of many stages as far as join allows, so a
// policy grants on Role in (api, web) once rather than per stage.
func tagSets(ls []*lookup) []*lookup {
	var out []*lookup
	for _, l := range ls {
		if l.ids != nil {
			continue
		}
		for _, tags := range l.expand() {
			joined := false
			for _, m := range out {
				if m.join(tags) {
					joined = true
					break
				}
			}
			if !joined {
				out = append(out, tagLookup(tags))
			}
		}
	}
	return out
}

// expand lists the single-valued tag sets a tag lookup accepts.
func (l *lookup) expand() []map[string]string {
	out := []map[string]string{{}}
	for _, k := range l.keys {
		var next []map[string]string
		for _, m := range out {
			for _, v := range l.values[k] {
				c := maps.Clone(m)
				c[k] = v
				next = append(next, c)
			}
		}
		out = next
	}
	return out
}

// join adds a selector's tags to the lookup when the union stays one
// filter: the same keys, equal but for at most one key, which then takes
// several values (and no other key has several).
func (l *lookup) join(tags map[string]string) bool {
	if len(tags) != len(l.keys) {
		return false
	}
	differ := ""
	for _, k := range l.keys {
		v, ok := tags[k]
		if !ok {
			return false
		}
		if l.has[k][v] {
			continue
		}
		if differ != "" {
			return false
		}
		differ = k
	}
	if differ == "" {
		return true
	}
	for _, k := range l.keys {
		if k != differ && len(l.values[k]) > 1 {
			return false
		}
	}
	l.values[differ] = append(l.values[differ], tags[differ])
	l.has[differ][tags[differ]] = true
	l.text = ""
	return true
}

// inputs are DescribeInstances' parameters for this lookup. Ids are looked
// up as ids, so an id EC2 does not know fails the step as it fails the app's
// plan; states narrows ids too when given (stop skips terminated ids).
func (l *lookup) inputs(states []string) map[string]any {
	in := map[string]any{"Service": "ec2", "Api": "DescribeInstances"}
	var filters []any
	if l.ids != nil {
		in["InstanceIds"] = slices.Clone(l.ids)
	} else {
		for _, k := range l.keys {
			filters = append(filters, map[string]any{"Name": "tag:" + k, "Values": slices.Clone(l.values[k])})
		}
	}
	if states != nil {
		filters = append(filters, map[string]any{"Name": "instance-state-name", "Values": slices.Clone(states)})
	}
	if filters != nil {
		in["Filters"] = filters
	}
	return in
}

// String names what the lookup finds: "ids i-1, i-2" or "Env=demo, Role=api|web".
func (l *lookup) String() string {
	if l.text != "" {
		return l.text
	}
	if l.ids != nil {
		l.text = "ids " + strings.Join(l.ids, ", ")
		return l.text
	}
	parts := make([]string, len(l.keys))
	for i, k := range l.keys {
		parts[i] = k + "=" + strings.Join(l.values[k], "|")
	}
	l.text = strings.Join(parts, ", ")
	return l.text
}
