package env

import (
	"fmt"
	"github.com/agnivade/levenshtein"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// decoder walks a yaml.Node tree by hand instead of yaml.Unmarshal so that
// every problem keeps its line and column and one bad value does not hide
// the next: it records problems and carries on.
type decoder struct {
	file     string
	problems []Problem
}

func (d *decoder) pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: d.file, Line: 1, Col: 1}
	}
	return Pos{File: d.file, Line: max(n.Line, 1), Col: max(n.Column, 1)}
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.problems = append(d.problems, Problem{Pos: d.pos(n), Message: fmt.Sprintf(format, args...)})
}

// pair is one key: value of a mapping, with the key as a plain string.
type pair struct {
	name     string
	key, val *yaml.Node
}

// maxExpanded bounds how many values a file may expand to through
// aliases: a "billion laughs" file is refused instead of walked.
const maxExpanded = 100_000

// expandedSize counts the values of n with aliases expanded, stopping
// past maxExpanded. A node met again while being counted refers to
// itself and counts as too big.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int) int {
	if n == nil {
		return 0
	}
	if size, ok := memo[n]; ok {
		return size
	}
	memo[n] = maxExpanded + 1
	size := 1
	if n.Kind == yaml.AliasNode {
		size = expandedSize(n.Alias, memo)
	}
	for _, c := range n.Content {
		if size > maxExpanded {
			break
		}
		size += expandedSize(c, memo)
	}
	memo[n] = min(size, maxExpanded+1)
	return memo[n]
}

// deref follows aliases so anchors and aliases work as in any YAML file.
// An alias always points at a non-alias node; the bound is only a guard.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

// describe names what a node is, for "must be X, not Y" messages.
func describe(n *yaml.Node) string {
	n = deref(n)
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "empty"
		case "!!bool":
			return "true/false"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!str":
			return fmt.Sprintf("the text %q", n.Value)
		case "!!timestamp":
			return "a date"
		}
	}
	return "a " + strings.TrimPrefix(n.ShortTag(), "!!") + " value"
}

// mapping returns the pairs of a mapping node in file order, reporting
// duplicate keys at the second one. Merge keys (<<: *anchor) add the keys
// the mapping does not set itself, as YAML defines them.
func (d *decoder) mapping(n *yaml.Node, what string) ([]pair, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		d.errorf(n, "%s must be a mapping (key: value), not %s", what, describe(n))
		return nil, false
	}
	var pairs, merged []pair
	seen := map[string]*yaml.Node{}
	mergedFrom := map[*yaml.Node]bool{n: true}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merged = append(merged, d.merge(v, mergedFrom)...)
			continue
		}
		if dk := deref(k); dk == nil || dk.Kind != yaml.ScalarNode {
			d.errorf(k, "a key in %s must be a plain name, not %s", what, describe(k))
			continue
		}
		name := deref(k).Value
		if first, dup := seen[name]; dup {
			d.errorf(k, "duplicate key %q (first at line %d)", name, first.Line)
			continue
		}
		seen[name] = k
		pairs = append(pairs, pair{name: name, key: k, val: v})
	}
	for _, p := range merged {
		if _, ok := seen[p.name]; !ok {
			seen[p.name] = p.key
			pairs = append(pairs, p)
		}
	}
	return pairs, true
}

// merge returns the pairs a merge key brings in: one mapping or a list of
// them, earlier ones winning. Each mapping is expanded once (a second time
// adds nothing), which also stops an anchor that merges itself.
func (d *decoder) merge(v *yaml.Node, done map[*yaml.Node]bool) []pair {
	v = deref(v)
	var sources []*yaml.Node
	switch {
	case v != nil && v.Kind == yaml.MappingNode:
		sources = []*yaml.Node{v}
	case v != nil && v.Kind == yaml.SequenceNode:
		sources = v.Content
	default:
		d.errorf(v, "a merge key (<<) takes a mapping or a list of mappings, not %s", describe(v))
		return nil
	}
	var out []pair
	seen := map[string]bool{}
	for _, src := range sources {
		src = deref(src)
		if src == nil || src.Kind != yaml.MappingNode {
			d.errorf(src, "a merge key (<<) takes a mapping or a list of mappings, not %s", describe(src))
			continue
		}
		if done[src] {
			continue
		}
		done[src] = true
		for i := 0; i+1 < len(src.Content); i += 2 {
			k, val := src.Content[i], src.Content[i+1]
			var got []pair
			if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
				got = d.merge(val, done)
			} else if dk := deref(k); dk != nil && dk.Kind == yaml.ScalarNode {
				got = []pair{{name: dk.Value, key: k, val: val}}
			}
			for _, p := range got {
				if !seen[p.name] {
					seen[p.name] = true
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// known reports keys outside allowed, suggesting the closest allowed key
// for a likely typo, and returns the allowed pairs by name.
func (d *decoder) known(pairs []pair, where string, allowed ...string) map[string]pair {
	out := make(map[string]pair, len(pairs))
	for _, p := range pairs {
		if slices.Contains(allowed, p.name) {
			out[p.name] = p
			continue
		}
		hint := ""
		if s := closest(p.name, allowed); s != "" {
			hint = fmt.Sprintf("; did you mean %q?", s)
		}
		d.errorf(p.key, "unknown key %q in %s%s (allowed: %s)", p.name, where, hint, strings.Join(allowed, ", "))
	}
	return out
}

// closest returns the candidate within a small edit distance of s, if any:
// one edit for short words, a few more for long ones.
func closest(s string, candidates []string) string {
	best, bestDist := "", 2+len(s)/5
	for _, c := range candidates {
		if dist := levenshtein.ComputeDistance(strings.ToLower(s), c); dist < bestDist {
			best, bestDist = c, dist
		}
	}
	return best
}

// str reads a string value. Numbers and booleans are refused rather than
// converted so that the file means what the JSON Schema says.
func (d *decoder) str(p pair) (string, bool) {
	v := deref(p.val)
	if v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
		return v.Value, true
	}
	hint := ""
	if v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() != "!!null" {
		hint = fmt.Sprintf("; quote it: %q", v.Value)
	}
	d.errorf(p.val, "%s must be text, not %s%s", p.name, describe(v), hint)
	return "", false
}

// list returns the items of a sequence node.
func (d *decoder) list(p pair, example string) ([]*yaml.Node, bool) {
	v := deref(p.val)
	if v == nil || v.Kind != yaml.SequenceNode {
		d.errorf(p.val, "%s must be a list, e.g. %s, not %s", p.name, example, describe(v))
		return nil, false
	}
	return v.Content, true
}

// stringMap reads a mapping of text to text, such as tags.
func (d *decoder) stringMap(p pair) (map[string]string, bool) {
	pairs, ok := d.mapping(p.val, p.name)
	if !ok {
		return nil, false
	}
	out := make(map[string]string, len(pairs))
	for _, kv := range pairs {
		if kv.name == "" {
			d.errorf(kv.key, "a tag key in %s cannot be empty", p.name)
			ok = false
			continue
		}
		kv.name = fmt.Sprintf("tag %q in %s", kv.name, p.name)
		s, good := d.str(kv)
		ok = ok && good
		out[deref(kv.key).Value] = s
	}
	return out, ok
}
