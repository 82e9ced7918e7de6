package sandbox

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/theory/jsonpath"

	"cloudcontrol/backend/cloud"
)

// The Automation actions the sandbox runs. aws:executeAwsApi and the
// calls other actions make go to the sandbox's own EC2 and SSM (awscall.go),
// each in the request log as the automation's; the polls of a wait are
// not logged.

// waitPoll is how often a wait (aws:waitForAwsResourceProperty, a runCommand
// step's command, an instance with no transition due) looks again, before
// the speed divides it.
const waitPoll = time.Second

// maxSleep is aws:sleep's limit.
const maxSleep = 7 * 24 * time.Hour

type stepResult struct {
	done           bool
	failure, stage string // stage: Invocation or Verification
	next           time.Time
}

func failInvocation(format string, args ...any) stepResult {
	return stepResult{failure: fmt.Sprintf(format, args...), stage: "Invocation"}
}

func failVerification(format string, args ...any) stepResult {
	return stepResult{failure: fmt.Sprintf(format, args...), stage: "Verification"}
}

var runnable = map[string]func(sb *Sandbox, x *execution, s *stepExec, at time.Time) stepResult{
	"aws:executeAwsApi":              runExecuteAwsAPI,
	"aws:changeInstanceState":        runChangeInstanceState,
	"aws:waitForAwsResourceProperty": runWaitForProperty,
	"aws:assertAwsResourceProperty":  runAssertProperty,
	"aws:runCommand":                 runRunCommand,
	"aws:sleep":                      runSleep,
	"aws:createTags":                 runCreateTags,
}

func runStep(sb *Sandbox, x *execution, s *stepExec, at time.Time) stepResult {
	if e, ok := s.state.(inputError); ok {
		return failInvocation("%s", string(e))
	}
	f := runnable[s.def.action]
	if f == nil {
		return failInvocation("The sandbox does not run %s steps; it runs %s", s.def.action,
			strings.Join(slices.Sorted(maps.Keys(runnable)), ", "))
	}
	return f(sb, x, s, at)
}

// apiParams are a step's inputs without the action's own.
func apiParams(in map[string]any, own ...string) map[string]any {
	out := maps.Clone(in)
	for _, k := range own {
		delete(out, k)
	}
	return out
}

func inputText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return valueText(v)
}

// inputList reads a list input (a list, or one value).
func inputList(v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			out = append(out, valueText(e))
		}
		return out
	}
	return []string{valueText(v)}
}

