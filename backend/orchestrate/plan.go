package orchestrate

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"text/template"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

// What will happen to an instance (PlanInstance.Do).
const (
	DoStart            = "start"              // stopped: started
	DoAlreadyRunning   = "already-running"    // nothing to do but check its gates
	DoWait             = "wait"               // pending: wait until running
	DoStartWhenStopped = "start-when-stopped" // stopping: wait for stopped, then start
	DoStop             = "stop"               // running: stopped
	DoStopWhenRunning  = "stop-when-running"  // pending: EC2 refuses to stop it before it runs
	DoWaitStopped      = "wait-stopped"       // stopping: wait until stopped
	DoAlreadyStopped   = "already-stopped"
	DoCannot           = "cannot" // terminated or shutting down
)

// Gate kinds, checked in this order for every instance of a start stage;
// delay is the stage's settle time once all its instances passed the rest.
const (
	GateRunning      = "running"
	GateStatusChecks = "status-checks"
	GateTCP          = "tcp"
	GateHTTP         = "http"
	GateDelay        = "delay"
	GateStopped      = "stopped" // the one gate of a stop stage
)

// Estimates are how long EC2 usually takes; they only feed the plan's
// expected durations.
type Estimates struct {
	Start        time.Duration // stopped -> running
	Stop         time.Duration // running -> stopped
	StatusChecks time.Duration // running -> both checks ok
}

// Typical EC2 timings for a small Linux instance, used when PlanOptions.Estimates is silent.
const (
	DefaultStartEstimate  = 45 * time.Second
	DefaultStopEstimate   = 60 * time.Second
	DefaultChecksEstimate = 3 * time.Minute
)

// PlanOptions are the facts a plan states but cannot find out itself.
type PlanOptions struct {
	Profile string
	Region  string // default: the resolved region
	Account string // from STS, filled by the caller
	// Estimates: zero fields take the Default*Estimate constants.
	Estimates Estimates
	// Measured is how long each stage took the last time it did the same
	// work (from the usage history); it beats the generic estimates.
	Measured map[string]time.Duration
}

// Where a stage's expected duration comes from.
const (
	ExpectedFromEstimate = "estimate" // typical EC2 timings plus the stage's delay
	ExpectedFromLastRun  = "last run" // how long this stage took last time
)

// Plan is what a run will do, as data: printed by the command line, drawn by
// the window, executed by Runner.Run.
type Plan struct {
	Env         string      `json:"env"`
	Description string      `json:"description,omitempty"`
	Action      op.Action   `json:"action"`
	Profile     string      `json:"profile,omitempty"`
	Region      string      `json:"region"`
	Account     string      `json:"account,omitempty"`
	Stages      []PlanStage `json:"stages"` // in execution order
	// Expected is the whole run along its critical path.
	Expected Seconds `json:"expectedSeconds"`
	// Counts says how many instances get each Do.
	Counts   map[string]int `json:"counts"`
	Warnings []string       `json:"warnings,omitempty"`
	// Errors are why this plan must not run; NewPlan also returns them as its error.
	Errors []string `json:"errors,omitempty"`
	// Summary is what will happen, in plain words ("6 to start", "1
	// already stopped, 5 to stop").
	Summary string `json:"summary"`
	// Caller is the ARN the credentials belong to, when the caller knows it.
	Caller string `json:"caller,omitempty"`
}

// PlanStage is one stage of a plan.
type PlanStage struct {
	Name string `json:"name"`
	// After are the stages that must be done (ready, or stopped for a stop
	// plan) before this one begins.
	After     []string       `json:"after"`
	Instances []PlanInstance `json:"instances"`
	Gates     []Gate         `json:"gates"`
	Timeout   Seconds        `json:"timeoutSeconds"`
	Expected  Seconds        `json:"expectedSeconds"`
	// ExpectedFrom says whether Expected was measured or estimated.
	ExpectedFrom string `json:"expectedFrom"`
	// ExpectedDone is when the stage should be done, counted from the run's start.
	ExpectedDone Seconds `json:"expectedDoneSeconds"`
}

// PlanInstance is one instance and what will happen to it.
type PlanInstance struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	Type        string `json:"type,omitempty"`
	Region      string `json:"region"`
	State       string `json:"state"`
	StateReason string `json:"stateReason,omitempty"`
	Do          string `json:"do"`
	// Checks are the instance's gates as they will be checked, with the
	// address or URL filled in (a password in a URL redacted).
	Checks []PlanCheck `json:"checks"`
}

// PlanCheck is one gate of one instance: "tcp 5432" at 10.0.0.5:5432.
type PlanCheck struct {
	Gate    string `json:"gate"`
	Address string `json:"address"`
}

