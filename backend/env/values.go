package env

import (
	"cloudcontrol/backend/yamlpos"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// durationHint is the example every duration message ends with.
const durationHint = "write a Go duration such as 90s, 15m or 1h30m"

// duration reads a Go duration. Zero is allowed only where it means "none"
// (a delay); a timeout of zero or less could never be met.
func (d *decoder) duration(p pair, allowZero bool) (Duration, bool) {
	v := yamlpos.Deref(p.Val)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		hint := ""
		if v != nil && v.Kind == yaml.ScalarNode && (v.ShortTag() == "!!int" || v.ShortTag() == "!!float") {
			hint = fmt.Sprintf(" (a number needs a unit: %ss or %sm?)", v.Value, v.Value)
		}
		d.Errorf(p.Val, "%s must be a duration, not %s%s; %s", p.Name, yamlpos.Describe(v), hint, durationHint)
		return 0, false
	}
	t, err := time.ParseDuration(v.Value)
	switch {
	case err != nil:
		d.Errorf(p.Val, "%s %q is not a duration; %s", p.Name, v.Value, durationHint)
		return 0, false
	case t < 0:
		d.Errorf(p.Val, "%s %q cannot be negative; %s", p.Name, v.Value, durationHint)
		return 0, false
	case t == 0 && !allowZero:
		d.Errorf(p.Val, "%s %q must be more than zero; %s", p.Name, v.Value, durationHint)
		return 0, false
	}
	return Duration(t), true
}

// oneOrList accepts a single value or a list of them, as tcp and http do.
func oneOrList(n *yaml.Node) []*yaml.Node {
	if v := yamlpos.Deref(n); v != nil && v.Kind == yaml.SequenceNode {
		return v.Content
	}
	return []*yaml.Node{n}
}
