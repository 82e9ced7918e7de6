package control

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
)

// The command gate through the real adapters: SSM Run Command and SSM's
// inventory as the sandbox speaks them.

const brokenDB = `name: broken
region: eu-west-1
stages:
  - name: database
    instances: [{name: shop-db}]
    ready: {command: check-db}
    timeout: 1m
`

const legacyEnv = `name: legacy
region: eu-west-1
stages:
  - name: old
    instances: [{name: legacy}]
    ready: {command: "true", ssm-grace: 1m}
    timeout: 10m
`

func TestCommandGatePassesOnSSMManagedInstances(t *testing.T) {
	r := newSandboxRig(t, map[string]string{"shop": sandboxShop})
	evs, err := r.start("shop", 0)
	if err != nil {
		t.Fatal(err)
	}
	// One SendCommand for the API stage's two instances, after the
	// database's stage was ready (its tcp gate), each with its answer.
	sends := r.requestsOf("SendCommand")
	if got := idsOf(sends); len(got) != 1 || !slices.Equal(got[0], []string{api1ID, api2ID}) {
		t.Fatalf("SendCommand calls %v", got)
	}
	starts := r.requestsOf("StartInstances")
	if len(starts) != 2 || sends[0].Time.Before(starts[1].Time) {
		t.Fatalf("starts %+v, the command at %s", starts, sends[0].Time)
	}
	var passed []string
	for _, e := range evs {
		if e.Type == op.EventGatePassed && e.Gate == orchestrate.GateCommand {
			passed = append(passed, e.Instance)
		}
	}
	if slices.Sort(passed); !slices.Equal(passed, []string{api1ID, api2ID}) {
		t.Errorf("the command gate passed on %v", passed)
	}
	for _, id := range []string{dbID, api1ID, api2ID} {
		if in := r.instance(id); in.State != cloud.Running {
			t.Errorf("%s is %s", id, in.State)
		}
	}
}

// A failing command names the instance, its exit code and the last lines
// of its output, and fails the stage at its timeout.
func TestCommandGateFailureShowsTheInstanceExitCodeAndOutput(t *testing.T) {
	r := newSandboxRig(t, map[string]string{"broken": brokenDB})
	began := r.clock.Now()
	evs, err := r.start("broken", 0)
	var re *orchestrate.RunError
	if !errors.As(err, &re) {
		t.Fatalf("want a RunError, got %v", err)
	}
	if took := r.clock.Since(began); took < time.Minute || took > 70*time.Second {
		t.Errorf("failed after %s; the stage's timeout is 1m", took)
	}
	mustHave(t, re.Message, "timed out after 1m0s waiting for command", "i-0db00000000000001 (shop-db)", "exit 3", "l12")
	var note string
	for _, e := range evs {
		if e.Type == op.EventNote && e.Instance == dbID && strings.Contains(e.Message, "the command failed") {
			note = e.Message
		}
	}
	// The last ten lines, each on its own, and not the first two.
	mustHave(t, note, "the command failed on i-0db00000000000001 (shop-db): exit 3; the last lines of its output:\n    l3\n", "\n    l12")
	if strings.Contains(note, "l1\n") || strings.Contains(note, "l2\n") {
		t.Errorf("more than the last lines: %q", note)
	}
}

// An instance that never registers with SSM fails the gate when its grace
// is over, with that reason, not at the stage's timeout.
func TestCommandGateOnAnUnmanagedInstanceFailsAfterItsGrace(t *testing.T) {
	r := newSandboxRig(t, map[string]string{"legacy": legacyEnv})
	began := r.clock.Now()
	_, err := r.start("legacy", 0)
	if err == nil {
		t.Fatal("the gate passed on an instance SSM does not manage")
	}
	mustHave(t, err.Error(), "instance i-0e000000000000001 (legacy) ", "has not registered with SSM (Systems Manager) within ssm-grace 1m0s of running (SSM does not know it)")
	// Running after 8 s, then a minute's grace: well before the 10m timeout.
	if took := r.clock.Since(began); took < time.Minute || took > 2*time.Minute {
		t.Errorf("failed after %s", took)
	}
	if n := len(r.requestsOf("SendCommand")); n != 0 {
		t.Errorf("%d SendCommand to an instance SSM does not know", n)
	}
}

// SSM refusing for want of a permission fails the stage at once, naming
// it; throttling past the SDK's retries is said and the run goes on.
func TestCommandGateRefusedOrThrottledBySSM(t *testing.T) {
	r := newSandboxRig(t, map[string]string{"shop": sandboxShop})
	r.fault("denied", "SendCommand", 1)
	began := r.clock.Now()
	_, err := r.start("shop", 0)
	if err == nil {
		t.Fatal("the start passed with SendCommand denied")
	}
	mustHave(t, err.Error(), "sending the command for its command gate", "ssm:SendCommand", "it needs the IAM permission ssm:SendCommand")
	if took := r.clock.Since(began); took > time.Minute {
		t.Errorf("failed after %s: the denial was retried", took)
	}

	if err := r.stop("shop"); err != nil {
		t.Fatal(err)
	}
	// Two throttled answers: the SDK retries the first, the adapter
	// reports the second; the next poll gets through.
	r.fault("throttle", "DescribeInstanceInformation", 2)
	evs, err := r.start("shop", 0)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for _, e := range evs {
		if e.Type == op.EventNote && strings.Contains(e.Message, "throttled") {
			said = append(said, e.Message)
		}
	}
	if len(said) != 1 || !strings.Contains(said[0], "AWS throttled ssm:DescribeInstanceInformation even after retrying") {
		t.Errorf("the throttling was said as %q", said)
	}
}

func mustHave(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("%q lacks %q", s, p)
		}
	}
}
