package orchestrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cloud/cloudtest"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

// commandStage is a stage gated by `command`, with the grace and timeout given.
func commandStage(name string, after []string, grace, timeout time.Duration, names ...string) env.Stage {
	st := stage(name, after, names...)
	st.Ready = env.Ready{Command: []string{"systemctl is-active api"}, SSMGrace: env.Duration(grace)}
	st.Timeout = env.Duration(timeout)
	return st
}

// withSSM gives the harness's runner an SSM in front of its fleet.
func withSSM(h *harness) *cloudtest.SSM {
	ssm := cloudtest.NewSSM(h.fleet)
	h.runner.Commands = ssm
	return ssm
}

func TestPlanListsTheCommandGateAfterTheOthers(t *testing.T) {
	e, problems := env.Parse("f.yaml", []byte("stages:\n  - {name: a, instances: [{name: x}], ready: {tcp: 22, command: [ls, 'true'], ssm-grace: 1m, delay: 5s}}\n"))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	res := &Resolved{Region: "eu-west-1", Stages: []ResolvedStage{
		{Name: "a", Instances: []cloud.Instance{{ID: "i-0123456789abcdef0", State: cloud.Stopped}}},
	}}
	p, err := NewPlan(e, op.Start, res, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, g := range p.Stages[0].Gates {
		kinds = append(kinds, g.String())
	}
	if !slices.Equal(kinds, []string{"running", "tcp 22", "command", "delay 5s"}) {
		t.Errorf("gates %v", kinds)
	}
	g := p.Stages[0].Gates[2]
	if !slices.Equal(g.Command, []string{"ls", "true"}) || g.Grace.D() != time.Minute {
		t.Errorf("command gate %+v", g)
	}
	if len(p.Warnings) != 0 {
		t.Errorf("warnings %q: the command gate is checked now", p.Warnings)
	}
	if text := p.String(); !strings.Contains(text, `command "ls\ntrue" (SSM Run Command; each instance registered with SSM within 1m0s of running)`) {
		t.Errorf("the text plan does not say what the command gate runs:\n%s", text)
	}
	if o := p.Outline(); o.Stages[0].Gates[2].Name != "command" || !o.Stages[0].Gates[2].PerInstance {
		t.Errorf("outline gates %+v", o.Stages[0].Gates)
	}
}

// Two instances register with SSM 20s after they run; one's command fails
// twice first. The gate passes on both, with one SendShell for the stage,
// and the run keeps its bounds: per tick at most one Managed call per
// region and one Results call per command.
func TestCommandGatePassesOnceItExitsZeroOnEveryInstance(t *testing.T) {
	h := newHarness(t)
	ssm := withSSM(h)
	h.fleet.Add("i-a1", "api-1", cloud.Stopped, nil)
	h.fleet.Add("i-a2", "api-2", cloud.Stopped, nil)
	ssm.Install("i-a1", cloudtest.Agent{Delay: 20 * time.Second})
	ssm.Install("i-a2", cloudtest.Agent{Delay: 20 * time.Second, Run: func(_ []string, attempt int) cloudtest.Outcome {
		if attempt < 3 {
			return cloudtest.Outcome{Exit: 3, Output: "inactive", Took: 2 * time.Second}
		}
		return cloudtest.Outcome{Took: 2 * time.Second}
	}})
	e := environment(commandStage("api", []string{}, time.Minute, 5*time.Minute, "api-1", "api-2"))
	res, err := h.run(context.Background(), h.plan(e, op.Start))
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != op.OutcomeDone {
		t.Fatalf("outcome %s", res.Outcome)
	}
	sends := ssm.Calls("SendShell")
	if len(sends) < 3 || !slices.Equal(sends[0].Names, []string{"i-a1", "i-a2"}) {
		t.Errorf("SendShell calls %+v: want the first to carry both instances, then retries", sends)
	}
	for _, c := range sends[1:] {
		if !slices.Equal(c.Names, []string{"i-a2"}) {
			t.Errorf("a retry went to %v, not only the instance that failed", c.Names)
		}
	}
	// Registered at 30s (10s start + 20s), so nothing was sent before.
	if first := sends[0].At.Sub(t0); first < 30*time.Second {
		t.Errorf("the command was sent at %s, before SSM knew the instances", first)
	}
	for method, key := range map[string]func(cloudtest.LogCall) string{
		"Managed": func(c cloudtest.LogCall) string { return c.Region },
		"Results": func(c cloudtest.LogCall) string { return c.Names[0] },
	} {
		per := map[string]int{}
		for _, c := range ssm.Calls(method) {
			k := c.At.String() + " " + key(c)
			if per[k]++; per[k] > 1 {
				t.Errorf("%s called twice in one tick for %s", method, k)
			}
		}
	}
	var passed []string
	for _, ev := range h.eventsOf(op.EventGatePassed) {
		if ev.Gate == GateCommand {
			passed = append(passed, ev.Instance)
		}
	}
	slices.Sort(passed)
	if !slices.Equal(passed, []string{"i-a1", "i-a2"}) {
		t.Errorf("command gate-passed for %v", passed)
	}
	notes := h.eventsOf(op.EventNote)
	if len(notes) != 1 || !strings.Contains(notes[0].Message, "the command failed on i-a2 (api-2): exit 3; the last lines of its output:\n    inactive") {
		t.Errorf("notes %+v: want one saying how it failed (the repeat is not said again)", notes)
	}
	if got := ssm.Sent()["cmd-1"]; !slices.Equal(got, []string{"systemctl is-active api"}) {
		t.Errorf("sent %q", got)
	}
}

// An instance SSM never sees fails the gate once ssm-grace has passed since
// it ran, long before the stage's timeout, saying why.
func TestCommandGateFailsAnInstanceSSMDoesNotKnowAfterItsGrace(t *testing.T) {
	h := newHarness(t)
	ssm := withSSM(h)
	h.fleet.Add("i-a1", "api-1", cloud.Stopped, nil)
	h.fleet.Add("i-a2", "api-2", cloud.Stopped, nil)
	ssm.Install("i-a1", cloudtest.Agent{Delay: 5 * time.Second})
	e := environment(commandStage("api", []string{}, 30*time.Second, 15*time.Minute, "api-1", "api-2"))
	_, err := h.run(context.Background(), h.plan(e, op.Start))
	var re *RunError
	if !errors.As(err, &re) {
		t.Fatalf("want a RunError, got %v", err)
	}
	if re.Instance != "i-a2" || re.Gate != GateCommand {
		t.Errorf("blamed %s at gate %q", re.Instance, re.Gate)
	}
	mustContain(t, re.Message, "instance i-a2 (api-2) has not registered with SSM (Systems Manager) within ssm-grace 30s of running",
		"SSM does not know it", "AmazonSSMManagedInstanceCore")
	// Running at 10s, plus 30s of grace: not the 15 minutes of the timeout.
	if d := h.elapsed(); d < 40*time.Second || d > 42*time.Second {
		t.Errorf("failed after %s, want about 40s", d)
	}
	if len(ssm.Calls("SendShell")) > 1 {
		t.Errorf("SendShell calls %+v", ssm.Calls("SendShell"))
	}
}

// A command that keeps failing is retried until the stage's timeout, and
// the failure shows the instance, the exit code and its output's last lines.
func TestCommandGateTimesOutWithTheExitCodeAndTheLastLines(t *testing.T) {
	h := newHarness(t)
	ssm := withSSM(h)
	h.fleet.Add("i-a1", "api-1", cloud.Stopped, nil)
	var out []string
	for i := 1; i <= 15; i++ {
		out = append(out, fmt.Sprintf("line %d", i))
	}
	ssm.Install("i-a1", cloudtest.Agent{Run: func([]string, int) cloudtest.Outcome {
		return cloudtest.Outcome{Exit: 2, Output: strings.Join(out, "\n") + "\n", Took: time.Second}
	}})
	e := environment(commandStage("api", []string{}, time.Minute, time.Minute, "api-1"))
	_, err := h.run(context.Background(), h.plan(e, op.Start))
	var re *RunError
	if !errors.As(err, &re) {
		t.Fatalf("want a RunError, got %v", err)
	}
	mustContain(t, re.Message, "timed out after 1m0s waiting for command", "i-a1 (api-1): exit 2; the last lines of its output:\n    line 6\n",
		"    line 15")
	if strings.Contains(re.Message, "line 5\n") {
		t.Errorf("more than the last 10 lines: %s", re.Message)
	}
	if re.Instance != "i-a1" {
		t.Errorf("blamed %q", re.Instance)
	}
	if n := len(ssm.Calls("SendShell")); n < 5 || n > 12 {
		t.Errorf("%d attempts in a minute; want one every 5s or so after each run", n)
	}
}

// AccessDenied is not retried: the stage fails at once, naming the permission.
func TestCommandGateRefusedBySSMFailsAtOnce(t *testing.T) {
	h := newHarness(t)
	ssm := withSSM(h)
	h.fleet.Add("i-a1", "api-1", cloud.Stopped, nil)
	ssm.Install("i-a1", cloudtest.Agent{})
	ssm.FailAlways("SendShell", &cloud.AccessDeniedError{Action: "ssm:SendCommand", Message: "not authorized"})
	e := environment(commandStage("api", []string{}, time.Minute, 15*time.Minute, "api-1"))
	_, err := h.run(context.Background(), h.plan(e, op.Start))
	var re *RunError
	if !errors.As(err, &re) {
		t.Fatalf("want a RunError, got %v", err)
	}
	mustContain(t, re.Message, "sending the command for its command gate", "ssm:SendCommand", "lack that permission")
	if h.elapsed() > 20*time.Second {
		t.Errorf("failed after %s: an AccessDenied was retried", h.elapsed())
	}
}

// Throttling is retried: the run goes on once SSM answers again.
func TestCommandGateThrottledIsRetried(t *testing.T) {
	h := newHarness(t)
	ssm := withSSM(h)
	h.fleet.Add("i-a1", "api-1", cloud.Stopped, nil)
	ssm.Install("i-a1", cloudtest.Agent{})
	throttled := &cloud.ThrottledError{Action: "ssm:DescribeInstanceInformation", Message: "Rate exceeded"}
	ssm.FailNext("Managed", throttled, throttled)
	e := environment(commandStage("api", []string{}, time.Minute, 15*time.Minute, "api-1"))
	if _, err := h.run(context.Background(), h.plan(e, op.Start)); err != nil {
		t.Fatal(err)
	}
	var said bool
	for _, n := range h.eventsOf(op.EventNote) {
		said = said || strings.Contains(n.Message, "AWS throttled ssm:DescribeInstanceInformation")
	}
	if !said {
		t.Errorf("the throttling was not said: %+v", h.eventsOf(op.EventNote))
	}
}

func TestCommandGateWithoutSSMSaysSo(t *testing.T) {
	h := newHarness(t)
	h.fleet.Add("i-a1", "api-1", cloud.Running, nil)
	e := environment(commandStage("api", []string{}, time.Minute, 15*time.Minute, "api-1"))
	_, err := h.run(context.Background(), h.plan(e, op.Start))
	if err == nil || !strings.Contains(err.Error(), "its command gate runs through SSM Run Command, which this connection to AWS does not offer") {
		t.Errorf("err %v", err)
	}
}

// An instance that was already running long before the run is past its
// grace at once: a missing agent fails it without waiting.
func TestCommandGateCountsTheGraceFromWhenTheInstanceRan(t *testing.T) {
	h := newHarness(t)
	withSSM(h)
	in := h.fleet.Add("i-a1", "api-1", cloud.Running, nil)
	in.Instance.LaunchTime = t0.Add(-time.Hour)
	e := environment(commandStage("api", []string{}, time.Minute, 15*time.Minute, "api-1"))
	if _, err := h.run(context.Background(), h.plan(e, op.Start)); err == nil || !strings.Contains(err.Error(), "has not registered with SSM") {
		t.Fatalf("err %v", err)
	}
	if h.elapsed() > 3*time.Second {
		t.Errorf("failed after %s", h.elapsed())
	}
}
