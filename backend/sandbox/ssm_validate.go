package sandbox

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// An Automation document (schemaVersion 0.3) as the sandbox reads and
// checks it on CreateDocument and UpdateDocument, the way SSM does: the
// sections it knows, parameters and their types, step names, actions SSM
// has and their required inputs, onFailure / nextStep targets, outputs, and
// every {{ }} naming a parameter, an output of a step or an automation or
// global variable. Every problem is InvalidDocumentContent, the first one
// found.

// autoDoc is a parsed Automation document.
type autoDoc struct {
	description, assumeRole string
	params                  map[string]autoParam
	paramOrder              []string
	steps                   []*autoStep
	outputs                 []string
}

type autoParam struct {
	typ, description, allowedPattern string
	def                              any
	hasDefault                       bool
	allowedValues                    []string
	pattern                          *regexp.Regexp
}

type autoStep struct {
	name, action, description     string
	onFailure, onCancel, nextStep string
	isEnd                         bool
	isCritical                    *bool
	maxAttempts, timeoutSeconds   int
	inputs                        map[string]any
	outputs                       []autoOutput
}

type autoOutput struct{ name, selector, typ string }

// automationActions are every action Automation has; the sandbox runs the
// ones in runnable (automation_steps.go) and fails the others when reached.
var automationActions = []string{
	"aws:approve", "aws:assertAwsResourceProperty", "aws:branch", "aws:changeInstanceState", "aws:copyImage",
	"aws:createImage", "aws:createStack", "aws:createTags", "aws:deleteImage", "aws:deleteStack",
	"aws:executeAutomation", "aws:executeAwsApi", "aws:executeScript", "aws:executeStateMachine",
	"aws:invokeLambdaFunction", "aws:invokeWebhook", "aws:loop", "aws:pause", "aws:runCommand",
	"aws:runInstances", "aws:sleep", "aws:updateVariable", "aws:waitForAwsResourceProperty",
}

// requiredInputs are the inputs each action cannot do without.
var requiredInputs = map[string][]string{
	"aws:executeAwsApi":              {"Service", "Api"},
	"aws:changeInstanceState":        {"InstanceIds", "DesiredState"},
	"aws:waitForAwsResourceProperty": {"Service", "Api", "PropertySelector", "DesiredValues"},
	"aws:assertAwsResourceProperty":  {"Service", "Api", "PropertySelector", "DesiredValues"},
	"aws:runCommand":                 {"DocumentName"},
	"aws:createTags":                 {"ResourceIds", "Tags"},
	"aws:runInstances":               {"ImageId"},
	"aws:invokeLambdaFunction":       {"FunctionName"},
	"aws:executeAutomation":          {"DocumentName"},
	"aws:executeScript":              {"Runtime", "Handler"},
	"aws:branch":                     {"Choices"},
}

// builtinOutputs are the outputs an action has without declaring them.
var builtinOutputs = map[string][]string{
	"aws:runCommand":   {"CommandId", "Status", "ResponseCode", "Output"},
	"aws:runInstances": {"InstanceIds"},
	"aws:createImage":  {"ImageId", "ImageState"},
	"aws:createStack":  {"StackId", "StackStatus", "StackStatusReason"},
}

var (
	paramTypes  = []string{"String", "StringList", "Integer", "Boolean", "MapList", "StringMap"}
	stepNameRe  = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)
	varRefRe    = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)
	builtinVars = []string{"automation:EXECUTION_ID", "automation:DOCUMENT_NAME", "automation:DOCUMENT_VERSION",
		"global:ACCOUNT_ID", "global:REGION", "global:AWS_PARTITION", "global:DATE", "global:DATE_TIME", "global:DATE_TIME_ISO"}
)

func badContent(format string, args ...any) *apiError {
	return clientErr("InvalidDocumentContent", format, args...)
}

// describeValue names a value's kind for messages.
func describeValue(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case string:
		return fmt.Sprintf("the text %q", v)
	}
	return fmt.Sprintf("the value %v", v)
}

// valueText writes a plain value as text (lists and maps as JSON).
func valueText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	case []any, []string, map[string]any:
		b, _ := json.Marshal(v)
		return string(b)
	}
	return fmt.Sprint(v)
}

// intValue reads an integer written as a number or as digits.
func intValue(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case float64:
		if v == float64(int(v)) {
			return int(v), true
		}
	case json.Number:
		n, err := strconv.Atoi(v.String())
		return n, err == nil
	case string:
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}

