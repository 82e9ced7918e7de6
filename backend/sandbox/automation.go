package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SSM Automation: StartAutomationExecution runs an Automation document's
// steps one after another on the sandbox clock as an actor on the agenda.
// The actions in runnable (automation_steps.go) really act on the
// sandbox's own EC2 and SSM; any other action fails its step saying the
// sandbox does not run it. Steps honour timeoutSeconds (divided by the
// speed), maxAttempts, onFailure (Abort, Continue, step:NAME), isEnd,
// nextStep and isCritical; their outputs and the parameters are resolved
// into later inputs through {{ }}.

// Execution and step statuses, as SSM spells them.
const (
	autoPending    = "Pending"
	autoInProgress = "InProgress"
	autoSuccess    = "Success"
	autoFailed     = "Failed"
	autoTimedOut   = "TimedOut"
	autoCancelled  = "Cancelled"
)

// troubleshooting ends Automation's failure messages.
const troubleshooting = " Please refer to Automation Service Troubleshooting Guide for more diagnosis details."

// maxRunningAutomations is SSM's quota of executions running at once.
const maxRunningAutomations = 100

// execution is one automation run. Guarded by Sandbox.mu.
type execution struct {
	id, region, document, version, executedBy, token string
	doc                                              *autoDoc
	params                                           map[string][]string // as resolved, for GetAutomationExecution
	values                                           map[string]any      // parameters and step outputs by {{ }} name
	status, failure                                  string
	started, ended                                   time.Time
	steps                                            []*stepExec // in the order they ran
	next                                             int         // index into doc.steps of the step to start; -1: none
	cur                                              *stepExec
	cancel                                           bool
	criticalFailed                                   bool
	wake                                             time.Time
}

// stepExec is one step's run within an execution.
type stepExec struct {
	def                 *autoStep
	id                  string
	status              string
	started, ended      time.Time
	deadline            time.Time // zero: no timeout
	attempt             int
	inputs              map[string]any // resolved
	outputs             map[string][]string
	failure             string
	failStage, failType string
	state               any // the action's own progress
	wake                time.Time
	responseCode        string
	rawInputs           map[string]string // JSON of each resolved input, as StepExecution shows them
}

func (x *execution) done() bool {
	return x.status == autoSuccess || x.status == autoFailed || x.status == autoTimedOut || x.status == autoCancelled
}

func (x *execution) due() time.Time {
	if x.done() {
		return time.Time{}
	}
	return x.wake
}

// act runs the execution up to at: the current step, and as many steps
// after it as finish at once.
func (x *execution) act(sb *Sandbox, at time.Time) {
	for range 10000 {
		if x.done() {
			return
		}
		if x.cancel {
			if x.cur != nil {
				x.cur.finish(at, autoCancelled, "", "")
			}
			x.end(at, autoCancelled, "")
			return
		}
		if x.cur == nil {
			if x.next < 0 || x.next >= len(x.doc.steps) {
				x.finishRun(at)
				return
			}
			x.begin(sb, x.doc.steps[x.next], at)
			continue
		}
		s := x.cur
		if s.wake.After(at) {
			x.wake = s.wake
			return
		}
		if !s.deadline.IsZero() && !at.Before(s.deadline) {
			x.failed(sb, s, at, autoTimedOut, fmt.Sprintf("Step timed out while step is verifying the %s action.", strings.TrimPrefix(s.def.action, "aws:")), "Verification")
			continue
		}
		r := runStep(sb, x, s, at)
		switch {
		case r.failure != "":
			x.failed(sb, s, at, autoFailed, r.failure, r.stage)
		case r.done:
			s.finish(at, autoSuccess, "", "")
			x.after(s, true)
		default:
			s.wake = r.next
			if !s.deadline.IsZero() && s.wake.After(s.deadline) {
				s.wake = s.deadline
			}
			x.wake = s.wake
			return
		}
	}
}

// begin starts a step: its inputs resolved now, its timeout from now.
func (x *execution) begin(sb *Sandbox, def *autoStep, at time.Time) {
	s := &stepExec{def: def, id: uuidOf(fmt.Sprintf("step/%s/%d", x.id, len(x.steps))), status: autoInProgress,
		started: at, attempt: 1, wake: at}
	x.steps = append(x.steps, s)
	x.cur = s
	s.start(sb, x, at)
}

// start (re)starts a step's attempt.
func (s *stepExec) start(sb *Sandbox, x *execution, at time.Time) {
	s.state, s.wake, s.deadline = nil, at, time.Time{}
	timeout := s.def.timeoutSeconds
	if timeout == 0 && (s.def.action == "aws:waitForAwsResourceProperty") {
		timeout = 3600 // the action's documented default
	}
	if timeout > 0 {
		s.deadline = at.Add(sb.scale(time.Duration(timeout) * time.Second))
	}
	inputs, err := x.resolve(s.def.inputs)
	s.inputs = inputs
	s.rawInputs = map[string]string{}
	for k, v := range inputs {
		b, _ := json.Marshal(v)
		s.rawInputs[k] = string(b)
	}
	if err != "" {
		s.state = inputError(err)
	}
}

