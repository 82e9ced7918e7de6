package cli

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cloud/cloudtest"
	"cloudcontrol/backend/control"
)

const (
	fakeAccount = "123456789012"
	fakeCaller  = "arn:aws:sts::123456789012:assumed-role/Testers/alice"
)

// fakeAWS points the command line at in-memory AWS (EC2, SSM, documents,
// Scheduler, IAM) on the real clock, with instances that start and stop
// in a few milliseconds; connects counts the sessions opened.
type fakeAWS struct {
	aws      *cloudtest.Cloud
	sess     *cloudtest.Session
	connects atomic.Int32
}

func newFakeAWS(t *testing.T) *fakeAWS {
	t.Helper()
	isolateAWS(t, "http://127.0.0.1:1") // nothing real is ever reached
	f := &fakeAWS{aws: cloudtest.NewCloud(clockwork.NewRealClock(), fakeAccount)}
	f.sess = cloudtest.NewSession(f.aws, fakeAccount, "eu-west-1", fakeCaller)
	connectOverride = func(context.Context, string, string) (control.Session, error) {
		f.connects.Add(1)
		return f.sess, nil
	}
	t.Cleanup(func() { connectOverride = nil })
	return f
}

// add makes a stopped instance that takes milliseconds to change.
func (f *fakeAWS) add(id, name string) *cloudtest.Inst {
	in := f.aws.EC2.Add(id, name, cloud.Stopped, nil)
	in.StartTook, in.StopTook, in.ChecksTook = 20*time.Millisecond, 20*time.Millisecond, 10*time.Millisecond
	return in
}

const cliShop = `name: shop
region: eu-west-1
stages:
  - name: data
    instances: [{name: db}]
  - name: app
    instances: [{name: app-1}]
schedule:
  timezone: Europe/Berlin
  start: cron(0 8 ? * MON-FRI *)
  stop: cron(0 19 ? * MON-FRI *)
`

func (f *fakeAWS) shop(t *testing.T) string {
	f.add("i-db", "db")
	f.add("i-app1", "app-1")
	return writeEnvs(t, map[string]string{"shop.yaml": cliShop})
}

func cli(ctx context.Context, dir string, args ...string) result {
	var out, errOut syncBuffer
	code := runCLI(ctx, &out, &errOut, append([]string{"--dir", dir, "--poll", "10ms"}, args...)...)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

func TestDeployFromTheCommandLine(t *testing.T) {
	f := newFakeAWS(t)
	dir := f.shop(t)
	ctx := timeout(t, 20*time.Second)

	// No --yes and no terminal: the plan is shown, nothing is changed, exit 2.
	r := cli(ctx, dir, "env", "deploy", "shop", "--create-roles")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "no terminal to confirm on; pass --yes") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"Deploy shop in eu-west-1 (account 123456789012): 7 change(s)", "create  CloudControl-shop-automation",
		"create  CloudControl-shop-start", "version 1 (", "create  cloudcontrol-shop", "cron(0 8 ? * MON-FRI *) in Europe/Berlin: at 08:00 on Monday to Friday",
		"next: ", " CET", "In AWS: start about"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the plan lacks %q:\n%s", want, r.stdout)
		}
	}
	if n := len(f.aws.Docs.Names("eu-west-1")) + len(f.aws.IAM.Names()); n != 0 {
		t.Fatalf("an unconfirmed deploy created %d things", n)
	}
	r = cli(ctx, dir, "env", "deploy", "shop", "--create-roles", "--yes")
	if r.code != ExitOK || !strings.Contains(r.stdout, "create schedule cloudcontrol-shop/stop") || !strings.Contains(r.stdout, "deployed shop: 9 change(s) made") {
		t.Fatalf("exit %d: %s\n%s", r.code, r.stderr, r.stdout)
	}
	r = cli(ctx, dir, "env", "deploy", "shop", "--json")
	var res control.DeployResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != ExitOK {
		t.Fatalf("exit %d %v: %s %s", r.code, err, r.stdout, r.stderr)
	}
	if res.Plan.Changes != 0 || res.Outcome != "done" || !strings.HasPrefix(res.Message, "nothing to change") {
		t.Errorf("second deploy %+v", res)
	}
	r = cli(ctx, dir, "env", "status", "shop")
	if !strings.Contains(r.stdout, "Deployed in AWS: start runbook v1, stop runbook v1; start next ") {
		t.Errorf("status:\n%s", r.stdout)
	}
	r = cli(ctx, dir, "env", "plan", "shop")
	if !strings.Contains(r.stdout, "In AWS (scheduled): the start runbook should take about") {
		t.Errorf("plan:\n%s", r.stdout)
	}
	r = cli(ctx, dir, "env", "deploy", "shop", "--remove", "--yes")
	if r.code != ExitOK || len(f.aws.Docs.Names("eu-west-1"))+len(f.aws.IAM.Names())+len(f.aws.Scheduler.Groups("eu-west-1")) != 0 {
		t.Errorf("remove: exit %d %s\n%s", r.code, r.stderr, r.stdout)
	}
}

