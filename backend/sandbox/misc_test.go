package sandbox

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cloudcontrol/internal/testwait"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestGetCallerIdentity(t *testing.T) {
	e := newEnv(t, twoInstances)
	out, err := e.sts().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != "210987654321" || aws.ToString(out.Arn) != "arn:aws:iam::210987654321:user/sandbox" ||
		!strings.HasPrefix(aws.ToString(out.UserId), "AIDA") {
		t.Fatalf("identity %s %s %s", aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId))
	}
	if r := e.sb.Requests(); len(r) != 1 || r[0].Service != "sts" || r[0].Action != "GetCallerIdentity" {
		t.Fatalf("log %+v", r)
	}
}

func TestDescribeRegions(t *testing.T) {
	e := newEnv(t, twoInstances+"  sandbox-1:\n    instances: []\n")
	names := func(all bool) []string {
		out, err := e.ec2("us-east-1").DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(all)})
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, r := range out.Regions {
			n = append(n, aws.ToString(r.RegionName))
		}
		return n
	}
	all := names(true)
	for _, want := range []string{"us-east-1", "eu-west-1", "af-south-1", "ap-southeast-2", "sandbox-1"} {
		if !slices.Contains(all, want) {
			t.Errorf("AllRegions lacks %s", want)
		}
	}
	if slices.Contains(all, "eu-west-9") {
		t.Error("a region that does not exist is listed")
	}
	enabled := names(false)
	if slices.Contains(enabled, "af-south-1") || !slices.Contains(enabled, "eu-west-1") || !slices.Contains(enabled, "sandbox-1") {
		t.Errorf("enabled regions %v: want no opt-in region that is not opted in, but the world's", enabled)
	}
	_, err := e.ec2("us-east-1").DescribeRegions(ctx, &ec2.DescribeRegionsInput{RegionNames: []string{"eu-west-9"}})
	wantCode(t, err, "InvalidParameterValue")
}

func post(t *testing.T, u string, form url.Values) (int, string) {
	t.Helper()
	resp, err := http.Post(u, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestUnknownActionsAndErrorShapes(t *testing.T) {
	e := newEnv(t, twoInstances)
	code, body := post(t, e.url, url.Values{"Action": {"LaunchRockets"}, "Version": {"2016-11-15"}})
	if code != 400 || !strings.Contains(body, "<Response><Errors><Error><Code>InvalidAction</Code>") || !strings.Contains(body, "<RequestID>") {
		t.Fatalf("EC2 unknown action: %d %s", code, body)
	}
	code, body = post(t, e.url, url.Values{"Action": {"AssumeRoleWithSAML"}, "Version": {"2011-06-15"}})
	if code != 400 || !strings.Contains(body, "<ErrorResponse") || !strings.Contains(body, "<Type>Sender</Type><Code>InvalidAction</Code>") {
		t.Fatalf("STS unknown action: %d %s", code, body)
	}
	code, body = post(t, e.url, url.Values{"Version": {"2016-11-15"}})
	if code != 400 || !strings.Contains(body, "MissingAction") {
		t.Fatalf("no action: %d %s", code, body)
	}
	resp, _ := http.Get(e.url + "/_sandbox/nope")
	if resp.StatusCode != 404 {
		t.Fatalf("unknown control path: %d", resp.StatusCode)
	}
}

func TestWorldParseErrorsNamePlaces(t *testing.T) {
	_, err := ParseWorld([]byte(`
account: 12345
defaults:
  timing: {start: soon, stopp: 1s}
regions:
  eu-west-1:
    instances:
      - {id: i-0db0000000000001, state: paused}
      - {id: i-0db0000000000001, colour: blue}
      - {id: i-xyz, services: [{port: 99999}, {http: health}]}
faults:
  - {kind: explode}
`), "w.yaml")
	if err == nil {
		t.Fatal("a broken world was accepted")
	}
	for _, want := range []string{
		`w.yaml:2:10: account must be 12 digits`,
		`w.yaml:4:19: timing.start must be a non-negative Go duration`,
		`w.yaml:4:25: unknown key "stopp" in timing`,
		`w.yaml:8:41: state must be running or stopped, not "paused"`,
		`w.yaml:9:34: unknown key "colour"`,
		`w.yaml:9:9: instance id i-0db0000000000001 is used twice (first at w.yaml:8:9)`,
		`w.yaml:10:14: instance id "i-xyz" must look like`,
		`w.yaml:10:39: port must be a whole number from 1 to 65535`,
		`w.yaml:10:54: http must be a path starting with /`,
		`w.yaml:12:5: fault kind must be throttle, internal or latency`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	if _, err := ParseWorld([]byte("regions: [a]"), "x.yaml"); err == nil || !strings.Contains(err.Error(), "x.yaml:1:10: regions must be a mapping") {
		t.Errorf("regions as a list: %v", err)
	}
	if _, err := ParseWorld([]byte("regions: {a: {instances: [{count: 2, id: i-0db0000000000001}]}}"), "x.yaml"); err == nil {
		t.Error("count with an id was accepted")
	}
	if _, err := LoadWorld(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

func TestWorldDefaultsAndDeterministicIDs(t *testing.T) {
	src := `
defaults:
  timing: {start: 3s}
  public: true
regions:
  eu-west-1:
    instances:
      - {count: 3, tags: {Name: app}, timing: {checks: 1s}}
      - {public: false, az: eu-west-1c}
`
	path := filepath.Join(t.TempDir(), "world.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := LoadWorld(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ParseWorld([]byte(src), "again.yaml")
	ins := a.Regions[0].Instances
	if len(ins) != 4 || a.Account != DefaultAccount {
		t.Fatalf("got %d instances, account %s", len(ins), a.Account)
	}
	for i, in := range ins {
		if in.ID != b.Regions[0].Instances[i].ID {
			t.Fatalf("ids differ between two parses of the same world: %s vs %s", in.ID, b.Regions[0].Instances[i].ID)
		}
	}
	want := Timing{Start: 3 * time.Second, Stop: DefaultStop, Checks: time.Second, Terminate: DefaultTerminate}
	if ins[0].Timing != want || !ins[0].Public || ins[0].Tags["Name"] != "app-1" || ins[2].Tags["Name"] != "app-3" {
		t.Fatalf("first instance %+v", ins[0])
	}
	if ins[3].Public || ins[3].AZ != "eu-west-1c" || ins[3].Type != DefaultType || ins[3].State != "running" {
		t.Fatalf("last instance %+v", ins[3])
	}
}

func TestServeOnLoopbackOnly(t *testing.T) {
	w, _ := ParseWorld([]byte(twoInstances), "w.yaml")
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "nonsense"} {
		if _, err := Listen(addr, w, Options{}); err == nil {
			t.Errorf("Listen(%q) was accepted", addr)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, "127.0.0.1:0", w, Options{OnListen: func(u string) { urls <- u }}) }()
	var u string
	select {
	case u = <-urls:
	case err := <-done:
		t.Fatalf("Serve: %v", err)
	}
	if !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Fatalf("URL %s", u)
	}
	e := &env{t: t, url: u}
	out, err := e.sts().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(out.Account) != "210987654321" {
		t.Fatalf("via Serve: %v %v", out, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v after ctx ended", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after ctx ended")
	}
}

func TestConcurrentCallsWhileTimePasses(t *testing.T) {
	e := newEnv(t, fleetWorld)
	c := e.ec2("eu-west-1")
	ids := e.sb.Instances("eu-west-1")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				id := ids[(g*20+i)%len(ids)].ID
				_, _ = c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}})
				_, _ = c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}})
				_, _ = c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{id}})
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			e.clock.Advance(time.Second)
			time.Sleep(time.Millisecond)
		}
	})
	wg.Wait()
	e.clock.Advance(time.Minute)
	for _, in := range e.sb.Instances("eu-west-1") {
		if in.State != "running" && in.State != "stopped" {
			t.Fatalf("%s is %s a minute after all calls ended", in.ID, in.State)
		}
	}
}

