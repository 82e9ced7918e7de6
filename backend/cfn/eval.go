package cfn

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

type noValue struct{}

// NoValue is what Ref AWS::NoValue evaluates to: the property or list
// element holding it is removed.
var NoValue any = noValue{}

// Env is what a template is evaluated against.
type Env struct {
	// Params are the resolved parameter values: a string, or a []any of
	// strings for list types.
	Params map[string]any
	// Pseudo are the pseudo parameters (AWS::Region, ...).
	Pseudo     map[string]any
	Conditions map[string]bool
	Mappings   *Map
	// Ref is a created resource's physical id.
	Ref func(name string) (string, error)
	// Attr is a created resource's Fn::GetAtt attribute.
	Attr func(name, attr string) (any, error)
	// AZs lists a region's zones for Fn::GetAZs ("" is the stack's region).
	AZs func(region string) []string
}

// Eval resolves every intrinsic function in v. Keys and elements that
// evaluate to NoValue are dropped.
func (e *Env) Eval(v any) (any, error) {
	if fn, arg, ok := intrinsic(v, false); ok {
		return e.call(fn, arg)
	}
	switch x := v.(type) {
	case *Map:
		out := &Map{Vals: make(map[string]any, x.Len())}
		for _, k := range x.Keys {
			val, err := e.Eval(x.Vals[k])
			if err != nil {
				return nil, err
			}
			if val != NoValue {
				out.Set(k, val)
			}
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(x))
		for _, el := range x {
			val, err := e.Eval(el)
			if err != nil {
				return nil, err
			}
			if val != NoValue {
				out = append(out, val)
			}
		}
		return out, nil
	}
	return v, nil
}

// EvalString evaluates v and requires a string (numbers are strings).
func (e *Env) EvalString(v any, what string) (string, error) {
	out, err := e.Eval(v)
	if err != nil {
		return "", err
	}
	switch x := out.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", errf("Template error: %s must be a string, not %s", what, kind(out))
}

