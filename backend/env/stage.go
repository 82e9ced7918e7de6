package env

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"cloudcontrol/backend/safetext"
	"cloudcontrol/backend/yamlpos"
)

// instanceIDRe is an EC2 instance id: the old 8-digit or the 17-digit form.
var instanceIDRe = regexp.MustCompile(`^i-([0-9a-f]{8}|[0-9a-f]{17})$`)

// stageSrc is a stage plus the nodes resolve needs for its positions.
type stageSrc struct {
	stage    Stage
	nameNode *yaml.Node   // nil when the stage has no usable name
	node     *yaml.Node   // the stage mapping
	after    []*yaml.Node // nil when the file does not say after:
	hasAfter bool
}

func (d *decoder) stages(p pair) []stageSrc {
	items, ok := d.List(p, "[{name: app, instances: [...]}]")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		d.Errorf(p.Val, "stages is an empty list; an environment needs at least one stage")
	}
	out := make([]stageSrc, 0, len(items))
	for i, n := range items {
		out = append(out, d.stage(n, i+1))
	}
	return out
}

func (d *decoder) stage(n *yaml.Node, index int) stageSrc {
	out := stageSrc{node: n}
	out.stage.Pos = d.Pos(n)
	out.stage.Timeout = Duration(DefaultStageTimeout)
	pairs, ok := d.Mapping(n, fmt.Sprintf("stage %d", index))
	if !ok {
		return out
	}
	where := fmt.Sprintf("stage %d", index)
	for _, p := range pairs {
		if v := yamlpos.Deref(p.Val); p.Name == "name" && v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && v.Value != "" {
			where = fmt.Sprintf("stage %q", v.Value)
		}
	}
	f := d.Known(pairs, where, "name", "after", "instances", "ready", "timeout")

	if p, ok := f["name"]; ok {
		if s, good := d.Str(p); good && strings.TrimSpace(s) == "" {
			d.Errorf(p.Val, "stage %d has an empty name", index)
		} else if r, bad := safetext.Find(s); good && bad {
			d.Errorf(p.Val, "stage name %q holds %s, a control character a terminal would act on; use letters, digits, spaces and punctuation", s, safetext.Name(r))
		} else if good {
			out.stage.Name, out.nameNode = s, p.Val
		}
	} else {
		d.Errorf(n, "stage %d has no name; add name:", index)
	}
	if p, ok := f["after"]; ok {
		out.hasAfter = true
		out.after, _ = d.List(p, "[data] or [] for none")
	}
	if p, ok := f["instances"]; ok {
		if items, good := d.List(p, "[i-0123456789abcdef0, {name: web-1}, {tags: {Role: app}}]"); good {
			if len(items) == 0 {
				d.Errorf(p.Val, "%s has no instances; list at least one selector", where)
			}
			for _, item := range items {
				if s, good := d.selector(item); good {
					out.stage.Instances = append(out.stage.Instances, s)
				}
			}
		}
	} else {
		d.Errorf(n, "%s has no instances; add instances: with at least one selector", where)
	}
	if p, ok := f["ready"]; ok {
		out.stage.Ready = d.ready(p, where)
	}
	if p, ok := f["timeout"]; ok {
		if t, good := d.duration(p, false); good {
			out.stage.Timeout = t
		}
	}
	d.graceWithinTimeout(&out.stage)
	return out
}

const selectorForms = "an instance id (i-0123456789abcdef0), {name: NAME} or {tags: {KEY: VALUE}}"

// selector reads one of the three selector forms.
func (d *decoder) selector(n *yaml.Node) (Selector, bool) {
	s := Selector{Pos: d.Pos(n)}
	v := yamlpos.Deref(n)
	if v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
		if !instanceIDRe.MatchString(v.Value) {
			d.Errorf(n, "%q is not an instance id (i- and 8 or 17 hex digits, e.g. i-0123456789abcdef0); to select by the Name tag write {name: %s}", v.Value, v.Value)
			return s, false
		}
		s.ID = v.Value
		return s, true
	}
	if v == nil || v.Kind != yaml.MappingNode {
		d.Errorf(n, "a selector must be %s, not %s", selectorForms, yamlpos.Describe(v))
		return s, false
	}
	pairs, _ := d.Mapping(v, "a selector")
	f := d.Known(pairs, "a selector", "name", "tags")
	name, hasName := f["name"]
	tags, hasTags := f["tags"]
	switch {
	case hasName && hasTags:
		second := tags
		if tags.Key.Line < name.Key.Line || tags.Key.Line == name.Key.Line && tags.Key.Column < name.Key.Column {
			second = name
		}
		d.Errorf(second.Key, "a selector takes name or tags, not both; use {tags: {Name: ..., ...}} to combine them")
		return s, false
	case hasName:
		str, good := d.Str(name)
		if good && str == "" {
			d.Errorf(name.Val, "the name of a selector cannot be empty")
			return s, false
		}
		s.Name = str
		return s, good
	case hasTags:
		m, good := d.StringMap(tags)
		if good && len(m) == 0 {
			d.Errorf(tags.Val, "tags of a selector cannot be empty; give at least one KEY: VALUE")
			return s, false
		}
		s.Tags = m
		return s, good
	}
	if len(pairs) == 0 {
		d.Errorf(n, "an empty selector selects nothing; write %s", selectorForms)
	}
	return s, false
}

// ready reads the gates of a stage.
func (d *decoder) ready(p pair, where string) Ready {
	var r Ready
	pairs, ok := d.Mapping(p.Val, "ready")
	if !ok {
		return r
	}
	f := d.Known(pairs, "ready of "+where, "status-checks", "tcp", "http", "delay", "command", "ssm-grace")
	if p, ok := f["status-checks"]; ok {
		r.StatusChecks, _ = d.Bool(p)
	}
	if p, ok := f["tcp"]; ok {
		seen := map[int]bool{}
		for _, n := range oneOrList(p.Val) {
			port, good := d.Int(n, "a tcp port")
			switch {
			case !good:
			case port < 1 || port > 65535:
				d.Errorf(n, "tcp port %d is out of range; ports are 1 to 65535", port)
			case seen[port]:
				d.Errorf(n, "tcp port %d is listed twice", port)
			default:
				seen[port] = true
				r.TCP = append(r.TCP, port)
			}
		}
	}
	if p, ok := f["http"]; ok {
		for _, n := range oneOrList(p.Val) {
			v := yamlpos.Deref(n)
			if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
				d.Errorf(n, "an http check must be a URL such as http://{{.PrivateIP}}:8080/health, not %s", yamlpos.Describe(v))
				continue
			}
			if err := CheckURL(v.Value); err != nil {
				d.Errorf(n, "http %q: %v", RedactURL(v.Value), err)
				continue
			}
			r.HTTP = append(r.HTTP, v.Value)
		}
	}
	if p, ok := f["delay"]; ok {
		r.Delay, _ = d.duration(p, true)
	}
	d.commandGate(f, &r, where)
	return r
}