// BenchmarkDescribeInstances1000 measures the handler for one page of 1,000
// instances (request parsing, filtering, XML encoding), without HTTP.
func BenchmarkDescribeInstances1000(b *testing.B) {
	w, err := ParseWorld([]byte("regions:\n  eu-west-1:\n    instances:\n      - {count: 1000, tags: {Name: app, Role: app}}\n"), "w.yaml")
	if err != nil {
		b.Fatal(err)
	}
	sb, err := New(w, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	sb.pacing = 0
	form := url.Values{"Action": {"DescribeInstances"}, "Version": {"2016-11-15"}, "MaxResults": {"1000"},
		"Filter.1.Name": {"tag:Role"}, "Filter.1.Value.1": {"app"}}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AK/20250101/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=x")
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Body.Len() < 1000*500 {
			b.Fatalf("status %d, %d bytes", rec.Code, rec.Body.Len())
		}
	}
}

// A client that dialled and never sent a request must not hold up a stop
// (net/http waits 5 s on such connections); a request being answered is
// still answered.
func TestServeStopsPromptlyFinishingRequestsInFlight(t *testing.T) {
	w, _ := ParseWorld([]byte(twoInstances), "w.yaml")
	srv, err := Listen("127.0.0.1:0", w, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Sandbox.AddFault(Fault{Kind: FaultLatency, Latency: 300 * time.Millisecond, Action: "GetCallerIdentity"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()

	idle, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	answered := make(chan error, 1)
	go func() {
		_, err := (&env{t: t, url: srv.URL}).sts().GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		answered <- err
	}()
	testwait.Until(t, 3*time.Second, "the request is being answered", func() bool { return srv.serving.Load() == 1 })
	began := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Serve still running 3 s after its context ended: an idle connection held it")
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("stopping took %v", took)
	}
	if err := <-answered; err != nil {
		t.Errorf("the request in flight at the stop was not answered: %v", err)
	}
}