func parseAutomation(data map[string]any) (*autoDoc, *apiError) {
	if s := fmt.Sprint(data["schemaVersion"]); s != "0.3" {
		return nil, clientErr("InvalidDocumentSchemaVersion", "Automation documents take schemaVersion 0.3, not %s.", s)
	}
	for k := range data {
		if !slices.Contains([]string{"schemaVersion", "description", "assumeRole", "parameters", "mainSteps", "outputs", "files", "variables"}, k) {
			return nil, badContent("The document has a section %s that Automation does not know; it knows schemaVersion, description, assumeRole, parameters, variables, mainSteps, outputs and files.", k)
		}
	}
	d := &autoDoc{params: map[string]autoParam{}}
	var ok bool
	if v, has := data["description"]; has {
		if d.description, ok = v.(string); !ok {
			return nil, badContent("description must be text, not %s.", describeValue(v))
		}
	}
	if v, has := data["assumeRole"]; has {
		if d.assumeRole, ok = v.(string); !ok {
			return nil, badContent("assumeRole must be text (a role ARN or a {{ parameter }}), not %s.", describeValue(v))
		}
	}
	if err := d.parseParams(data["parameters"]); err != nil {
		return nil, err
	}
	steps, ok := data["mainSteps"].([]any)
	if !ok || len(steps) == 0 {
		return nil, badContent("mainSteps must be a list of at least one step.")
	}
	for i, raw := range steps {
		s, err := parseStep(i, raw)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(d.steps, func(o *autoStep) bool { return o.name == s.name }) {
			return nil, badContent("Step name %s is used by more than one step; step names must be unique.", s.name)
		}
		d.steps = append(d.steps, s)
	}
	if v, has := data["outputs"]; has {
		list, ok := v.([]any)
		if !ok {
			return nil, badContent("outputs must be a list of step outputs such as [stepName.OutputName].")
		}
		for _, o := range list {
			s, ok := o.(string)
			if !ok || !d.knownOutput(s) {
				return nil, badContent("The document output %v is not an output of one of its steps.", o)
			}
			d.outputs = append(d.outputs, s)
		}
	}
	return d, d.checkReferences()
}

func (d *autoDoc) parseParams(v any) *apiError {
	if v == nil {
		return nil
	}
	params, ok := v.(map[string]any)
	if !ok {
		return badContent("parameters must be a mapping of parameter names to their definitions.")
	}
	for _, name := range slices.Sorted(maps.Keys(params)) {
		def, ok := params[name].(map[string]any)
		if !ok {
			return badContent("Parameter %s must be a mapping with at least a type.", name)
		}
		p := autoParam{}
		p.typ, _ = def["type"].(string)
		if !slices.Contains(paramTypes, p.typ) {
			return badContent("Parameter %s has type %v; Automation takes %s.", name, def["type"], strings.Join(paramTypes, ", "))
		}
		p.description, _ = def["description"].(string)
		if dv, has := def["default"]; has {
			p.def, p.hasDefault = dv, true
		}
		if ap, has := def["allowedPattern"]; has {
			s, ok := ap.(string)
			re, err := regexp.Compile(s)
			if !ok || err != nil {
				return badContent("Parameter %s has an allowedPattern that is not a regular expression: %v.", name, ap)
			}
			p.allowedPattern, p.pattern = s, re
		}
		if av, has := def["allowedValues"].([]any); has {
			for _, x := range av {
				p.allowedValues = append(p.allowedValues, valueText(x))
			}
		}
		d.params[name] = p
		d.paramOrder = append(d.paramOrder, name)
	}
	return nil
}

func parseStep(i int, raw any) (*autoStep, *apiError) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, badContent("Step %d of mainSteps must be a mapping with name, action and inputs.", i+1)
	}
	s := &autoStep{maxAttempts: 1}
	s.name, _ = m["name"].(string)
	if !stepNameRe.MatchString(s.name) {
		return nil, badContent("Step %d has the name %v; a step name is letters, digits and underscores.", i+1, m["name"])
	}
	s.action, _ = m["action"].(string)
	if !slices.Contains(automationActions, s.action) {
		return nil, badContent("Step %s has the action %v, which Automation does not have.", s.name, m["action"])
	}
	for k, v := range m {
		switch k {
		case "name", "action":
		case "description":
			s.description, _ = v.(string)
		case "inputs":
			in, ok := v.(map[string]any)
			if !ok {
				return nil, badContent("Step %s: inputs must be a mapping.", s.name)
			}
			s.inputs = in
		case "onFailure", "onCancel", "nextStep":
			t, ok := v.(string)
			if !ok {
				return nil, badContent("Step %s: %s must be text.", s.name, k)
			}
			switch k {
			case "onFailure":
				s.onFailure = t
			case "onCancel":
				s.onCancel = t
			default:
				s.nextStep = t
			}
		case "isEnd", "isCritical":
			b, ok := v.(bool)
			if !ok {
				return nil, badContent("Step %s: %s must be true or false.", s.name, k)
			}
			if k == "isEnd" {
				s.isEnd = b
			} else {
				s.isCritical = &b
			}
		case "maxAttempts", "timeoutSeconds":
			n, ok := intValue(v)
			if !ok || n < 1 {
				return nil, badContent("Step %s: %s must be a whole number of at least 1, not %v.", s.name, k, v)
			}
			if k == "maxAttempts" {
				s.maxAttempts = n
			} else {
				s.timeoutSeconds = n
			}
		case "outputs":
			list, ok := v.([]any)
			if !ok {
				return nil, badContent("Step %s: outputs must be a list of {Name, Selector, Type}.", s.name)
			}
			for _, o := range list {
				om, _ := o.(map[string]any)
				out := autoOutput{}
				out.name, _ = om["Name"].(string)
				out.selector, _ = om["Selector"].(string)
				out.typ, _ = om["Type"].(string)
				if out.name == "" || !strings.HasPrefix(out.selector, "$") || !slices.Contains(paramTypes, out.typ) {
					return nil, badContent("Step %s: output %v needs a Name, a JSONPath Selector ($...) and a Type (%s).", s.name, o, strings.Join(paramTypes, ", "))
				}
				s.outputs = append(s.outputs, out)
			}
		default:
			return nil, badContent("Step %s has a property %s that Automation does not know.", s.name, k)
		}
	}
	if s.inputs == nil && s.action != "aws:sleep" && s.action != "aws:pause" && s.action != "aws:approve" {
		return nil, badContent("Step %s (%s) needs inputs.", s.name, s.action)
	}
	for _, k := range requiredInputs[s.action] {
		if _, ok := s.inputs[k]; !ok {
			return nil, badContent("Step %s: %s requires the input %s.", s.name, s.action, k)
		}
	}
	return s, s.checkInputs()
}