// Gate is one readiness condition.
type Gate struct {
	Kind  string  `json:"kind"`
	Port  int     `json:"port,omitempty"`
	URL   string  `json:"url,omitempty"` // a template: {{.PrivateIP}} {{.PublicIP}} {{.ID}} {{.Name}}
	Delay Seconds `json:"delaySeconds,omitempty"`
}

// String names the gate in events and messages: "tcp 5432", "delay 30s".
func (g Gate) String() string {
	switch g.Kind {
	case GateTCP:
		return "tcp " + strconv.Itoa(g.Port)
	case GateHTTP:
		return "http " + g.URL
	case GateDelay:
		return "delay " + g.Delay.String()
	}
	return g.Kind
}

// Seconds is a duration that JSON writes as a number of seconds, the unit
// scripts and the window want.
type Seconds time.Duration

// D returns the value as a time.Duration.
func (s Seconds) D() time.Duration { return time.Duration(s) }

func (s Seconds) String() string { return time.Duration(s).Round(time.Second).String() }

// MarshalJSON writes seconds.
func (s Seconds) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(s).Seconds()) }

// UnmarshalJSON reads seconds.
func (s *Seconds) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("a duration in seconds: %w", err)
	}
	*s = Seconds(f * float64(time.Second))
	return nil
}

// NewPlan builds the plan of action (op.Start or op.Stop) for e from the
// instances Resolve found. It does no I/O. When the plan must not run (a
// terminated instance to start, a cycle) it returns the plan, whose Errors
// say why, together with an error, so the caller can still show it.
func NewPlan(e *env.Environment, action op.Action, res *Resolved, opts PlanOptions) (*Plan, error) {
	if e == nil || res == nil {
		return nil, errors.New("plan: no environment or no resolved instances")
	}
	if action != op.Start && action != op.Stop {
		return nil, fmt.Errorf("plan: unknown action %q (want %q or %q)", action, op.Start, op.Stop)
	}
	est := opts.Estimates
	est.Start = orDefault(est.Start, DefaultStartEstimate)
	est.Stop = orDefault(est.Stop, DefaultStopEstimate)
	est.StatusChecks = orDefault(est.StatusChecks, DefaultChecksEstimate)
	p := &Plan{Env: e.Name, Description: e.Description, Action: action, Profile: opts.Profile,
		Region: opts.Region, Account: opts.Account, Counts: map[string]int{}, Stages: []PlanStage{}}
	if p.Region == "" {
		p.Region = res.Region
	}
	if p.Profile == "" {
		p.Profile = e.Profile
	}
	found := make(map[string][]cloud.Instance, len(res.Stages))
	for _, rs := range res.Stages {
		found[rs.Name] = rs.Instances
	}

	order, err := startOrder(e.Stages)
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", e.Name, err)
	}
	after := make([][]string, len(e.Stages))
	for i, st := range e.Stages {
		after[i] = append([]string{}, st.After...)
	}
	if action == op.Stop {
		if order, after, err = stopGraph(e.Stages, order, e.Stop.Order, e.Stop.Reverse); err != nil {
			return nil, fmt.Errorf("plan %s: %w", e.Name, err)
		}
	}

	done := map[string]time.Duration{} // stage -> expected done, from the run's start
	for _, i := range order {
		st := e.Stages[i]
		insts, ok := found[st.Name]
		if !ok {
			p.Errors = append(p.Errors, fmt.Sprintf("stage %q was not resolved to instances", st.Name))
		}
		ps := PlanStage{Name: st.Name, After: after[i], Instances: make([]PlanInstance, 0, len(insts))}
		for _, in := range insts {
			do := decide(action, in.State)
			p.Counts[do]++
			if do == DoCannot {
				msg := fmt.Sprintf("stage %q: instance %s is %s and cannot be started", st.Name, label(in.ID, in.Name), in.State)
				if action == op.Stop {
					msg = fmt.Sprintf("stage %q: instance %s is %s; it is skipped", st.Name, label(in.ID, in.Name), in.State)
				}
				if action == op.Start {
					p.Errors = append(p.Errors, msg+": remove it from the environment or replace it")
				} else {
					p.Warnings = append(p.Warnings, msg)
				}
			}
			region := in.Region
			if region == "" {
				region = p.Region
			}
			ps.Instances = append(ps.Instances, PlanInstance{ID: in.ID, Name: in.Name, Type: in.Type,
				Region: region, State: in.State, StateReason: in.StateReason, Do: do})
		}
		if action == op.Start {
			ps.Gates = startGates(st.Ready)
			ps.Timeout = Seconds(orDefault(st.Timeout.D(), env.DefaultStageTimeout))
			for _, g := range ps.Gates {
				if g.Kind == GateHTTP {
					if _, err := template.New("url").Option("missingkey=error").Parse(g.URL); err != nil {
						p.Errors = append(p.Errors, fmt.Sprintf("stage %q: http gate %q is not a valid template: %v", st.Name, g.URL, err))
					}
				}
			}
			if len(st.Ready.Command) > 0 { // the SSM command gate is run by exported runbooks only, so far
				p.Warnings = append(p.Warnings, fmt.Sprintf("stage %q: its command gate is not checked by env start in this version; only the runbooks env export writes run it", st.Name))
			}
		} else {
			ps.Gates = []Gate{{Kind: GateStopped}}
			ps.Timeout = Seconds(orDefault(e.Stop.Timeout.D(), env.DefaultStopTimeout))
		}
		for k := range ps.Instances {
			ps.Instances[k].Checks = checksOf(insts[k], ps.Gates)
		}
		ps.Expected, ps.ExpectedFrom = Seconds(expected(action, ps, est)), ExpectedFromEstimate
		if d, ok := opts.Measured[st.Name]; ok && hasWork(ps) {
			ps.Expected, ps.ExpectedFrom = Seconds(d), ExpectedFromLastRun
		}
		var begin time.Duration
		for _, a := range ps.After {
			begin = max(begin, done[a])
		}
		done[st.Name] = begin + ps.Expected.D()
		ps.ExpectedDone = Seconds(done[st.Name])
		p.Expected = max(p.Expected, ps.ExpectedDone)
		p.Stages = append(p.Stages, ps)
	}
	p.Summary = p.countText()
	if len(p.Errors) > 0 {
		return p, fmt.Errorf("cannot %s %s: %s", action, e.Name, strings.Join(p.Errors, "; "))
	}
	return p, nil
}

