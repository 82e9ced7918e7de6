package sandbox

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SSM Run Command: SendCommand runs AWS-RunShellScript on SSM-managed
// instances that are online; each invocation is an actor on the agenda,
// Pending until the agent picks it up (commandDelivery later, or once the
// instance is back online, until the command's TimeoutSeconds), then
// InProgress while its script runs (ssm_shell.go), then Success, Failed or
// TimedOut (executionTimeout).

// ssmCore are the SSM actions the sandbox adds to GetParameter(s), as of a
// given time with sb.mu held: the API dispatcher and an automation's
// aws:executeAwsApi both call them.
var ssmCore = map[string]ssmAction{}

// ssmAction answers an SSM action as of a time, with sb.mu held.
type ssmAction = func(*Sandbox, *jsonCall, time.Time) (any, *apiError)

func init() {
	addSSM(map[string]ssmAction{
		"SendCommand":                 (*Sandbox).ssmSendCommand,
		"GetCommandInvocation":        (*Sandbox).ssmGetCommandInvocation,
		"ListCommandInvocations":      (*Sandbox).ssmListCommandInvocations,
		"ListCommands":                (*Sandbox).ssmListCommands,
		"DescribeInstanceInformation": (*Sandbox).ssmDescribeInstanceInformation,
	})
}

// addSSM adds actions to ssmCore and to the API's table, which answers
// them as of the clock under the lock.
func addSSM(actions map[string]ssmAction) {
	for name, f := range actions {
		ssmCore[name] = f
		ssmService.actions[name] = func(sb *Sandbox, c *jsonCall) (any, *apiError) {
			sb.mu.Lock()
			defer sb.mu.Unlock()
			return f(sb, c, sb.clock.Now())
		}
	}
}

const (
	runShellScript = "AWS-RunShellScript"
	shellPlugin    = "aws:runShellScript"
	// commandDelivery is how long an online agent takes to pick a command up.
	commandDelivery = time.Second
	// agentRetry is how often a command waiting for an offline instance
	// looks again.
	agentRetry = 5 * time.Second
	// Defaults of SendCommand's TimeoutSeconds and the script's executionTimeout.
	defaultDeliveryTimeout  = 3600
	defaultExecutionTimeout = 3600
	// What SSM keeps of a script's output: GetCommandInvocation's
	// StandardOutputContent and a plugin's Output in ListCommandInvocations.
	maxStdout       = 24000
	maxPluginOutput = 2500
)

// Invocation statuses, as SSM spells them.
const (
	cmdPending    = "Pending"
	cmdInProgress = "InProgress"
	cmdSuccess    = "Success"
	cmdFailed     = "Failed"
	cmdTimedOut   = "TimedOut"
)

// command is one SendCommand. Guarded by Sandbox.mu.
type command struct {
	id, region, document, comment, role string
	params                              map[string][]string
	ids                                 []string // InstanceIds as sent
	targets                             []ssmStringFilter
	requested                           time.Time
	deliveryTimeout                     int
	execTimeout                         time.Duration // scaled
	invs                                []*invocation
	maxConcurrency, maxErrors           string
}

// invocation is a command on one instance; an actor.
type invocation struct {
	cmd                     *command
	in                      *instance
	status, detail          string
	started, ended          time.Time
	exit                    int
	stdout, stderr          strings.Builder
	run                     shellRun
	wake                    time.Time
	deliveryBy, deliverWait time.Duration // scaled
}

func (v *invocation) done() bool { return v.status != cmdPending && v.status != cmdInProgress }

func (v *invocation) due() time.Time {
	if v.done() {
		return time.Time{}
	}
	return v.wake
}

func (v *invocation) act(sb *Sandbox, at time.Time) {
	v.in.advance(at)
	switch v.status {
	case cmdPending:
		if !at.Before(v.cmd.requested.Add(v.deliveryBy)) {
			v.finish(at, cmdTimedOut, "DeliveryTimedOut", -1)
			return
		}
		if !v.in.online(at) {
			v.wake = at.Add(v.deliverWait)
			return
		}
		v.status, v.detail, v.started = cmdInProgress, cmdInProgress, at
		v.run = sb.newShellRun(v.in, v.cmd.params["commands"])
		v.step(sb, at)
	case cmdInProgress:
		v.step(sb, at)
	}
}