// checkInputs checks what an action's inputs must look like.
func (s *autoStep) checkInputs() *apiError {
	switch s.action {
	case "aws:changeInstanceState":
		if st, ok := s.inputs["DesiredState"].(string); ok && !hasRef(st) && st != "running" && st != "stopped" && st != "terminated" {
			return badContent("Step %s: DesiredState must be running, stopped or terminated, not %s.", s.name, st)
		}
	case "aws:runCommand":
		_, ids := s.inputs["InstanceIds"]
		_, targets := s.inputs["Targets"]
		if !ids && !targets {
			return badContent("Step %s: aws:runCommand needs InstanceIds or Targets.", s.name)
		}
	case "aws:sleep":
		_, dur := s.inputs["Duration"]
		_, ts := s.inputs["Timestamp"]
		if dur == ts {
			return badContent("Step %s: aws:sleep takes either Duration or Timestamp.", s.name)
		}
	case "aws:waitForAwsResourceProperty", "aws:assertAwsResourceProperty":
		if _, ok := s.inputs["DesiredValues"].([]any); !ok {
			if v, _ := s.inputs["DesiredValues"].(string); !hasRef(v) {
				return badContent("Step %s: DesiredValues must be a list.", s.name)
			}
		}
	}
	return nil
}

func hasRef(s string) bool { return varRefRe.MatchString(s) }

// knownOutput reports whether ref (step.Output) names an output of a step.
func (d *autoDoc) knownOutput(ref string) bool {
	stepName, out, ok := strings.Cut(ref, ".")
	if !ok {
		return false
	}
	for _, s := range d.steps {
		if s.name != stepName {
			continue
		}
		return slices.ContainsFunc(s.outputs, func(o autoOutput) bool { return o.name == out }) ||
			slices.Contains(builtinOutputs[s.action], out)
	}
	return false
}

// checkReferences checks every {{ }} and every step a step goes on to.
func (d *autoDoc) checkReferences() *apiError {
	check := func(where, v string) *apiError {
		for _, m := range varRefRe.FindAllStringSubmatch(v, -1) {
			name := m[1]
			if _, ok := d.params[name]; ok || slices.Contains(builtinVars, name) || d.knownOutput(name) {
				continue
			}
			return badContent("%s refers to {{ %s }}, which is neither a parameter, an output of a step nor an automation or global variable.", where, name)
		}
		return nil
	}
	if err := check("assumeRole", d.assumeRole); err != nil {
		return err
	}
	names := map[string]bool{}
	for _, s := range d.steps {
		names[s.name] = true
	}
	for _, s := range d.steps {
		var err *apiError
		walkValues(s.inputs, func(v string) {
			if err == nil {
				err = check("Step "+s.name, v)
			}
		})
		if err != nil {
			return err
		}
		for _, target := range []struct{ what, v string }{{"onFailure", s.onFailure}, {"onCancel", s.onCancel}} {
			switch {
			case target.v == "" || target.v == "Abort" || target.v == "Continue":
			case strings.HasPrefix(target.v, "step:") && names[strings.TrimPrefix(target.v, "step:")]:
			default:
				return badContent("Step %s: %s is %s; it takes Abort, Continue or step:NAME of a step of the document.", s.name, target.what, target.v)
			}
		}
		if s.nextStep != "" && !names[s.nextStep] {
			return badContent("Step %s: nextStep %s is not a step of the document.", s.name, s.nextStep)
		}
	}
	return nil
}

// walkValues calls f with every string in v, keys excepted.
func walkValues(v any, f func(string)) {
	switch v := v.(type) {
	case string:
		f(v)
	case []any:
		for _, x := range v {
			walkValues(x, f)
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			walkValues(v[k], f)
		}
	}
}
