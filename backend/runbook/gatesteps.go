package runbook

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"cloudcontrol/backend/env"
)

// runCommandLimit is said wherever a gate uses Run Command.
const runCommandLimit = "Run Command takes at most 50 instance ids per call, so the step fails for a lookup that finds more"

// secretAdvice ends the finding of a gate refused for a secret.
const secretAdvice = "a runbook is readable by anyone who may read the account's SSM documents, so it is not written; check an endpoint that needs no secret, or use a command gate that reads the secret on the instance"

// gateSteps turns the tcp, http and command gates of a start stage into
// one aws:runCommand step per lookup, after a wait for SSM to see the
// instances: on each instance the gates run in order, as the app moves
// each instance through them, within one deadline.
func (b *builder) gateSteps(prefix string, st env.Stage, finds []string, timeout time.Duration) []Step {
	r := st.Ready
	pos := st.Pos.String()
	step := prefix + "_gates"
	var checks []check
	var needs scriptNeeds
	for _, port := range r.TCP {
		label := fmt.Sprintf("tcp %d", port)
		b.add(Finding{Kind: KindGate, Stage: st.Name, Subject: label, Outcome: Caveat, Position: pos,
			As: step + ": aws:runCommand (AWS-RunShellScript), bash /dev/tcp to the instance's own private IP",
			Note: "checked from the instance itself, not from where Cloud Control runs: a security group or network ACL that blocks the port for others is not seen; " +
				runCommandLimit})
		checks = append(checks, check{label: label, call: "cc_tcp " + strconv.Itoa(port)})
		needs.tcp, needs.ip = true, true
	}
	for _, u := range r.HTTP {
		if c, ok := b.httpGate(st, u, pos, step, &needs); ok {
			checks = append(checks, c)
		}
	}
	if len(r.Command) > 0 {
		f := Finding{Kind: KindGate, Stage: st.Name, Subject: "command", Outcome: Caveat, Position: pos,
			As: step + ": aws:runCommand (AWS-RunShellScript) on each instance, retried until the stage's timeout, after aws:waitForAwsResourceProperty waits up to ssm-grace for SSM to see the instances online",
			Note: "the wait passes once SSM reports an instance of the lookup online, so another one not yet registered fails the gates step at once rather than after its grace; " +
				runCommandLimit}
		switch {
		case commandSecret(r.Command) != "":
			f.Outcome, f.As, f.Note = Refused, "", commandSecret(r.Command)+"; "+secretAdvice
		case strings.Contains(strings.Join(r.Command, "\n"), "{{"):
			f.Outcome, f.As, f.Note = Refused, "", "it holds {{, which Automation reads as one of its variables and has no way to escape; write it without {{ (for example in a script on the instance)"
		default:
			checks = append(checks, check{label: "command", call: "cc_command"})
			needs.command = r.Command
		}
		b.add(f)
	}
	if len(checks) == 0 {
		return nil
	}
	grace := orDefault(r.SSMGrace.D(), env.DefaultSSMGrace)
	var steps []Step
	for g, f := range finds {
		steps = append(steps, stepOf(prefix+"_ssm_online"+groupSuffix(g, len(finds)), ActionWaitForProperty,
			fmt.Sprintf("Up to ssm-grace (%s) for SSM to see the instances online.", grace), grace,
			map[string]any{
				"Service": "ssm", "Api": "DescribeInstanceInformation",
				"InstanceInformationFilterList": []any{map[string]any{"key": "InstanceIds", "valueSet": ref(f)}},
				"PropertySelector":              "$.InstanceInformationList..PingStatus",
				"DesiredValues":                 []any{"Online"},
			}))
	}
	script := gateScript(checks, needs, timeout)
	for g, f := range finds {
		steps = append(steps, stepOf(step+groupSuffix(g, len(finds)), ActionRunCommand, gatesAbout(needs), timeout,
			map[string]any{
				"DocumentName": runShellScript,
				"InstanceIds":  ref(f),
				"Parameters": map[string]any{
					"commands":         script,
					"executionTimeout": strconv.Itoa(min(stepSeconds(timeout), maxExecutionTimeoutSecs)),
				},
			}))
	}
	return steps
}

// gatesAbout is the gates step's description.
func gatesAbout(n scriptNeeds) string {
	if n.tcp || n.http {
		return "The gates on each instance, in order; tcp and http are checked from the instance itself."
	}
	return "The gates on each instance, in order."
}

// httpGate decides how one http gate is expressed.
func (b *builder) httpGate(st env.Stage, raw, pos, step string, needs *scriptNeeds) (check, bool) {
	f := Finding{Kind: KindGate, Stage: st.Name, Subject: "http " + raw, Outcome: Caveat, Position: pos,
		As: step + ": aws:runCommand (AWS-RunShellScript), curl from the instance itself, 2xx passes",
		Note: "checked from the instance itself, not from where Cloud Control runs, so it does not see what blocks other clients; " +
			runCommandLimit}
	parts, err := urlParts(raw)
	fields := map[string]bool{}
	literal := ""
	for _, p := range parts {
		if p.field != "" {
			fields[p.field] = true
		}
		literal += p.text
	}
	rendered, _ := env.RenderURL(raw, env.URLVars{PrivateIP: "10.0.0.1", PublicIP: "203.0.113.1", ID: "i-0123456789abcdef0", Name: "web-1"})
	switch secret := urlSecret(rendered); {
	case secret != "":
		f.Subject, f.Outcome, f.As, f.Note = "http "+env.RedactURL(raw), Refused, "", secret+"; "+secretAdvice
	case err != nil:
		f.Outcome, f.As, f.Note = Refused, "", "its URL template cannot be read: "+err.Error()
	case fields["PublicIP"]:
		f.Outcome, f.As, f.Note = Refused, "", "{{.PublicIP}} cannot be checked from the instance itself, which usually cannot reach its own public address; check {{.PrivateIP}} instead, or use a command gate"
	case strings.Contains(literal, "{{") || strings.Contains(literal, "}}"):
		f.Outcome, f.As, f.Note = Refused, "", "its URL holds {{ or }}, which Automation reads as a variable"
	case fields["Name"]:
		f.Note = "{{.Name}} is read from the instance's metadata, which needs instance metadata tags enabled (InstanceMetadataTags); " + f.Note
	}
	b.add(f)
	if f.Outcome == Refused {
		return check{}, false
	}
	needs.http = true
	needs.ip = needs.ip || fields["PrivateIP"]
	needs.id = needs.id || fields["ID"]
	needs.name = needs.name || fields["Name"]
	return check{label: "http " + urlShown(parts), call: "cc_http " + shellURL(parts)}, true
}

func groupSuffix(i, n int) string {
	if n == 1 {
		return ""
	}
	return fmt.Sprintf("_g%d", i+1)
}
