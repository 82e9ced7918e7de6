package cfn

import (
	"slices"
	"strings"
)

// Pseudo parameters every template may Ref.
var Pseudo = []string{"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
	"AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}

// Functions are the intrinsic functions this package evaluates.
var Functions = []string{"Fn::Base64", "Fn::Equals", "Fn::FindInMap", "Fn::GetAZs", "Fn::GetAtt", "Fn::If",
	"Fn::Join", "Fn::And", "Fn::Not", "Fn::Or", "Fn::Select", "Fn::Split", "Fn::Sub", "Ref"}

// unsupported are CloudFormation's own functions that the sandbox does not
// evaluate: a template using one is refused, never half run.
var unsupported = []string{"Fn::Cidr", "Fn::ImportValue", "Fn::Transform", "Fn::Length", "Fn::ToJsonString",
	"Fn::ForEach", "Fn::Contains", "Fn::EachMemberEquals", "Fn::EachMemberIn", "Fn::RefAll", "Fn::ValueOf",
	"Fn::ValueOfAll", "Fn::GetStackOutput"}

// conditionFns may only appear in Conditions (and as Fn::If's first
// argument, which names a condition).
var conditionFns = []string{"Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition"}

// Types describes the resource types a runner supports: each type's
// Fn::GetAtt attributes. With it, Check refuses other types and attributes.
type Types map[string][]string

// intrinsic returns the function and argument of a one-key map whose key
// names a function (Ref, Fn::*, and Condition where allowed).
func intrinsic(v any, conditions bool) (fn string, arg any, ok bool) {
	m, isMap := v.(*Map)
	if !isMap || m.Len() != 1 {
		return "", nil, false
	}
	k := m.Keys[0]
	if k == "Ref" || strings.HasPrefix(k, "Fn::") || conditions && k == "Condition" {
		return k, m.Vals[k], true
	}
	return "", nil, false
}

// checker walks a template once, checking functions and references.
type checker struct {
	t     *Template
	types Types
}

// Check refuses what a runner with these types cannot do: other resource
// types, unknown Fn::GetAtt attributes. Parse has checked the rest.
func (t *Template) Check(types Types) error {
	var bad []string
	for _, r := range t.Resources {
		if _, ok := types[r.Type]; !ok && !slices.Contains(bad, r.Type) {
			bad = append(bad, r.Type)
		}
	}
	if len(bad) > 0 {
		supported := make([]string, 0, len(types))
		for k := range types {
			supported = append(supported, k)
		}
		slices.Sort(supported)
		return errf("Template format error: Unrecognized resource types: [%s] (the sandbox runs %s)", strings.Join(bad, ", "), strings.Join(supported, ", "))
	}
	c := &checker{t: t, types: types}
	for _, r := range t.Resources {
		if err := c.walk(r.Properties, false); err != nil {
			return err
		}
	}
	for _, o := range t.Outputs {
		if err := c.walk(o.Value, false); err != nil {
			return err
		}
	}
	return nil
}

// check is Parse's static pass: functions, references, conditions, cycles.
func (t *Template) check() error {
	c := &checker{t: t}
	for _, name := range t.Conditions.Keys {
		if err := c.walk(t.Conditions.Vals[name], true); err != nil {
			return err
		}
	}
	for _, r := range t.Resources {
		if err := c.walk(r.Properties, false); err != nil {
			return err
		}
		if r.Condition != "" && !c.hasCondition(r.Condition) {
			return errf("Template format error: Unresolved dependencies [%s]. Cannot find the condition of resource %s in the Conditions block of the template", r.Condition, r.Name)
		}
		for _, d := range r.DependsOn {
			if _, ok := t.Resource(d); !ok {
				return errf("Template format error: Unresolved resource dependencies [%s] in the Resources block of the template", d)
			}
		}
	}
	for _, o := range t.Outputs {
		if err := c.walk(o.Value, false); err != nil {
			return err
		}
		if err := c.walk(o.Export, false); err != nil {
			return err
		}
		if o.Condition != "" && !c.hasCondition(o.Condition) {
			return errf("Template format error: Unresolved dependencies [%s]. Cannot find the condition of output %s in the Conditions block of the template", o.Condition, o.Name)
		}
	}
	_, _, err := t.Graph(nil)
	return err
}

func (c *checker) hasCondition(name string) bool {
	_, ok := c.t.Conditions.Get(name)
	return ok
}

func (c *checker) walk(v any, conditions bool) error {
	if fn, arg, ok := intrinsic(v, conditions); ok {
		if err := c.function(fn, arg, conditions); err != nil {
			return err
		}
		if fn == "Fn::If" || fn == "Fn::Sub" || fn == "Fn::GetAtt" || fn == "Ref" || fn == "Condition" {
			return nil // their arguments were checked by function
		}
		return c.walk(arg, conditions || fn == "Fn::And" || fn == "Fn::Or" || fn == "Fn::Not")
	}
	switch x := v.(type) {
	case *Map:
		for _, k := range x.Keys {
			if err := c.walk(x.Vals[k], conditions); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := c.walk(e, conditions); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *checker) function(fn string, arg any, conditions bool) error {
	switch {
	case slices.Contains(unsupported, fn):
		return errf("Template error: the sandbox does not evaluate %s; the template cannot run here", fn)
	case !slices.Contains(Functions, fn) && fn != "Condition":
		return errf("Template error: Encountered unsupported function: %s Supported functions are: [%s]", fn, strings.Join(Functions, ", "))
	case slices.Contains(conditionFns, fn) && !conditions:
		return errf("Template error: %s may only be used in the Conditions block (and Fn::If names a condition)", fn)
	}
	switch fn {
	case "Ref":
		name, ok := arg.(string)
		if !ok {
			return errf("Template error: every Ref object must have a single String value.")
		}
		return c.ref(name, conditions)
	case "Condition":
		name, _ := arg.(string)
		if !c.hasCondition(name) {
			return errf("Template error: unresolved condition dependency %s in Fn::And, Fn::Or, Fn::Not or Condition", name)
		}
	case "Fn::GetAtt":
		res, attr, ok := getAttArgs(arg)
		if !ok {
			return errf("Template error: every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute")
		}
		return c.getAtt(res, attr)
	case "Fn::If":
		list, ok := arg.([]any)
		if !ok || len(list) != 3 {
			return errf("Template error: Fn::If requires a list argument with three elements")
		}
		name, _ := list[0].(string)
		if !c.hasCondition(name) {
			return errf("Template error: unresolved condition dependency %s in Fn::If", name)
		}
		for _, branch := range list[1:] {
			if err := c.walk(branch, conditions); err != nil {
				return err
			}
		}
	case "Fn::Sub":
		text, vars, ok := subArgs(arg)
		if !ok {
			return errf("Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string")
		}
		for _, k := range vars.Keys {
			if err := c.walk(vars.Vals[k], conditions); err != nil {
				return err
			}
		}
		for _, name := range subNames(text) {
			if _, ok := vars.Get(name); ok {
				continue
			}
			if res, attr, dotted := strings.Cut(name, "."); dotted && !strings.HasPrefix(name, "AWS::") {
				if err := c.getAtt(res, attr); err != nil {
					return err
				}
				continue
			}
			if err := c.ref(name, conditions); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *checker) ref(name string, conditions bool) error {
	if slices.Contains(Pseudo, name) {
		return nil
	}
	if _, ok := c.t.Parameter(name); ok {
		return nil
	}
	if _, ok := c.t.Resource(name); ok {
		if conditions {
			return errf("Template format error: Unresolved dependencies [%s]. Cannot reference resources in the Conditions block of the template", name)
		}
		return nil
	}
	return errf("Template format error: Unresolved resource dependencies [%s] in the Resources block of the template", name)
}

func (c *checker) getAtt(res, attr string) error {
	r, ok := c.t.Resource(res)
	if !ok {
		return errf("Template error: instance of Fn::GetAtt references undefined resource %s", res)
	}
	if c.types != nil && !slices.Contains(c.types[r.Type], attr) {
		return errf("Template error: resource %s does not support attribute type %s in Fn::GetAtt", res, attr)
	}
	return nil
}

func getAttArgs(arg any) (res, attr string, ok bool) {
	switch x := arg.(type) {
	case string:
		res, attr, ok = strings.Cut(x, ".")
	case []any:
		if len(x) == 2 {
			r, ok1 := x[0].(string)
			a, ok2 := x[1].(string)
			res, attr, ok = r, a, ok1 && ok2
		}
	}
	return res, attr, ok && res != "" && attr != ""
}

func subArgs(arg any) (text string, vars *Map, ok bool) {
	vars = &Map{Vals: map[string]any{}}
	switch x := arg.(type) {
	case string:
		return x, vars, true
	case []any:
		if len(x) == 2 {
			s, ok1 := x[0].(string)
			m, ok2 := x[1].(*Map)
			return s, m, ok1 && ok2
		}
	}
	return "", nil, false
}

// subNames lists the ${Name} references of a Fn::Sub string (not ${!Literal}).
func subNames(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return out
		}
		j := strings.Index(s[i:], "}")
		if j < 0 {
			return out
		}
		if name := strings.TrimSpace(s[i+2 : i+j]); !strings.HasPrefix(name, "!") {
			out = append(out, name)
		}
		s = s[i+j+1:]
	}
}
