package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/internal/testwait"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/jonboulle/clockwork"
)

func httpCode(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func TestThrottleForACountOfOneAction(t *testing.T) {
	e := newEnv(t, twoInstances+`
faults:
  - {kind: throttle, action: StartInstances, count: 2}
`)
	c := e.ec2("eu-west-1")
	start := &ec2.StartInstancesInput{InstanceIds: []string{"i-0db0000000000001"}}
	for i := range 2 {
		_, err := c.StartInstances(ctx, start)
		wantCode(t, err, "RequestLimitExceeded")
		if httpCode(err) != 503 {
			t.Fatalf("throttle %d: HTTP %d, want 503", i, httpCode(err))
		}
	}
	if _, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatalf("the fault is limited to StartInstances, but DescribeInstances failed: %v", err)
	}
	if _, err := c.StartInstances(ctx, start); err != nil {
		t.Fatalf("third StartInstances should pass: %v", err)
	}
	if len(e.sb.Faults()) != 0 {
		t.Fatalf("a used-up fault is still listed: %+v", e.sb.Faults())
	}
}

func TestInternalErrorAndProbability(t *testing.T) {
	e := newEnv(t, twoInstances)
	c := e.ec2("eu-west-1")
	if err := e.sb.AddFault(Fault{Kind: FaultInternal, Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	wantCode(t, err, "InternalError")
	if httpCode(err) != 500 {
		t.Fatalf("HTTP %d, want 500", httpCode(err))
	}
	if err := e.sb.AddFault(Fault{Kind: FaultThrottle, Probability: 0.5, Action: "DescribeInstances"}); err != nil {
		t.Fatal(err)
	}
	failed := 0
	for range 200 {
		if _, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
			failed++
		}
	}
	if failed < 60 || failed > 140 {
		t.Fatalf("probability 0.5 failed %d of 200 calls", failed)
	}
	e.sb.ClearFaults()
	if _, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatalf("after ClearFaults: %v", err)
	}
	if err := e.sb.AddFault(Fault{Kind: "explode"}); err == nil {
		t.Fatal("an unknown fault kind was accepted")
	}
}

func TestLatencyWaitsOnTheClock(t *testing.T) {
	e := newEnv(t, twoInstances)
	if err := e.sb.AddFault(Fault{Kind: FaultLatency, Latency: 3 * time.Second, Action: "DescribeInstances"}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := e.ec2("eu-west-1").DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
		done <- err
	}()
	wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := e.clock.BlockUntilContext(wctx, 1); err != nil {
		t.Fatalf("the request never waited on the clock: %v", err)
	}
	select {
	case err := <-done:
		t.Fatalf("answered before the latency passed: %v", err)
	case <-time.After(30 * time.Millisecond):
	}
	e.clock.Advance(3 * time.Second)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no answer after the latency passed")
	}
}

func TestFailStartGoesBackToStopped(t *testing.T) {
	e := newEnv(t, `
regions:
  eu-west-1:
    instances:
      - {id: i-0db0000000000001, state: stopped, fail-start: true}
      - {id: i-0a00000000000002, state: stopped}
`)
	c := e.ec2("eu-west-1")
	check := func(id string) {
		t.Helper()
		out, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}})
		if err != nil || out.StartingInstances[0].CurrentState.Name != "pending" {
			t.Fatalf("start %s: %v", id, err)
		}
		e.clock.Advance(DefaultStart)
		in := e.describe(c, id)
		if in.State.Name != "stopped" || aws.ToString(in.StateReason.Code) != "Server.InternalError" {
			t.Fatalf("%s after a failed start: %s %+v", id, in.State.Name, in.StateReason)
		}
		if !strings.Contains(aws.ToString(in.StateReason.Message), "Server.InternalError") {
			t.Errorf("reason message %q", aws.ToString(in.StateReason.Message))
		}
	}
	check("i-0db0000000000001")

	// Via the Go API, then cleared via the control endpoint.
	if err := e.sb.SetFailStart("i-0a00000000000002", true); err != nil {
		t.Fatal(err)
	}
	check("i-0a00000000000002")
	req, _ := http.NewRequest(http.MethodDelete, e.url+"/_sandbox/instances/i-0a00000000000002/fail-start", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("DELETE fail-start: %v %v", resp, err)
	}
	if _, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{"i-0a00000000000002"}}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(DefaultStart)
	if s := e.state(c, "i-0a00000000000002"); s != "running" {
		t.Fatalf("after clearing fail-start: %s", s)
	}
	if err := e.sb.SetFailStart("i-0123456789abcdef0", true); err == nil {
		t.Fatal("fail-start for an unknown id was accepted")
	}
}

