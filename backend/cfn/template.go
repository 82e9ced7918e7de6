package cfn

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxBody is the longest TemplateBody CreateStack and ValidateTemplate take.
const MaxBody = 51200

// Template is a parsed, statically checked template.
type Template struct {
	Description string
	Parameters  []Parameter
	Mappings    *Map
	Conditions  *Map
	Resources   []Resource
	Outputs     []Output
}

// Parameter is one entry of Parameters.
type Parameter struct {
	Name, Type, Description string
	Default                 string
	HasDefault              bool
	AllowedValues           []string
	AllowedPattern          string
	ConstraintDescription   string
	NoEcho                  bool
	MinLength, MaxLength    *int
	MinValue, MaxValue      *float64
}

// Resource is one entry of Resources.
type Resource struct {
	Name, Type     string
	Properties     *Map
	DependsOn      []string
	Condition      string
	DeletionPolicy string
	// Signal is the CreationPolicy's ResourceSignal, nil without one.
	Signal *ResourceSignal
}

// ResourceSignal is how many signals a resource waits for, and how long.
type ResourceSignal struct {
	Count   int
	Timeout time.Duration
}

// Output is one entry of Outputs.
type Output struct {
	Name, Description, Condition string
	Value, Export                any
}

// Resource returns the resource named name.
func (t *Template) Resource(name string) (Resource, bool) {
	i := slices.IndexFunc(t.Resources, func(r Resource) bool { return r.Name == name })
	if i < 0 {
		return Resource{}, false
	}
	return t.Resources[i], true
}

// Parameter returns the parameter named name.
func (t *Template) Parameter(name string) (Parameter, bool) {
	i := slices.IndexFunc(t.Parameters, func(p Parameter) bool { return p.Name == name })
	if i < 0 {
		return Parameter{}, false
	}
	return t.Parameters[i], true
}

var (
	logicalIDRe = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	sections    = []string{"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings",
		"Conditions", "Transform", "Resources", "Outputs"}
	resourceKeys  = []string{"Type", "Properties", "DependsOn", "Condition", "CreationPolicy", "DeletionPolicy", "UpdatePolicy", "UpdateReplacePolicy", "Metadata"}
	parameterKeys = []string{"Type", "Default", "Description", "AllowedValues", "AllowedPattern", "MaxLength", "MinLength",
		"MaxValue", "MinValue", "NoEcho", "ConstraintDescription"}
	// ParameterTypes are the parameter types CloudFormation knows, besides
	// AWS::SSM::Parameter::Value<...> of any of them.
	ParameterTypes = []string{"String", "Number", "List<Number>", "CommaDelimitedList",
		"AWS::EC2::AvailabilityZone::Name", "AWS::EC2::Image::Id", "AWS::EC2::Instance::Id", "AWS::EC2::KeyPair::KeyName",
		"AWS::EC2::SecurityGroup::GroupName", "AWS::EC2::SecurityGroup::Id", "AWS::EC2::Subnet::Id", "AWS::EC2::Volume::Id",
		"AWS::EC2::VPC::Id", "AWS::Route53::HostedZone::Id", "AWS::SSM::Parameter::Name"}
)

