package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The Automation API: StartAutomationExecution, GetAutomationExecution,
// DescribeAutomationExecutions, DescribeAutomationStepExecutions and
// StopAutomationExecution.

func init() {
	addSSM(map[string]ssmAction{
		"StartAutomationExecution":         (*Sandbox).ssmStartAutomation,
		"GetAutomationExecution":           (*Sandbox).ssmGetAutomation,
		"DescribeAutomationExecutions":     (*Sandbox).ssmDescribeAutomations,
		"DescribeAutomationStepExecutions": (*Sandbox).ssmDescribeSteps,
		"StopAutomationExecution":          (*Sandbox).ssmStopAutomation,
	})
}

// startInput is StartAutomationExecution's request (from a client or a
// schedule's target input).
type startInput struct {
	DocumentName, DocumentVersion, ClientToken, Mode string
	Parameters                                       map[string][]string
	Targets                                          []ssmStringFilter
	TargetParameterName                              string
}

func (sb *Sandbox) ssmStartAutomation(c *jsonCall, now time.Time) (any, *apiError) {
	var in startInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	x, err := sb.startAutomation(c.region, in, sb.callerARN(&c.call), now)
	if err != nil {
		return nil, err
	}
	return map[string]any{"AutomationExecutionId": x.id}, nil
}

// startAutomation checks a start as SSM does and puts the execution on
// the agenda; its first steps run at now. An assume role the sandbox's IAM
// does not have (or that does not trust ssm.amazonaws.com) fails the
// execution at once, as in AWS.
func (sb *Sandbox) startAutomation(region string, in startInput, executedBy string, now time.Time) (*execution, *apiError) {
	if in.DocumentName == "" {
		return nil, clientErr("ValidationException", "1 validation error detected: Value null at 'documentName' failed to satisfy constraint: Member must not be null")
	}
	if in.Mode != "" && in.Mode != "Auto" {
		return nil, clientErr("ValidationException", "The sandbox runs automations in Mode Auto, not %s.", in.Mode)
	}
	if len(in.Targets) > 0 || in.TargetParameterName != "" {
		return nil, clientErr("ValidationException", "The sandbox runs automations without Targets (rate control).")
	}
	if in.ClientToken != "" {
		for _, x := range sb.aws.execs {
			if x.token == in.ClientToken && x.region == region {
				if x.document != in.DocumentName {
					return nil, clientErr("IdempotentParameterMismatch", "The client token %s was used for another request.", in.ClientToken)
				}
				return x, nil
			}
		}
	}
	d := sb.document(region, in.DocumentName)
	if d == nil || d.typ != docAutomation {
		return nil, clientErr("AutomationDefinitionNotFoundException", "Automation definition %s not found.", in.DocumentName)
	}
	v, verr := d.version(in.DocumentVersion, "")
	if verr != nil {
		return nil, clientErr("AutomationDefinitionVersionNotFoundException", "Automation definition %s has no version %s.", in.DocumentName, in.DocumentVersion)
	}
	running := 0
	for _, x := range sb.aws.execs {
		if !x.done() {
			running++
		}
	}
	if running >= maxRunningAutomations {
		return nil, clientErr("AutomationExecutionLimitExceededException", "There are %d automations running; SSM runs at most %d at once.", running, maxRunningAutomations)
	}
	x := &execution{id: uuidOf(fmt.Sprintf("automation/%d", sb.nextID())), region: region, document: d.name,
		version: strconv.Itoa(v.number), executedBy: executedBy, token: in.ClientToken, doc: v.auto,
		status: autoInProgress, started: now, wake: now}
	params, values, err := resolveParameters(v.auto, in.Parameters)
	if err != nil {
		return nil, err
	}
	x.params, x.values = params, values
	x.values["automation:EXECUTION_ID"] = x.id
	x.values["automation:DOCUMENT_NAME"] = d.name
	x.values["automation:DOCUMENT_VERSION"] = x.version
	x.values["global:ACCOUNT_ID"] = sb.account
	x.values["global:REGION"] = region
	x.values["global:AWS_PARTITION"] = "aws"
	x.values["global:DATE"] = now.UTC().Format("2006-01-02")
	x.values["global:DATE_TIME"] = now.UTC().Format("2006-01-02_15.04.05")
	x.values["global:DATE_TIME_ISO"] = now.UTC().Format(time.RFC3339)
	sb.aws.execs = append(sb.aws.execs, x)
	if role, _ := x.resolve(map[string]any{"r": v.auto.assumeRole}); role["r"] != nil && role["r"] != "" {
		arn := inputText(role["r"])
		if r := sb.roleByARN(arn); r == nil || !r.trusts("ssm.amazonaws.com") {
			x.end(now, autoFailed, "The defined assume role is unable to be assumed.")
			return x, nil
		}
		x.executedBy = strings.Replace(arn, ":iam::", ":sts::", 1)
		x.executedBy = strings.Replace(x.executedBy, ":role/", ":assumed-role/", 1) + "/" + x.id
	}
	sb.enlist(x)
	sb.armAgenda(now)
	return x, nil
}