func TestRequestLogAndControlEndpoint(t *testing.T) {
	e := newEnv(t, twoInstances)
	c := e.ec2("eu-west-1")
	_, _ = c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{"i-0db0000000000001"}})
	_, _ = c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-0db0000000000001"}})

	var log []Request
	getJSON(t, e.url+"/_sandbox/requests", &log)
	if len(log) != 2 {
		t.Fatalf("request log has %d entries, want 2: %+v", len(log), log)
	}
	ok, bad := log[0], log[1]
	if ok.Action != "StartInstances" || ok.Service != "ec2" || ok.Region != "eu-west-1" || ok.Status != 200 ||
		len(ok.InstanceIDs) != 1 || ok.InstanceIDs[0] != "i-0db0000000000001" || !ok.Time.Equal(epoch) || ok.Duration <= 0 {
		t.Errorf("start entry: %+v", ok)
	}
	if bad.Action != "StopInstances" || bad.Status != 400 || bad.ErrorCode != "IncorrectInstanceState" {
		t.Errorf("refused stop entry: %+v", bad)
	}

	del(t, e.url+"/_sandbox/requests")
	if n := len(e.sb.Requests()); n != 0 {
		t.Fatalf("after DELETE the log has %d entries", n)
	}

	resp, err := http.Post(e.url+"/_sandbox/faults", "application/json",
		strings.NewReader(`{"kind":"throttle","action":"DescribeInstances","count":1}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST fault: %v %v", resp, err)
	}
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	wantCode(t, err, "RequestLimitExceeded")
	resp, _ = http.Post(e.url+"/_sandbox/faults", "application/json", strings.NewReader(`{"kind":"latency","latency":"soon"}`))
	if resp.StatusCode != 400 {
		t.Fatalf("a bad fault got %d", resp.StatusCode)
	}
	_, _ = http.Post(e.url+"/_sandbox/faults", "application/json", strings.NewReader(`[{"kind":"internal"}]`))
	del(t, e.url+"/_sandbox/faults")
	if _, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatalf("after DELETE faults: %v", err)
	}

	resp, _ = http.Post(e.url+"/_sandbox/instances/i-0db0000000000001/fail-start", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("POST fail-start: %d", resp.StatusCode)
	}
	var views []InstanceView
	getJSON(t, e.url+"/_sandbox/instances?region=eu-west-1", &views)
	if len(views) != 2 || views[0].ID != "i-0db0000000000001" || !views[0].FailStart || views[1].Checks.Instance != "ok" {
		t.Fatalf("instances view: %+v", views)
	}
	resp, _ = http.Post(e.url+"/_sandbox/instances/i-0123456789abcdef0/fail-start", "", nil)
	if resp.StatusCode != 404 {
		t.Fatalf("fail-start on an unknown id: %d", resp.StatusCode)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func del(t *testing.T, url string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode/100 != 2 {
		t.Fatalf("DELETE %s: %v %v", url, resp, err)
	}
}

// The request log tells an SDK retry from a new call.
func TestRequestLogRecordsTheSDKAttempt(t *testing.T) {
	e := newEnv(t, twoInstances+`
faults:
  - {kind: throttle, action: DescribeInstances, count: 1}
`)
	c := ec2.NewFromConfig(awsConfig("eu-west-1"), func(o *ec2.Options) {
		o.BaseEndpoint = aws.String(e.url)
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 3
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	})
	if _, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatalf("the retry should have succeeded: %v", err)
	}
	var attempts []int
	for _, r := range e.sb.Requests() {
		if r.Action == "DescribeInstances" {
			attempts = append(attempts, r.Attempt)
		}
	}
	if !slices.Equal(attempts, []int{1, 2}) {
		t.Fatalf("attempts logged = %v, want [1 2] (a throttled try, then the SDK's retry)", attempts)
	}
}

// A client that gives up during injected latency is noticed at once, in
// every protocol (the JSON and REST services read their body after the
// faults): the request ends (the log says RequestCanceled) and the server
// can close, instead of holding the connection for the whole latency.
func TestLatencyEndsWhenTheClientGivesUp(t *testing.T) {
	w, err := ParseWorld([]byte(`
regions:
  eu-west-1:
    ssm-parameters: {/p: v}
    hosted-zones: [{id: Z0AAAAAAAAAAAAAAAAAA1, name: test.example.com}]
    instances: [{id: i-0a00000000000001}]
`), "world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := New(w, Options{Clock: clockwork.NewFakeClockAt(epoch), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	srv := httptest.NewServer(sb)
	e := &env{t: t, sb: sb, url: srv.URL}
	if err := sb.AddFault(Fault{Kind: FaultLatency, Latency: 300 * time.Second}); err != nil {
		t.Fatal(err)
	}
	calls := map[string]func(context.Context) error{
		"DescribeInstances": func(ctx context.Context) error {
			_, err := e.ec2("eu-west-1").DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
			return err
		},
		"GetParameter": func(ctx context.Context) error {
			_, err := e.ssm("eu-west-1").GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/p")})
			return err
		},
		"ChangeResourceRecordSets": func(ctx context.Context) error {
			_, err := e.route53().ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{
				HostedZoneId: aws.String("Z0AAAAAAAAAAAAAAAAAA1"), ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{
					Action: r53types.ChangeActionUpsert, ResourceRecordSet: &r53types.ResourceRecordSet{
						Name: aws.String("a.test.example.com"), Type: r53types.RRTypeA, TTL: aws.Int64(60),
						ResourceRecords: []r53types.ResourceRecord{{Value: aws.String("10.0.0.1")}}}}}}})
			return err
		},
	}
	for action, call := range calls {
		cctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		err := call(cctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: %v, want the client's own deadline", action, err)
		}
		testwait.Until(t, 3*time.Second, "the sandbox to see that the "+action+" client went away", func() bool {
			return slices.ContainsFunc(sb.Requests(), func(r Request) bool { return r.Action == action && r.ErrorCode == "RequestCanceled" })
		})
	}
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(3 * time.Second):
		t.Fatal("the server could not close: a request still waits out its latency")
	}
}