func inputBool(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// awsFailure words a failed call as Automation reports it (boto3's words).
func awsFailure(api string, e *apiError) string {
	return fmt.Sprintf("An error occurred (%s) when calling the %s operation: %s", e.code, api, e.message)
}

func runExecuteAwsAPI(sb *Sandbox, x *execution, s *stepExec, at time.Time) stepResult {
	api := inputText(s.inputs["Api"])
	resp, err := sb.awsCall(x, s, at, inputText(s.inputs["Service"]), api, apiParams(s.inputs, "Service", "Api"), true)
	if err != nil {
		return failInvocation("%s", awsFailure(api, err))
	}
	s.outputs = map[string][]string{}
	for _, o := range s.def.outputs {
		v, ok, why := selectOutput(resp, o)
		if why != "" {
			return failInvocation("output %s: %s", o.name, why)
		}
		if ok {
			x.values[s.def.name+"."+o.name] = v
			s.outputs[o.name] = textList(v)
		}
	}
	return stepResult{done: true}
}

// selectValues runs a JSONPath selector over an API's response.
func selectValues(resp any, selector string) ([]any, string) {
	p, err := jsonpath.Parse(selector)
	if err != nil {
		return nil, fmt.Sprintf("the selector %s is not JSONPath: %v", selector, err)
	}
	return p.Select(resp), ""
}

// selectOutput is an output's value from resp, typed as the output says;
// ok is false when the selector finds nothing (a StringList is then empty).
func selectOutput(resp any, o autoOutput) (any, bool, string) {
	nodes, why := selectValues(resp, o.selector)
	if why != "" {
		return nil, false, why
	}
	if o.typ == "StringList" {
		list := []string{}
		for _, n := range nodes {
			list = append(list, inputList(n)...)
		}
		return list, true, ""
	}
	if o.typ == "MapList" {
		if len(nodes) == 1 {
			if l, ok := nodes[0].([]any); ok {
				return l, true, ""
			}
		}
		return nodes, true, ""
	}
	if len(nodes) == 0 {
		return nil, false, ""
	}
	v := nodes[0]
	switch o.typ {
	case "Integer":
		n, ok := intValue(v)
		if !ok {
			return nil, false, fmt.Sprintf("the selector %s found %s, not a whole number", o.selector, describeValue(v))
		}
		return n, true, ""
	case "Boolean":
		b, ok := v.(bool)
		if !ok {
			return nil, false, fmt.Sprintf("the selector %s found %s, not true or false", o.selector, describeValue(v))
		}
		return b, true, ""
	case "StringMap":
		return v, true, ""
	}
	return valueText(v), true, ""
}

// runCreateTags tags EC2 resources (ResourceType EC2, the default) with
// the sandbox's own CreateTags, as aws:createTags does; the other resource
// types it takes in AWS (ManagedInstance, MaintenanceWindow, Parameter)
// the sandbox does not tag.
func runCreateTags(sb *Sandbox, x *execution, s *stepExec, at time.Time) stepResult {
	if typ, ok := s.inputs["ResourceType"]; ok && inputText(typ) != "EC2" {
		return failInvocation("ResourceType %s: the sandbox's aws:createTags tags EC2 resources only", inputText(typ))
	}
	ids := inputList(s.inputs["ResourceIds"])
	if len(ids) == 0 {
		return failInvocation("ResourceIds is empty: there is nothing to tag")
	}
	tags, why := tagInputs(s.inputs["Tags"])
	if why != "" {
		return failInvocation("Tags %s", why)
	}
	if _, err := sb.awsCall(x, s, at, "ec2", "CreateTags", map[string]any{"Resources": ids, "Tags": tags}, true); err != nil {
		return failInvocation("%s", awsFailure("CreateTags", err))
	}
	return stepResult{done: true}
}

// tagInputs reads aws:createTags' Tags: a MapList of {Key, Value}.
func tagInputs(v any) ([]any, string) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, "must be a list of {Key, Value} maps"
	}
	out := make([]any, 0, len(list))
	for _, e := range list {
		m, ok := e.(map[string]any)
		key, _ := m["Key"].(string)
		raw, hasValue := m["Value"]
		if !ok || key == "" || len(m) > 2 || len(m) == 2 && !hasValue {
			return nil, fmt.Sprintf("must be a list of {Key, Value} maps, not %s", describeValue(e))
		}
		value := ""
		if raw != nil {
			value = inputText(raw)
		}
		out = append(out, map[string]any{"Key": key, "Value": value})
	}
	return out, ""
}

// changeState is a changeInstanceState step's progress: whether its
// start/stop call was made.
type changeState struct{ called bool }

var stateAPIs = map[string]string{"running": "StartInstances", "stopped": "StopInstances", "terminated": "TerminateInstances"}

// waiterFails are the states from which an instance does not reach the
// desired one, as the EC2 waiters Automation uses give up on them.
var waiterFails = map[string][]string{
	"running":    {cloud.ShuttingDown, cloud.Terminated, cloud.Stopping},
	"stopped":    {cloud.Pending, cloud.Terminated},
	"terminated": {cloud.Pending, cloud.Stopping},
}

