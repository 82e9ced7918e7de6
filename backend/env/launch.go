package env

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"

	"go.yaml.in/yaml/v3"

	"cloudcontrol/backend/yamlpos"
)

// Launch is the launch: section: where new instances go and the templates
// they are launched from. nil when the file has none.
type Launch struct {
	// Subnet is where new instances go; their zone follows from it.
	Subnet string `json:"subnet" jsonschema:"description=Subnet new instances go into; the zone follows from it"`
	// SecurityGroups are of the subnet's VPC.
	SecurityGroups []string `json:"security-groups" jsonschema:"minItems=1,uniqueItems=true,description=Security groups of the subnet's VPC"`
	KeyPair        string   `json:"key-pair,omitempty" jsonschema:"description=EC2 key pair for SSH; default none"`
	// InstanceProfile is an IAM instance profile name.
	InstanceProfile string `json:"instance-profile,omitempty" jsonschema:"description=IAM instance profile name; cloudcontrol launch policy prints what it needs to report boot progress"`
	// Tags are added to every stack and instance this environment launches.
	Tags      map[string]string `json:"tags,omitempty" jsonschema:"description=Tags added to every stack and instance this environment launches"`
	Templates []Template        `json:"templates" jsonschema:"minItems=1"`

	Pos Pos `json:"-"`
}

// Template is one named way to launch an instance into a stage.
type Template struct {
	Name        string `json:"name" jsonschema:"description=Unique in the file; cloudcontrol launch ENV NAME"`
	Description string `json:"description,omitempty"`
	// Stage is the stage the new instance joins: it gets the environment's
	// select tags and the tags of the stage's first tag selector.
	Stage string `json:"stage" jsonschema:"description=The stage the new instance joins (it must have a tags selector)"`
	// AMI is an image id or resolve:ssm:PARAMETER.
	AMI string `json:"ami" jsonschema:"description=An AMI id or resolve:ssm:/aws/service/... (an SSM parameter holding one)"`
	// Types are the instance types allowed; the first is the default.
	Types []string `json:"types" jsonschema:"minItems=1,uniqueItems=true,description=Allowed instance types; the first is the default"`
	// UserData is the script's path as the file gives it (beside the file).
	UserData string `json:"user-data,omitempty" jsonschema:"description=A script beside the environment file; every {{{TOKEN}}} is replaced"`
	// Tokens are the default values of the script's {{{TOKEN}}}s.
	Tokens map[string]string `json:"tokens,omitempty" jsonschema:"description=Default values of the script's {{{TOKEN}}}s; --token K=V overrides"`
	Volume *Volume           `json:"volume,omitempty" jsonschema:"description=An extra EBS volume (deleted with the instance)"`
	// CloudFormation is an own template's path (beside the file); empty:
	// the built-in one.
	CloudFormation string `json:"cloudformation,omitempty" jsonschema:"description=An own CloudFormation template beside the environment file; default: the built-in one"`
	// Parameters are passed to an own template.
	Parameters map[string]string `json:"parameters,omitempty" jsonschema:"description=Parameters passed to an own template (with cloudformation only)"`
	// TTL is the lease of a new instance, counted from when it is ready;
	// zero for none.
	TTL Duration `json:"ttl,omitzero" jsonschema:"description=A lease on the new instance from when it is ready (1m to 168h): it is stopped at the end"`
	DNS *DNS     `json:"dns,omitempty" jsonschema:"description=A Route 53 A record (private IP and TTL 300) kept pointing at the instance"`
	// Timeout runs from CreateStack until ready.
	Timeout Duration `json:"timeout,omitzero" jsonschema:"description=From CreateStack until ready; default 30m and at most 12h"`

	// UserDataFile and CloudFormationFile are the paths resolved against
	// the environment file's folder ("" when not given).
	UserDataFile       string `json:"-"`
	CloudFormationFile string `json:"-"`
	Pos                Pos    `json:"-"`
	// TypesPos, TokensPos and FilesPos are where those keys are (zero when absent).
	TypesPos, TokensPos Pos `json:"-"`
}