func TestDeployBadInputFromTheCommandLine(t *testing.T) {
	f := newFakeAWS(t)
	dir := f.shop(t)
	ctx := timeout(t, 20*time.Second)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--create-roles", "--start-at", "cron(0 8 * *)", "--yes"}, ExitFailed, "the start schedule:"},
		{[]string{"--create-roles", "--timezone", "Mars/Olympus", "--yes"}, ExitFailed, "not an IANA time zone name"},
		{[]string{"--automation-role", "arn:aws:iam::123456789012:role/none", "--scheduler-role", "arn:aws:iam::123456789012:role/none", "--yes"},
			ExitFailed, "arn:aws:iam::123456789012:role/none does not exist, so nothing was deployed"},
		{[]string{"--create-roles", "--automation-role", "arn:aws:iam::123456789012:role/x"}, ExitUsage, "none of the others can be"},
		{[]string{"--yes"}, ExitFailed, "has no roles in AWS for its runbooks yet"},
	} {
		r := cli(ctx, dir, append([]string{"env", "deploy", "shop"}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
	if n := len(f.aws.Docs.Mutations()) + len(f.aws.IAM.Mutations()) + len(f.aws.Scheduler.Mutations()); n != 0 {
		t.Errorf("%d changes after bad input", n)
	}
}

func TestLeaseFromTheCommandLine(t *testing.T) {
	f := newFakeAWS(t)
	dir := f.shop(t)
	ctx := timeout(t, 20*time.Second)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"env", "lease", "shop", "0"}, "a lease of 0 is no lease"},
		{[]string{"env", "lease", "shop", "200h"}, "a lease is at most 7 days (168h)"},
		{[]string{"env", "lease", "shop", "soon"}, `"soon" is not a duration`},
		{[]string{"env", "lease", "shop"}, "say one of"},
		{[]string{"env", "start", "shop", "--lease", "0s"}, "--lease: a lease must be at least a minute"},
		{[]string{"env", "start", "shop", "--lease", "-2h"}, "--lease: a lease cannot be negative"},
	} {
		if r := cli(ctx, dir, c.args...); r.code != ExitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d %q, want %q", c.args, r.code, r.stderr, c.want)
		}
	}
	if f.connects.Load() != 0 {
		t.Errorf("bad input connected to AWS %d times", f.connects.Load())
	}
	r := cli(ctx, dir, "env", "start", "shop", "--lease", "2h")
	if r.code != ExitOK || !strings.Contains(r.stdout, "shop is leased until") || !strings.Contains(r.stdout, "the lease is kept only while the app is open") ||
		!strings.Contains(r.stdout, "tagged 2 instance(s) as started by alice") {
		t.Fatalf("exit %d %s\n%s", r.code, r.stderr, r.stdout)
	}
	r = cli(ctx, dir, "env", "status", "shop", "--json")
	var st map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatal(err)
	}
	if st["startedBy"] != fakeCaller || st["leaseBy"] != fakeCaller || st["leaseUntil"] == nil || st["startedAt"] == nil {
		t.Errorf("status JSON %v", st)
	}
	r = cli(ctx, dir, "env", "status", "shop")
	if !strings.Contains(r.stdout, "Started by alice just now; lease ends in 1 h 59 min") && !strings.Contains(r.stdout, "Started by alice just now; lease ends in 2 h") {
		t.Errorf("status:\n%s", r.stdout)
	}
	f.sess.As("arn:aws:iam::123456789012:user/bob")
	r = cli(ctx, dir, "env", "lease", "shop", "--extend", "1h", "--json")
	var lr control.LeaseResult
	if err := json.Unmarshal([]byte(r.stdout), &lr); err != nil || r.code != ExitOK {
		t.Fatalf("exit %d %v %s", r.code, err, r.stderr)
	}
	if lr.PreviousByName != "alice" || lr.ByName != "bob" || lr.KeptBy != "app" || !strings.Contains(lr.Message, "extended the lease alice held") {
		t.Errorf("extend %+v", lr)
	}
	r = cli(ctx, dir, "env", "list", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 1 {
		t.Fatalf("%v %s", err, r.stdout)
	}
	if list[0]["leaseByName"] != "bob" || list[0]["startedBy"] != fakeCaller || list[0]["state"] != "running" || list[0]["deployed"] == nil {
		t.Errorf("list %v", list[0])
	}
	r = cli(ctx, dir, "env", "lease", "shop", "--end")
	if r.code != ExitOK || !strings.Contains(r.stdout, "ended the lease of shop") {
		t.Errorf("end: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	// One instance's lease, as a launch's ttl is: that one alone.
	r = cli(ctx, dir, "env", "lease", "shop", "1h", "--instance", "app-1")
	if r.code != ExitOK || !strings.Contains(r.stdout, "app-1 of shop is leased until") || !strings.Contains(r.stdout, "nothing else of shop") {
		t.Errorf("--instance: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = cli(ctx, dir, "env", "status", "shop", "--json")
	st = nil
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || st["leasedInstances"] != float64(1) || st["upInstances"] != float64(2) {
		t.Errorf("status after --instance: %v %v", err, st)
	}
	if r := cli(ctx, dir, "env", "lease", "shop", "1h", "--instance", "nope"); r.code != ExitFailed || !strings.Contains(r.stderr, "nope is not an instance of shop") {
		t.Errorf("--instance nope: exit %d %s", r.code, r.stderr)
	}
	before := f.connects.Load()
	if r := cli(ctx, dir, "env", "list", "--offline", "--json"); r.code != ExitOK || strings.Contains(r.stdout, "state") || f.connects.Load() != before {
		t.Errorf("--offline read AWS: %s", r.stdout)
	}
}

// A command gate on an instance SSM never sees fails after its grace,
// saying so, and the command's own output reaches the terminal escaped.
func TestCommandGatesFromTheCommandLine(t *testing.T) {
	f := newFakeAWS(t)
	f.add("i-db", "db")
	f.add("i-app1", "app-1")
	f.aws.SSM.Install("i-db", cloudtest.Agent{Run: func([]string, int) cloudtest.Outcome {
		return cloudtest.Outcome{Exit: 1, Output: "not ready \x1b[31mred\x1b[0m"}
	}})
	dir := writeEnvs(t, map[string]string{"shop.yaml": `name: shop
stages:
  - name: data
    instances: [{name: db}]
    ready: {command: pg_isready, ssm-grace: 300ms}
    timeout: 1s
  - name: app
    instances: [{name: app-1}]
    ready: {command: "true", ssm-grace: 300ms}
`})
	ctx := timeout(t, 20*time.Second)
	r := cli(ctx, dir, "env", "start", "shop")
	if r.code != ExitFailed || !strings.Contains(r.stdout, "the command failed on i-db (db): exit 1; the last lines of its output:") ||
		!strings.Contains(r.stdout, `not ready \x1b[31mred\x1b[0m`) || strings.Contains(r.stdout, "\x1b") || strings.Contains(r.stderr, "\x1b") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The app stage's instance has no agent: it fails once its grace is over.
	f.aws.SSM.Install("i-db", cloudtest.Agent{})
	r = cli(ctx, dir, "env", "start", "shop")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "instance i-app1 (app-1) has not registered with SSM (Systems Manager) within ssm-grace 300ms of running") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
