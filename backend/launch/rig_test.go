package launch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
)

// The tests run the launch against the examples' world in an in-process
// sandbox at 100x speed (an instance runs after 80 ms, a stack resource
// takes 30 ms), through the real aws-sdk-go-v2 adapters.

const (
	region     = "eu-west-1"
	exampleAMI = "ami-0e1a0000000000001"
	subnetA    = "subnet-0e1a0000000000001"
	groupA     = "sg-0e1a0000000000001"
	groupOther = "sg-0e1a0000000000003" // in the other VPC
	zoneName   = "test.example.com"
	zoneID     = "Z0E1A00000000000000001"
	caller     = "arn:aws:iam::123456789012:user/tester"
	testTick   = 20 * time.Millisecond
)

// shopEnv launches api instances into stage api of shop.
const shopEnv = `name: shop
region: eu-west-1
select: {Env: demo}
stages:
  - name: db
    instances: [{name: shop-db}]
  - name: api
    instances: [{tags: {Role: api}}]
launch:
  subnet: subnet-0e1a0000000000001
  security-groups: [sg-0e1a0000000000001]
  key-pair: testers
  tags: {CostCenter: QA-42}
  templates:
    - name: api
      description: API node
      stage: api
      ami: resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
      types: [t3.small, t3.medium]
      user-data: api.sh
      tokens: {BRANCH: main}
      volume: {size: 20}
      ttl: 8h
      dns: {zone: test.example.com}
      timeout: 10m
`

const apiScript = `#!/bin/bash
echo checking out {{{BRANCH}}}
cc_progress 30 "installing packages"
sleep 5
cc_progress 100 "serving"
`

type rig struct {
	t     testing.TB
	sb    *sandbox.Sandbox
	sess  *aws.Session
	dir   string
	clock clockwork.Clock
	world int // how many instances the world has

	mu     sync.Mutex
	events []op.Event
}

// newRig serves the examples' world at 100x speed and writes the files.
func newRig(t testing.TB, files map[string]string) *rig {
	return newRigAt(t, files, 100, aws.Options{})
}

// newRigAt is newRig at a sandbox speed, with extra session options.
func newRigAt(t testing.TB, files map[string]string, speed float64, o aws.Options) *rig {
	t.Helper()
	return newRigOn(t, files, sandbox.Options{Speed: speed}, o)
}

// newRigOn is newRig with the sandbox's options (a clock the test moves).
func newRigOn(t testing.TB, files map[string]string, so sandbox.Options, o aws.Options) *rig {
	t.Helper()
	w, err := sandbox.LoadWorld(filepath.Join("..", "..", "environments", "sandbox", "world.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := sandboxtest.ServeWith(t, w, so)
	tmp := t.TempDir()
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "sandbox", "AWS_SECRET_ACCESS_KEY": "sandbox", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_CONFIG_FILE": filepath.Join(tmp, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(tmp, "credentials"),
		"AWS_ENDPOINT_URL": "", "AWS_CA_BUNDLE": ""} {
		t.Setenv(k, v)
	}
	for _, f := range []string{"config", "credentials"} {
		if err := os.WriteFile(filepath.Join(tmp, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	o.EndpointURL, o.Region, o.MaxAttempts = srv.URL, region, 2
	s, err := aws.Load(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, sb: srv.Sandbox, sess: s, dir: filepath.Join(tmp, "envs"), clock: clockwork.NewRealClock()}
	r.world = len(r.sb.Instances(region))
	if files == nil {
		files = map[string]string{"shop.yaml": shopEnv, "api.sh": apiScript}
	}
	for name, body := range files {
		r.write(name, body)
	}
	return r
}

func (r *rig) write(name, body string) {
	r.t.Helper()
	p := filepath.Join(r.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

// env parses one of the rig's environment files.
func (r *rig) env(file string) *env.Environment {
	r.t.Helper()
	e, problems := env.LoadFile(filepath.Join(r.dir, file))
	if len(problems) > 0 {
		r.t.Fatalf("%s: %v", file, problems)
	}
	return e
}

func (r *rig) Emit(e op.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *rig) all() []op.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

func (r *rig) ofType(typ op.EventType) []op.Event {
	var out []op.Event
	for _, e := range r.all() {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func (r *rig) book() *cost.Book {
	r.t.Helper()
	b, err := cost.Default("")
	if err != nil {
		r.t.Fatal(err)
	}
	return b
}

// prepare prepares req against the sandbox.
func (r *rig) prepare(e *env.Environment, req Request) (*Plan, error) {
	return Prepare(context.Background(), Input{Env: e, Request: req, Cloud: r.sess, Region: region, Account: "123456789012",
		Caller: caller, Now: time.Now(), Book: r.book()})
}

func (r *rig) launcher(e *env.Environment, action op.Action) *Launcher {
	return &Launcher{Cloud: r.sess, Region: region, Clock: r.clock, Tick: testTick,
		Report: NewReporter(e.Name, action, r, r.clock), CleanupTimeout: 30 * time.Second}
}

// launch prepares and runs req, failing the test on a preflight problem.
func (r *rig) launch(ctx context.Context, e *env.Environment, req Request) (*Result, error) {
	r.t.Helper()
	plan, err := r.prepare(e, req)
	if err != nil {
		r.t.Fatalf("prepare: %v", err)
	}
	return r.launcher(e, op.Launch).Run(ctx, plan)
}

// liveStacks are the stacks CloudFormation has that are not deleted.
func (r *rig) liveStacks() []cloud.Stack {
	r.t.Helper()
	st, err := r.sess.Stacks().Stacks(context.Background(), region)
	if err != nil {
		r.t.Fatal(err)
	}
	return st
}

// made are the instances the sandbox has besides the world's that are not terminated.
func (r *rig) made() []cloud.Instance {
	var out []cloud.Instance
	for _, in := range r.sb.Instances(region)[r.world:] {
		if in.State != cloud.Terminated {
			out = append(out, in)
		}
	}
	return out
}

// nothingLeft fails unless no stack and no launched instance remain.
func (r *rig) nothingLeft() {
	r.t.Helper()
	if st := r.liveStacks(); len(st) > 0 {
		r.t.Errorf("stacks left behind: %+v", st)
	}
	if in := r.made(); len(in) > 0 {
		r.t.Errorf("instances left behind: %+v", in)
	}
}

// calls counts the sandbox's answered requests of an action.
func (r *rig) calls(action string) int { return len(sandboxtest.RequestsOf(r.sb, action)) }

func timeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