// Volume is an extra EBS volume of a launched instance.
type Volume struct {
	Size      int    `json:"size" jsonschema:"minimum=1,maximum=65536,description=Size in GiB"`
	Type      string `json:"type,omitempty" jsonschema:"enum=gp2,enum=gp3,enum=io1,enum=io2,enum=st1,enum=sc1,enum=standard,description=Volume type; default gp3"`
	Device    string `json:"device,omitempty" jsonschema:"description=Device name; default /dev/sdf"`
	Encrypted bool   `json:"encrypted,omitempty"`
	KMSKey    string `json:"kms-key,omitempty" jsonschema:"description=KMS key (an id or ARN or alias/...) that encrypts it; needs encrypted: true"`
}

// DNS is a Route 53 A record kept pointing at a launched instance.
type DNS struct {
	Zone string `json:"zone" jsonschema:"description=The hosted zone's name such as test.example.com"`
	// Name is a template of the record's name in the zone: {{.Name}}
	// (the instance's Name), {{.Env}}, {{.Template}}.
	Name string `json:"name,omitempty" jsonschema:"description=The record's name in the zone: a template of {{.Name}} {{.Env}} {{.Template}}; default {{.Name}}"`
}

// Launch defaults and limits.
const (
	DefaultLaunchTimeout = 30 * time.Minute
	// MaxLaunchTimeout is the longest CloudFormation waits for a signal.
	MaxLaunchTimeout = 12 * time.Hour
	// MaxUserDataFile is EC2's 16 KB; the built-in template's wrapper
	// takes some of it too (checked when the launch renders it).
	MaxUserDataFile = 16384
	DefaultDNSName  = "{{.Name}}"
	DefaultVolume   = "gp3"
	// MinLease and MaxLease bound every lease, a template's ttl included.
	MinLease = time.Minute
	MaxLease = 7 * 24 * time.Hour
)

var (
	subnetRe   = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	groupRe    = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
	amiRe      = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)
	typeRe     = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	labelRe    = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	zoneRe     = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.?$`)
	deviceRe   = regexp.MustCompile(`^/dev/(sd[b-z]|xvd[b-z]|nvme[0-9]+n[0-9]+)$`)
	volumeKind = []string{"gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"}
	// TemplateNameRe is a template's name, which goes into stack and instance names.
	TemplateNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,31}$`)
)

// ReservedTagPrefixes are tag keys a file may not set: AWS's own and the
// ones Cloud Control writes.
var ReservedTagPrefixes = []string{"aws:", "cloudcontrol:"}

// Template returns the named template, or nil.
func (l *Launch) Template(name string) *Template {
	if l == nil {
		return nil
	}
	for i := range l.Templates {
		if l.Templates[i].Name == name {
			return &l.Templates[i]
		}
	}
	return nil
}

// TemplateNames lists the templates' names in file order.
func (l *Launch) TemplateNames() []string {
	if l == nil {
		return nil
	}
	out := make([]string, len(l.Templates))
	for i, t := range l.Templates {
		out[i] = t.Name
	}
	return out
}

// LaunchesInto reports whether a template launches into the stage: such a
// stage may select no instance yet.
func (e *Environment) LaunchesInto(stage string) bool {
	if e == nil || e.Launch == nil {
		return false
	}
	return slices.ContainsFunc(e.Launch.Templates, func(t Template) bool { return t.Stage == stage })
}

// Stage returns the named stage, or nil.
func (e *Environment) Stage(name string) *Stage {
	for i := range e.Stages {
		if e.Stages[i].Name == name {
			return &e.Stages[i]
		}
	}
	return nil
}

