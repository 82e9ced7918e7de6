// Package runbook turns an environment into what runs it without the app:
// a start and a stop SSM Automation runbook (schemaVersion 0.3, YAML) that
// do what env start and env stop do, and the two least-privilege IAM
// policies - the automation role's and the scheduler role's.
//
// It is pure: the same environment gives the same bytes. Instances are
// found when a runbook runs, by the file's selectors (tags, not listed
// ids, keep the documents small), and started together, then the gates
// run on the instances. What the runbooks cannot express faithfully is a
// Finding, never dropped: every gate and selector is reported as
// translated, translated with a caveat, or refused; one refusal refuses
// the export.
package runbook

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/orchestrate"
)

const (
	actionStart = "start"
	actionStop  = "stop"
)

// StartDocumentName is the start runbook's document name in AWS.
func StartDocumentName(env string) string { return "CloudControl-" + env + "-start" }

// StopDocumentName is the stop runbook's document name in AWS.
func StopDocumentName(env string) string { return "CloudControl-" + env + "-stop" }

// AutomationRoleName is the role the runbooks run as, when env deploy creates it.
func AutomationRoleName(env string) string { return "CloudControl-" + env + "-automation" }

// SchedulerRoleName is the role EventBridge Scheduler runs them with, when created.
func SchedulerRoleName(env string) string { return "CloudControl-" + env + "-scheduler" }

// ScheduleGroupName is the schedule group holding the start, stop and lease schedules.
func ScheduleGroupName(env string) string { return "cloudcontrol-" + env }

// AWS's limits on those names.
const (
	maxDocumentName = 128
	maxRoleName     = 64
)

// Options tune an export; the zero value is fine.
type Options struct {
	// Account and Region narrow the policies' ARNs; empty means the
	// environment's account pin and region, and "*" when it has none.
	Account, Region string
	// AutomationRoleARN is the role the scheduler may pass to the
	// runbooks; default: CloudControl-ENV-automation in Account.
	AutomationRoleARN string
	// Estimates feed Timing; zero fields take orchestrate's defaults.
	Estimates orchestrate.Estimates
}

// Export is everything written for one environment.
type Export struct {
	Env string
	// Start and Stop are the runbooks' YAML, StartDoc and StopDoc the same as data.
	Start, Stop       []byte
	StartDoc, StopDoc *Document
	// AutomationPolicy and SchedulerPolicy are IAM policy JSON.
	AutomationPolicy, SchedulerPolicy []byte
	// Findings say how each gate, selector and document came out.
	Findings []Finding
	// StartTiming and StopTiming compare the runbooks' expected time with the app's.
	StartTiming, StopTiming Timing
}

// Refused returns the findings that stop the export.
func (x *Export) Refused() []Finding {
	var out []Finding
	for _, f := range x.Findings {
		if f.Outcome == Refused {
			out = append(out, f)
		}
	}
	return out
}