// checksOf is an instance's per-instance gates as the run will check them,
// with the run's own rendering of each address (the stage's delay is not
// the instance's).
func checksOf(in cloud.Instance, gates []Gate) []PlanCheck {
	r := &run{templates: map[string]*template.Template{}}
	out := []PlanCheck{}
	for _, g := range gates {
		if g.Kind == GateDelay {
			continue
		}
		c := PlanCheck{Gate: g.String()}
		if g.Kind == GateTCP || g.Kind == GateHTTP {
			c.Address = r.targetText(&instRun{cur: in}, g)
			if u, err := url.Parse(c.Address); err == nil && g.Kind == GateHTTP {
				c.Address = u.Redacted()
			}
		}
		out = append(out, c)
	}
	return out
}

func decide(action op.Action, state string) string {
	if action == op.Start {
		switch state {
		case cloud.Stopped:
			return DoStart
		case cloud.Running:
			return DoAlreadyRunning
		case cloud.Pending:
			return DoWait
		case cloud.Stopping:
			return DoStartWhenStopped
		}
		return DoCannot
	}
	switch state {
	case cloud.Running:
		return DoStop
	case cloud.Pending:
		return DoStopWhenRunning
	case cloud.Stopping:
		return DoWaitStopped
	case cloud.Stopped:
		return DoAlreadyStopped
	}
	return DoCannot
}

func startGates(r env.Ready) []Gate {
	gates := []Gate{{Kind: GateRunning}}
	if r.StatusChecks {
		gates = append(gates, Gate{Kind: GateStatusChecks})
	}
	for _, port := range r.TCP {
		gates = append(gates, Gate{Kind: GateTCP, Port: port})
	}
	for _, u := range r.HTTP {
		gates = append(gates, Gate{Kind: GateHTTP, URL: u})
	}
	if r.Delay > 0 {
		gates = append(gates, Gate{Kind: GateDelay, Delay: Seconds(r.Delay)})
	}
	return gates
}

// expected is how long a stage should take: the slowest EC2 transition any of
// its instances needs, then status checks and the delay unless every instance
// is already running (the run skips the delay then).
func expected(action op.Action, ps PlanStage, est Estimates) time.Duration {
	var ec2 time.Duration
	allUp := true
	for _, in := range ps.Instances {
		switch in.Do {
		case DoStart, DoWait:
			ec2 = max(ec2, est.Start)
		case DoStartWhenStopped:
			ec2 = max(ec2, est.Stop+est.Start)
		case DoStop, DoWaitStopped:
			ec2 = max(ec2, est.Stop)
		case DoStopWhenRunning:
			ec2 = max(ec2, est.Start+est.Stop)
		}
		if in.Do != DoAlreadyRunning {
			allUp = false
		}
	}
	if action == op.Stop || allUp {
		return ec2
	}
	d := ec2
	for _, g := range ps.Gates {
		switch g.Kind {
		case GateStatusChecks:
			d += est.StatusChecks
		case GateDelay:
			d += g.Delay.D()
		}
	}
	return d
}

// hasWork: some instance of the stage will change state, so a measure of a
// past run that did the same is a fair guess (a stage already in the wanted
// state takes only its quick gate checks).
func hasWork(ps PlanStage) bool {
	for _, in := range ps.Instances {
		if in.Do != DoAlreadyRunning && in.Do != DoAlreadyStopped {
			return true
		}
	}
	return false
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
