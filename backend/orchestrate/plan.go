package orchestrate

import (
	"encoding/json"
	"errors"
	"fmt"
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
	GateCommand      = "command" // SSM Run Command on each instance (run_command.go)
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
	// EstimateScale multiplies the EC2 estimates (0 means 1): a sandbox
	// that runs N times faster than AWS makes them 1/N. A stage's delay is
	// the app's own wait and a measure is real, so neither is scaled.
	EstimateScale float64
	// Settled are the start stages known ready from before this run (their
	// gates passed in a start that got that far, and no stop since):
	// when all their instances still run, their delay is not waited again.
	Settled map[string]bool
	// Shared names, per instance id, the other environments that select it too.
	Shared map[string][]string
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
	// Summary is what will happen, in plain words ("6 to start", "5 to
	// stop, 1 already stopped").
	Summary string `json:"summary"`
	// Caller is the ARN the credentials belong to, when the caller knows it.
	Caller string `json:"caller,omitempty"`
	// Runbook is how long the same run should take in AWS, by the exported
	// runbook, when the environment runs there (it has a schedule or its
	// runbooks are deployed); control fills it in.
	Runbook *RunbookTiming `json:"runbook,omitempty"`
}

// RunbookTiming compares a plan with the runbook doing the same in AWS.
type RunbookTiming struct {
	// Why it is shown: "scheduled" (the file has a schedule) or "deployed".
	Why     string  `json:"why"`
	Seconds Seconds `json:"runbookSeconds"`
	App     Seconds `json:"appSeconds"`
	// Notes say where the difference comes from (stages one after another,
	// status checks the runbook always waits for).
	Notes []string `json:"notes,omitempty"`
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
	// Settled: a start stage known ready from before (PlanOptions.Settled);
	// when every instance still runs, its delay is not waited again.
	Settled bool `json:"settled,omitempty"`
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
	// address or URL filled in (its secrets redacted); the stage's delay is
	// the stage's, not the instance's.
	Checks []PlanCheck `json:"checks"`
	// SharedWith names the other environments that select this instance too.
	SharedWith []string `json:"sharedWith,omitempty"`
}

// PlanCheck is one gate of one instance: "tcp 5432" at 10.0.0.5:5432.
type PlanCheck struct {
	Gate    string `json:"gate"`
	Address string `json:"address"`
}

// Gate is one readiness condition.
type Gate struct {
	Kind string `json:"kind"`
	Port int    `json:"port,omitempty"`
	// URL is a template ({{.PrivateIP}} {{.PublicIP}} {{.ID}} {{.Name}})
	// as env.RedactURL shows it: a password or token in it is never in a
	// plan, an event or a message.
	URL   string  `json:"url,omitempty"`
	Delay Seconds `json:"delaySeconds,omitempty"`
	// Command is the command gate's shell script, its lines; Grace how long
	// an instance may take to register with SSM once it runs (ssm-grace).
	Command []string `json:"command,omitempty"`
	Grace   Seconds  `json:"graceSeconds,omitempty"`
	// secretURL is the URL as the file wrote it, when URL hides something
	// of it: only the check itself uses it.
	secretURL string
}

// checkedURL is the URL template the check requests.
func (g Gate) checkedURL() string {
	if g.secretURL != "" {
		return g.secretURL
	}
	return g.URL
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
	if k := opts.EstimateScale; k > 0 && k != 1 {
		for _, d := range []*time.Duration{&est.Start, &est.Stop, &est.StatusChecks} {
			*d = time.Duration(float64(*d) * k)
		}
	}
	p := &Plan{Env: e.Name, Description: e.Description, Action: action, Profile: opts.Profile,
		Region: opts.Region, Account: opts.Account, Counts: map[string]int{}, Stages: []PlanStage{}}
	if p.Region == "" {
		p.Region = res.Region
	}
	if p.Profile == "" {
		p.Profile = e.Profile
	}
	found := make(map[string][]cloud.Instance, len(res.Stages))
	positions := make(map[string]map[string]env.Pos, len(res.Stages))
	for _, rs := range res.Stages {
		found[rs.Name], positions[rs.Name] = rs.Instances, rs.Selected
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
		ps := PlanStage{Name: st.Name, After: after[i], Instances: make([]PlanInstance, 0, len(insts)),
			Settled: action == op.Start && opts.Settled[st.Name]}
		if len(insts) == 0 && ok {
			p.Warnings = append(p.Warnings, emptyStageWarning(e, st.Name)) // launch_stage.go
		}
		for _, in := range insts {
			do := decide(action, in.State)
			p.Counts[do]++
			if do == DoCannot {
				where := ""
				if pos, ok := positions[st.Name][in.ID]; ok && pos.File != "" {
					where = pos.String() + ": " // the selector that matched it
				}
				msg := fmt.Sprintf("%sstage %q: instance %s is %s", where, st.Name, label(in.ID, in.Name), in.State)
				if action == op.Start {
					p.Errors = append(p.Errors, msg+" and cannot be started: remove it from the environment or replace it")
				} else {
					p.Warnings = append(p.Warnings, msg+"; skipped")
				}
			}
			region := in.Region
			if region == "" {
				region = p.Region
			}
			ps.Instances = append(ps.Instances, PlanInstance{ID: in.ID, Name: in.Name, Type: in.Type,
				Region: region, State: in.State, StateReason: in.StateReason, Do: do, SharedWith: opts.Shared[in.ID]})
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
		if ps.Expected > ps.Timeout {
			p.Warnings = append(p.Warnings, fmt.Sprintf("stage %q is expected to take about %s, longer than its timeout of %s: raise its timeout: or the %s will fail there",
				st.Name, ps.Expected, ps.Timeout, action))
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
	p.Summary = countText(p.Counts, action)
	if len(p.Errors) > 0 {
		// One per line: each may start with the FILE:LINE:COL at fault.
		return p, fmt.Errorf("cannot %s %s:\n%s", action, e.Name, strings.Join(p.Errors, "\n"))
	}
	return p, nil
}

// checksOf is an instance's gates as the run will check them, each address
// rendered as the run renders it (redacted); the stage's delay is not the
// instance's.
func checksOf(in cloud.Instance, gates []Gate) []PlanCheck {
	out := []PlanCheck{}
	for _, g := range gates {
		if g.Kind == GateDelay {
			continue
		}
		c := PlanCheck{Gate: g.String()}
		if g.Kind == GateTCP || g.Kind == GateHTTP {
			c.Address, _ = gateTarget(in, g, nil, true)
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
		g := Gate{Kind: GateHTTP, URL: env.RedactURL(u)}
		if g.URL != u {
			g.secretURL = u
		}
		gates = append(gates, g)
	}
	if len(r.Command) > 0 {
		gates = append(gates, Gate{Kind: GateCommand, Command: append([]string{}, r.Command...),
			Grace: Seconds(orDefault(r.SSMGrace.D(), env.DefaultSSMGrace))})
	}
	if r.Delay > 0 {
		gates = append(gates, Gate{Kind: GateDelay, Delay: Seconds(r.Delay)})
	}
	return gates
}

// expected is how long a stage should take: the slowest EC2 transition any of
// its instances needs, then status checks and the delay; when every instance
// is already running, nothing, or only the delay when the stage is not
// known ready from before (the run waits it again then).
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
	if action == op.Stop || allUp && ps.Settled {
		return ec2
	}
	if allUp {
		for _, g := range ps.Gates {
			if g.Kind == GateDelay {
				return g.Delay.D()
			}
		}
		return 0
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