// Build exports e. With anything refused it returns the Export (findings
// and all, for showing) and a *RefusedError; nothing in it is to be written.
func Build(e *env.Environment, o Options) (*Export, error) {
	if e == nil || len(e.Stages) == 0 {
		return nil, fmt.Errorf("export: no environment, or one without stages")
	}
	if o.Region == "" {
		o.Region = e.Region
	}
	if o.Account == "" {
		o.Account = e.Account
	}
	a := newARNs(o.Region, o.Account)
	if o.AutomationRoleARN == "" {
		o.AutomationRoleARN = a.role(AutomationRoleName(e.Name))
	}
	b := &builder{e: e, lookups: map[string][]*lookup{}}
	for _, st := range e.Stages {
		b.lookups[st.Name] = stageLookups(e, st)
	}
	b.names()
	x := &Export{Env: e.Name}
	x.StartDoc = b.document(actionStart)
	x.StopDoc = b.document(actionStop)
	x.StartTiming = EstimateTiming(e, actionStart, o.Estimates)
	x.StopTiming = EstimateTiming(e, actionStop, o.Estimates)
	if len(x.StartTiming.Notes) > 0 {
		b.add(Finding{Kind: KindDocument, Subject: "start runbook", Outcome: Caveat, Note: fmt.Sprintf(
			"expected about %s in AWS against %s in the app: %s", x.StartTiming.Runbook, x.StartTiming.App, strings.Join(x.StartTiming.Notes, "; "))})
	}
	if x.StopTiming.Runbook > x.StopTiming.App {
		b.add(Finding{Kind: KindDocument, Subject: "stop runbook", Outcome: Caveat, Note: fmt.Sprintf(
			"expected about %s in AWS against %s in the app: %s", x.StopTiming.Runbook, x.StopTiming.App, strings.Join(x.StopTiming.Notes, "; "))})
	}
	var err error
	if x.Start, err = b.marshal(x.StartDoc, "start runbook"); err != nil {
		return nil, err
	}
	if x.Stop, err = b.marshal(x.StopDoc, "stop runbook"); err != nil {
		return nil, err
	}
	var all, gated []*lookup
	for _, st := range e.Stages {
		all = append(all, b.lookups[st.Name]...)
		if hasRunCommand(st.Ready) {
			gated = append(gated, b.lookups[st.Name]...)
		}
	}
	if x.AutomationPolicy, err = automationPolicy(a, all, gated).Marshal(); err != nil {
		return nil, err
	}
	if n := PolicyChars(x.AutomationPolicy); n > MaxInlinePolicyChars {
		b.add(Finding{Kind: KindPolicy, Subject: "automation policy", Outcome: Caveat, Note: fmt.Sprintf(
			"it is %d characters, more than the %d IAM allows inline, so env deploy --create-roles cannot attach it: select instances by tags rather than ids, or attach it to your own role as a managed policy",
			n, MaxInlinePolicyChars)})
	}
	if x.SchedulerPolicy, err = schedulerPolicy(a, e.Name, o.AutomationRoleARN).Marshal(); err != nil {
		return nil, err
	}
	x.Findings = b.findings
	if refused := x.Refused(); len(refused) > 0 {
		return x, &RefusedError{Env: e.Name, Findings: refused}
	}
	return x, nil
}

type builder struct {
	e        *env.Environment
	lookups  map[string][]*lookup
	findings []Finding
}

func (b *builder) add(f Finding) { b.findings = append(b.findings, f) }

// names refuses an environment whose AWS names would be too long.
func (b *builder) names() {
	for _, n := range []struct{ name, what string }{
		{StartDocumentName(b.e.Name), "document"}, {StopDocumentName(b.e.Name), "document"},
		{AutomationRoleName(b.e.Name), "role"}, {SchedulerRoleName(b.e.Name), "role"},
	} {
		limit := maxDocumentName
		if n.what == "role" {
			limit = maxRoleName
		}
		if len(n.name) > limit {
			b.add(Finding{Kind: KindDocument, Subject: n.what + " name", Outcome: Refused, Position: b.e.NamePos.String(),
				Note: fmt.Sprintf("%s is %d characters; AWS allows %d in a %s name: give the environment a shorter name", n.name, len(n.name), limit, n.what)})
		}
	}
}

func (b *builder) marshal(d *Document, what string) ([]byte, error) {
	out, err := d.Marshal()
	if err != nil {
		return nil, err
	}
	if len(out) > MaxDocumentBytes {
		b.add(Finding{Kind: KindDocument, Subject: what, Outcome: Refused, Note: fmt.Sprintf(
			"it is %d bytes, more than the %d SSM takes: select instances by tags rather than listing ids, or split the environment", len(out), MaxDocumentBytes)})
	}
	return out, nil
}

