package aws

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/paths"
	"cloudcontrol/backend/runbook"
	"cloudcontrol/backend/sandbox"
)

// BenchmarkRunbookVsStart: the exported start runbook, run by the sandbox
// at speed 1, against env start (control's RunEnv) on the same three
// stages of 10 s (EC2 start alone; start + a TCP service; start + status
// checks, as BenchmarkStartOverhead in backend/bench), side by side, each
// on its own fresh sandbox. Status checks take no time on the first two
// stages: aws:changeInstanceState always waits for them, the app only
// where the stage asks. Target: the runbook within 10 % of env start.
func BenchmarkRunbookVsStart(b *testing.B) {
	port := 40000 + rand.IntN(20000)
	world := fmt.Sprintf(`account: "123456789012"
defaults: {ssm: {register: 0s}}
regions:
  eu-west-1:
    instances:
      - {id: i-0be000000000000a1, state: stopped, tags: {Name: one}, timing: {start: 10s, stop: 1s, checks: 0s}}
      - {id: i-0be000000000000a2, state: stopped, tags: {Name: two}, timing: {start: 6s, stop: 1s, checks: 0s}, services: [{port: %d, after: 4s}]}
      - {id: i-0be000000000000a3, state: stopped, tags: {Name: three}, timing: {start: 4s, checks: 6s, stop: 1s}}
`, port)
	doc := fmt.Sprintf(`name: bench
region: eu-west-1
stages:
  - {name: one, instances: [{name: one}]}
  - {name: two, instances: [{name: two}], ready: {tcp: %d}}
  - {name: three, instances: [{name: three}], ready: {status-checks: true}}
`, port)
	e, problems := env.Parse("bench.yaml", []byte(doc))
	if len(problems) > 0 {
		b.Fatal(problems)
	}
	w, err := sandbox.ParseWorld([]byte(world), "bench-world.yaml")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for _, f := range []string{"config", "credentials"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	for k, v := range map[string]string{"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_ENDPOINT_URL": "",
		"AWS_EC2_METADATA_DISABLED": "true"} {
		b.Setenv(k, v)
	}
	var app, book time.Duration
	for range b.N {
		var wg sync.WaitGroup
		var appErr, bookErr error
		var a, r time.Duration
		wg.Go(func() { a, appErr = timeEnvStart(b, w, e, dir) })
		wg.Go(func() { r, bookErr = timeRunbook(b, w, e) })
		wg.Wait()
		if appErr != nil || bookErr != nil {
			b.Fatalf("env start: %v; runbook: %v", appErr, bookErr)
		}
		app, book = app+a, book+r
	}
	app, book = app/time.Duration(b.N), book/time.Duration(b.N)
	ratio := book.Seconds() / app.Seconds()
	b.ReportMetric(app.Seconds(), "s/env-start")
	b.ReportMetric(book.Seconds(), "s/runbook")
	b.ReportMetric(ratio, "runbook/env-start")
	fmt.Printf("runbook: the exported start runbook took %.2fs in the sandbox, env start %.2fs, on 3 stages of 10s side by side: ratio %.3f (target within 10%%: 0.90..1.10)\n",
		book.Seconds(), app.Seconds(), ratio)
	if ratio > 1.1 || ratio < 0.9 {
		b.Errorf("the runbook took %.2fs against env start's %.2fs: more than 10%% apart", book.Seconds(), app.Seconds())
	}
}

// benchSandbox serves a fresh sandbox of w at speed 1 until b ends.
func benchSandbox(b *testing.B, w *sandbox.World) (*Session, *sandbox.Sandbox) {
	block, release := sandbox.ClaimAddressBlock()
	b.Cleanup(release)
	srv, err := sandbox.Listen("127.0.0.1:0", w, sandbox.Options{Speed: 1, AddressBlock: block})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	})
	s, err := Load(context.Background(), Options{EndpointURL: srv.URL, Region: "eu-west-1"})
	if err != nil {
		b.Fatal(err)
	}
	return s, srv.Sandbox
}

// timeEnvStart runs env start through control, as the CLI does.
func timeEnvStart(b *testing.B, w *sandbox.World, e *env.Environment, dir string) (time.Duration, error) {
	s, _ := benchSandbox(b, w)
	svc := control.New(control.Options{Paths: paths.Under(filepath.Join(dir, fmt.Sprint(time.Now().UnixNano()))),
		Connect: func(context.Context, string, string) (control.Session, error) { return s, nil }})
	t0 := time.Now()
	_, err := svc.RunEnv(context.Background(), e, op.Start, op.SinkFunc(func(op.Event) {}))
	return time.Since(t0), err
}

// timeRunbook deploys the exported start runbook with its role and runs
// it; the time is the execution's own, start to end.
func timeRunbook(b *testing.B, w *sandbox.World, e *env.Environment) (time.Duration, error) {
	s, _ := benchSandbox(b, w)
	ctx := context.Background()
	x, err := runbook.Build(e, runbook.Options{Account: w.Account})
	if err != nil {
		return 0, err
	}
	role, err := s.Roles().CreateRole(ctx, cloud.Role{Name: runbook.AutomationRoleName(e.Name), TrustPolicy: trust("ssm.amazonaws.com"),
		Policies: map[string]string{"runbook": string(x.AutomationPolicy)}})
	if err != nil {
		return 0, err
	}
	name := runbook.StartDocumentName(e.Name)
	if _, err := s.Documents().CreateDocument(ctx, "", cloud.Document{Name: name, Content: string(x.Start)}); err != nil {
		return 0, err
	}
	id, err := s.Documents().StartAutomation(ctx, "", name, map[string][]string{runbook.AssumeRoleParameter: {role.ARN}})
	if err != nil {
		return 0, err
	}
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		run, err := s.Documents().Automation(ctx, "", id)
		if err != nil {
			return 0, err
		}
		switch run.Status {
		case cloud.AutomationSuccess:
			return run.Ended.Sub(run.Started), nil
		case cloud.AutomationInProgress, cloud.AutomationPending:
		default:
			return 0, fmt.Errorf("the runbook ended %s: %s", run.Status, run.Failure)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return 0, fmt.Errorf("the runbook did not end within 5 minutes")
}