// resolveParameters checks a start's parameters against the document's
// and fills in defaults: params as GetAutomationExecution shows them,
// values as {{ }} reads them.
func resolveParameters(d *autoDoc, given map[string][]string) (map[string][]string, map[string]any, *apiError) {
	bad := func(format string, args ...any) *apiError {
		return clientErr("InvalidAutomationExecutionParametersException", format, args...)
	}
	for name := range given {
		if _, ok := d.params[name]; !ok {
			return nil, nil, bad("Parameter \"%s\" is not defined in the document; it takes %s.", name, strings.Join(d.paramOrder, ", "))
		}
	}
	params, values := map[string][]string{}, map[string]any{}
	for _, name := range d.paramOrder {
		p := d.params[name]
		list, ok := given[name]
		if !ok {
			if !p.hasDefault {
				return nil, nil, bad("Parameter \"%s\" is required and has no default.", name)
			}
			list = textList(p.def)
			if p.typ == "StringList" {
				if l, isList := p.def.([]any); isList {
					list = textList(l)
				}
			}
		}
		for _, s := range list {
			if p.pattern != nil && !p.pattern.MatchString(s) {
				return nil, nil, bad("Parameter \"%s\" value %q does not match the allowed pattern %s.", name, s, p.allowedPattern)
			}
			if len(p.allowedValues) > 0 && !slices.Contains(p.allowedValues, s) {
				return nil, nil, bad("Parameter \"%s\" value %q is not one of the allowed values %v.", name, s, p.allowedValues)
			}
		}
		params[name] = list
		switch p.typ {
		case "StringList":
			values[name] = list
		case "Integer":
			if len(list) != 1 {
				return nil, nil, bad("Parameter \"%s\" takes one whole number.", name)
			}
			n, err := strconv.Atoi(list[0])
			if err != nil {
				return nil, nil, bad("Parameter \"%s\" value %q is not a whole number.", name, list[0])
			}
			values[name] = n
		case "Boolean":
			if len(list) != 1 || list[0] != "true" && list[0] != "false" {
				return nil, nil, bad("Parameter \"%s\" takes true or false.", name)
			}
			values[name] = list[0] == "true"
		default:
			if len(list) > 1 {
				return nil, nil, bad("Parameter \"%s\" is a %s and takes one value, not %d.", name, p.typ, len(list))
			}
			if len(list) == 1 {
				values[name] = list[0]
			} else {
				values[name] = ""
			}
		}
	}
	return params, values, nil
}

func (sb *Sandbox) executionByID(region, id string) (*execution, *apiError) {
	for _, x := range sb.aws.execs {
		if x.id == id && x.region == region {
			return x, nil
		}
	}
	return nil, &apiError{http.StatusBadRequest, "AutomationExecutionNotFoundException", fmt.Sprintf("There is no AutomationExecution with id: %s", id)}
}