// step runs the script up to at, or ends it when its time is up.
func (v *invocation) step(sb *Sandbox, at time.Time) {
	limit := v.started.Add(v.cmd.execTimeout)
	if !at.Before(limit) {
		v.finish(at, cmdTimedOut, "ExecutionTimedOut", -1)
		return
	}
	done, exit, next := v.run.step(sb, v.in, at, &v.stdout, &v.stderr)
	switch {
	case done && exit == 0:
		v.finish(at, cmdSuccess, cmdSuccess, 0)
	case done:
		v.finish(at, cmdFailed, cmdFailed, exit)
	case next.After(limit):
		v.wake = limit
	default:
		v.wake = next
	}
}

func (v *invocation) finish(at time.Time, status, detail string, exit int) {
	v.status, v.detail, v.exit, v.ended = status, detail, exit, at
}

// responseCode is the exit code SSM reports: -1 until the script ends
// (and for one that never ran or was cut off).
func (v *invocation) responseCode() int {
	if v.status == cmdSuccess || v.status == cmdFailed {
		return v.exit
	}
	return -1
}

// commandStatus sums up a command's invocations as SSM does.
func (c *command) status() (status string, completed, errors, delivery int) {
	pending, running := 0, 0
	var failed, timedOut bool
	for _, v := range c.invs {
		switch v.status {
		case cmdPending:
			pending++
		case cmdInProgress:
			running++
		default:
			completed++
		}
		switch v.status {
		case cmdFailed:
			failed = true
			errors++
		case cmdTimedOut:
			timedOut = true
			errors++
			if v.detail == "DeliveryTimedOut" {
				delivery++
			}
		}
	}
	switch {
	case pending == len(c.invs) && pending > 0:
		return cmdPending, completed, errors, delivery
	case pending+running > 0:
		return cmdInProgress, completed, errors, delivery
	case failed:
		return cmdFailed, completed, errors, delivery
	case timedOut:
		return cmdTimedOut, completed, errors, delivery
	}
	return cmdSuccess, completed, errors, delivery
}

func (c *command) view(now time.Time) map[string]any {
	status, completed, errors, delivery := c.status()
	ids := c.ids
	if ids == nil {
		ids = []string{}
	}
	targets := make([]map[string]any, 0, len(c.targets))
	for _, t := range c.targets {
		targets = append(targets, map[string]any{"Key": t.Key, "Values": t.Values})
	}
	return map[string]any{
		"CommandId": c.id, "DocumentName": c.document, "DocumentVersion": "$DEFAULT", "Comment": c.comment,
		"ExpiresAfter": unixSeconds(c.requested.Add(time.Duration(c.deliveryTimeout) * time.Second)), "Parameters": c.params,
		"InstanceIds": ids, "Targets": targets, "RequestedDateTime": unixSeconds(c.requested), "Status": status, "StatusDetails": status,
		"OutputS3Region": c.region, "OutputS3BucketName": "", "OutputS3KeyPrefix": "", "MaxConcurrency": c.maxConcurrency,
		"MaxErrors": c.maxErrors, "TargetCount": len(c.invs), "CompletedCount": completed, "ErrorCount": errors,
		"DeliveryTimedOutCount": delivery, "ServiceRole": c.role, "TimeoutSeconds": c.deliveryTimeout,
		"NotificationConfig":     map[string]any{"NotificationArn": "", "NotificationEvents": []string{}, "NotificationType": ""},
		"CloudWatchOutputConfig": map[string]any{"CloudWatchLogGroupName": "", "CloudWatchOutputEnabled": false},
	}
}

var executionTimeoutRe = regexp.MustCompile(`^([1-9][0-9]{0,4}|1[0-6][0-9]{4}|17[0-1][0-9]{3}|172[0-7][0-9]{2}|172800)$`)

func invalidParameters(format string, args ...any) *apiError {
	return clientErr("InvalidParameters", format, args...)
}

