package sandbox

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"cloudcontrol/backend/yamlpos"
)

var (
	accountRe  = regexp.MustCompile(`^[0-9]{12}$`)
	regionRe   = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`)
	instanceRe = regexp.MustCompile(`^i-([0-9a-f]{8}|[0-9a-f]{16,17})$`)
)

// maxInstances bounds a world so loopback addresses never run out.
const maxInstances = 60000

// parser reads a world through the positioned-YAML helper, so every
// problem carries FILE:LINE:COL and one bad value does not hide the next.
type parser struct{ yamlpos.Decoder }

func (p *parser) errf(n *yaml.Node, format string, args ...any) { p.Errorf(n, format, args...) }

func (p *parser) pos(n *yaml.Node) string { return p.Pos(n).String() }

// mapping calls fields[key] with each key's value; unknown or repeated
// keys are problems.
func (p *parser) mapping(n *yaml.Node, what string, fields map[string]func(v *yaml.Node)) {
	wrapped := make(map[string]func(yamlpos.Pair), len(fields))
	for k, f := range fields {
		wrapped[k] = func(kv yamlpos.Pair) { f(kv.Val) }
	}
	p.Fields(n, what, wrapped)
}

// str reads any single value as written; the caller's own check says what
// it must look like.
func (p *parser) str(n *yaml.Node, what string) string {
	s, _ := p.Scalar(yamlpos.Pair{Name: what, Val: n})
	return s
}

func (p *parser) boolean(n *yaml.Node, what string) bool {
	b, _ := p.Bool(yamlpos.Pair{Name: what, Val: n})
	return b
}

func (p *parser) integer(n *yaml.Node, what string, lo, hi int) int {
	n = yamlpos.Deref(n)
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v < lo || v > hi {
		p.errf(n, "%s must be a whole number from %d to %d, not %s", what, lo, hi, yamlpos.Describe(n))
	}
	return v
}

func (p *parser) duration(n *yaml.Node, what string) time.Duration {
	n = yamlpos.Deref(n)
	d, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || d < 0 {
		p.errf(n, "%s must be a non-negative Go duration such as 30s or 2m, not %s", what, yamlpos.Describe(n))
		return 0
	}
	return d
}

// Timing keys a block may set: an instance's own, and the defaults (which
// also time CloudFormation and Route 53).
var (
	instanceTimingKeys = []string{"start", "stop", "checks", "terminate"}
	defaultTimingKeys  = []string{"start", "stop", "checks", "terminate", "stack-resource", "stack-delete", "dns-change"}
	regionTimingKeys   = []string{"stack-resource", "stack-delete"}
)

// partialTiming holds the timing keys a block set.
type partialTiming map[string]time.Duration

func (p *parser) timing(n *yaml.Node, keys ...string) partialTiming {
	t := partialTiming{}
	fields := map[string]func(*yaml.Node){}
	for _, k := range keys {
		fields[k] = func(v *yaml.Node) { t[k] = p.duration(v, "timing."+k) }
	}
	p.mapping(n, "timing", fields)
	return t
}

func (t partialTiming) set(key string, dst *time.Duration) {
	if d, ok := t[key]; ok {
		*dst = d
	}
}

func (t partialTiming) over(base Timing) Timing {
	t.set("start", &base.Start)
	t.set("stop", &base.Stop)
	t.set("checks", &base.Checks)
	t.set("terminate", &base.Terminate)
	return base
}

func (t partialTiming) overStack(base StackTiming) StackTiming {
	t.set("stack-resource", &base.Resource)
	t.set("stack-delete", &base.Delete)
	return base
}

// rawInstance is an instance entry before defaults and count are applied.
type rawInstance struct {
	spec   InstanceSpec
	timing partialTiming
	public *bool
	count  int
	node   *yaml.Node
	ssm    *rawSSM
}

// ParseWorld parses and validates a world file's contents; file names it in
// messages. Every problem found is reported, one FILE:LINE:COL line each.
func ParseWorld(data []byte, file string) (*World, error) {
	p := &parser{yamlpos.Decoder{File: file}}
	root := p.Document(data, "the sandbox world is empty; it needs at least a regions: mapping",
		"a world file holds one world; remove this second YAML document (after ---)")
	if root == nil {
		return nil, p.Err()
	}
	w := &World{File: file, Account: DefaultAccount}
	var defTiming partialTiming
	var defSSM *rawSSM
	var regions []rawRegion
	p.mapping(root, "the sandbox world", map[string]func(*yaml.Node){
		"version": func(v *yaml.Node) { p.integer(v, "version", 1, 1) },
		"account": func(v *yaml.Node) {
			if w.Account = p.str(v, "account"); !accountRe.MatchString(w.Account) {
				p.errf(v, "account must be 12 digits (quote it: \"123456789012\"), not %q", w.Account)
			}
		},
		"defaults": func(v *yaml.Node) {
			p.mapping(v, "defaults", map[string]func(*yaml.Node){
				"timing": func(v *yaml.Node) { defTiming = p.timing(v, defaultTimingKeys...) },
				"public": func(v *yaml.Node) { w.Defaults.Public = p.boolean(v, "defaults.public") },
				"ssm":    func(v *yaml.Node) { defSSM = p.ssm(v, "defaults.ssm") },
			})
		},
		"regions": func(v *yaml.Node) {
			if yamlpos.Deref(v).Kind != yaml.MappingNode {
				p.errf(v, "regions must be a mapping of region name to its instances")
				return
			}
			pairs, _ := p.Mapping(v, "regions")
			for _, kv := range pairs {
				if !regionRe.MatchString(kv.Name) {
					p.errf(kv.Key, "region name %q must be lower-case letters, digits and dashes (like eu-west-1)", kv.Name)
				}
				regions = append(regions, p.region(kv.Val, kv.Name))
			}
		},
		"faults": func(v *yaml.Node) { w.Faults = p.faults(v) },
	})
	w.Defaults.Timing = defTiming.over(Timing{DefaultStart, DefaultStop, DefaultChecks, DefaultTerminate})
	w.Defaults.Stack = defTiming.overStack(StackTiming{DefaultStackResource, DefaultStackDelete})
	w.Defaults.DNSChange = DefaultDNSChange
	defTiming.set("dns-change", &w.Defaults.DNSChange)
	if defSSM != nil {
		w.Defaults.SSM = defSSM.resolve(nil)
	}
	p.checkZones(regions)

	// Explicit ids first, so generated ones never collide with them.
	taken := map[string]string{}
	total := 0
	for _, r := range regions {
		for _, ri := range r.list {
			total += ri.count
			if id := ri.spec.ID; id != "" {
				if first, dup := taken[id]; dup {
					p.errf(ri.node, "instance id %s is used twice (first at %s)", id, first)
				}
				taken[id] = ri.spec.Pos
			}
		}
	}
	if total > maxInstances {
		p.errf(root, "the world has %d instances; the sandbox supports at most %d", total, maxInstances)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for id := range taken {
		used[id] = true
	}
	for _, r := range regions {
		reg := r.finish(w.Defaults)
		for _, ri := range r.list {
			for c := range ri.count {
				s := ri.spec
				s.Timing = ri.timing.over(w.Defaults.Timing)
				s.Public = w.Defaults.Public
				if ri.public != nil {
					s.Public = *ri.public
				}
				if s.AZ == "" {
					s.AZ = r.name + "a"
				}
				reg.place(&s)
				s.SSM = ri.ssm.resolve(w.Defaults.SSM)
				s.Tags = maps.Clone(ri.spec.Tags)
				if ri.count > 1 && s.Tags["Name"] != "" {
					s.Tags["Name"] = fmt.Sprintf("%s-%d", s.Tags["Name"], c+1)
				}
				if s.ID == "" {
					s.ID = generatedID(r.name, len(reg.Instances), used)
					used[s.ID] = true
				}
				reg.Instances = append(reg.Instances, s)
			}
		}
		w.Regions = append(w.Regions, reg)
	}
	return w, nil
}

func (p *parser) region(n *yaml.Node, name string) rawRegion {
	r := rawRegion{name: name, node: n}
	p.mapping(n, "region "+name, map[string]func(*yaml.Node){
		"instances": func(v *yaml.Node) {
			if v = yamlpos.Deref(v); v.Kind != yaml.SequenceNode {
				p.errf(v, "instances of region %s must be a list", name)
				return
			}
			for _, item := range v.Content {
				r.list = append(r.list, p.instance(item, name))
			}
		},
		"images":                  func(v *yaml.Node) { r.images = p.images(v); r.has.images = true },
		"ssm-parameters":          func(v *yaml.Node) { r.ssm = p.ssmParameters(v); r.has.ssm = true },
		"vpcs":                    func(v *yaml.Node) { r.vpcs = p.vpcs(v, name); r.has.vpcs = true },
		"key-pairs":               func(v *yaml.Node) { r.keys = p.keyPairs(v); r.has.keys = true },
		"hosted-zones":            func(v *yaml.Node) { r.zones = p.hostedZones(v) },
		"instance-type-offerings": func(v *yaml.Node) { r.offerings = p.offerings(v, name) },
		"timing":                  func(v *yaml.Node) { r.timing = p.timing(v, regionTimingKeys...) },
		"launched-services":       func(v *yaml.Node) { r.launched = p.launchedServices(v) },
	})
	return r
}

func (p *parser) instance(n *yaml.Node, region string) rawInstance {
	ri := rawInstance{spec: InstanceSpec{Type: DefaultType, State: "running", Pos: p.pos(n)}, count: 1, node: n}
	s := &ri.spec
	what := "an instance of region " + region
	p.mapping(n, what, map[string]func(*yaml.Node){
		"id": func(v *yaml.Node) {
			if s.ID = p.str(v, "id"); !instanceRe.MatchString(s.ID) {
				p.errf(v, "instance id %q must look like i- and 8 or 17 hex digits (i-0123456789abcdef0)", s.ID)
			}
		},
		"type": func(v *yaml.Node) { s.Type = p.str(v, "type") },
		"state": func(v *yaml.Node) {
			if s.State = p.str(v, "state"); s.State != "running" && s.State != "stopped" {
				p.errf(v, "state must be running or stopped, not %q", s.State)
			}
		},
		"tags":       func(v *yaml.Node) { s.Tags = p.tags(v) },
		"timing":     func(v *yaml.Node) { ri.timing = p.timing(v, instanceTimingKeys...) },
		"public":     func(v *yaml.Node) { b := p.boolean(v, "public"); ri.public = &b },
		"az":         func(v *yaml.Node) { s.AZ = p.str(v, "az") },
		"fail-start": func(v *yaml.Node) { s.FailStart = p.boolean(v, "fail-start") },
		"count":      func(v *yaml.Node) { ri.count = p.integer(v, "count", 1, maxInstances) },
		"services":   func(v *yaml.Node) { s.Services = p.services(v) },
		"volumes":    func(v *yaml.Node) { s.Volumes = p.volumes(v) },
		"ssm":        func(v *yaml.Node) { ri.ssm = p.ssm(v, "ssm") },
	})
	if ri.count > 1 && s.ID != "" {
		p.errf(n, "an instance with an id cannot have a count above 1; drop the id to have ids generated")
	}
	return ri
}

func (p *parser) services(n *yaml.Node) []Service {
	if n = yamlpos.Deref(n); n.Kind != yaml.SequenceNode {
		p.errf(n, "services must be a list such as [{port: 5432, after: 5s}]")
		return nil
	}
	var out []Service
	for _, item := range n.Content {
		var s Service
		p.mapping(item, "a service", map[string]func(*yaml.Node){
			"port":  func(v *yaml.Node) { s.Port = p.integer(v, "port", 1, 65535) },
			"after": func(v *yaml.Node) { s.After = p.duration(v, "after") },
			"http": func(v *yaml.Node) {
				if s.HTTP = p.str(v, "http"); !strings.HasPrefix(s.HTTP, "/") {
					p.errf(v, "http must be a path starting with /, such as /health, not %q", s.HTTP)
				}
			},
		})
		if s.Port == 0 && yamlpos.Deref(item).Kind == yaml.MappingNode {
			p.errf(item, "a service needs a port")
		}
		if slices.ContainsFunc(out, func(o Service) bool { return o.Port == s.Port && s.Port != 0 }) {
			p.errf(item, "port %d is listed twice for this instance", s.Port)
		}
		out = append(out, s)
	}
	return out
}

func (p *parser) faults(n *yaml.Node) []Fault {
	if n = yamlpos.Deref(n); n.Kind != yaml.SequenceNode {
		p.errf(n, "faults must be a list")
		return nil
	}
	var out []Fault
	for _, item := range n.Content {
		var f Fault
		p.mapping(item, "a fault", map[string]func(*yaml.Node){
			"kind":        func(v *yaml.Node) { f.Kind = FaultKind(p.str(v, "kind")) },
			"action":      func(v *yaml.Node) { f.Action = p.str(v, "action") },
			"region":      func(v *yaml.Node) { f.Region = p.str(v, "region") },
			"count":       func(v *yaml.Node) { f.Count = p.integer(v, "count", 1, 1<<30) },
			"latency":     func(v *yaml.Node) { f.Latency = p.duration(v, "latency") },
			"probability": func(v *yaml.Node) { f.Probability = p.probability(v) },
			"resource":    func(v *yaml.Node) { f.Resource = p.str(v, "resource") },
			"message":     func(v *yaml.Node) { f.Message = p.str(v, "message") },
		})
		if err := f.validate(); err != nil && yamlpos.Deref(item).Kind == yaml.MappingNode {
			p.errf(item, "%v", err)
		}
		out = append(out, f)
	}
	return out
}

func (p *parser) probability(n *yaml.Node) float64 {
	n = yamlpos.Deref(n)
	v, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil || v <= 0 || v > 1 {
		p.errf(n, "probability must be a number above 0 and at most 1, not %q", n.Value)
	}
	return v
}

// tags reads a mapping of tag keys to values (any single value, as written).
func (p *parser) tags(n *yaml.Node) map[string]string {
	out := map[string]string{}
	pairs, _ := p.Mapping(n, "tags")
	for _, kv := range pairs {
		if kv.Name == "" {
			p.errf(kv.Key, "a tag key must not be empty")
		}
		v := p.str(kv.Val, "tag "+kv.Name)
		for _, text := range []string{kv.Name, v} {
			if r, bad := notInXML(text); bad {
				// Encoding it would answer U+FFFD, hiding the value from every client.
				p.errf(kv.Val, "tag %s %q holds U+%04X, which EC2 cannot answer with: its answers are XML, and XML cannot carry that character", kv.Name, v, r)
				break
			}
		}
		out[kv.Name] = v
	}
	return out
}

// notInXML returns the first character of s that XML 1.0 cannot carry (a
// C0 control other than tab, newline and carriage return, U+FFFE, U+FFFF).
func notInXML(s string) (rune, bool) {
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return r, true
		}
	}
	return 0, false
}