// Parse reads and statically checks a template body: its sections, every
// intrinsic function, every reference, and that resources make no cycle.
func Parse(body []byte) (*Template, error) {
	if len(body) > MaxBody {
		return nil, errf("1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to %d", MaxBody)
	}
	raw, err := decode(body)
	if err != nil {
		return nil, err
	}
	top, ok := raw.(*Map)
	if !ok {
		return nil, errf("Template format error: a template must be a mapping of sections (Resources, Parameters, ...)")
	}
	var bad []string
	for _, k := range top.Keys {
		if !slices.Contains(sections, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		return nil, errf("Template format error: Invalid template property or properties [%s]", strings.Join(bad, ", "))
	}
	if v, ok := top.Get("AWSTemplateFormatVersion"); ok && v != "2010-09-09" {
		return nil, errf("Template format error: Unsupported AWSTemplateFormatVersion %v: the only version is 2010-09-09", v)
	}
	if _, ok := top.Get("Transform"); ok {
		return nil, errf("Template format error: the sandbox does not expand Transform (macros such as AWS::Serverless); write the template out")
	}
	if _, ok := top.Get("Rules"); ok {
		return nil, errf("Template format error: the sandbox does not check Rules; remove them to run the template here")
	}
	t := &Template{}
	if v, ok := top.Get("Description"); ok {
		s, isStr := v.(string)
		if !isStr {
			return nil, errf("Template format error: Every Description member must be a string")
		}
		if len(s) > 1024 {
			return nil, errf("Template format error: the Description is %d characters; at most 1024", len(s))
		}
		t.Description = s
	}
	if t.Mappings, err = section(top, "Mappings"); err != nil {
		return nil, err
	}
	if t.Conditions, err = section(top, "Conditions"); err != nil {
		return nil, err
	}
	if err := t.readParameters(top); err != nil {
		return nil, err
	}
	if err := t.readResources(top); err != nil {
		return nil, err
	}
	if err := t.readOutputs(top); err != nil {
		return nil, err
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	return t, nil
}

func section(top *Map, name string) (*Map, error) {
	v, ok := top.Get(name)
	if !ok || v == nil {
		return &Map{Vals: map[string]any{}}, nil
	}
	m, isMap := v.(*Map)
	if !isMap {
		return nil, errf("Template format error: %s must be a mapping", name)
	}
	return m, nil
}

func (t *Template) readParameters(top *Map) error {
	params, err := section(top, "Parameters")
	if err != nil {
		return err
	}
	if params.Len() > 200 {
		return errf("Template format error: Parameter count %d is greater than max allowed 200", params.Len())
	}
	for _, name := range params.Keys {
		m, ok := params.Vals[name].(*Map)
		if !ok {
			return errf("Template format error: Every Parameters object must be a mapping (parameter %s)", name)
		}
		if !logicalIDRe.MatchString(name) {
			return errf("Template format error: Parameter name %s is non alphanumeric.", name)
		}
		for _, k := range m.Keys {
			if !slices.Contains(parameterKeys, k) {
				return errf("Template format error: Invalid template parameter property '%s'", k)
			}
		}
		p := Parameter{Name: name}
		typ, _ := m.Get("Type")
		if p.Type, ok = typ.(string); !ok || p.Type == "" {
			return errf("Template format error: Every Parameters object must contain a Type member.")
		}
		if !knownParameterType(p.Type) {
			return errf("Template format error: Unrecognized parameter type: %s", p.Type)
		}
		if v, ok := m.Get("Default"); ok {
			p.Default, p.HasDefault = Text(v), true
		}
		p.Description = str(m, "Description")
		p.AllowedPattern = str(m, "AllowedPattern")
		p.ConstraintDescription = str(m, "ConstraintDescription")
		p.NoEcho = str(m, "NoEcho") == "true"
		if v, ok := m.Get("AllowedValues"); ok {
			list, isList := v.([]any)
			if !isList {
				return errf("Template format error: AllowedValues of parameter %s must be a list", name)
			}
			for _, a := range list {
				p.AllowedValues = append(p.AllowedValues, Text(a))
			}
		}
		for key, dst := range map[string]**int{"MinLength": &p.MinLength, "MaxLength": &p.MaxLength} {
			if v, ok := m.Get(key); ok {
				n, err := strconv.Atoi(Text(v))
				if err != nil {
					return errf("Template format error: %s of parameter %s must be a whole number", key, name)
				}
				*dst = &n
			}
		}
		for key, dst := range map[string]**float64{"MinValue": &p.MinValue, "MaxValue": &p.MaxValue} {
			if v, ok := m.Get(key); ok {
				n, err := strconv.ParseFloat(Text(v), 64)
				if err != nil {
					return errf("Template format error: %s of parameter %s must be a number", key, name)
				}
				*dst = &n
			}
		}
		t.Parameters = append(t.Parameters, p)
	}
	return nil
}

func knownParameterType(typ string) bool {
	inner := typ
	if s, ok := strings.CutPrefix(typ, "AWS::SSM::Parameter::Value<"); ok && strings.HasSuffix(s, ">") {
		inner = strings.TrimSuffix(s, ">")
		if inner == "String" || inner == "List<String>" || inner == "CommaDelimitedList" {
			return true
		}
	}
	if s, ok := strings.CutPrefix(inner, "List<"); ok && strings.HasSuffix(s, ">") && strings.HasPrefix(s, "AWS::") {
		inner = strings.TrimSuffix(s, ">")
	}
	return slices.Contains(ParameterTypes, inner)
}

func (t *Template) readResources(top *Map) error {
	res, err := section(top, "Resources")
	if err != nil {
		return err
	}
	if res.Len() == 0 {
		return errf("Template format error: At least one Resources member must be defined.")
	}
	if res.Len() > 500 {
		return errf("Template format error: Number of resources, %d, is greater than the maximum allowed, 500", res.Len())
	}
	for _, name := range res.Keys {
		if !logicalIDRe.MatchString(name) {
			return errf("Template format error: Resource name %s is non alphanumeric.", name)
		}
		if _, clash := t.Parameter(name); clash {
			return errf("Template format error: %s is both a parameter and a resource; logical ids must be unique", name)
		}
		m, ok := res.Vals[name].(*Map)
		if !ok {
			return errf("Template format error: [/Resources/%s] Every Resources object must be a mapping", name)
		}
		for _, k := range m.Keys {
			if !slices.Contains(resourceKeys, k) {
				return errf("Template format error: Unrecognized resource attribute %s in resource %s", k, name)
			}
		}
		r := Resource{Name: name}
		if r.Type, ok = m.Vals["Type"].(string); !ok || r.Type == "" {
			return errf("Template format error: [/Resources/%s] Every Resources object must contain a Type member.", name)
		}
		if v, ok := m.Get("Properties"); ok && v != nil {
			if r.Properties, ok = v.(*Map); !ok {
				return errf("Template format error: [/Resources/%s/Properties] Properties must be a mapping", name)
			}
		}
		if r.Properties == nil {
			r.Properties = &Map{Vals: map[string]any{}}
		}
		switch d := m.Vals["DependsOn"].(type) {
		case nil:
		case string:
			r.DependsOn = []string{d}
		case []any:
			for _, x := range d {
				s, ok := x.(string)
				if !ok {
					return errf("Template format error: DependsOn of resource %s must list resource names", name)
				}
				r.DependsOn = append(r.DependsOn, s)
			}
		default:
			return errf("Template format error: DependsOn of resource %s must be a resource name or a list of them", name)
		}
		if c, ok := m.Get("Condition"); ok {
			if r.Condition, ok = c.(string); !ok {
				return errf("Template format error: Condition of resource %s must be a condition name", name)
			}
		}
		r.DeletionPolicy = str(m, "DeletionPolicy")
		if !slices.Contains([]string{"", "Delete", "Retain", "RetainExceptOnCreate", "Snapshot"}, r.DeletionPolicy) {
			return errf("Template format error: Unrecognized DeletionPolicy %s for resource %s", r.DeletionPolicy, name)
		}
		if err := r.readCreationPolicy(m); err != nil {
			return err
		}
		t.Resources = append(t.Resources, r)
	}
	return nil
}

func (r *Resource) readCreationPolicy(m *Map) error {
	v, ok := m.Get("CreationPolicy")
	if !ok {
		return nil
	}
	cp, ok := v.(*Map)
	if !ok {
		return errf("Template format error: CreationPolicy of resource %s must be a mapping", r.Name)
	}
	sig, ok := cp.Get("ResourceSignal")
	if !ok {
		return nil
	}
	sm, ok := sig.(*Map)
	if !ok {
		return errf("Template format error: ResourceSignal of resource %s must be a mapping", r.Name)
	}
	r.Signal = &ResourceSignal{Count: 1, Timeout: time.Hour}
	if c, ok := sm.Get("Count"); ok {
		n, err := strconv.Atoi(Text(c))
		if err != nil || n < 1 {
			return errf("Template format error: Count of the ResourceSignal of resource %s must be a positive whole number", r.Name)
		}
		r.Signal.Count = n
	}
	if to, ok := sm.Get("Timeout"); ok {
		d, err := ISO8601(Text(to))
		if err != nil || d > 12*time.Hour {
			return errf("Template format error: Timeout of the ResourceSignal of resource %s must be an ISO 8601 duration up to PT12H, such as PT30M", r.Name)
		}
		r.Signal.Timeout = d
	}
	return nil
}

var isoRe = regexp.MustCompile(`^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$`)

// ISO8601 reads a duration such as PT1H30M or PT45S.
func ISO8601(s string) (time.Duration, error) {
	m := isoRe.FindStringSubmatch(s)
	if m == nil || s == "PT" {
		return 0, fmt.Errorf("%q is not an ISO 8601 duration such as PT30M", s)
	}
	var d time.Duration
	for i, unit := range []time.Duration{time.Hour, time.Minute, time.Second} {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * unit
		}
	}
	return d, nil
}

func (t *Template) readOutputs(top *Map) error {
	outs, err := section(top, "Outputs")
	if err != nil {
		return err
	}
	if outs.Len() > 200 {
		return errf("Template format error: Output count %d is greater than max allowed 200", outs.Len())
	}
	for _, name := range outs.Keys {
		m, ok := outs.Vals[name].(*Map)
		if !ok || !logicalIDRe.MatchString(name) {
			return errf("Template format error: Output %s must be a mapping with an alphanumeric name", name)
		}
		o := Output{Name: name, Description: str(m, "Description"), Condition: str(m, "Condition")}
		if o.Value, ok = m.Get("Value"); !ok {
			return errf("Template format error: Every Outputs member must contain a Value object")
		}
		if ex, ok := m.Get("Export"); ok {
			em, isMap := ex.(*Map)
			if !isMap {
				return errf("Template format error: Export of output %s must be a mapping with a Name", name)
			}
			o.Export, _ = em.Get("Name")
		}
		t.Outputs = append(t.Outputs, o)
	}
	return nil
}

func str(m *Map, k string) string {
	v, _ := m.Get(k)
	return Text(v)
}

// Text is a scalar value as text ("" for nil and non-scalars): numbers are
// kept as written, booleans read true or false.
func Text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}
