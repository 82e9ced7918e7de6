package runbook

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Automation actions the runbooks use; the sandbox executes these.
const (
	ActionExecuteAwsAPI     = "aws:executeAwsApi"
	ActionChangeState       = "aws:changeInstanceState"
	ActionRunCommand        = "aws:runCommand"
	ActionSleep             = "aws:sleep"
	ActionWaitForProperty   = "aws:waitForAwsResourceProperty"
	ActionCreateTags        = "aws:createTags"
	SchemaVersion           = "0.3"
	AssumeRoleParameter     = "AutomationAssumeRole"
	OnFailureAbort          = "Abort"
	MaxDocumentBytes        = 64 << 10 // SSM's limit on a document's content
	outputInstanceIDs       = "InstanceIds"
	instanceIDsSelector     = "$.Reservations..Instances..InstanceId"
	runShellScript          = "AWS-RunShellScript"
	maxSleepSeconds         = 604799 // aws:sleep's documented maximum
	maxExecutionTimeoutSecs = 172800 // AWS-RunShellScript's executionTimeout maximum
)

// Document is an SSM Automation runbook (schemaVersion 0.3) in the shape
// Cloud Control writes. Keys are written in this order, inputs sorted.
type Document struct {
	SchemaVersion string               `yaml:"schemaVersion"`
	Description   string               `yaml:"description"`
	AssumeRole    string               `yaml:"assumeRole"`
	Parameters    map[string]Parameter `yaml:"parameters"`
	MainSteps     []Step               `yaml:"mainSteps"`
	// Outputs are step outputs (step.Output) the execution reports.
	Outputs []string `yaml:"outputs,omitempty"`
}

// Parameter is one runbook parameter.
type Parameter struct {
	Type           string `yaml:"type"`
	Description    string `yaml:"description"`
	AllowedPattern string `yaml:"allowedPattern,omitempty"`
}

// Step is one step of mainSteps. Inputs hold the action's inputs as YAML
// maps, lists and scalars; a {{ step.Output }} or {{ Parameter }} string
// stands for a value resolved when the step runs.
type Step struct {
	Name           string         `yaml:"name"`
	Action         string         `yaml:"action"`
	Description    string         `yaml:"description,omitempty"`
	MaxAttempts    int            `yaml:"maxAttempts,omitempty"`
	TimeoutSeconds int            `yaml:"timeoutSeconds,omitempty"`
	OnFailure      string         `yaml:"onFailure,omitempty"`
	OnCancel       string         `yaml:"onCancel,omitempty"`
	NextStep       string         `yaml:"nextStep,omitempty"`
	IsEnd          bool           `yaml:"isEnd,omitempty"`
	IsCritical     *bool          `yaml:"isCritical,omitempty"`
	Inputs         map[string]any `yaml:"inputs"`
	Outputs        []Output       `yaml:"outputs,omitempty"`
}

// Output is a value an aws:executeAwsApi step selects from its response.
type Output struct {
	Name     string `yaml:"Name"`
	Selector string `yaml:"Selector"`
	Type     string `yaml:"Type"`
}

// Marshal writes the document as YAML, two-space indented, inputs sorted,
// lists of values on one line ([pending, running]) to stay well within
// SSM's 64 KB; script lines (commands) stay one per line.
func (d *Document) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	enc.CompactSeqIndent()
	if err := enc.Encode(d.node()); err != nil {
		return nil, fmt.Errorf("writing the runbook as YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("writing the runbook as YAML: %w", err)
	}
	return b.Bytes(), nil
}