func runChangeInstanceState(sb *Sandbox, x *execution, s *stepExec, at time.Time) stepResult {
	ids := inputList(s.inputs["InstanceIds"])
	desired := inputText(s.inputs["DesiredState"])
	api, ok := stateAPIs[desired]
	if !ok {
		return failInvocation("DesiredState %s is not running, stopped or terminated", desired)
	}
	if len(ids) == 0 {
		return failInvocation("InstanceIds is empty: there is no instance to change")
	}
	st, _ := s.state.(*changeState)
	if st == nil {
		st = &changeState{}
		s.state = st
	}
	if !st.called && !inputBool(s.inputs["CheckStateOnly"]) {
		params := map[string]any{"InstanceIds": ids}
		if inputBool(s.inputs["Force"]) && desired == "stopped" {
			params["Force"] = true
		}
		if _, err := sb.awsCall(x, s, at, "ec2", api, params, true); err != nil {
			return failInvocation("%s", awsFailure(api, err))
		}
	}
	st.called = true
	var next time.Time
	ready := true
	for _, id := range ids {
		in := sb.byID[id]
		if in == nil || in.region != x.region {
			return failVerification("the instance %s does not exist", id)
		}
		in.advance(at)
		if slices.Contains(waiterFails[desired], in.state) {
			return failVerification("Waiter Instance%s failed: Waiter encountered a terminal failure state: the instance %s is %s",
				strings.ToUpper(desired[:1])+desired[1:], id, in.state)
		}
		if instanceReached(in, desired, at) {
			continue
		}
		ready = false
		if t := in.readyAt(at); !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if ready {
		return stepResult{done: true}
	}
	if next.IsZero() {
		next = at.Add(sb.scale(waitPoll))
	}
	return stepResult{next: next}
}

// instanceReached: running means running with both status checks ok, as
// aws:changeInstanceState waits for.
func instanceReached(in *instance, desired string, at time.Time) bool {
	if in.state != desired {
		return false
	}
	if desired != cloud.Running {
		return true
	}
	ch := in.checks(at)
	return ch.Instance == cloud.CheckOK && ch.System == cloud.CheckOK
}

// readyAt is the next time the instance's state or status checks change
// (zero when none is due).
func (in *instance) readyAt(at time.Time) time.Time {
	next := in.nextEvent(at)
	if in.state == cloud.Running {
		if t := in.runSince.Add(in.timing.Checks); t.After(at) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next
}

// propertyMatches runs a wait's or assertion's call and says whether the
// property has one of the desired values; err is the call's failure.
func propertyMatches(sb *Sandbox, x *execution, s *stepExec, at time.Time) (ok bool, found []string, err *apiError, why string) {
	api := inputText(s.inputs["Api"])
	resp, err := sb.awsCall(x, s, at, inputText(s.inputs["Service"]), api,
		apiParams(s.inputs, "Service", "Api", "PropertySelector", "DesiredValues"), false)
	if err != nil {
		return false, nil, err, ""
	}
	nodes, why := selectValues(resp, inputText(s.inputs["PropertySelector"]))
	if why != "" {
		return false, nil, nil, why
	}
	desired := inputList(s.inputs["DesiredValues"])
	for _, n := range nodes {
		found = append(found, inputList(n)...)
	}
	ok = len(found) > 0 && !slices.ContainsFunc(found, func(v string) bool { return !slices.Contains(desired, v) })
	return ok, found, nil, ""
}

// runWaitForProperty passes once every value the selector finds (at least
// one) is a desired one; throttling is retried, as Automation does.
func runWaitForProperty(sb *Sandbox, x *execution, s *stepExec, at time.Time) stepResult {
	ok, _, err, why := propertyMatches(sb, x, s, at)
	switch {
	case why != "":
		return failInvocation("%s", why)
	case err != nil && slices.Contains([]string{"ThrottlingException", "RequestLimitExceeded", "Throttling"}, err.code):
	case err != nil:
		return failInvocation("%s", awsFailure(inputText(s.inputs["Api"]), err))
	case ok:
		return stepResult{done: true}
	}
	return stepResult{next: at.Add(sb.scale(waitPoll))}
}

func runAssertProperty(sb *Sandbox, x *execution, s *stepExec, at time.Time) stepResult {
	ok, found, err, why := propertyMatches(sb, x, s, at)
	switch {
	case why != "":
		return failInvocation("%s", why)
	case err != nil:
		return failInvocation("%s", awsFailure(inputText(s.inputs["Api"]), err))
	case !ok:
		return failVerification("%s is %v, not one of the desired values %v", inputText(s.inputs["PropertySelector"]), found, inputList(s.inputs["DesiredValues"]))
	}
	return stepResult{done: true}
}

// runState is a runCommand step's progress: the command it sent.
type runState struct{ command string }

var runCommandInputs = []string{"DocumentName", "InstanceIds", "Targets", "Parameters", "TimeoutSeconds", "Comment",
	"MaxConcurrency", "MaxErrors", "ServiceRoleArn", "OutputS3BucketName", "OutputS3KeyPrefix", "CloudWatchOutputConfig",
	"DocumentHash", "DocumentHashType", "NotificationConfig"}

func runRunCommand(sb *Sandbox, x *execution, s *stepExec, at time.Time) stepResult {
	st, _ := s.state.(*runState)
	if st == nil {
		params := map[string]any{}
		for k, v := range s.inputs {
			if !slices.Contains(runCommandInputs, k) {
				return failInvocation("aws:runCommand does not take the input %s", k)
			}
			params[k] = v
		}
		if ids, ok := params["InstanceIds"]; ok {
			params["InstanceIds"] = inputList(ids)
		}
		if p, ok := params["Parameters"].(map[string]any); ok {
			lists := map[string]any{}
			for k, v := range p {
				lists[k] = inputList(v)
			}
			params["Parameters"] = lists
		}
		if t, ok := params["TimeoutSeconds"]; ok {
			n, _ := intValue(t)
			params["TimeoutSeconds"] = n
		}
		resp, err := sb.awsCall(x, s, at, "ssm", "SendCommand", params, true)
		if err != nil {
			return failInvocation("%s", awsFailure("SendCommand", err))
		}
		answer, _ := resp.(map[string]any)
		sent, _ := answer["Command"].(map[string]any)
		id, _ := sent["CommandId"].(string)
		st = &runState{command: id}
		s.state = st
		s.outputs = map[string][]string{"CommandId": {id}}
		x.values[s.def.name+".CommandId"] = id
	}
	cmd := sb.commandByID(x.region, st.command)
	var next time.Time
	for _, v := range cmd.invs { // the command's own acts due by now come first
		if d := v.due(); !d.IsZero() && !d.After(at) {
			v.act(sb, at)
		}
		if d := v.due(); !d.IsZero() && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	status, _, _, _ := cmd.status()
	if status == cmdPending || status == cmdInProgress {
		return stepResult{next: next}
	}
	x.values[s.def.name+".Status"] = status
	s.outputs["Status"] = []string{status}
	if len(cmd.invs) == 1 {
		v := cmd.invs[0]
		code := strconv.Itoa(v.responseCode())
		x.values[s.def.name+".ResponseCode"], x.values[s.def.name+".Output"] = code, v.pluginOutput()
		s.outputs["ResponseCode"], s.outputs["Output"] = []string{code}, []string{v.pluginOutput()}
		s.responseCode = code
	}
	if status == cmdSuccess {
		return stepResult{done: true}
	}
	var parts []string
	for _, v := range cmd.invs {
		if v.status != cmdSuccess {
			parts = append(parts, fmt.Sprintf("%s on %s (exit %d): %s", v.status, v.in.id, v.responseCode(), lastLines(v.pluginOutput(), 5)))
		}
	}
	return failVerification("Command %s ended %s: %s", cmd.id, status, strings.Join(parts, "; "))
}

// lastLines is the end of a script's output, on one line.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " / ")
}

// sleepState is when an aws:sleep step ends.
type sleepState struct{ until time.Time }

var isoDurationRe = regexp.MustCompile(`^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// isoDuration reads an ISO 8601 duration such as PT5M or P1DT2H.
func isoDuration(s string) (time.Duration, bool) {
	m := isoDurationRe.FindStringSubmatch(s)
	if m == nil || s == "P" || strings.HasSuffix(s, "T") {
		return 0, false
	}
	var d time.Duration
	for i, unit := range []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second} {
		if m[i+1] != "" {
			f, _ := strconv.ParseFloat(m[i+1], 64)
			d += time.Duration(f * float64(unit))
		}
	}
	return d, true
}

func runSleep(sb *Sandbox, _ *execution, s *stepExec, at time.Time) stepResult {
	st, _ := s.state.(*sleepState)
	if st == nil {
		st = &sleepState{}
		if raw, ok := s.inputs["Duration"]; ok {
			d, ok := isoDuration(inputText(raw))
			if !ok {
				return failInvocation("Duration %v is not an ISO 8601 duration such as PT30S or PT5M", raw)
			}
			if d > maxSleep {
				return failInvocation("Duration %v is longer than the 7 days aws:sleep waits at most", raw)
			}
			st.until = at.Add(sb.scale(d))
		} else {
			t, err := time.Parse(time.RFC3339, inputText(s.inputs["Timestamp"]))
			if err != nil {
				return failInvocation("Timestamp %v is not an ISO 8601 time such as 2025-06-01T12:00:00Z", s.inputs["Timestamp"])
			}
			if t.Sub(at) > maxSleep {
				return failInvocation("Timestamp %v is more than the 7 days aws:sleep waits at most away", s.inputs["Timestamp"])
			}
			st.until = t
		}
		s.state = st
	}
	if at.Before(st.until) {
		return stepResult{next: st.until}
	}
	return stepResult{done: true}
}
