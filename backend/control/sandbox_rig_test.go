package control

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
)

// sandboxRig is a Service connected as the shells connect it (aws.Connect,
// the real adapters) to an in-process sandbox whose clock moves in step
// with the service's: everything of issue 12 against the AWS protocols,
// with no fake between the core and the wire.
type sandboxRig struct {
	*rig
	sb      *sandbox.Sandbox
	sbClock *clockwork.FakeClock
	url     string
	cfg     sdkaws.Config // for the SDK clients that act behind Cloud Control's back
}

// sandboxCaller is who the sandbox's STS says static keys belong to.
const sandboxCaller = "arn:aws:iam::" + account + ":user/sandbox"

// shopWorld has shop's database and API instances, SSM-managed, and a
// legacy instance SSM does not manage. The database's check-db fails with
// twelve lines of output.
const shopWorld = `
account: "123456789012"
defaults:
  timing: {start: 8s, stop: 5s, checks: 12s}
  ssm:
    register: 10s
    commands:
      - {run: systemctl is-active api, exit: 0, output: active, takes: 1s}
      - {run: check-db, exit: 3, output: "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl10\nl11\nl12", takes: 1s}
regions:
  eu-west-1:
    instances:
      - {id: i-0db00000000000001, state: stopped, tags: {Name: shop-db, Env: demo, Role: db}, services: [{port: 5432, after: 2s}]}
      - {id: i-0a100000000000001, state: stopped, tags: {Name: shop-api-1, Env: demo, Role: api}}
      - {id: i-0a100000000000002, state: stopped, tags: {Name: shop-api-2, Env: demo, Role: api}}
      - {id: i-0e000000000000001, state: stopped, tags: {Name: legacy, Env: old}, ssm: false}
`

// sandboxShop starts its database, then its API once the database's port
// answers; the API's gate is a command run through SSM.
const sandboxShop = `name: shop
region: eu-west-1
select: {Env: demo}
stages:
  - name: database
    instances: [{name: shop-db}]
    ready: {tcp: 5432}
  - name: api
    after: [database]
    instances: [{tags: {Role: api}}]
    ready: {command: systemctl is-active api}
    timeout: 5m
stop: {order: reverse}
`

const (
	dbID   = "i-0db00000000000001"
	api1ID = "i-0a100000000000001"
	api2ID = "i-0a100000000000002"
	oldID  = "i-0e000000000000001"
)

// servedSandbox serves world on 127.0.0.1 with o (in an address block of
// its own) until the test ends, with the AWS variables pointing at
// nothing of this machine's (static keys, no profile, no files); it
// returns the sandbox and its URL.
func servedSandbox(t *testing.T, world string, o sandbox.Options) (*sandbox.Sandbox, string) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "sandbox", "AWS_SECRET_ACCESS_KEY": "sandbox", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_ENDPOINT_URL": "", "AWS_CONFIG_FILE": filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none")} {
		t.Setenv(k, v)
	}
	w, err := sandbox.ParseWorld([]byte(world), "world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o.AddressBlock = sandboxtest.Block(t)
	sb, err := sandbox.New(w, o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	return sb, srv.URL
}

func newSandboxRig(t *testing.T, files map[string]string) *sandboxRig {
	t.Helper()
	sbClock := clockwork.NewFakeClockAt(t0)
	sb, url := servedSandbox(t, shopWorld, sandbox.Options{Clock: sbClock})
	// Two attempts a call: one throttled answer is retried by the SDK, a
	// second is the adapter's to report.
	ao := aws.Options{EndpointURL: url, Region: "eu-west-1", MaxAttempts: 2, RetryMaxBackoff: 10 * time.Millisecond}
	r := &sandboxRig{sb: sb, sbClock: sbClock, url: url}
	r.rig = newRig(t, files, func(o *Options) {
		o.Connect = func(ctx context.Context, profile, region string) (Session, error) {
			return aws.Connect(ctx, ao, profile, region)
		}
		o.Location = time.UTC
	})
	r.alsoAdvance = sbClock.Advance
	sess, err := aws.Connect(context.Background(), ao, "", "")
	if err != nil {
		t.Fatal(err)
	}
	r.cfg = sess.Config()
	return r
}

// start starts env (with a lease when given) as the command line does,
// moving both clocks while it runs; it returns the events.
func (r *sandboxRig) start(name string, lease time.Duration) ([]op.Event, error) {
	r.t.Helper()
	sink := &events{}
	err := r.drive(func() error {
		_, err := r.svc.Start(context.Background(), name, StartOptions{Lease: lease}, sink)
		return err
	})
	return sink.all(), err
}

func (r *sandboxRig) stop(name string) error {
	r.t.Helper()
	return r.drive(func() error {
		_, err := r.svc.Run(context.Background(), name, op.Stop, &events{})
		return err
	})
}

// fault adds a request fault to the sandbox.
func (r *sandboxRig) fault(kind, action string, count int) {
	r.t.Helper()
	if err := r.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultKind(kind), Action: action, Count: count}); err != nil {
		r.t.Fatal(err)
	}
}

// calls are the request log's entries since the last reset, as
// "service Action" for the clients' calls (not what runs in AWS).
func (r *sandboxRig) calls() []string {
	var out []string
	for _, q := range r.sb.Requests() {
		if q.Via == "" {
			out = append(out, q.Service+" "+q.Action)
		}
	}
	return out
}

// changing are the calls among calls() that change something in AWS.
func (r *sandboxRig) changing() []string {
	var out []string
	for _, c := range r.calls() {
		action := c[strings.Index(c, " ")+1:]
		if !strings.HasPrefix(action, "Get") && !strings.HasPrefix(action, "Describe") && !strings.HasPrefix(action, "List") {
			out = append(out, c)
		}
	}
	return out
}

// state is what the sandbox says of one instance now.
func (r *sandboxRig) instance(id string) sandbox.InstanceView {
	r.t.Helper()
	for _, in := range r.sb.View("eu-west-1") {
		if in.ID == id {
			return in
		}
	}
	r.t.Fatalf("the sandbox has no %s", id)
	return sandbox.InstanceView{}
}

// clients act in the sandbox behind Cloud Control's back, as a colleague
// with the console would.
func (r *sandboxRig) ssm() *ssm.Client {
	return ssm.NewFromConfig(r.cfg, func(o *ssm.Options) { o.BaseEndpoint = sdkaws.String(r.url) })
}

func (r *sandboxRig) scheduler() *scheduler.Client {
	return scheduler.NewFromConfig(r.cfg, func(o *scheduler.Options) { o.BaseEndpoint = sdkaws.String(r.url) })
}

func (r *sandboxRig) iam() *iam.Client {
	return iam.NewFromConfig(r.cfg, func(o *iam.Options) { o.BaseEndpoint = sdkaws.String(r.url); o.Region = "us-east-1" })
}

// requestsOf are the log's entries of action, in order.
func (r *sandboxRig) requestsOf(action string) []sandbox.Request {
	return sandboxtest.RequestsOf(r.sb, action)
}

// idsOf are the instance ids of requests, each request's sorted.
func idsOf(reqs []sandbox.Request) [][]string {
	out := make([][]string, len(reqs))
	for i, q := range reqs {
		out[i] = slices.Sorted(slices.Values(q.InstanceIDs))
	}
	return out
}
