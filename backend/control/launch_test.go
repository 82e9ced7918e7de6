package control

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/launch"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/paths"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
)

// Launching through control runs against the examples' world in an
// in-process sandbox at 100x speed, through the real AWS adapters (the
// in-memory fleet has no CloudFormation).

const shopLaunch = `name: shop
region: eu-west-1
select: {Env: demo}
stages:
  - name: db
    instances: [{name: shop-db}]
  - name: api
    instances: [{tags: {Role: launched-api}}]
    ready: {tcp: 22}
launch:
  subnet: subnet-0e1a0000000000001
  security-groups: [sg-0e1a0000000000001]
  templates:
    - {name: api, stage: api, ami: ami-0e1a0000000000001, types: [t3.small], user-data: api.sh, ttl: 2h,
       dns: {zone: test.example.com}, timeout: 10m}
`

type launchRig struct {
	t    *testing.T
	sb   *sandbox.Sandbox
	svc  *Service
	hist *history.Store
	dir  string
	p    paths.Dirs
}

func newLaunchRig(t *testing.T, doc string, opts func(*Options)) *launchRig {
	t.Helper()
	w, err := sandbox.LoadWorld(filepath.Join("..", "..", "environments", "sandbox", "world.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := sandboxtest.Serve(t, w, 100)
	tmp := t.TempDir()
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "sandbox", "AWS_SECRET_ACCESS_KEY": "sandbox", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_CONFIG_FILE": filepath.Join(tmp, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(tmp, "credentials"),
		"AWS_ENDPOINT_URL": "", "AWS_REGION": ""} {
		t.Setenv(k, v)
	}
	r := &launchRig{t: t, sb: srv.Sandbox, dir: filepath.Join(tmp, "envs"), p: paths.Under(filepath.Join(tmp, "home"))}
	for name, body := range map[string]string{"shop.yaml": doc, "api.sh": "#!/bin/bash\ncc_progress 50 \"half\"\nsleep 2\n",
		"config": "", "credentials": ""} {
		dir := r.dir
		if name == "config" || name == "credentials" {
			dir = tmp
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	store, err := history.Open(context.Background(), filepath.Join(tmp, "history.db"), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	r.hist = store
	o := Options{Dirs: []string{r.dir}, Paths: r.p, Tick: 20 * time.Millisecond, Client: "cli", History: store,
		Connect: func(ctx context.Context, profile, region string) (Session, error) {
			return aws.Connect(ctx, aws.Options{EndpointURL: srv.URL, Region: "eu-west-1", MaxAttempts: 2}, profile, region)
		}}
	if opts != nil {
		opts(&o)
	}
	r.svc = New(o)
	return r
}

func (r *launchRig) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	r.t.Cleanup(cancel)
	return ctx
}

func (r *launchRig) shop() *env.Environment {
	e, err := r.svc.Environment("shop")
	if err != nil {
		r.t.Fatal(err)
	}
	return e
}

// stacks are the live stacks of the sandbox.
func (r *launchRig) stacks() []string {
	var out []string
	sess, err := r.svc.opts.Connect(context.Background(), "", "")
	if err != nil {
		r.t.Fatal(err)
	}
	st, err := sess.(launch.Cloud).Stacks().Stacks(context.Background(), "eu-west-1")
	if err != nil {
		r.t.Fatal(err)
	}
	for _, s := range st {
		out = append(out, s.Name+" "+s.Status)
	}
	return out
}

func TestLaunchIsARecordedOperationAndJoinsItsStage(t *testing.T) {
	r := newLaunchRig(t, shopLaunch, nil)
	ctx := r.ctx()
	e := r.shop()
	// Before: the api stage has no instance, and says so.
	prep, err := r.svc.PlanEnv(ctx, e, op.Start)
	if err != nil || !slices.ContainsFunc(prep.Plan.Warnings, func(w string) bool { return strings.Contains(w, `stage "api" has no instance yet`) }) {
		t.Fatalf("plan: %v %+v", err, prep)
	}
	pv, err := r.svc.LaunchPreview(ctx, e, LaunchRequest{Template: "api"})
	if err != nil || pv.Account != "123456789012" || pv.Caller == "" || pv.Instances[0].Name != "api-1" {
		t.Fatalf("preview %+v %v", pv, err)
	}
	sink := &events{}
	res, err := r.svc.Launch(ctx, e, LaunchRequest{Template: "api"}, sink)
	if err != nil || len(res.Launched) != 1 {
		t.Fatalf("launch: %v %+v\n%v", err, res, sink.types())
	}
	types := sink.types()
	n := len(types)
	if types[0] != op.EventRunStarted || types[n-1] != op.EventRunDone || types[n-2] != op.EventNote || types[n-3] != op.EventChangeApplied {
		t.Errorf("events %v: run-started first, then the launch, the lease (tagged, said) and run-done", types)
	}
	// The ttl is a lease on the new instance alone, from when it was ready,
	// kept by the app (the deployed stop runbook would stop all of shop).
	evs := sink.all()
	var ready time.Time
	for _, ev := range evs {
		if ev.Type == op.EventLaunchDone {
			ready = ev.Time
		}
	}
	if tagged := evs[n-3]; !strings.Contains(tagged.Message, "tagged "+res.Launched[0].Instance+" (api-1) with the lease until") ||
		!strings.Contains(tagged.Message, "a ttl of 2h0m0s") {
		t.Errorf("lease change %+v", tagged)
	}
	if note := evs[n-2]; !strings.HasPrefix(note.Message, "api-1 of shop is leased until") || !strings.Contains(note.Message, "nothing else of shop") {
		t.Errorf("lease note %+v", note)
	}
	tags := r.instanceTags(res.Launched[0].Instance)
	until, err := time.Parse(time.RFC3339, tags[cloud.TagLeaseUntil])
	if err != nil || until.Before(ready.Add(2*time.Hour-time.Second)) || until.After(ready.Add(2*time.Hour+5*time.Second)) || tags[cloud.TagLeaseBy] != pv.Caller {
		t.Errorf("lease until %q by %q; ready at %s", tags[cloud.TagLeaseUntil], tags[cloud.TagLeaseBy], ready)
	}
	// What was launched carries the ids the preview showed, when asked.
	pv2, err := r.svc.LaunchPreview(ctx, e, LaunchRequest{Template: "api", Name: "same"})
	if err != nil {
		t.Fatal(err)
	}
	res2, err := r.svc.Launch(ctx, e, LaunchRequest{Template: "api", Name: "same", IDs: pv2.IDs()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tags := r.instanceTags(res2.Launched[0].Instance); tags[cloud.TagLaunch] != pv2.Instances[0].Launch {
		t.Errorf("launched as %q, the preview said %q", tags[cloud.TagLaunch], pv2.Instances[0].Launch)
	}
	if err := r.svc.Terminate(ctx, e, "same", nil); err != nil {
		t.Fatal(err)
	}
	ops, _ := r.hist.Operations(ctx, "shop", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if len(ops) != 3 || ops[2].Action != "launch" || ops[2].Result != "done" || ops[2].Events != len(types) || ops[2].Account != "123456789012" {
		t.Fatalf("history %+v", ops)
	}
	// The new instance is in its stage.
	st, err := r.svc.StatusEnv(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if api := st.Stages[1]; len(api.Instances) != 1 || api.Instances[0].ID != res.Launched[0].Instance || api.Instances[0].DNSName != "api-1.test.example.com" {
		t.Errorf("stage api %+v", api)
	}
	// The list: one launch, no leftover.
	list, err := r.svc.Launches(ctx, e)
	if err != nil || len(list.Launches) != 1 || list.Leftovers != 0 || list.Launches[0].State != cloud.Running {
		t.Fatalf("launches %+v %v", list, err)
	}

	// Terminate: recorded too, and nothing is left.
	term := &events{}
	if err := r.svc.Terminate(ctx, e, "api-1", term); err != nil {
		t.Fatalf("terminate: %v", err)
	}
	if left := r.stacks(); len(left) != 0 {
		t.Errorf("stacks left %v", left)
	}
	ops, _ = r.hist.Operations(ctx, "shop", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if len(ops) != 4 || ops[0].Action != "terminate" || ops[0].Result != "done" {
		t.Errorf("history %+v", ops)
	}
}

func TestLaunchRefusals(t *testing.T) {
	t.Run("busy", func(t *testing.T) {
		r := newLaunchRig(t, shopLaunch, nil)
		l, err := lock.Acquire(r.p.Locks(), "shop", lock.Holder{Action: "start", Client: "window"})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = l.Release() }()
		sink := &events{}
		_, err = r.svc.Launch(r.ctx(), r.shop(), LaunchRequest{Template: "api"}, sink)
		if !IsRefusal(err) || len(sink.types()) != 1 || sink.types()[0] != op.EventRunRefused {
			t.Fatalf("launch while busy: %v %v", err, sink.types())
		}
		if left := r.stacks(); len(left) != 0 {
			t.Errorf("stacks %v", left)
		}
	})
	t.Run("account pin", func(t *testing.T) {
		r := newLaunchRig(t, "account: \"999999999999\"\n"+shopLaunch, nil)
		sink := &events{}
		_, err := r.svc.Launch(r.ctx(), r.shop(), LaunchRequest{Template: "api"}, sink)
		var pin *PinError
		if !errors.As(err, &pin) || !IsRefusal(err) || !strings.Contains(err.Error(), "pinned to account 999999999999") {
			t.Fatalf("launch on the wrong account: %v", err)
		}
		if _, err := r.svc.LaunchPreview(r.ctx(), r.shop(), LaunchRequest{Template: "api"}); !errors.As(err, &pin) {
			t.Errorf("preview on the wrong account: %v", err)
		}
		if n := r.calls("CreateStack"); n != 0 {
			t.Errorf("%d CreateStack", n)
		}
	})
	t.Run("bad request is a failure that never began", func(t *testing.T) {
		r := newLaunchRig(t, shopLaunch, nil)
		sink := &events{}
		_, err := r.svc.Launch(r.ctx(), r.shop(), LaunchRequest{Template: "api", Type: "x9.huge"}, sink)
		var ie *launch.InputError
		if !errors.As(err, &ie) || IsRefusal(err) || OutcomeOf(r.ctx(), err) != op.OutcomeFailed {
			t.Fatalf("launch: %v", err)
		}
		if evs := sink.all(); len(evs) != 1 || evs[0].Type != op.EventRunRefused || !strings.Contains(evs[0].Message, "type x9.huge is not allowed") {
			t.Errorf("events %+v", evs)
		}
		ops, _ := r.hist.Operations(r.ctx(), "shop", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
		if len(ops) != 1 || ops[0].Result != "failed" {
			t.Errorf("history %+v", ops)
		}
	})
	t.Run("unknown stage", func(t *testing.T) {
		r := newLaunchRig(t, strings.Replace(shopLaunch, "stage: api,", "stage: apu,", 1), nil)
		_, err := r.svc.Environment("shop")
		var inv *InvalidError
		if !errors.As(err, &inv) || !strings.Contains(err.Error(), `launches into stage "apu", which is not a stage; did you mean "api"?`) {
			t.Fatalf("Environment: %v", err)
		}
	})
	t.Run("terminate of an instance Cloud Control did not launch", func(t *testing.T) {
		r := newLaunchRig(t, shopLaunch, nil)
		sink := &events{}
		err := r.svc.Terminate(r.ctx(), r.shop(), "shop-db", sink)
		var nl *launch.NotLaunchedError
		if !errors.As(err, &nl) || IsRefusal(err) {
			t.Fatalf("terminate: %v", err)
		}
		if evs := sink.all(); len(evs) != 1 || evs[0].Type != op.EventRunRefused || !strings.Contains(evs[0].Message, "Cloud Control terminates only instances it launched") {
			t.Errorf("events %+v", evs)
		}
		if r.calls("DeleteStack")+r.calls("TerminateInstances") != 0 {
			t.Error("something was deleted")
		}
	})
}

// A ttl whose lease cannot be tagged leaves the ready instance up and
// says so, with the command that leases it.
func TestLaunchWhoseLeaseCannotBeSet(t *testing.T) {
	r := newLaunchRig(t, shopLaunch, nil)
	if err := r.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultDenied, Action: "CreateTags"}); err != nil {
		t.Fatal(err)
	}
	sink := &events{}
	res, err := r.svc.Launch(r.ctx(), r.shop(), LaunchRequest{Template: "api"}, sink)
	if err != nil || len(res.Launched) != 1 {
		t.Fatalf("launch: %v %+v", err, res)
	}
	evs := sink.all()
	note := evs[len(evs)-2]
	if note.Type != op.EventNote || !strings.Contains(note.Message, "the ttl's lease of "+res.Launched[0].Instance+" (api-1) was not set") ||
		!strings.Contains(note.Message, "ec2:CreateTags") || !strings.Contains(note.Message, "env lease shop 2h0m0s --instance api-1") {
		t.Errorf("note %+v", note)
	}
	if tags := r.instanceTags(res.Launched[0].Instance); tags[cloud.TagLeaseUntil] != "" {
		t.Errorf("leased until %s", tags[cloud.TagLeaseUntil])
	}
}

// The launch's reads of AWS without a run (the preview, the list, the
// terminate target) are bounded like every other read: a hung call gives
// up at ReadTimeout, saying so.
func TestLaunchReadsAreBounded(t *testing.T) {
	r := newLaunchRig(t, shopLaunch, func(o *Options) { o.ReadTimeout = 300 * time.Millisecond })
	for _, action := range []string{"DescribeImages", "DescribeStacks", "DescribeInstances"} {
		if err := r.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultLatency, Action: action, Latency: time.Minute}); err != nil {
			t.Fatal(err)
		}
	}
	for name, read := range map[string]func(ctx context.Context) error{
		"preview": func(ctx context.Context) error {
			_, err := r.svc.LaunchPreview(ctx, r.shop(), LaunchRequest{Template: "api"})
			return err
		},
		"launches": func(ctx context.Context) error { _, err := r.svc.Launches(ctx, r.shop()); return err },
		"terminate target": func(ctx context.Context) error {
			_, err := r.svc.TerminateTarget(ctx, r.shop(), "i-0123456789abcdef0")
			return err
		},
	} {
		began := time.Now()
		err := read(r.ctx())
		var rt *ReadTimeoutError
		if !errors.As(err, &rt) || !strings.Contains(err.Error(), "no answer from AWS within 300ms") {
			t.Errorf("%s: %v", name, err)
		}
		if took := time.Since(began); took > 10*time.Second {
			t.Errorf("%s gave up after %s", name, took)
		}
	}
}

// A launch that crashed mid-way (its history entry never ended, its lock
// long released) leaves a stack that the next launches finds and the
// clean-up deletes.
func TestCrashedLaunchIsFoundAndCleanedUp(t *testing.T) {
	r := newLaunchRig(t, shopLaunch, nil)
	ctx := r.ctx()
	e := r.shop()
	// The crashed program: its operation recorded as running, its stack made.
	hop, err := r.hist.Begin(ctx, history.Operation{Env: "shop", Action: "launch", Who: "tester", Client: "cli", Started: time.Now().Add(-time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	hop.Emit(op.Event{Time: time.Now(), Env: "shop", Action: op.Launch, Type: op.EventRunStarted}) // written at once; never ended: the program crashed
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if ops, _ := r.hist.Operations(ctx, "shop", time.Now().Add(-time.Hour), time.Now().Add(time.Hour)); len(ops) == 1 && ops[0].Events == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the crashed launch's first event was not written")
		}
	}
	sess, _ := r.svc.opts.Connect(ctx, "", "")
	plan, err := launch.Prepare(ctx, launch.Input{Env: e, Request: LaunchRequest{Template: "api"}, Cloud: sess.(launch.Cloud), Region: "eu-west-1",
		Account: "123456789012", Caller: "arn:aws:iam::123456789012:user/crashed", Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	in := plan.Units[0].Input
	in.TemplateBody = strings.Replace(in.TemplateBody, "sleep 2", "sleep 3600", 1)
	if _, err := sess.(launch.Cloud).Stacks().CreateStack(ctx, "eu-west-1", in); err != nil {
		t.Fatal(err)
	}
	list, err := r.svc.Launches(ctx, nil)
	if err != nil || len(list.Launches) != 1 || list.Leftovers != 1 || !strings.Contains(list.Launches[0].Why, "interrupted") || list.Env != "" {
		t.Fatalf("launches %+v %v", list, err)
	}
	sink := &events{}
	remains, err := r.svc.CleanUp(ctx, nil, sink)
	if err != nil || len(remains) != 0 {
		t.Fatalf("clean-up: %v %v", remains, err)
	}
	if left := r.stacks(); len(left) != 0 {
		t.Errorf("stacks left %v", left)
	}
	ops, _ := r.hist.Operations(ctx, "shop", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if len(ops) != 2 || ops[0].Action != "clean-up" || ops[0].Result != "done" || ops[1].Result != "interrupted" {
		t.Errorf("history %+v: the clean-up done, the crashed launch closed as interrupted", ops)
	}
	// A launch in progress elsewhere on this machine is not a leftover.
	if r.svc.abandoned(ctx)(cloud.Stack{Name: "x", Created: time.Now(), Tags: map[string]string{cloud.TagEnv: "nobody"}}) {
		t.Error("a stack with no launch in the history is abandoned")
	}
}

// A start ends by pointing launched instances' DNS records at their address.
func TestStartKeepsTheDNSRecordPointingAtTheInstance(t *testing.T) {
	r := newLaunchRig(t, strings.Replace(shopLaunch, "    ready: {tcp: 22}\n", "", 1), nil)
	ctx := r.ctx()
	e := r.shop()
	res, err := r.svc.Launch(ctx, e, LaunchRequest{Template: "api"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sess, _ := r.svc.opts.Connect(ctx, "", "")
	dns := sess.(launch.Cloud).DNS()
	const zone, name = "Z0E1A00000000000000001", "api-1.test.example.com."
	stale := cloud.RecordSet{Name: name, Type: "A", TTL: 300, Values: []string{"10.1.2.3"}}
	if _, err := dns.ChangeRecords(ctx, zone, cloud.RecordChange{Action: cloud.ChangeUpsert, Record: stale}); err != nil {
		t.Fatal(err)
	}
	sink := &events{}
	if _, err := r.svc.RunEnv(ctx, e, op.Start, sink); err != nil {
		t.Fatalf("start: %v", err)
	}
	var upd []op.Event
	for _, ev := range sink.all() {
		if ev.Type == op.EventDNSUpdated {
			upd = append(upd, ev)
		}
	}
	rec, _, _ := dns.Record(ctx, zone, name, "A")
	if len(upd) != 1 || upd[0].Status != cloud.ChangeUpsert || !slices.Equal(rec.Values, []string{res.Launched[0].PrivateIP}) {
		t.Errorf("dns events %+v, record %+v", upd, rec)
	}
}

func (r *launchRig) calls(action string) int { return len(sandboxtest.RequestsOf(r.sb, action)) }

func (r *launchRig) instanceTags(id string) map[string]string {
	r.t.Helper()
	sess, err := r.svc.opts.Connect(context.Background(), "", "")
	if err != nil {
		r.t.Fatal(err)
	}
	got, err := sess.Fleet().Describe(context.Background(), "eu-west-1", []string{id})
	if err != nil || len(got) != 1 {
		r.t.Fatalf("describe %s: %v", id, err)
	}
	return got[0].Tags
}
