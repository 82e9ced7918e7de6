package env

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// durationHint is the example every duration message ends with.
const durationHint = "write a Go duration such as 90s, 15m or 1h30m"

// duration reads a Go duration. Zero is allowed only where it means "none"
// (a delay); a timeout of zero or less could never be met.
func (d *decoder) duration(p pair, allowZero bool) (Duration, bool) {
	v := deref(p.val)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		hint := ""
		if v != nil && v.Kind == yaml.ScalarNode && (v.ShortTag() == "!!int" || v.ShortTag() == "!!float") {
			hint = fmt.Sprintf(" (a number needs a unit: %ss or %sm?)", v.Value, v.Value)
		}
		d.errorf(p.val, "%s must be a duration, not %s%s; %s", p.name, describe(v), hint, durationHint)
		return 0, false
	}
	t, err := time.ParseDuration(v.Value)
	switch {
	case err != nil:
		d.errorf(p.val, "%s %q is not a duration; %s", p.name, v.Value, durationHint)
		return 0, false
	case t < 0:
		d.errorf(p.val, "%s %q cannot be negative; %s", p.name, v.Value, durationHint)
		return 0, false
	case t == 0 && !allowZero:
		d.errorf(p.val, "%s %q must be more than zero; %s", p.name, v.Value, durationHint)
		return 0, false
	}
	return Duration(t), true
}

func (d *decoder) boolean(p pair) (bool, bool) {
	v := deref(p.val)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
		d.errorf(p.val, "%s must be true or false, not %s", p.name, describe(v))
		return false, false
	}
	var b bool
	if err := v.Decode(&b); err != nil {
		d.errorf(p.val, "%s must be true or false: %v", p.name, err)
		return false, false
	}
	return b, true
}

// integer reads a whole number; what names it in messages.
func (d *decoder) integer(n *yaml.Node, what string) (int, bool) {
	v := deref(n)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" {
		d.errorf(n, "%s must be a whole number, not %s", what, describe(v))
		return 0, false
	}
	var i int
	if err := v.Decode(&i); err != nil {
		d.errorf(n, "%s %s is not a usable whole number", what, v.Value)
		return 0, false
	}
	return i, true
}

// oneOrList accepts a single value or a list of them, as tcp and http do.
func oneOrList(n *yaml.Node) []*yaml.Node {
	if v := deref(n); v != nil && v.Kind == yaml.SequenceNode {
		return v.Content
	}
	return []*yaml.Node{n}
}