// document builds the start or the stop runbook.
func (b *builder) document(action string) *Document {
	e := b.e
	order := e.StartOrder()
	name, verb := StartDocumentName(e.Name), "Starts"
	if action == actionStop {
		order, name, verb = e.Stop.Order, StopDocumentName(e.Name), "Stops"
	}
	d := &Document{
		SchemaVersion: SchemaVersion,
		AssumeRole:    "{{ " + AssumeRoleParameter + " }}",
		Parameters: map[string]Parameter{AssumeRoleParameter: {
			Type:           "String",
			Description:    "The ARN of the role the runbook acts as (" + AutomationRoleName(e.Name) + " when env deploy created it).",
			AllowedPattern: `^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$`,
		}},
	}
	byName := map[string]env.Stage{}
	for _, st := range e.Stages {
		byName[st.Name] = st
	}
	width := max(2, len(strconv.Itoa(len(order))))
	for i, sn := range order {
		st := byName[sn]
		prefix := fmt.Sprintf("s%0*d_%s", width, i+1, slug(st.Name))
		if action == actionStart {
			d.MainSteps = append(d.MainSteps, b.startStage(prefix, st)...)
		} else {
			d.MainSteps = append(d.MainSteps, b.stopStage(prefix, st)...)
		}
	}
	d.Description = b.describe(action, name, verb, order)
	if action == actionStart {
		b.add(Finding{Kind: KindDocument, Subject: "start runbook", Outcome: Caveat,
			As:   "aws:changeInstanceState running per stage",
			Note: "an instance that is stopping when the runbook runs makes EC2 refuse to start it and the run stops there; the app waits for it to stop first"})
	} else {
		b.add(Finding{Kind: KindDocument, Subject: "stop runbook", Outcome: Caveat,
			As:   "aws:changeInstanceState stopped per stage",
			Note: "an instance that is still pending when the runbook runs makes EC2 refuse to stop it and the run stops there; the app waits for it to run first"})
	}
	return d
}

func (b *builder) describe(action, name, verb string, order []string) string {
	var s strings.Builder
	stages := make([]string, len(order))
	for i, n := range order {
		stages[i] = safeText(n)
	}
	fmt.Fprintf(&s, "# %s\n\n%s the environment **%s** as `cloudcontrol env %s %s` does, one stage after another: %s.\n\n",
		name, verb, safeText(b.e.Name), action, safeText(b.e.Name), strings.Join(stages, ", "))
	fmt.Fprintf(&s, "Written by `cloudcontrol env export` from %s; export again rather than editing it.\n\n", safeText(baseName(b.e.File)))
	s.WriteString("- Each stage's instances are found when the runbook runs, by the tags, Name tags and ids of the environment file.\n")
	if action == actionStart {
		s.WriteString("- They are tagged with who started them and when (cloudcontrol:started-by, cloudcontrol:started-at), as the app tags them.\n")
		s.WriteString("- They are started together; aws:changeInstanceState waits until they run and pass both EC2 status checks.\n")
		s.WriteString("- Then the stage's gates: tcp and http are checked from each instance itself (AWS-RunShellScript with bash and curl), not from where Cloud Control runs; command runs on each instance; each retries until the stage's timeout.\n")
		s.WriteString("- Every step has the stage's whole timeout and stops the run when it fails.\n")
	} else {
		s.WriteString("- They are stopped together; aws:changeInstanceState waits until they are stopped, within the stop timeout.\n")
	}
	s.WriteString("- Stages the app runs side by side run here one after the other.\n")
	return s.String()
}

// step fills in what every step shares: the timeout and Abort on failure.
func stepOf(name, action, desc string, timeout time.Duration, inputs map[string]any) Step {
	return Step{Name: name, Action: action, Description: desc, TimeoutSeconds: stepSeconds(timeout),
		OnFailure: OnFailureAbort, Inputs: inputs}
}