func (sb *Sandbox) ssmSendCommand(c *jsonCall, now time.Time) (any, *apiError) {
	var in struct {
		DocumentName, DocumentVersion, Comment, ServiceRoleArn string
		InstanceIDs                                            []string `json:"InstanceIds"`
		Targets                                                []ssmStringFilter
		Parameters                                             map[string][]string
		TimeoutSeconds                                         *int
		MaxConcurrency, MaxErrors                              string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.DocumentName == "" {
		return nil, clientErr("ValidationException", "1 validation error detected: Value null at 'documentName' failed to satisfy constraint: Member must not be null")
	}
	if !strings.EqualFold(in.DocumentName, runShellScript) && !strings.HasSuffix(in.DocumentName, ":document/"+runShellScript) {
		if sb.aws.docs[c.region][in.DocumentName] == nil {
			return nil, clientErr("InvalidDocument", "Document with name %s does not exist.", in.DocumentName)
		}
		return nil, clientErr("InvalidDocument", "The sandbox's Run Command runs %s only, not %s.", runShellScript, in.DocumentName)
	}
	if len(in.InstanceIDs) > 0 == (len(in.Targets) > 0) {
		return nil, clientErr("ValidationException", "Either InstanceIds or Targets must be given, not both.")
	}
	if len(in.InstanceIDs) > 50 {
		return nil, clientErr("ValidationException", "1 validation error detected: Value at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	for k := range in.Parameters {
		if k != "commands" && k != "workingDirectory" && k != "executionTimeout" {
			return nil, invalidParameters("%s does not take the parameter %s; it takes commands, workingDirectory and executionTimeout.", runShellScript, k)
		}
	}
	if len(in.Parameters["commands"]) == 0 {
		return nil, invalidParameters("Parameter \"commands\" is required by %s.", runShellScript)
	}
	exec := defaultExecutionTimeout
	if v := in.Parameters["executionTimeout"]; len(v) > 0 {
		if len(v) != 1 || !executionTimeoutRe.MatchString(v[0]) {
			return nil, invalidParameters("Parameter \"executionTimeout\" %q is not a whole number of seconds from 1 to 172800.", strings.Join(v, ","))
		}
		exec, _ = strconv.Atoi(v[0])
	}
	delivery := defaultDeliveryTimeout
	if in.TimeoutSeconds != nil {
		if *in.TimeoutSeconds < 30 || *in.TimeoutSeconds > 2592000 {
			return nil, clientErr("ValidationException", "1 validation error detected: Value '%d' at 'timeoutSeconds' failed to satisfy constraint: Member must have value between 30 and 2592000", *in.TimeoutSeconds)
		}
		delivery = *in.TimeoutSeconds
	}
	targets, err := sb.commandTargets(c, in.InstanceIDs, in.Targets, now)
	if err != nil {
		return nil, err
	}
	cmd := &command{
		id: uuidOf(fmt.Sprintf("command/%d", sb.nextID())), region: c.region, document: runShellScript, comment: in.Comment,
		role: in.ServiceRoleArn, params: in.Parameters, ids: in.InstanceIDs, targets: in.Targets, requested: now,
		deliveryTimeout: delivery, execTimeout: sb.scale(time.Duration(exec) * time.Second),
		maxConcurrency: orStr(in.MaxConcurrency, "50"), maxErrors: orStr(in.MaxErrors, "0"),
	}
	for _, x := range targets {
		v := &invocation{cmd: cmd, in: x, status: cmdPending, detail: cmdPending, exit: -1,
			wake: now.Add(sb.scale(commandDelivery)), deliveryBy: sb.scale(time.Duration(delivery) * time.Second),
			deliverWait: sb.scale(agentRetry)}
		cmd.invs = append(cmd.invs, v)
		sb.enlist(v)
		c.ids = append(c.ids, x.id)
	}
	sb.aws.commands = append(sb.aws.commands, cmd)
	sb.armAgenda(now)
	return map[string]any{"Command": cmd.view(now)}, nil
}

func orStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// commandTargets resolves InstanceIds (each must be online, or the call is
// refused as SSM refuses it) or Targets (the managed instances that match).
func (sb *Sandbox) commandTargets(c *jsonCall, ids []string, targets []ssmStringFilter, now time.Time) ([]*instance, *apiError) {
	var out []*instance
	if len(ids) > 0 {
		var bad []string
		for _, id := range ids {
			x := sb.byID[id]
			if x != nil && x.region == c.region {
				x.advance(now)
			}
			if x == nil || x.region != c.region || !x.online(now) {
				bad = append(bad, id)
				continue
			}
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
		if len(bad) > 0 {
			return nil, clientErr("InvalidInstanceId", "Instances [[%s]] not in a valid state for account %s", strings.Join(bad, ", "), sb.account)
		}
		return out, nil
	}
	if len(targets) > 5 {
		return nil, clientErr("ValidationException", "1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length less than or equal to 5")
	}
	var tests []func(*instance) bool
	for _, t := range targets {
		values := t.Values
		switch {
		case t.Key == "InstanceIds":
			tests = append(tests, func(x *instance) bool { return slices.Contains(values, x.id) })
		case t.Key == "tag-key":
			tests = append(tests, func(x *instance) bool {
				return slices.ContainsFunc(values, func(k string) bool { _, ok := x.tags[k]; return ok })
			})
		case strings.HasPrefix(t.Key, "tag:") && len(t.Key) > 4:
			key := t.Key[4:]
			tests = append(tests, func(x *instance) bool { v, ok := x.tags[key]; return ok && slices.Contains(values, v) })
		default:
			return nil, clientErr("InvalidTarget", "The target key %s is not one the sandbox knows: use InstanceIds, tag-key or tag:KEY.", t.Key)
		}
	}
	if rs := sb.regions[c.region]; rs != nil {
		for _, x := range rs.order {
			x.advance(now)
			if _, _, known := x.ping(now); known && !slices.ContainsFunc(tests, func(t func(*instance) bool) bool { return !t(x) }) {
				out = append(out, x)
			}
		}
	}
	return out, nil
}

// commandByID finds a command of the call's region.
func (sb *Sandbox) commandByID(region, id string) *command {
	for _, cmd := range sb.aws.commands {
		if cmd.id == id && cmd.region == region {
			return cmd
		}
	}
	return nil
}

func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// isoElapsed writes a duration as SSM does: PT1.234S.
func isoElapsed(d time.Duration) string {
	return "PT" + strconv.FormatFloat(d.Seconds(), 'f', 3, 64) + "S"
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func (sb *Sandbox) ssmGetCommandInvocation(c *jsonCall, now time.Time) (any, *apiError) {
	var in struct {
		CommandID  string `json:"CommandId"`
		InstanceID string `json:"InstanceId"`
		PluginName string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	c.ids = []string{in.InstanceID}
	cmd := sb.commandByID(c.region, in.CommandID)
	if cmd == nil {
		return nil, clientErr("InvalidCommandId", "")
	}
	if in.PluginName != "" && in.PluginName != shellPlugin {
		return nil, clientErr("InvalidPluginName", "")
	}
	i := slices.IndexFunc(cmd.invs, func(v *invocation) bool { return v.in.id == in.InstanceID })
	if i < 0 {
		return nil, clientErr("InvocationDoesNotExist", "")
	}
	v := cmd.invs[i]
	out := map[string]any{
		"CommandId": cmd.id, "InstanceId": v.in.id, "Comment": cmd.comment, "DocumentName": cmd.document,
		"DocumentVersion": "$DEFAULT", "PluginName": shellPlugin, "ResponseCode": v.responseCode(),
		"ExecutionStartDateTime": isoTime(v.started), "ExecutionEndDateTime": isoTime(v.ended),
		"Status": v.status, "StatusDetails": v.detail,
		"StandardOutputContent": clip(v.stdout.String(), maxStdout), "StandardOutputUrl": "",
		"StandardErrorContent": clip(v.stderr.String(), maxStdout), "StandardErrorUrl": "",
		"CloudWatchOutputConfig": map[string]any{"CloudWatchLogGroupName": "", "CloudWatchOutputEnabled": false},
	}
	switch {
	case !v.ended.IsZero() && !v.started.IsZero():
		out["ExecutionElapsedTime"] = isoElapsed(v.ended.Sub(v.started))
	case !v.started.IsZero():
		out["ExecutionElapsedTime"] = isoElapsed(now.Sub(v.started))
	}
	return out, nil
}

// pluginOutput is a plugin's Output in ListCommandInvocations: stdout,
// then stderr after SSM's separator, cut to what SSM keeps.
func (v *invocation) pluginOutput() string {
	out := v.stdout.String()
	if e := v.stderr.String(); e != "" {
		out += "\n----------ERROR-------\n" + e
	}
	return clip(out, maxPluginOutput)
}

type commandFilter struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// commandFilterTest builds ListCommands' and ListCommandInvocations' filters.
func commandFilterTest(fs []commandFilter) (func(cmd *command, status string) bool, *apiError) {
	var tests []func(*command, string) bool
	for _, f := range fs {
		v := f.Value
		switch f.Key {
		case "Status":
			tests = append(tests, func(_ *command, s string) bool { return s == v })
		case "DocumentName":
			tests = append(tests, func(cmd *command, _ string) bool { return cmd.document == v })
		case "InvokedAfter", "InvokedBefore":
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return nil, clientErr("InvalidFilterValue", "%s takes a time such as 2024-05-01T10:00:00Z, not %q", f.Key, v)
			}
			after := f.Key == "InvokedAfter"
			tests = append(tests, func(cmd *command, _ string) bool { return cmd.requested.After(t) == after })
		default:
			return nil, clientErr("InvalidFilterKey", "The filter key %s is not valid; use Status, DocumentName, InvokedAfter or InvokedBefore", f.Key)
		}
	}
	return func(cmd *command, status string) bool {
		return !slices.ContainsFunc(tests, func(t func(*command, string) bool) bool { return !t(cmd, status) })
	}, nil
}

// commandsNewestFirst are the region's commands (one, when id is given),
// newest first; an unknown id is InvalidCommandId.
func (sb *Sandbox) commandsNewestFirst(region, id string) ([]*command, *apiError) {
	if id != "" {
		cmd := sb.commandByID(region, id)
		if cmd == nil {
			return nil, clientErr("InvalidCommandId", "")
		}
		return []*command{cmd}, nil
	}
	var out []*command
	for i := len(sb.aws.commands) - 1; i >= 0; i-- {
		if sb.aws.commands[i].region == region {
			out = append(out, sb.aws.commands[i])
		}
	}
	return out, nil
}

// commandQuery is what ListCommands and ListCommandInvocations take.
type commandQuery struct {
	CommandID  string `json:"CommandId"`
	InstanceID string `json:"InstanceId"`
	NextToken  string
	MaxResults *int
	Filters    []commandFilter
	Details    bool
}

// listCommands reads a listing's request: its page, its filter and the
// commands it covers, newest first.
func (sb *Sandbox) listCommands(c *jsonCall) (in commandQuery, limit, start int, keep func(*command, string) bool, cmds []*command, err *apiError) {
	if err = c.decode(&in); err != nil {
		return
	}
	if limit, start, err = jsonPage(in.MaxResults, in.NextToken, 1, 50, 50); err != nil {
		return
	}
	if keep, err = commandFilterTest(in.Filters); err != nil {
		return
	}
	cmds, err = sb.commandsNewestFirst(c.region, in.CommandID)
	return
}

func (sb *Sandbox) ssmListCommandInvocations(c *jsonCall, now time.Time) (any, *apiError) {
	in, limit, start, keep, cmds, err := sb.listCommands(c)
	if err != nil {
		return nil, err
	}
	var list []map[string]any
	for _, cmd := range cmds {
		for _, v := range cmd.invs {
			if in.InstanceID != "" && v.in.id != in.InstanceID || !keep(cmd, v.status) {
				continue
			}
			inv := map[string]any{
				"CommandId": cmd.id, "InstanceId": v.in.id, "InstanceName": v.in.name(), "Comment": cmd.comment,
				"DocumentName": cmd.document, "DocumentVersion": "$DEFAULT", "RequestedDateTime": unixSeconds(cmd.requested),
				"Status": v.status, "StatusDetails": v.detail, "TraceOutput": "", "StandardOutputUrl": "", "StandardErrorUrl": "",
				"CommandPlugins": []any{}, "ServiceRole": cmd.role,
				"NotificationConfig":     map[string]any{"NotificationArn": "", "NotificationEvents": []string{}, "NotificationType": ""},
				"CloudWatchOutputConfig": map[string]any{"CloudWatchLogGroupName": "", "CloudWatchOutputEnabled": false},
			}
			if in.Details {
				plugin := map[string]any{"Name": shellPlugin, "Status": v.status, "StatusDetails": v.detail,
					"ResponseCode": v.responseCode(), "Output": v.pluginOutput(), "StandardOutputUrl": "", "StandardErrorUrl": "",
					"OutputS3Region": cmd.region, "OutputS3BucketName": "", "OutputS3KeyPrefix": ""}
				if !v.started.IsZero() {
					plugin["ResponseStartDateTime"] = unixSeconds(v.started)
				}
				if !v.ended.IsZero() {
					plugin["ResponseFinishDateTime"] = unixSeconds(v.ended)
				}
				inv["CommandPlugins"] = []any{plugin}
			}
			list = append(list, inv)
			c.ids = append(c.ids, v.in.id)
		}
	}
	return pageAnswer("CommandInvocations", list, start, limit), nil
}

func (sb *Sandbox) ssmListCommands(c *jsonCall, now time.Time) (any, *apiError) {
	in, limit, start, keep, cmds, err := sb.listCommands(c)
	if err != nil {
		return nil, err
	}
	var list []map[string]any
	for _, cmd := range cmds {
		status, _, _, _ := cmd.status()
		if in.InstanceID != "" && !slices.ContainsFunc(cmd.invs, func(v *invocation) bool { return v.in.id == in.InstanceID }) || !keep(cmd, status) {
			continue
		}
		list = append(list, cmd.view(now))
	}
	return pageAnswer("Commands", list, start, limit), nil
}