func (sb *Sandbox) ssmGetAutomation(c *jsonCall, now time.Time) (any, *apiError) {
	var in struct {
		AutomationExecutionID string `json:"AutomationExecutionId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	x, err := sb.executionByID(c.region, in.AutomationExecutionID)
	if err != nil {
		return nil, err
	}
	out := x.metadata()
	delete(out, "AutomationType")
	delete(out, "LogFile")
	steps := []any{}
	counters := map[string]int{"TotalSteps": len(x.steps)}
	for _, s := range x.steps {
		steps = append(steps, s.view())
		counters[map[string]string{autoSuccess: "SuccessSteps", autoFailed: "FailedSteps", autoCancelled: "CancelledSteps",
			autoTimedOut: "TimedOutSteps"}[s.status]]++
	}
	delete(counters, "")
	out["StepExecutions"], out["StepExecutionsTruncated"], out["Parameters"] = steps, false, x.params
	out["ProgressCounters"] = counters
	return map[string]any{"AutomationExecution": out}, nil
}

// metadata is an execution as DescribeAutomationExecutions lists it.
func (x *execution) metadata() map[string]any {
	out := map[string]any{"AutomationExecutionId": x.id, "DocumentName": x.document, "DocumentVersion": x.version,
		"AutomationExecutionStatus": x.status, "ExecutionStartTime": unixSeconds(x.started), "ExecutedBy": x.executedBy,
		"LogFile": "", "Outputs": x.outputs(), "Mode": "Auto", "AutomationType": "Local"}
	if !x.ended.IsZero() {
		out["ExecutionEndTime"] = unixSeconds(x.ended)
	}
	if x.failure != "" {
		out["FailureMessage"] = x.failure
	}
	if x.cur != nil {
		out["CurrentStepName"], out["CurrentAction"] = x.cur.def.name, x.cur.def.action
	}
	return out
}

// view is a step as DescribeAutomationStepExecutions shows it.
func (s *stepExec) view() map[string]any {
	onFailure := s.def.onFailure
	if onFailure == "" {
		onFailure = "Abort"
	}
	critical := s.def.onFailure != "Continue"
	if s.def.isCritical != nil {
		critical = *s.def.isCritical
	}
	out := map[string]any{"StepName": s.def.name, "Action": s.def.action, "OnFailure": onFailure, "MaxAttempts": s.def.maxAttempts,
		"ExecutionStartTime": unixSeconds(s.started), "StepStatus": s.status, "Inputs": s.rawInputs, "StepExecutionId": s.id,
		"IsEnd": s.def.isEnd, "IsCritical": critical, "Outputs": s.outputs}
	if s.outputs == nil {
		out["Outputs"] = map[string][]string{}
	}
	if s.def.timeoutSeconds > 0 {
		out["TimeoutSeconds"] = s.def.timeoutSeconds
	}
	if s.def.nextStep != "" {
		out["NextStep"] = s.def.nextStep
	}
	if !s.ended.IsZero() {
		out["ExecutionEndTime"] = unixSeconds(s.ended)
	}
	if s.responseCode != "" {
		out["ResponseCode"] = s.responseCode
	}
	if s.failure != "" {
		out["FailureMessage"] = s.failure
		out["FailureDetails"] = map[string]any{"FailureStage": s.failStage, "FailureType": s.failType,
			"Details": map[string][]string{"ExceptionMessage": {s.failure}}}
	}
	return out
}

type autoFilter struct {
	Key    string
	Values []string
}

func (sb *Sandbox) ssmDescribeAutomations(c *jsonCall, now time.Time) (any, *apiError) {
	var in struct {
		Filters    []autoFilter
		MaxResults *int
		NextToken  string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	limit, start, err := jsonPage(in.MaxResults, in.NextToken, 1, 50, 50)
	if err != nil {
		return nil, err
	}
	var tests []func(*execution) bool
	for _, f := range in.Filters {
		vals := f.Values
		switch f.Key {
		case "DocumentNamePrefix":
			tests = append(tests, func(x *execution) bool {
				return slices.ContainsFunc(vals, func(p string) bool { return strings.HasPrefix(x.document, p) })
			})
		case "ExecutionStatus":
			tests = append(tests, func(x *execution) bool { return slices.Contains(vals, x.status) })
		case "ExecutionId":
			tests = append(tests, func(x *execution) bool { return slices.Contains(vals, x.id) })
		case "CurrentAction":
			tests = append(tests, func(x *execution) bool { return x.cur != nil && slices.Contains(vals, x.cur.def.action) })
		case "AutomationType":
			tests = append(tests, func(*execution) bool { return slices.Contains(vals, "Local") })
		case "StartTimeBefore", "StartTimeAfter":
			if len(vals) != 1 {
				return nil, clientErr("InvalidFilterValue", "%s takes one time.", f.Key)
			}
			t, err := time.Parse(time.RFC3339, vals[0])
			if err != nil {
				return nil, clientErr("InvalidFilterValue", "%s takes a time such as 2025-06-01T12:00:00Z, not %q.", f.Key, vals[0])
			}
			before := f.Key == "StartTimeBefore"
			tests = append(tests, func(x *execution) bool { return x.started.Before(t) == before })
		default:
			return nil, clientErr("InvalidFilterKey", "The sandbox filters automations by DocumentNamePrefix, ExecutionStatus, ExecutionId, CurrentAction, AutomationType, StartTimeBefore and StartTimeAfter, not %s.", f.Key)
		}
	}
	var list []map[string]any
	for i := len(sb.aws.execs) - 1; i >= 0; i-- {
		x := sb.aws.execs[i]
		if x.region != c.region || slices.ContainsFunc(tests, func(t func(*execution) bool) bool { return !t(x) }) {
			continue
		}
		list = append(list, x.metadata())
	}
	return pageAnswer("AutomationExecutionMetadataList", list, start, limit), nil
}

func (sb *Sandbox) ssmDescribeSteps(c *jsonCall, now time.Time) (any, *apiError) {
	var in struct {
		AutomationExecutionID string `json:"AutomationExecutionId"`
		Filters               []autoFilter
		MaxResults            *int
		NextToken             string
		ReverseOrder          bool
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	limit, start, err := jsonPage(in.MaxResults, in.NextToken, 1, 50, 50)
	if err != nil {
		return nil, err
	}
	x, err := sb.executionByID(c.region, in.AutomationExecutionID)
	if err != nil {
		return nil, err
	}
	var tests []func(*stepExec) bool
	for _, f := range in.Filters {
		vals := f.Values
		switch f.Key {
		case "StepExecutionStatus":
			tests = append(tests, func(s *stepExec) bool { return slices.Contains(vals, s.status) })
		case "StepName":
			tests = append(tests, func(s *stepExec) bool { return slices.Contains(vals, s.def.name) })
		case "Action":
			tests = append(tests, func(s *stepExec) bool { return slices.Contains(vals, s.def.action) })
		case "StepExecutionId":
			tests = append(tests, func(s *stepExec) bool { return slices.Contains(vals, s.id) })
		default:
			return nil, clientErr("InvalidFilterKey", "The sandbox filters step executions by StepExecutionStatus, StepName, Action and StepExecutionId, not %s.", f.Key)
		}
	}
	steps := slices.Clone(x.steps)
	if in.ReverseOrder {
		slices.Reverse(steps)
	}
	var list []map[string]any
	for _, s := range steps {
		if !slices.ContainsFunc(tests, func(t func(*stepExec) bool) bool { return !t(s) }) {
			list = append(list, s.view())
		}
	}
	return pageAnswer("StepExecutions", list, start, limit), nil
}

func (sb *Sandbox) ssmStopAutomation(c *jsonCall, now time.Time) (any, *apiError) {
	var in struct {
		AutomationExecutionID string `json:"AutomationExecutionId"`
		Type                  string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	x, err := sb.executionByID(c.region, in.AutomationExecutionID)
	if err != nil {
		return nil, err
	}
	if in.Type != "" && in.Type != "Cancel" && in.Type != "Complete" {
		return nil, clientErr("ValidationException", "1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [Complete, Cancel]", in.Type)
	}
	if x.done() {
		return nil, clientErr("InvalidAutomationStatusUpdateException", "The execution %s is %s; only a running one can be stopped.", x.id, x.status)
	}
	x.cancel, x.wake = true, now
	x.act(sb, now)
	return map[string]any{}, nil
}