// find adds the DescribeInstances steps of a stage and returns their names.
func (b *builder) find(prefix string, st env.Stage, timeout time.Duration, stop bool) ([]Step, []string) {
	var steps []Step
	var names []string
	ls := b.lookups[st.Name]
	for g, l := range ls {
		name := prefix + "_find" + groupSuffix(g, len(ls))
		states := liveStates
		if l.ids != nil && !stop {
			states = nil // an id that is terminated must fail the start, as it fails the app's plan
		}
		s := stepOf(name, ActionExecuteAwsAPI, fmt.Sprintf("Stage %s: %s.", safeText(st.Name), safeText(l.String())), timeout, l.inputs(states))
		s.Outputs = []Output{{Name: outputInstanceIDs, Selector: instanceIDsSelector, Type: "StringList"}}
		steps, names = append(steps, s), append(names, name)
	}
	return steps, names
}

func ref(step string) string { return "{{ " + step + "." + outputInstanceIDs + " }}" }

// change starts or stops a stage's instances together: one
// aws:changeInstanceState for one lookup; with several, every group is
// sent its StartInstances (or StopInstances) first, then each is waited for.
func change(prefix string, finds []string, desired, api string, timeout time.Duration) []Step {
	verb := map[string]string{"running": "start", "stopped": "stop"}[desired]
	if len(finds) == 1 {
		return []Step{stepOf(prefix+"_"+verb, ActionChangeState, "", timeout,
			map[string]any{"InstanceIds": ref(finds[0]), "DesiredState": desired})}
	}
	var out []Step
	for g, f := range finds {
		out = append(out, stepOf(prefix+"_"+verb+groupSuffix(g, len(finds)), ActionExecuteAwsAPI,
			fmt.Sprintf("%s group %d without waiting, so all groups %s together.", capital(verb), g+1, verb), timeout,
			map[string]any{"Service": "ec2", "Api": api, "InstanceIds": ref(f)}))
	}
	for g, f := range finds {
		out = append(out, stepOf(prefix+"_"+desired+groupSuffix(g, len(finds)), ActionChangeState, "", timeout,
			map[string]any{"InstanceIds": ref(f), "DesiredState": desired, "CheckStateOnly": true}))
	}
	return out
}

// tagStarted says on the instances who started them and when, as the app
// does (cloudcontrol:started-by, cloudcontrol:started-at): the runbook's
// role, at the execution's time, so every teammate's Cloud Control shows
// "started by CloudControl-ENV-automation".
func tagStarted(prefix string, finds []string, timeout time.Duration) []Step {
	out := make([]Step, 0, len(finds))
	for g, f := range finds {
		// No description and the default ResourceType (EC2): a big
		// environment's start runbook must stay within SSM's 64 KB.
		out = append(out, stepOf(prefix+"_tag"+groupSuffix(g, len(finds)), ActionCreateTags, "", timeout,
			map[string]any{"ResourceIds": ref(f), "Tags": []any{
				map[string]any{"Key": cloud.TagStartedBy, "Value": "{{ " + AssumeRoleParameter + " }}"},
				map[string]any{"Key": cloud.TagStartedAt, "Value": "{{ global:DATE_TIME }}"},
			}}))
	}
	return out
}