type inputError string

func (s *stepExec) finish(at time.Time, status, failure, stage string) {
	s.status, s.ended = status, at
	if failure != "" {
		s.failure, s.failStage, s.failType = failure, stage, "Step"
	}
}

// failed ends a step's attempt that failed or timed out (in stage:
// Invocation while calling, Verification while waiting on the result):
// another attempt, or what its onFailure says.
func (x *execution) failed(sb *Sandbox, s *stepExec, at time.Time, status, why, stage string) {
	if s.attempt < s.def.maxAttempts {
		s.attempt++
		s.start(sb, x, at)
		return
	}
	msg := why
	if !strings.HasPrefix(msg, "Step ") {
		p := "Execute action"
		if stage == "Verification" {
			p = "Poll action status for completion"
		}
		msg = "Step fails when it is " + p + ". " + strings.TrimSuffix(why, ".") + "."
	}
	msg += troubleshooting
	s.finish(at, status, msg, stage)
	critical := s.def.onFailure != "Continue"
	if s.def.isCritical != nil {
		critical = *s.def.isCritical
	}
	switch of := s.def.onFailure; {
	case of == "Continue":
		x.criticalFailed = x.criticalFailed || critical
		x.after(s, false)
	case strings.HasPrefix(of, "step:"):
		x.criticalFailed = x.criticalFailed || critical
		x.cur, x.next = nil, x.stepIndex(strings.TrimPrefix(of, "step:"))
	default:
		x.cur = nil
		x.end(at, status, msg)
	}
}

// after moves on from a finished step: isEnd, nextStep or the next one.
func (x *execution) after(s *stepExec, ok bool) {
	x.cur = nil
	switch {
	case ok && s.def.isEnd:
		x.next = -1
	case s.def.nextStep != "":
		x.next = x.stepIndex(s.def.nextStep)
	default:
		x.next = x.stepIndex(s.def.name) + 1
	}
}

func (x *execution) stepIndex(name string) int {
	return slices.IndexFunc(x.doc.steps, func(s *autoStep) bool { return s.name == name })
}

// finishRun ends an execution whose steps are done.
func (x *execution) finishRun(at time.Time) {
	if x.criticalFailed {
		x.end(at, autoFailed, "A critical step of the automation failed.")
		return
	}
	x.end(at, autoSuccess, "")
}

func (x *execution) end(at time.Time, status, failure string) {
	x.status, x.ended, x.failure = status, at, failure
	x.wake = time.Time{}
}

// resolve replaces every {{ }} in inputs: a string that is one reference
// becomes its value (a list stays a list), one with text around it the
// text with the values written in. A reference with no value is the
// step's failure.
func (x *execution) resolve(inputs map[string]any) (map[string]any, string) {
	var missing string
	var walk func(v any) any
	walk = func(v any) any {
		switch v := v.(type) {
		case string:
			if m := varRefRe.FindStringSubmatch(v); m != nil && m[0] == strings.TrimSpace(v) {
				val, ok := x.values[m[1]]
				if !ok && missing == "" {
					missing = m[1]
				}
				return val
			}
			return varRefRe.ReplaceAllStringFunc(v, func(ref string) string {
				name := varRefRe.FindStringSubmatch(ref)[1]
				val, ok := x.values[name]
				if !ok && missing == "" {
					missing = name
				}
				return valueText(val)
			})
		case []any:
			out := make([]any, len(v))
			for i, e := range v {
				out[i] = walk(e)
			}
			return out
		case map[string]any:
			out := make(map[string]any, len(v))
			for k, e := range v {
				out[k] = walk(e)
			}
			return out
		}
		return v
	}
	out := make(map[string]any, len(inputs))
	for k, v := range inputs {
		out[k] = walk(v)
	}
	if missing != "" {
		return out, fmt.Sprintf("the input {{ %s }} has no value (the step that gives it has not run, or gave none)", missing)
	}
	return out, ""
}

// outputs are the execution's document outputs, as lists of text.
func (x *execution) outputs() map[string][]string {
	out := map[string][]string{}
	for _, name := range x.doc.outputs {
		if v, ok := x.values[name]; ok {
			out[name] = textList(v)
		} else {
			out[name] = []string{"No output available yet because the step is not successfully executed"}
		}
	}
	return out
}

// textList writes a value as SSM's map of lists does.
func textList(v any) []string {
	switch v := v.(type) {
	case []string:
		return v
	case []any:
		out := make([]string, len(v))
		for i, e := range v {
			out[i] = valueText(e)
		}
		return out
	}
	return []string{valueText(v)}
}
