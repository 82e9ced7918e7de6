package yamlpos

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/agnivade/levenshtein"
	"go.yaml.in/yaml/v3"
)

// Pair is one key: value of a mapping, with the key as a plain string.
type Pair struct {
	Name     string
	Key, Val *yaml.Node
}

// Mapping returns the pairs of a mapping node in file order, reporting
// duplicate keys at the second one. Merge keys (<<: *anchor) add the keys
// the mapping does not set itself, as YAML defines them.
func (d *Decoder) Mapping(n *yaml.Node, what string) ([]Pair, bool) {
	n = Deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		d.Errorf(n, "%s must be a mapping (key: value), not %s", what, Describe(n))
		return nil, false
	}
	var pairs, merged []Pair
	seen := map[string]*yaml.Node{}
	mergedFrom := map[*yaml.Node]bool{n: true}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merged = append(merged, d.merge(v, mergedFrom)...)
			continue
		}
		if dk := Deref(k); dk == nil || dk.Kind != yaml.ScalarNode {
			d.Errorf(k, "a key in %s must be a plain name, not %s", what, Describe(k))
			continue
		}
		name := Deref(k).Value
		if first, dup := seen[name]; dup {
			d.Errorf(k, "duplicate key %q (first at line %d)", name, first.Line)
			continue
		}
		seen[name] = k
		pairs = append(pairs, Pair{Name: name, Key: k, Val: v})
	}
	for _, p := range merged {
		if _, ok := seen[p.Name]; !ok {
			seen[p.Name] = p.Key
			pairs = append(pairs, p)
		}
	}
	return pairs, true
}

// merge returns the pairs a merge key brings in: one mapping or a list of
// them, earlier ones winning. Each mapping is expanded once (a second time
// adds nothing), which also stops an anchor that merges itself.
func (d *Decoder) merge(v *yaml.Node, done map[*yaml.Node]bool) []Pair {
	v = Deref(v)
	var sources []*yaml.Node
	switch {
	case v != nil && v.Kind == yaml.MappingNode:
		sources = []*yaml.Node{v}
	case v != nil && v.Kind == yaml.SequenceNode:
		sources = v.Content
	default:
		d.Errorf(v, "a merge key (<<) takes a mapping or a list of mappings, not %s", Describe(v))
		return nil
	}
	var out []Pair
	seen := map[string]bool{}
	for _, src := range sources {
		src = Deref(src)
		if src == nil || src.Kind != yaml.MappingNode {
			d.Errorf(src, "a merge key (<<) takes a mapping or a list of mappings, not %s", Describe(src))
			continue
		}
		if done[src] {
			continue
		}
		done[src] = true
		for i := 0; i+1 < len(src.Content); i += 2 {
			k, val := src.Content[i], src.Content[i+1]
			var got []Pair
			if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
				got = d.merge(val, done)
			} else if dk := Deref(k); dk != nil && dk.Kind == yaml.ScalarNode {
				got = []Pair{{Name: dk.Value, Key: k, Val: val}}
			}
			for _, p := range got {
				if !seen[p.Name] {
					seen[p.Name] = true
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// Known reports keys outside allowed, suggesting the closest allowed key
// for a likely typo, and returns the allowed pairs by name.
func (d *Decoder) Known(pairs []Pair, where string, allowed ...string) map[string]Pair {
	out := make(map[string]Pair, len(pairs))
	for _, p := range pairs {
		if slices.Contains(allowed, p.Name) {
			out[p.Name] = p
			continue
		}
		hint := ""
		if s := Closest(p.Name, allowed); s != "" {
			hint = fmt.Sprintf("; did you mean %q?", s)
		}
		d.Errorf(p.Key, "unknown key %q in %s%s (allowed: %s)", p.Name, where, hint, strings.Join(allowed, ", "))
	}
	return out
}

// Fields reads a mapping whose keys are those of fields, calling each
// key's reader in file order. Unknown and repeated keys are problems. It
// reports whether n was a mapping.
func (d *Decoder) Fields(n *yaml.Node, what string, fields map[string]func(p Pair)) bool {
	pairs, ok := d.Mapping(n, what)
	if !ok {
		return false
	}
	names := slices.Sorted(maps.Keys(fields))
	known := d.Known(pairs, what, names...)
	for _, p := range pairs {
		if _, ok := known[p.Name]; ok {
			fields[p.Name](p)
		}
	}
	return true
}

// Closest returns the candidate within a small edit distance of s, if any:
// one edit for short words, a few more for long ones.
func Closest(s string, candidates []string) string {
	best, bestDist := "", 2+len(s)/5
	for _, c := range candidates {
		if dist := levenshtein.ComputeDistance(strings.ToLower(s), c); dist < bestDist {
			best, bestDist = c, dist
		}
	}
	return best
}

// Str reads a text value. Numbers and booleans are refused rather than
// converted so that a file means what its schema says.
func (d *Decoder) Str(p Pair) (string, bool) {
	v := Deref(p.Val)
	if v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
		return v.Value, true
	}
	hint := ""
	if v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() != "!!null" {
		hint = fmt.Sprintf("; quote it: %q", v.Value)
	}
	d.Errorf(p.Val, "%s must be text, not %s%s", p.Name, Describe(v), hint)
	return "", false
}

// Scalar reads any non-empty scalar as written (a number or a word alike),
// for values whose own check says what they must look like.
func (d *Decoder) Scalar(p Pair) (string, bool) {
	v := Deref(p.Val)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null" {
		d.Errorf(p.Val, "%s must be a single value, not %s", p.Name, Describe(v))
		return "", false
	}
	return v.Value, true
}

// Bool reads true or false.
func (d *Decoder) Bool(p Pair) (bool, bool) {
	v := Deref(p.Val)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
		d.Errorf(p.Val, "%s must be true or false, not %s", p.Name, Describe(v))
		return false, false
	}
	var b bool
	if err := v.Decode(&b); err != nil {
		d.Errorf(p.Val, "%s must be true or false: %v", p.Name, err)
		return false, false
	}
	return b, true
}

// Int reads a whole number; what names it in messages.
func (d *Decoder) Int(n *yaml.Node, what string) (int, bool) {
	v := Deref(n)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" {
		d.Errorf(n, "%s must be a whole number, not %s", what, Describe(v))
		return 0, false
	}
	var i int
	if err := v.Decode(&i); err != nil {
		d.Errorf(n, "%s %s is not a usable whole number", what, v.Value)
		return 0, false
	}
	return i, true
}

// List returns the items of a sequence node; example shows a good value.
func (d *Decoder) List(p Pair, example string) ([]*yaml.Node, bool) {
	v := Deref(p.Val)
	if v == nil || v.Kind != yaml.SequenceNode {
		d.Errorf(p.Val, "%s must be a list, e.g. %s, not %s", p.Name, example, Describe(v))
		return nil, false
	}
	return v.Content, true
}

// StringMap reads a mapping of text to text, such as tags.
func (d *Decoder) StringMap(p Pair) (map[string]string, bool) {
	pairs, ok := d.Mapping(p.Val, p.Name)
	if !ok {
		return nil, false
	}
	out := make(map[string]string, len(pairs))
	for _, kv := range pairs {
		if kv.Name == "" {
			d.Errorf(kv.Key, "a tag key in %s cannot be empty", p.Name)
			ok = false
			continue
		}
		kv.Name = fmt.Sprintf("tag %q in %s", kv.Name, p.Name)
		s, good := d.Str(kv)
		ok = ok && good
		out[Deref(kv.Key).Value] = s
	}
	return out, ok
}