func capital(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func (b *builder) stopStage(prefix string, st env.Stage) []Step {
	timeout := orDefault(b.e.Stop.Timeout.D(), env.DefaultStopTimeout)
	steps, finds := b.find(prefix, st, timeout, true)
	return append(steps, change(prefix, finds, "stopped", "StopInstances", timeout)...)
}

func (b *builder) startStage(prefix string, st env.Stage) []Step {
	timeout := orDefault(st.Timeout.D(), env.DefaultStageTimeout)
	b.selectorFindings(st)
	steps, finds := b.find(prefix, st, timeout, false)
	steps = append(steps, tagStarted(prefix, finds, timeout)...)
	steps = append(steps, change(prefix, finds, "running", "StartInstances", timeout)...)
	r := st.Ready
	pos := st.Pos.String()
	if r.StatusChecks {
		b.add(Finding{Kind: KindGate, Stage: st.Name, Subject: "status-checks", Outcome: Translated, Position: pos,
			As: "aws:changeInstanceState, which waits for both status checks"})
	} else {
		b.add(Finding{Kind: KindGate, Stage: st.Name, Subject: "running", Outcome: Caveat, Position: pos,
			As:   "aws:changeInstanceState",
			Note: "it also waits for both EC2 status checks, which this stage does not ask for, so the stage takes a few minutes longer in AWS than in the app"})
	}
	gates := b.gateSteps(prefix, st, finds, timeout)
	steps = append(steps, gates...)
	if r.Delay > 0 {
		if r.Delay.D() > maxSleepSeconds*time.Second {
			b.add(Finding{Kind: KindGate, Stage: st.Name, Subject: "delay " + r.Delay.String(), Outcome: Refused, Position: pos,
				Note: "aws:sleep waits at most 7 days"})
		} else {
			b.add(Finding{Kind: KindGate, Stage: st.Name, Subject: "delay " + r.Delay.String(), Outcome: Caveat, Position: pos,
				As:   "aws:sleep " + isoSeconds(r.Delay.D()),
				Note: "the runbook always waits; the app skips the delay when every instance was already running and ready"})
			steps = append(steps, stepOf(prefix+"_delay", ActionSleep, "", timeout,
				map[string]any{"Duration": isoSeconds(r.Delay.D())}))
		}
	}
	return steps
}

func (b *builder) selectorFindings(st env.Stage) {
	for _, l := range b.lookups[st.Name] {
		shared := ""
		if n := len(l.from); n > 1 {
			shared = fmt.Sprintf(" (one lookup with %d more selector(s))", n-1)
		}
		braces := l.ids == nil && (strings.Contains(l.String(), "{{") || strings.Contains(l.String(), "}}"))
		for _, sel := range l.from {
			f := Finding{Kind: KindSelector, Stage: st.Name, Outcome: Translated, Position: sel.Pos.String()}
			switch {
			case sel.ID != "":
				f.Subject, f.As = "id "+sel.ID, "DescribeInstances InstanceIds (the ids as ids)"+shared
				if len(b.e.Select) > 0 {
					f.Outcome = Caveat
					f.Note = "the select tags are not checked for an id at run time; the app refuses an id without them at plan time"
				}
			case sel.Name != "":
				f.Subject, f.As = "name "+safeText(sel.Name), "DescribeInstances filter "+b.selectorFilter(sel)+shared
			default:
				f.Subject, f.As = "tags "+tagText(sel.Tags), "DescribeInstances filter "+b.selectorFilter(sel)+shared
			}
			if braces {
				f.Outcome, f.As, f.Note = Refused, "", "a tag key or value holds {{ or }}, which Automation reads as a variable"
			}
			b.add(f)
		}
	}
}

// selectorFilter is one selector's own tag filter, select tags included.
func (b *builder) selectorFilter(sel env.Selector) string {
	tags := maps.Clone(b.e.Select)
	if tags == nil {
		tags = map[string]string{}
	}
	maps.Copy(tags, sel.Tags)
	if sel.Name != "" {
		tags["Name"] = sel.Name
	}
	return tagText(tags)
}

func tagText(tags map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		parts = append(parts, k+"="+tags[k])
	}
	return safeText(strings.Join(parts, ", "))
}

// slug makes a stage name fit a step name ([A-Za-z0-9_]).
func slug(s string) string {
	var b strings.Builder
	under := false
	for _, r := range s {
		ok := r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		switch {
		case ok:
			b.WriteRune(r)
			under = false
		case !under && b.Len() > 0:
			b.WriteByte('_')
			under = true
		}
	}
	out := strings.TrimRight(b.String(), "_")
	if len(out) > 40 {
		out = strings.TrimRight(out[:40], "_")
	}
	if out == "" {
		return "stage"
	}
	return out
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func hasRunCommand(r env.Ready) bool { return len(r.TCP) > 0 || len(r.HTTP) > 0 || len(r.Command) > 0 }
