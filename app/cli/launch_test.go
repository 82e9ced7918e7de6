package cli

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/paths"
	"cloudcontrol/backend/sandbox"
)

// sandboxCaller is who the sandbox's credentials are.
const sandboxCaller = "arn:aws:iam::123456789012:user/sandbox"

// The examples' launch, end to end through the command line: the preview,
// the launch followed to ready (one JSON object per line), the instance in
// its stage, the list, the terminate, nothing left.
func TestLaunchStatusTerminate(t *testing.T) {
	h := newHarness(t, examplesWorld, 100, examplesDir)
	ctx := timeout(t, 30*time.Second)
	r := h.run(ctx, "launch", "three-tier", "api-node", "--yes", "--json", "--token", "BRANCH=release-7")
	if r.code != ExitOK {
		t.Fatalf("launch: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	lines := jsonLines(t, r.stdout)
	first := lines[0]
	pv, _ := first["preview"].(map[string]any)
	if first["type"] != "launch-preview" || pv == nil || pv["template"] != "api-node" || pv["account"] != "123456789012" {
		t.Fatalf("first line %v", first)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l["type"].(string)] = true
		for _, k := range []string{"time", "env", "action", "type"} {
			if _, ok := l[k]; !ok {
				t.Errorf("line without %s: %v", k, l)
			}
		}
		if l["action"] != "launch" {
			t.Errorf("action %v", l["action"])
		}
	}
	for _, want := range []string{"launch-preview", "launch-started", "stack-event", "instance-state", "boot-progress", "dns-updated", "launch-done", "run-done"} {
		if !seen[want] {
			t.Errorf("no %s line", want)
		}
	}
	if last := lines[len(lines)-1]; last["type"] != "run-done" {
		t.Errorf("last line %v", last)
	}

	st := h.run(ctx, "env", "status", "three-tier")
	if st.code != ExitOK || !strings.Contains(st.stdout, "api       api-node-1") {
		t.Errorf("status: exit %d\n%s", st.code, st.stdout)
	}
	// Who has it, for everyone: the launch tagged who started the new
	// instance, and env status --json shows it.
	sj := h.run(ctx, "env", "status", "three-tier", "--json")
	var status struct {
		StartedByName string `json:"startedByName"`
		Stages        []struct {
			Name      string `json:"name"`
			Instances []struct {
				Name      string `json:"name"`
				StartedBy string `json:"startedBy"`
				StartedAt string `json:"startedAt"`
			} `json:"instances"`
		} `json:"stages"`
	}
	if err := json.Unmarshal([]byte(sj.stdout), &status); err != nil {
		t.Fatalf("status --json: %v\n%s", err, sj.stdout)
	}
	var launched bool
	for _, st := range status.Stages {
		for _, in := range st.Instances {
			if in.Name == "api-node-1" {
				launched = true
				if st.Name != "api" || in.StartedBy != sandboxCaller || in.StartedAt == "" {
					t.Errorf("launched instance in %s: started by %q at %q", st.Name, in.StartedBy, in.StartedAt)
				}
			}
		}
	}
	if !launched || status.StartedByName != "sandbox" {
		t.Errorf("status --json: launched %v, started by %q\n%s", launched, status.StartedByName, sj.stdout)
	}
	ls := h.run(ctx, "launches")
	if ls.code != ExitOK || !strings.Contains(ls.stdout, "cc-three-tier-api-node-1") || !strings.Contains(ls.stdout, "0 leftover(s)") ||
		!strings.Contains(ls.stdout, "100% serving on :8080") {
		t.Errorf("launches: exit %d\n%s%s", ls.code, ls.stdout, ls.stderr)
	}
	lj := h.run(ctx, "launches", "--env", "three-tier", "--json")
	if rows := jsonLines(t, lj.stdout); len(rows) != 1 || rows[0]["stack"] != "cc-three-tier-api-node-1" || rows[0]["leftover"] != false {
		t.Errorf("launches --json %v", rows)
	}

	// Not without --yes where there is no terminal; not what it did not launch.
	if r := h.run(ctx, "terminate", "three-tier", "api-node-1"); r.code != ExitUsage || !strings.Contains(r.stderr, "pass --yes") {
		t.Errorf("terminate without --yes: exit %d %s", r.code, r.stderr)
	}
	if r := h.run(ctx, "terminate", "three-tier", "shop-db", "--yes"); r.code != ExitFailed || !strings.Contains(r.stderr, "refusing to terminate i-0db00000000000001 (shop-db)") {
		t.Errorf("terminate shop-db: exit %d %s", r.code, r.stderr)
	}
	if s := h.state(dbID); s != "stopped" {
		t.Errorf("shop-db is %s", s)
	}
	term := h.run(ctx, "terminate", "three-tier", "api-node-1", "--yes")
	if term.code != ExitOK || !strings.Contains(term.stdout, "DNS delete api-node-1.shop.test.example.com") || !strings.Contains(term.stdout, "stack cc-three-tier-api-node-1 deleted") {
		t.Errorf("terminate: exit %d\n%s%s", term.code, term.stdout, term.stderr)
	}
	if r := h.run(ctx, "launches"); !strings.Contains(r.stdout, "No launches in account 123456789012, eu-west-1.") {
		t.Errorf("after terminate: %s", r.stdout)
	}
	hist := h.run(ctx, "history", "--env", "three-tier")
	if !strings.Contains(hist.stdout, "launch") || !strings.Contains(hist.stdout, "terminate") {
		t.Errorf("history:\n%s", hist.stdout)
	}
}

// launchEnv is a small environment whose template's script waits long,
// so a test can cancel or time it out; its description carries an
// escape sequence the terminal must not act on.
func launchEnv(t *testing.T, script string) string {
	return writeEnvs(t, map[string]string{"box.sh": script, "box.yaml": `name: box
description: "boxes \e[31mred"
stages: [{name: b, instances: [{tags: {Role: box}}]}]
launch:
  subnet: subnet-0e1a0000000000001
  security-groups: [sg-0e1a0000000000001]
  templates:
    - {name: box, description: "a box \e]0;title\a", stage: b, ami: ami-0e1a0000000000001, types: [t3.small], user-data: box.sh}
`})
}

func TestLaunchExitCodes(t *testing.T) {
	dir := launchEnv(t, "sleep 3600\n")
	h := newHarness(t, examplesWorld, 100, dir)
	ctx := timeout(t, 30*time.Second)
	stacks := func() int {
		n := 0
		for _, q := range h.sb.Requests() {
			if q.Action == "CreateStack" {
				n++
			}
		}
		return n
	}

	// No --yes and no terminal: the preview, then exit 2, nothing made.
	r := h.run(ctx, "launch", "box", "box")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "no terminal to confirm on; pass --yes") || !strings.Contains(r.stdout, "Launch into box") || stacks() != 0 {
		t.Errorf("without --yes: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Escaped for the terminal.
	if strings.ContainsAny(r.stdout, "\x1b\a") || !strings.Contains(r.stdout, `a box \x1b]0;title\a`) {
		t.Errorf("the preview is not escaped:\n%q", r.stdout)
	}
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"launch", "box", "box", "--token", "nope"}, ExitUsage, `--token "nope" must be NAME=VALUE`},
		{[]string{"launch", "box", "bux", "--yes"}, ExitFailed, `box has no template "bux"; did you mean "box"?`},
		{[]string{"launch", "box", "box", "--yes", "--type", "m5.large"}, ExitFailed, "type m5.large is not allowed by template box (allowed: t3.small)"},
		{[]string{"launch", "nowhere", "box", "--yes"}, ExitFailed, `no environment "nowhere"`},
		{[]string{"launch", "box"}, ExitUsage, "accepts 2 arg(s)"},
	} {
		if r := h.run(ctx, c.args...); r.code != c.code || !strings.Contains(r.stderr, c.says) {
			t.Errorf("%v: exit %d, want %d saying %q\n%s", c.args, r.code, c.code, c.says, r.stderr)
		}
	}
	if stacks() != 0 {
		t.Fatalf("%d stacks made by bad command lines", stacks())
	}
	// With --json a launch that never began says why in one line.
	if r := h.run(ctx, "launch", "box", "box", "--yes", "--json", "--type", "m5.large"); r.code != ExitFailed {
		t.Errorf("--json refusal: exit %d", r.code)
	} else if rows := jsonLines(t, r.stdout); len(rows) != 1 || rows[0]["type"] != "run-refused" || !strings.Contains(rows[0]["message"].(string), "not allowed") {
		t.Errorf("--json refusal: %v", rows)
	}

	// Busy: refused, exit 3.
	p := paths.Under(os.Getenv("CLOUDCONTROL_HOME"))
	l, err := lock.Acquire(p.Locks(), "box", lock.Holder{Action: "start", Client: "window"})
	if err != nil {
		t.Fatal(err)
	}
	if r := h.run(ctx, "launch", "box", "box", "--yes"); r.code != ExitRefused || !strings.Contains(r.stderr, "box is busy") {
		t.Errorf("busy: exit %d %s", r.code, r.stderr)
	}
	_ = l.Release()

	// Cancelled (Ctrl-C) once the stack is being created: exit 4, the stack gone.
	cctx, cancel := context.WithCancel(ctx)
	var out, errOut syncBuffer
	done := make(chan result, 1)
	go func() { done <- h.runTo(cctx, &out, &errOut, "launch", "box", "box", "--yes") }()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "is running"); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the launch did not get its instance running:\n%s%s", out.String(), errOut.String())
		}
	}
	cancel()
	res := <-done
	if res.code != ExitCancelled || !strings.Contains(res.stdout, "stack cc-box-box-1 deleted") || !strings.Contains(res.stdout, "CANCELLED: launch cancelled; every stack it made was deleted") {
		t.Errorf("cancelled: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if r := h.run(ctx, "launches"); !strings.Contains(r.stdout, "No launches") {
		t.Errorf("after the cancel: %s", r.stdout)
	}

	// A stack that fails: exit 1, its reason said, the stack gone.
	if err := h.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultResourceFail, Resource: "Instance", Message: "no capacity in eu-west-1a", Count: 1}); err != nil {
		t.Fatal(err)
	}
	r = h.run(ctx, "launch", "box", "box", "--yes")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "Instance (AWS::EC2::Instance): no capacity in eu-west-1a") || !strings.Contains(r.stdout, "stack cc-box-box-1 deleted") {
		t.Errorf("failed: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A stack that cannot be deleted is a leftover; launches clean retries it
// and names what remains until it can.
func TestLaunchesClean(t *testing.T) {
	dir := launchEnv(t, "echo ok\n")
	h := newHarness(t, examplesWorld, 100, dir)
	ctx := timeout(t, 30*time.Second)
	_ = h.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultResourceFail, Resource: "Instance", Message: "no capacity", Count: 1})
	_ = h.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultDeleteFail, Resource: "Instance", Message: "the volume is busy"})
	r := h.run(ctx, "launch", "box", "box", "--yes")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "left behind: Instance (AWS::EC2::Instance i-") {
		t.Fatalf("launch: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	ls := h.run(ctx, "launches", "--env", "box")
	if !strings.Contains(ls.stdout, "1 leftover(s)") || !strings.Contains(ls.stdout, "leftover: its launch failed: the stack is DELETE_FAILED") {
		t.Errorf("launches:\n%s", ls.stdout)
	}
	if r := h.run(ctx, "launches", "clean"); r.code != ExitUsage || !strings.Contains(r.stdout, "cc-box-box-1 (box, DELETE_FAILED)") {
		t.Errorf("clean without --yes: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := h.run(ctx, "launches", "clean", "--yes"); r.code != ExitFailed || !strings.Contains(r.stderr, "left behind: Instance") {
		t.Errorf("clean while the delete fails: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	h.sb.ClearFaults()
	r = h.run(ctx, "launches", "clean", "--yes", "--json")
	if r.code != ExitOK {
		t.Fatalf("clean: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if rows := jsonLines(t, r.stdout); rows[len(rows)-1]["type"] != "run-done" || rows[0]["action"] != "clean-up" {
		t.Errorf("clean --json %v", rows)
	}
	if r := h.run(ctx, "launches"); !strings.Contains(r.stdout, "No launches") {
		t.Errorf("after the clean-up: %s", r.stdout)
	}
	if r := h.run(ctx, "launches", "clean", "--yes"); r.code != ExitOK || !strings.Contains(r.stdout, "No leftovers in account 123456789012, eu-west-1.") {
		t.Errorf("nothing to clean: exit %d %s", r.code, r.stdout)
	}
}

func TestLaunchPolicy(t *testing.T) {
	var out, errOut syncBuffer
	if code := runCLI(context.Background(), &out, &errOut, "launch", "policy"); code != ExitOK {
		t.Fatalf("exit %d %s", code, errOut.String())
	}
	var doc struct {
		Statement []struct {
			Action    []string
			Resource  []string
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal([]byte(out.String()), &doc); err != nil || len(doc.Statement) != 2 {
		t.Fatalf("policy %q: %v", out.String(), err)
	}
	tag := doc.Statement[0]
	if tag.Action[0] != "ec2:CreateTags" || tag.Condition["StringEquals"]["aws:ARN"] != "${ec2:SourceInstanceARN}" ||
		!strings.Contains(strings.Join(anyStrings(tag.Condition["ForAllValues:StringEquals"]["aws:TagKeys"]), ","), "cloudcontrol:progress") {
		t.Errorf("the tagging statement %+v", tag)
	}
	if doc.Statement[1].Action[0] != "cloudformation:SignalResource" {
		t.Errorf("the signal statement %+v", doc.Statement[1])
	}

}

func anyStrings(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