// JoinTags are the tags an instance needs to join the stage: the
// environment's select tags and those of the stage's first tag selector.
func (e *Environment) JoinTags(stage string) map[string]string {
	out := maps.Clone(e.Select)
	if out == nil {
		out = map[string]string{}
	}
	if s := e.Stage(stage); s != nil {
		if i := slices.IndexFunc(s.Instances, func(sel Selector) bool { return len(sel.Tags) > 0 }); i >= 0 {
			maps.Copy(out, s.Instances[i].Tags)
		}
	}
	return out
}

// DNSName renders the record's name for an instance, as a fully qualified
// name without the final dot.
func (d *DNS) DNSName(name, envName, tmpl string) (string, error) {
	t, err := template.New("dns").Option("missingkey=error").Parse(d.Name)
	if err != nil {
		return "", fmt.Errorf("dns name %q is not a valid template: %w", d.Name, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, map[string]string{"Name": name, "Env": envName, "Template": tmpl}); err != nil {
		return "", fmt.Errorf("dns name %q: %w", d.Name, err)
	}
	label := strings.ToLower(strings.Trim(b.String(), "."))
	for _, l := range strings.Split(label, ".") {
		if !labelRe.MatchString(l) {
			return "", fmt.Errorf("dns name %q gives %q, which is not a DNS name (labels of letters, digits and -)", d.Name, label)
		}
	}
	return label + "." + strings.ToLower(strings.TrimSuffix(d.Zone, ".")), nil
}

// launch reads the launch: section; stages are the file's, for the
// stage each template joins.
func (d *decoder) launch(p pair, stages []Stage) *Launch {
	l := &Launch{Pos: d.Pos(p.Key)}
	pairs, ok := d.Mapping(p.Val, "launch")
	if !ok {
		return l
	}
	f := d.Known(pairs, "launch", "subnet", "security-groups", "key-pair", "instance-profile", "tags", "templates")
	if v, ok := f["subnet"]; ok {
		l.Subnet = d.matching(v, subnetRe, "a subnet id such as subnet-0123456789abcdef0")
	} else {
		d.Errorf(p.Key, "launch has no subnet; add subnet: (where new instances go, e.g. subnet-0123456789abcdef0)")
	}
	if v, ok := f["security-groups"]; ok {
		l.SecurityGroups = d.stringList(v, groupRe, "a security group id such as sg-0123456789abcdef0", "[sg-0123456789abcdef0]")
	} else {
		d.Errorf(p.Key, "launch has no security-groups; add security-groups: [sg-...] (of the subnet's VPC)")
	}
	if v, ok := f["key-pair"]; ok {
		l.KeyPair = d.nonEmpty(v)
	}
	if v, ok := f["instance-profile"]; ok {
		l.InstanceProfile = d.nonEmpty(v)
	}
	if v, ok := f["tags"]; ok {
		l.Tags, _ = d.StringMap(v)
		d.ownTags(v)
	}
	v, ok := f["templates"]
	if !ok {
		d.Errorf(p.Key, "launch has no templates; add templates: with at least one {name, stage, ami, types}")
		return l
	}
	items, good := d.List(v, "[{name: api, stage: api, ami: ami-0123456789abcdef0, types: [t3.small]}]")
	if !good {
		return l
	}
	if len(items) == 0 {
		d.Errorf(v.Val, "templates is an empty list; give at least one template")
	}
	first := map[string]int{}
	for i, n := range items {
		t, nameNode := d.template(n, i+1, l, stages)
		if nameNode != nil {
			if line, dup := first[t.Name]; dup {
				d.Errorf(nameNode, "duplicate template name %q (first at line %d)", t.Name, line)
			} else {
				first[t.Name] = nameNode.Line
			}
		}
		l.Templates = append(l.Templates, t)
	}
	return l
}

func (d *decoder) template(n *yaml.Node, index int, l *Launch, stages []Stage) (Template, *yaml.Node) {
	t := Template{Pos: d.Pos(n), Timeout: Duration(DefaultLaunchTimeout)}
	where := fmt.Sprintf("template %d", index)
	pairs, ok := d.Mapping(n, where)
	if !ok {
		return t, nil
	}
	for _, p := range pairs {
		if v := yamlpos.Deref(p.Val); p.Name == "name" && v != nil && v.Kind == yaml.ScalarNode && v.Value != "" {
			where = fmt.Sprintf("template %q", v.Value)
		}
	}
	f := d.Known(pairs, where, "name", "description", "stage", "ami", "types", "user-data", "tokens", "volume",
		"cloudformation", "parameters", "ttl", "dns", "timeout")
	var nameNode *yaml.Node
	if v, ok := f["name"]; ok {
		if s, good := d.Str(v); good {
			if TemplateNameRe.MatchString(s) {
				t.Name, nameNode = s, v.Val
			} else {
				d.Errorf(v.Val, "template name %q must start with a letter and hold only letters, digits and - (at most 32; it names stacks and instances)", s)
			}
		}
	} else {
		d.Errorf(n, "%s has no name; add name:", where)
	}
	if v, ok := f["description"]; ok {
		t.Description, _ = d.Str(v)
	}
	d.templateStage(f, n, where, &t, stages)
	if v, ok := f["ami"]; ok {
		if s, good := d.Str(v); good {
			if param, alias := strings.CutPrefix(s, "resolve:ssm:"); alias && strings.HasPrefix(param, "/") || amiRe.MatchString(s) {
				t.AMI = s
			} else {
				d.Errorf(v.Val, "ami %q must be an AMI id (ami-0123456789abcdef0) or resolve:ssm:/PARAMETER (an SSM parameter holding one)", s)
			}
		}
	} else {
		d.Errorf(n, "%s has no ami; add ami: (an AMI id or resolve:ssm:/aws/service/...)", where)
	}
	if v, ok := f["types"]; ok {
		t.TypesPos = d.Pos(v.Val)
		t.Types = d.stringList(v, typeRe, "an instance type such as t3.small", "[t3.small, t3.medium]")
	} else {
		d.Errorf(n, "%s has no types; add types: [t3.small] (the first is the default)", where)
	}
	if v, ok := f["tokens"]; ok {
		t.TokensPos = d.Pos(v.Val)
		t.Tokens = d.tokens(v)
	}
	if v, ok := f["volume"]; ok {
		t.Volume = d.volume(v)
	}
	if v, ok := f["parameters"]; ok {
		t.Parameters, _ = d.StringMap(v)
		if _, own := f["cloudformation"]; !own {
			d.Errorf(v.Key, "parameters are passed to an own template; %s has no cloudformation:, so remove parameters or add one", where)
		}
	}
	if v, ok := f["ttl"]; ok {
		if ttl, good := d.duration(v, false); good {
			switch {
			case ttl.D() < MinLease:
				d.Errorf(v.Val, "ttl %s is shorter than a lease can be (a minute)", ttl)
			case ttl.D() > MaxLease:
				d.Errorf(v.Val, "ttl %s is longer than a lease can be (7 days, 168h)", ttl)
			default:
				t.TTL = ttl
			}
		}
	}
	if v, ok := f["dns"]; ok {
		t.DNS = d.dns(v)
	}
	if v, ok := f["timeout"]; ok {
		if to, good := d.duration(v, false); good {
			if to.D() > MaxLaunchTimeout {
				d.Errorf(v.Val, "timeout %s is longer than CloudFormation waits for a signal (%s)", to, MaxLaunchTimeout)
			} else {
				t.Timeout = to
			}
		}
	}
	d.templateFiles(f, &t, l, where)
	return t, nameNode
}

// templateStage reads stage: it must name a stage with a tags selector, so
// that the new instance, given those tags, really joins it.
func (d *decoder) templateStage(f map[string]pair, n *yaml.Node, where string, t *Template, stages []Stage) {
	v, ok := f["stage"]
	if !ok {
		d.Errorf(n, "%s has no stage; add stage: (the stage the new instance joins)", where)
		return
	}
	s, good := d.Str(v)
	if !good {
		return
	}
	names := make([]string, 0, len(stages))
	for _, st := range stages {
		names = append(names, st.Name)
	}
	i := slices.IndexFunc(stages, func(st Stage) bool { return st.Name == s })
	switch {
	case i < 0:
		msg := fmt.Sprintf("%s launches into stage %q, which is not a stage", where, s)
		if c := yamlpos.Closest(s, names); c != "" {
			msg += fmt.Sprintf("; did you mean %q?", c)
		}
		d.Errorf(v.Val, "%s (stages: %s)", msg, strings.Join(names, ", "))
	case !slices.ContainsFunc(stages[i].Instances, func(sel Selector) bool { return len(sel.Tags) > 0 }):
		d.Errorf(v.Val, "%s launches into stage %q, which has no tags selector: a new instance only joins a stage through its tags; add {tags: {...}} to the stage's instances", where, s)
	default:
		t.Stage = s
	}
}

func (d *decoder) volume(p pair) *Volume {
	v := &Volume{Type: DefaultVolume}
	pairs, ok := d.Mapping(p.Val, "volume")
	if !ok {
		return v
	}
	f := d.Known(pairs, "volume", "size", "type", "device", "encrypted", "kms-key")
	if s, ok := f["size"]; ok {
		if n, good := d.Int(s.Val, "volume size"); good {
			if n < 1 || n > 65536 {
				d.Errorf(s.Val, "volume size %d GiB is out of range; EBS volumes are 1 to 65536 GiB", n)
			} else {
				v.Size = n
			}
		}
	} else {
		d.Errorf(p.Key, "volume has no size; add size: (in GiB)")
	}
	if s, ok := f["type"]; ok {
		if kind, good := d.Str(s); good {
			if slices.Contains(volumeKind, kind) {
				v.Type = kind
			} else {
				d.Errorf(s.Val, "volume type %q is not an EBS type (%s)", kind, strings.Join(volumeKind, ", "))
			}
		}
	}
	if s, ok := f["device"]; ok {
		v.Device = d.matching(s, deviceRe, "a device name such as /dev/sdf")
	}
	if s, ok := f["encrypted"]; ok {
		v.Encrypted, _ = d.Bool(s)
	}
	if s, ok := f["kms-key"]; ok {
		v.KMSKey = d.nonEmpty(s)
		if !v.Encrypted {
			d.Errorf(s.Key, "kms-key encrypts the volume, but it is not encrypted; add encrypted: true")
		}
	}
	return v
}

func (d *decoder) dns(p pair) *DNS {
	out := &DNS{Name: DefaultDNSName}
	pairs, ok := d.Mapping(p.Val, "dns")
	if !ok {
		return out
	}
	f := d.Known(pairs, "dns", "zone", "name")
	if z, ok := f["zone"]; ok {
		out.Zone = d.matching(z, zoneRe, "a hosted zone's name such as test.example.com")
	} else {
		d.Errorf(p.Key, "dns has no zone; add zone: (a Route 53 hosted zone's name, e.g. test.example.com)")
	}
	if n, ok := f["name"]; ok {
		if s, good := d.Str(n); good {
			out.Name = s
			if _, err := (&DNS{Zone: "example.com", Name: s}).DNSName("api-1", "env", "api"); err != nil {
				d.Errorf(n.Val, "%v; use {{.Name}}, {{.Env}} and {{.Template}}", err)
			}
		}
	}
	return out
}

// ownTags refuses tag keys Cloud Control or AWS own, and Name (set per instance).
func (d *decoder) ownTags(p pair) {
	for _, kv := range mustPairs(d, p) {
		k := kv.Name
		switch {
		case slices.ContainsFunc(ReservedTagPrefixes, func(pre string) bool { return strings.HasPrefix(strings.ToLower(k), pre) }):
			d.Errorf(kv.Key, "tag %q is reserved: AWS and Cloud Control set the %s tags themselves", k, strings.Join(ReservedTagPrefixes, " and "))
		case k == "Name":
			d.Errorf(kv.Key, "tag Name is the instance's name, set per launch (cloudcontrol launch --name); remove it here")
		}
	}
}

// joinConflicts refuses launch tags that would keep a new instance out of
// its stage: a value other than the select's or the stage selector's.
func (d *decoder) joinConflicts(e *Environment, tagsKey *yaml.Node) {
	l := e.Launch
	if l == nil || len(l.Tags) == 0 {
		return
	}
	for _, t := range l.Templates {
		if t.Stage == "" {
			continue
		}
		join := e.JoinTags(t.Stage)
		for _, k := range slices.Sorted(maps.Keys(l.Tags)) {
			if want, ok := join[k]; ok && want != l.Tags[k] {
				d.Errorf(tagsKey, "launch tag %s=%s would keep instances of template %q out of stage %q, which needs %s=%s; remove it or make it %s",
					k, l.Tags[k], t.Name, t.Stage, k, want, want)
			}
		}
	}
}

// matching reads a text value that must match re; what describes it.
func (d *decoder) matching(p pair, re *regexp.Regexp, what string) string {
	s, good := d.Str(p)
	if !good {
		return ""
	}
	if !re.MatchString(s) {
		d.Errorf(p.Val, "%s %q must be %s", p.Name, s, what)
		return ""
	}
	return s
}

func (d *decoder) nonEmpty(p pair) string {
	s, good := d.Str(p)
	if good && strings.TrimSpace(s) == "" {
		d.Errorf(p.Val, "%s is empty; remove it or give a value", p.Name)
		return ""
	}
	return s
}

// stringList reads a list of distinct text values matching re.
func (d *decoder) stringList(p pair, re *regexp.Regexp, what, example string) []string {
	items, ok := d.List(p, example)
	if !ok {
		return nil
	}
	if len(items) == 0 {
		d.Errorf(p.Val, "%s is an empty list; give at least one, e.g. %s", p.Name, example)
	}
	var out []string
	for _, n := range items {
		v := yamlpos.Deref(n)
		switch {
		case v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str":
			d.Errorf(n, "%s lists text values, not %s", p.Name, yamlpos.Describe(v))
		case !re.MatchString(v.Value):
			d.Errorf(n, "%q in %s must be %s", v.Value, p.Name, what)
		case slices.Contains(out, v.Value):
			d.Errorf(n, "%s lists %q twice", p.Name, v.Value)
		default:
			out = append(out, v.Value)
		}
	}
	return out
}

// mustPairs is the key: value pairs of a mapping already read (and reported) once.
func mustPairs(d *decoder, p pair) []pair {
	quiet := &decoder{yamlpos.Decoder{File: d.File}}
	pairs, _ := quiet.Mapping(p.Val, p.Name)
	return pairs
}

// launchSection reads launch: once the stages are known.
func (d *decoder) launchSection(e *Environment, p pair) *Launch {
	e.Launch = d.launch(p, e.Stages)
	if l := e.Launch; l != nil {
		for _, kv := range mustPairs(d, p) {
			if kv.Name == "tags" {
				d.joinConflicts(e, kv.Key)
			}
		}
	}
	return e.Launch
}

// tokens reads the default token values.
func (d *decoder) tokens(p pair) map[string]string {
	pairs, ok := d.Mapping(p.Val, "tokens")
	if !ok {
		return nil
	}
	out := make(map[string]string, len(pairs))
	for _, kv := range pairs {
		if !tokenNameRe.MatchString(kv.Name) {
			d.Errorf(kv.Key, "token name %q may hold only letters, digits, _, . and - (written {{{NAME}}} in the script)", kv.Name)
			continue
		}
		name := kv.Name
		kv.Name = "token " + name
		if v, good := d.Str(kv); good {
			out[name] = v
		}
	}
	return out
}