// node builds the YAML tree directly: encoding through reflection and
// yaml.Node.Encode costs several times as much, and an export must be fast.
func (d *Document) node() *yaml.Node {
	params := mapping()
	for _, name := range slices.Sorted(maps.Keys(d.Parameters)) {
		p := d.Parameters[name]
		pn := mapping("type", str(p.Type), "description", str(p.Description))
		if p.AllowedPattern != "" {
			pn.Content = append(pn.Content, str("allowedPattern"), str(p.AllowedPattern))
		}
		params.Content = append(params.Content, str(name), pn)
	}
	steps := &yaml.Node{Kind: yaml.SequenceNode}
	for _, s := range d.MainSteps {
		sn := mapping("name", str(s.Name), "action", str(s.Action))
		if s.Description != "" {
			sn.Content = append(sn.Content, str("description"), str(s.Description))
		}
		if s.MaxAttempts != 0 {
			sn.Content = append(sn.Content, str("maxAttempts"), valueNode(s.MaxAttempts, ""))
		}
		if s.TimeoutSeconds != 0 {
			sn.Content = append(sn.Content, str("timeoutSeconds"), valueNode(s.TimeoutSeconds, ""))
		}
		for _, kv := range [][2]string{{"onFailure", s.OnFailure}, {"onCancel", s.OnCancel}, {"nextStep", s.NextStep}} {
			if kv[1] != "" {
				sn.Content = append(sn.Content, str(kv[0]), str(kv[1]))
			}
		}
		if s.IsEnd {
			sn.Content = append(sn.Content, str("isEnd"), valueNode(true, ""))
		}
		if s.IsCritical != nil {
			sn.Content = append(sn.Content, str("isCritical"), valueNode(*s.IsCritical, ""))
		}
		sn.Content = append(sn.Content, str("inputs"), valueNode(s.Inputs, ""))
		if len(s.Outputs) > 0 {
			outs := &yaml.Node{Kind: yaml.SequenceNode}
			for _, o := range s.Outputs {
				outs.Content = append(outs.Content, mapping("Name", str(o.Name), "Selector", str(o.Selector), "Type", str(o.Type)))
			}
			sn.Content = append(sn.Content, str("outputs"), outs)
		}
		steps.Content = append(steps.Content, sn)
	}
	doc := mapping("schemaVersion", str(d.SchemaVersion), "description", str(d.Description), "assumeRole", str(d.AssumeRole),
		"parameters", params, "mainSteps", steps)
	if len(d.Outputs) > 0 {
		doc.Content = append(doc.Content, str("outputs"), valueNode(d.Outputs, ""))
	}
	return doc
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// mapping builds a mapping from key, value, key, value...
func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, str(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}

// valueNode writes an input value: maps with sorted keys, lists of
// scalars on one line except under commands.
func valueNode(v any, key string) *yaml.Node {
	switch v := v.(type) {
	case *yaml.Node:
		return v
	case string:
		return str(v)
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
	case []string:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		if key != "commands" {
			n.Style = yaml.FlowStyle
		}
		for _, s := range v {
			n.Content = append(n.Content, str(s))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, x := range v {
			c := valueNode(x, "")
			if c.Kind != yaml.ScalarNode || key == "commands" {
				n.Style = 0
			}
			n.Content = append(n.Content, c)
		}
		return n
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			n.Content = append(n.Content, str(k), valueNode(v[k], k))
		}
		return n
	}
	n := &yaml.Node{}
	if err := n.Encode(v); err != nil { // a type the builder does not write; kept correct, if slow
		return str(fmt.Sprint(v))
	}
	return n
}

// ParseDocument reads an Automation runbook in YAML (or JSON, which is YAML).
func ParseDocument(content []byte) (*Document, error) {
	var d Document
	dec := yaml.NewDecoder(bytes.NewReader(content))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("the runbook is not a schemaVersion 0.3 document this package reads: %w", err)
	}
	return &d, nil
}

var (
	stepNameRe = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)
	refRe      = regexp.MustCompile(`\{\{\s*([^{}\s]+)\s*\}\}`)
)

// builtinOutputs are the outputs an action has without declaring them.
var builtinOutputs = map[string][]string{
	ActionRunCommand: {"CommandId", "Status", "ResponseCode", "Output"},
}