func kind(v any) string {
	switch v.(type) {
	case *Map:
		return "a mapping"
	case []any:
		return "a list"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func (e *Env) call(fn string, arg any) (any, error) {
	switch fn {
	case "Ref":
		name, _ := arg.(string)
		return e.ref(name)
	case "Fn::GetAtt":
		res, attr, _ := getAttArgs(arg)
		return e.Attr(res, attr)
	case "Fn::Sub":
		return e.sub(arg)
	case "Fn::If":
		list, _ := arg.([]any)
		name, _ := list[0].(string)
		if e.Conditions[name] {
			return e.Eval(list[1])
		}
		return e.Eval(list[2])
	case "Fn::Base64":
		s, err := e.EvalString(arg, "the argument of Fn::Base64")
		return base64.StdEncoding.EncodeToString([]byte(s)), err
	case "Fn::Join":
		list, ok := arg.([]any)
		if !ok || len(list) != 2 {
			return nil, errf("Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.")
		}
		delim, err := e.EvalString(list[0], "the delimiter of Fn::Join")
		if err != nil {
			return nil, err
		}
		parts, err := e.list(list[1], "Fn::Join")
		if err != nil {
			return nil, err
		}
		return strings.Join(parts, delim), nil
	case "Fn::Select":
		list, ok := arg.([]any)
		if !ok || len(list) != 2 {
			return nil, errf("Template error: Fn::Select requires a list argument with two elements: an integer index and a list")
		}
		idx, err := e.EvalString(list[0], "the index of Fn::Select")
		if err != nil {
			return nil, err
		}
		items, err := e.Eval(list[1])
		if err != nil {
			return nil, err
		}
		l, _ := items.([]any)
		i, convErr := strconv.Atoi(idx)
		if convErr != nil || i < 0 || i >= len(l) {
			return nil, errf("Template error: Fn::Select cannot select nonexistent value at index %s", idx)
		}
		return l[i], nil
	case "Fn::Split":
		list, ok := arg.([]any)
		if !ok || len(list) != 2 {
			return nil, errf("Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.")
		}
		delim, err := e.EvalString(list[0], "the delimiter of Fn::Split")
		if err != nil {
			return nil, err
		}
		s, err := e.EvalString(list[1], "the source of Fn::Split")
		if err != nil {
			return nil, err
		}
		var out []any
		for _, p := range strings.Split(s, delim) {
			out = append(out, p)
		}
		return out, nil
	case "Fn::FindInMap":
		return e.findInMap(arg)
	case "Fn::GetAZs":
		region, err := e.EvalString(arg, "the region of Fn::GetAZs")
		if err != nil {
			return nil, err
		}
		if region == "" {
			region, _ = e.Pseudo["AWS::Region"].(string)
		}
		var out []any
		if e.AZs != nil {
			for _, z := range e.AZs(region) {
				out = append(out, z)
			}
		}
		return out, nil
	case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition":
		return e.condition(fn, arg)
	}
	return nil, errf("Template error: the sandbox does not evaluate %s", fn)
}

func (e *Env) ref(name string) (any, error) {
	if v, ok := e.Params[name]; ok {
		return v, nil
	}
	if name == "AWS::NoValue" {
		return NoValue, nil
	}
	if v, ok := e.Pseudo[name]; ok {
		return v, nil
	}
	if e.Ref != nil {
		return e.Ref(name)
	}
	return nil, errf("Template format error: Unresolved resource dependencies [%s] in the Resources block of the template", name)
}

// list evaluates v to a list of strings (list elements that are NoValue
// were dropped by Eval).
func (e *Env) list(v any, what string) ([]string, error) {
	items, err := e.Eval(v)
	if err != nil {
		return nil, err
	}
	l, ok := items.([]any)
	if !ok {
		return nil, errf("Template error: %s needs a list of strings, not %s", what, kind(items))
	}
	out := make([]string, 0, len(l))
	for _, it := range l {
		s, err := e.EvalString(it, "every element of "+what)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (e *Env) sub(arg any) (any, error) {
	text, vars, _ := subArgs(arg)
	values := map[string]string{}
	for _, k := range vars.Keys {
		s, err := e.EvalString(vars.Vals[k], "the value of "+k+" in Fn::Sub")
		if err != nil {
			return nil, err
		}
		values[k] = s
	}
	var b strings.Builder
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			b.WriteString(text)
			return b.String(), nil
		}
		j := strings.Index(text[i:], "}")
		if j < 0 {
			b.WriteString(text)
			return b.String(), nil
		}
		b.WriteString(text[:i])
		name := strings.TrimSpace(text[i+2 : i+j])
		text = text[i+j+1:]
		if lit, ok := strings.CutPrefix(name, "!"); ok {
			b.WriteString("${" + lit + "}")
			continue
		}
		if v, ok := values[name]; ok {
			b.WriteString(v)
			continue
		}
		var got any
		var err error
		if res, attr, dotted := strings.Cut(name, "."); dotted && !strings.HasPrefix(name, "AWS::") {
			got, err = e.Attr(res, attr)
		} else {
			got, err = e.ref(name)
		}
		if err != nil {
			return nil, err
		}
		s, err := e.EvalString(got, "${"+name+"} in Fn::Sub")
		if err != nil {
			return nil, err
		}
		b.WriteString(s)
	}
}

func (e *Env) findInMap(arg any) (any, error) {
	list, ok := arg.([]any)
	if !ok || len(list) != 3 {
		return nil, errf("Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value")
	}
	keys := make([]string, 3)
	for i, x := range list {
		s, err := e.EvalString(x, "the arguments of Fn::FindInMap")
		if err != nil {
			return nil, err
		}
		keys[i] = s
	}
	var cur any = e.Mappings
	for _, k := range keys {
		m, ok := cur.(*Map)
		v, found := m.Get(k)
		if !ok || !found {
			return nil, errf("Template error: Unable to get mapping for %s", strings.Join(keys, "::"))
		}
		cur = v
	}
	return cur, nil
}

func (e *Env) condition(fn string, arg any) (bool, error) {
	switch fn {
	case "Condition":
		name, _ := arg.(string)
		return e.Conditions[name], nil
	case "Fn::Equals":
		list, ok := arg.([]any)
		if !ok || len(list) != 2 {
			return false, errf("Template error: Fn::Equals requires a list argument with two elements")
		}
		a, err := e.Eval(list[0])
		if err != nil {
			return false, err
		}
		b, err := e.Eval(list[1])
		if err != nil {
			return false, err
		}
		return fmt.Sprint(Plain(a)) == fmt.Sprint(Plain(b)), nil
	case "Fn::Not":
		list, ok := arg.([]any)
		if !ok || len(list) != 1 {
			return false, errf("Template error: Fn::Not requires a list argument with one element")
		}
		v, err := e.truth(list[0])
		return !v, err
	}
	list, ok := arg.([]any)
	if !ok || len(list) < 2 || len(list) > 10 {
		return false, errf("Template error: %s requires a list argument with two to ten conditions", fn)
	}
	for _, c := range list {
		v, err := e.truth(c)
		if err != nil {
			return false, err
		}
		if fn == "Fn::And" && !v {
			return false, nil
		}
		if fn == "Fn::Or" && v {
			return true, nil
		}
	}
	return fn == "Fn::And", nil
}

func (e *Env) truth(v any) (bool, error) {
	fn, arg, ok := intrinsic(v, true)
	if !ok || !slices.Contains(conditionFns, fn) {
		return false, errf("Template error: a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition")
	}
	return e.condition(fn, arg)
}

// EvalConditions evaluates every condition of the template against e's
// parameters (conditions may name each other, in any order, without a cycle).
func (t *Template) EvalConditions(e *Env) (map[string]bool, error) {
	out := map[string]bool{}
	state := map[string]int{} // 1 evaluating, 2 done
	var eval func(name string) error
	eval = func(name string) error {
		switch state[name] {
		case 1:
			return errf("Template error: the conditions refer to each other in a circle (through %s)", name)
		case 2:
			return nil
		}
		state[name] = 1
		def := t.Conditions.Vals[name]
		if err := deps(def, func(dep string) error { return eval(dep) }); err != nil {
			return err
		}
		e.Conditions = out
		v, err := e.truth(def)
		if err != nil {
			return err
		}
		out[name], state[name] = v, 2
		return nil
	}
	for _, name := range t.Conditions.Keys {
		if err := eval(name); err != nil {
			return nil, err
		}
	}
	e.Conditions = out
	return out, nil
}

// deps calls each for every {"Condition": name} inside a condition.
func deps(v any, each func(string) error) error {
	if fn, arg, ok := intrinsic(v, true); ok {
		if fn == "Condition" {
			name, _ := arg.(string)
			return each(name)
		}
		return deps(arg, each)
	}
	if l, ok := v.([]any); ok {
		for _, x := range l {
			if err := deps(x, each); err != nil {
				return err
			}
		}
	}
	return nil
}
