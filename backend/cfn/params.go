package cfn

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Checker answers for AWS-specific parameter types: whether a value of
// such a type exists (a key pair, an image, a subnet, ...) and what an SSM
// parameter holds.
type Checker interface {
	// Exists reports whether value exists for an AWS-specific type such as
	// AWS::EC2::KeyPair::KeyName.
	Exists(typ, value string) bool
	// SSM returns the value of an SSM parameter.
	SSM(name string) (string, bool)
}

// StackParameter is one parameter as DescribeStacks shows it: NoEcho
// values as ****, SSM-typed ones with the value they resolved to.
type StackParameter struct {
	Key, Value, Resolved string
}

// ResolveParameters checks the given values (and defaults) against the
// template's parameters with CloudFormation's rules and messages, and
// returns the values Ref sees and the parameters as DescribeStacks shows them.
func (t *Template) ResolveParameters(given map[string]string, check Checker) (map[string]any, []StackParameter, error) {
	var unknown []string
	for k := range given {
		if _, ok := t.Parameter(k); !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		if len(t.Parameters) == 0 {
			return nil, nil, errf("Parameter values specified for a template which does not require them.")
		}
		return nil, nil, errf("Parameters: [%s] do not exist in the template", strings.Join(unknown, ", "))
	}
	var missing []string
	for _, p := range t.Parameters {
		if _, ok := given[p.Name]; !ok && !p.HasDefault {
			missing = append(missing, p.Name)
		}
	}
	if len(missing) > 0 {
		return nil, nil, errf("Parameters: [%s] must have values", strings.Join(missing, ", "))
	}
	values := map[string]any{}
	var shown []StackParameter
	for _, p := range t.Parameters {
		raw, ok := given[p.Name]
		if !ok {
			raw = p.Default
		}
		sp := StackParameter{Key: p.Name, Value: raw}
		typ := p.Type
		if inner, ok := strings.CutPrefix(typ, "AWS::SSM::Parameter::Value<"); ok {
			v, found := check.SSM(raw)
			if !found {
				return nil, nil, errf("Unable to fetch parameters [%s] from parameter store for this account.", raw)
			}
			raw, sp.Resolved, typ = v, v, strings.TrimSuffix(inner, ">")
		}
		v, err := p.value(typ, raw, check)
		if err != nil {
			return nil, nil, err
		}
		if p.NoEcho {
			sp.Value = "****"
		}
		values[p.Name] = v
		shown = append(shown, sp)
	}
	return values, shown, nil
}

// value checks one raw value of type typ and returns it as Ref sees it.
func (p Parameter) value(typ, raw string, check Checker) (any, error) {
	elem, isList := strings.CutPrefix(typ, "List<")
	elem = strings.TrimSuffix(elem, ">")
	if typ == "CommaDelimitedList" || typ == "List<String>" {
		isList, elem = true, "String"
	}
	items := []string{raw}
	if isList {
		items = strings.Split(raw, ",")
		if raw == "" {
			items = []string{}
		}
	}
	for i := range items {
		if isList {
			items[i] = strings.TrimSpace(items[i])
		}
		if err := p.checkOne(elem, items[i], check); err != nil {
			return nil, err
		}
	}
	if err := p.constraints(raw); err != nil {
		return nil, err
	}
	if !isList {
		return raw, nil
	}
	out := make([]any, len(items))
	for i, s := range items {
		out[i] = s
	}
	return out, nil
}

func (p Parameter) checkOne(typ, v string, check Checker) error {
	switch {
	case typ == "Number":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return errf("Parameter '%s' must be a number", p.Name)
		}
	case strings.HasPrefix(typ, "AWS::") && typ != "AWS::SSM::Parameter::Name":
		if check == nil || !check.Exists(typ, v) {
			return errf("Parameter validation failed: parameter value %s for parameter name %s does not exist.", v, p.Name)
		}
	}
	return nil
}

func (p Parameter) constraints(v string) error {
	if len(p.AllowedValues) > 0 && !slices.Contains(p.AllowedValues, v) {
		return p.failed("Parameter '%s' must be one of AllowedValues", p.Name)
	}
	if p.AllowedPattern != "" {
		re, err := regexp.Compile("^(?:" + p.AllowedPattern + ")$")
		if err != nil {
			return errf("Template format error: the AllowedPattern of parameter %s is not a regular expression the sandbox reads: %v", p.Name, err)
		}
		if !re.MatchString(v) {
			return p.failed("Parameter '%s' must match pattern %s", p.Name, p.AllowedPattern)
		}
	}
	if p.MinLength != nil && len(v) < *p.MinLength {
		return p.failed("Parameter '%s' must contain at least %d characters", p.Name, *p.MinLength)
	}
	if p.MaxLength != nil && len(v) > *p.MaxLength {
		return p.failed("Parameter '%s' must contain at most %d characters", p.Name, *p.MaxLength)
	}
	if p.MinValue != nil || p.MaxValue != nil {
		n, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil:
			return errf("Parameter '%s' must be a number", p.Name)
		case p.MinValue != nil && n < *p.MinValue:
			return p.failed("Parameter '%s' must be a number not less than %g", p.Name, *p.MinValue)
		case p.MaxValue != nil && n > *p.MaxValue:
			return p.failed("Parameter '%s' must be a number not greater than %g", p.Name, *p.MaxValue)
		}
	}
	return nil
}

// failed words a constraint failure: the template's ConstraintDescription
// when it has one, as CloudFormation does.
func (p Parameter) failed(format string, args ...any) error {
	if p.ConstraintDescription != "" {
		return errf("Parameter %s failed to satisfy constraint: %s", p.Name, p.ConstraintDescription)
	}
	return errf(format, args...)
}
