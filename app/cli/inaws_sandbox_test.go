package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/sandbox"
)

// TestInAWSOnTheSandbox runs issue 12's commands as a tester types them,
// against the examples' sandbox through the real AWS adapters (the
// command line's own connector, no fakes): env deploy's plan, its apply
// and a second deploy that changes nothing; status and list showing what
// is deployed; a lease that the sandbox's own scheduler ends (the
// sandbox's time moved on past it, no command running); and --remove.
func TestInAWSOnTheSandbox(t *testing.T) {
	h := newHarness(t, examplesWorld, 100, examplesDir)
	ctx := timeout(t, 60*time.Second)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	// The daily start and stop at least 11 hours off: the lease below ends
	// about 3 hours from now, and the sandbox's time is moved past it, which
	// must not cross the start (at 08:00 it did, when the test ran at 05:00).
	startHour := (time.Now().In(berlin).Hour() + 12) % 24
	startAt := fmt.Sprintf("cron(0 %d ? * MON-FRI *)", startHour)
	deploy := []string{"env", "deploy", "three-tier", "--create-roles", "--start-at", startAt,
		"--stop-at", fmt.Sprintf("cron(0 %d ? * MON-FRI *)", (startHour+6)%24), "--timezone", "Europe/Berlin"}

	// No --yes and no terminal: the plan for people on stderr, the plan as
	// JSON on stdout, exit 2, nothing written.
	r := h.run(ctx, append(deploy, "--json")...)
	var res control.DeployResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != ExitUsage {
		t.Fatalf("exit %d %v:\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	p := res.Plan
	if p == nil || p.Changes != 7 || len(p.Schedules) != 2 || len(p.Schedules[0].Next) == 0 || len(res.Applied) != 0 {
		t.Fatalf("the plan %+v", res)
	}
	next := p.Schedules[0].Next[0].In(berlin)
	for _, want := range []string{"Deploy three-tier in eu-west-1 (account 123456789012): 7 change(s)", "create  CloudControl-three-tier-automation",
		"create  CloudControl-three-tier-scheduler", "create  CloudControl-three-tier-start", "version 1 (", "create  cloudcontrol-three-tier",
		fmt.Sprintf("%s in Europe/Berlin: at %02d:00 on Monday to Friday, Europe/Berlin time; next: %s", startAt, startHour, next.Format("Mon 2 Jan 15:04 MST")),
		"In AWS: start about"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the plan lacks %q:\n%s", want, r.stderr)
		}
	}
	if got := writes(h.sb.Requests()); len(got) != 0 {
		t.Fatalf("an unconfirmed deploy wrote %v", got)
	}

	r = h.run(ctx, append(deploy, "--yes")...)
	if r.code != ExitOK || !strings.Contains(r.stdout, "create schedule cloudcontrol-three-tier/stop") || !strings.Contains(r.stdout, "deployed three-tier: 9 change(s) made") {
		t.Fatalf("deploy --yes: exit %d %s\n%s", r.code, r.stderr, r.stdout)
	}
	h.sb.ResetRequests()
	r = h.run(ctx, append(deploy, "--yes")...)
	if r.code != ExitOK || !strings.Contains(r.stdout, "nothing to change: three-tier is deployed in eu-west-1 (account 123456789012) as its file says") {
		t.Fatalf("deploy again: exit %d %s\n%s", r.code, r.stderr, r.stdout)
	}
	if got := writes(h.sb.Requests()); len(got) != 0 {
		t.Fatalf("a deploy with nothing to change wrote %v", got)
	}

	r = h.run(ctx, "env", "status", "three-tier", "--json")
	var st struct {
		State    string
		Deployed *control.Deployment
	}
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || st.Deployed == nil || !st.Deployed.Deployed || st.Deployed.NextStart == nil ||
		!st.Deployed.NextStart.Equal(next) || len(st.Deployed.Documents) != 2 {
		t.Fatalf("status --json: %v %+v\n%s", err, st.Deployed, r.stdout)
	}
	r = h.run(ctx, "env", "list", "--json")
	var list []struct {
		Name     string
		Deployed *control.Deployment
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		if (e.Name == "three-tier") != (e.Deployed != nil && e.Deployed.Deployed && e.Deployed.NextStop != nil) {
			t.Errorf("env list --json: %s deployed %+v", e.Name, e.Deployed)
		}
	}

	// A lease AWS keeps: moved by --extend, then ended by the sandbox's own
	// scheduler at its time while no command runs.
	r = h.run(ctx, "env", "start", "three-tier", "--lease", "2h")
	if r.code != ExitOK || !strings.Contains(r.stdout, "AWS stops it then with the deployed stop runbook (schedule cloudcontrol-three-tier/lease), also with every laptop closed") {
		t.Fatalf("start --lease: exit %d %s\n%s", r.code, r.stderr, r.stdout)
	}
	r = h.run(ctx, "env", "lease", "three-tier", "--extend", "1h", "--json")
	var lr control.LeaseResult
	if err := json.Unmarshal([]byte(r.stdout), &lr); err != nil || lr.KeptBy != control.KeptByAWS || lr.Until == nil {
		t.Fatalf("extend: exit %d %v %s", r.code, err, r.stderr)
	}
	r = h.run(ctx, "env", "status", "three-tier", "--json")
	st.Deployed = nil
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || st.Deployed == nil || st.Deployed.Lease == nil || st.Deployed.Lease.Next == nil || !st.Deployed.Lease.Next.Equal(*lr.Until) {
		t.Fatalf("the lease in status: %v %+v", err, st.Deployed)
	}
	h.sb.ResetRequests()
	if _, err := h.sb.Advance(time.Until(*lr.Until) + 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	log := h.sb.Requests()
	if len(log) == 0 || log[0].Action != "InvokeSchedule" || !log[0].Time.Equal(*lr.Until) {
		t.Fatalf("the lease's end: %+v", log)
	}
	var stopped []string
	for _, q := range log {
		if q.Action == "StopInstances" && strings.HasPrefix(q.Via, "automation ") {
			stopped = append(stopped, q.InstanceIDs...)
		}
	}
	if len(stopped) != 6 || !slices.Contains(stopped[:2], web1ID) || stopped[5] != dbID {
		t.Fatalf("the stop runbook stopped %v; want web first and the database last", stopped)
	}
	r = h.run(ctx, "env", "status", "three-tier", "--json")
	st.Deployed = nil // decoded afresh: a field the answer leaves out must not keep the last one's value
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || st.State != "stopped" || st.Deployed == nil || st.Deployed.Lease != nil {
		t.Fatalf("after the lease's end: %v %s, lease %+v", err, st.State, st.Deployed.Lease)
	}

	// --remove takes all of it away, and status says so.
	r = h.run(ctx, "env", "deploy", "three-tier", "--remove", "--yes")
	if r.code != ExitOK || !strings.Contains(r.stdout, "removed three-tier from AWS") {
		t.Fatalf("remove: exit %d %s\n%s", r.code, r.stderr, r.stdout)
	}
	r = h.run(ctx, "env", "status", "three-tier")
	if !strings.Contains(r.stdout, "Deployed in AWS: nothing (env deploy three-tier puts its runbooks there)") {
		t.Errorf("status after --remove:\n%s", r.stdout)
	}

	// Without runbooks in AWS, a lease says it is the app's alone.
	r = h.run(ctx, "env", "start", "analytics", "--lease", "1h")
	if r.code != ExitOK || !strings.Contains(r.stdout, "the lease is kept only while the app is open") {
		t.Errorf("a lease without runbooks: exit %d %s\n%s", r.code, r.stderr, r.stdout)
	}
}

// writes are the clients' calls in log that change something in AWS.
func writes(log []sandbox.Request) []string {
	var out []string
	for _, q := range log {
		if q.Via == "" && !strings.HasPrefix(q.Action, "Get") && !strings.HasPrefix(q.Action, "Describe") && !strings.HasPrefix(q.Action, "List") {
			out = append(out, q.Action)
		}
	}
	return out
}