// Validate checks a runbook the way SSM's CreateDocument and Automation
// read it, for the actions Cloud Control uses: size, schema version, step
// names, actions and their required inputs, timeouts, onFailure, and that
// every {{ }} names a parameter or an output of an earlier step. It
// returns every problem found, joined.
func Validate(content []byte) error {
	var errs []error
	if len(content) > MaxDocumentBytes {
		errs = append(errs, fmt.Errorf("the runbook is %d bytes; SSM takes at most %d", len(content), MaxDocumentBytes))
	}
	d, err := ParseDocument(content)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if d.SchemaVersion != SchemaVersion {
		errs = append(errs, fmt.Errorf("schemaVersion is %q, not %q", d.SchemaVersion, SchemaVersion))
	}
	if len(d.MainSteps) == 0 {
		errs = append(errs, errors.New("mainSteps is empty"))
	}
	known := map[string]bool{"global:ACCOUNT_ID": true, "global:DATE": true, "global:DATE_TIME": true,
		"global:AWS_PARTITION": true, "global:REGION": true, "automation:EXECUTION_ID": true}
	for name, p := range d.Parameters {
		known[name] = true
		if !slices.Contains([]string{"String", "StringList", "Integer", "Boolean", "MapList", "StringMap"}, p.Type) {
			errs = append(errs, fmt.Errorf("parameter %s has type %q", name, p.Type))
		}
	}
	errs = append(errs, refErrors("assumeRole", d.AssumeRole, known)...)
	if strings.Contains(d.Description, "{{") {
		errs = append(errs, errors.New("the description holds {{, which Automation would read as a variable"))
	}
	seen := map[string]bool{}
	for i, s := range d.MainSteps {
		where := fmt.Sprintf("step %d (%s)", i+1, s.Name)
		if !stepNameRe.MatchString(s.Name) {
			errs = append(errs, fmt.Errorf("%s: a step name holds only letters, digits and _", where))
		}
		if seen[s.Name] {
			errs = append(errs, fmt.Errorf("%s: the step name is used twice", where))
		}
		seen[s.Name] = true
		if s.OnFailure != "" && s.OnFailure != OnFailureAbort && s.OnFailure != "Continue" && !strings.HasPrefix(s.OnFailure, "step:") {
			errs = append(errs, fmt.Errorf("%s: onFailure %q is not Abort, Continue or step:NAME", where, s.OnFailure))
		}
		if s.TimeoutSeconds < 0 {
			errs = append(errs, fmt.Errorf("%s: timeoutSeconds is negative", where))
		}
		errs = append(errs, inputErrors(where, s)...)
		if strings.Contains(s.Description, "{{") {
			errs = append(errs, fmt.Errorf("%s: the description holds {{", where))
		}
		walkStrings(s.Inputs, func(v string) { errs = append(errs, refErrors(where, v, known)...) })
		// Outputs become known once the step has run, for the steps after it.
		for _, o := range s.Outputs {
			if o.Name == "" || !strings.HasPrefix(o.Selector, "$") || !slices.Contains([]string{"String", "StringList", "Integer", "Boolean", "MapList", "StringMap"}, o.Type) {
				errs = append(errs, fmt.Errorf("%s: output %+v needs a Name, a JSONPath Selector ($...) and a Type", where, o))
			}
			known[s.Name+"."+o.Name] = true
		}
		for _, o := range builtinOutputs[s.Action] {
			known[s.Name+"."+o] = true
		}
	}
	return errors.Join(errs...)
}

// required are the inputs each action cannot do without (AWS's reference).
var required = map[string][]string{
	ActionExecuteAwsAPI:   {"Service", "Api"},
	ActionChangeState:     {"InstanceIds", "DesiredState"},
	ActionRunCommand:      {"DocumentName"},
	ActionSleep:           {},
	ActionWaitForProperty: {"Service", "Api", "PropertySelector", "DesiredValues"},
	ActionCreateTags:      {"ResourceIds", "Tags"},
}

func inputErrors(where string, s Step) []error {
	need, ok := required[s.Action]
	if !ok {
		return []error{fmt.Errorf("%s: action %q is not one Cloud Control's runbooks use", where, s.Action)}
	}
	var errs []error
	for _, k := range need {
		if _, ok := s.Inputs[k]; !ok {
			errs = append(errs, fmt.Errorf("%s: %s needs the input %s", where, s.Action, k))
		}
	}
	switch s.Action {
	case ActionChangeState:
		if st, _ := s.Inputs["DesiredState"].(string); st != "running" && st != "stopped" && st != "terminated" {
			errs = append(errs, fmt.Errorf("%s: DesiredState %v is not running, stopped or terminated", where, s.Inputs["DesiredState"]))
		}
	case ActionRunCommand:
		_, ids := s.Inputs["InstanceIds"]
		_, targets := s.Inputs["Targets"]
		if !ids && !targets {
			errs = append(errs, fmt.Errorf("%s: aws:runCommand needs InstanceIds or Targets", where))
		}
	case ActionSleep:
		_, dur := s.Inputs["Duration"]
		_, ts := s.Inputs["Timestamp"]
		if dur == ts {
			errs = append(errs, fmt.Errorf("%s: aws:sleep takes Duration or Timestamp", where))
		}
	}
	return errs
}

// refErrors checks the {{ }} references in one string.
func refErrors(where, v string, known map[string]bool) []error {
	var errs []error
	for _, m := range refRe.FindAllStringSubmatch(v, -1) {
		if !known[m[1]] {
			errs = append(errs, fmt.Errorf("%s: {{ %s }} is neither a parameter nor an output of an earlier step", where, m[1]))
		}
	}
	if strings.Count(v, "{{") != len(refRe.FindAllString(v, -1)) {
		errs = append(errs, fmt.Errorf("%s: %q holds a {{ that is not a {{ name }} reference", where, v))
	}
	return errs
}

func walkStrings(v any, f func(string)) {
	switch v := v.(type) {
	case string:
		f(v)
	case []any:
		for _, x := range v {
			walkStrings(x, f)
		}
	case []string:
		for _, x := range v {
			f(x)
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			walkStrings(v[k], f)
		}
	case []map[string]any:
		for _, x := range v {
			walkStrings(x, f)
		}
	}
}
