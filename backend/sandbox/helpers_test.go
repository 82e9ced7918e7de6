package sandbox

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/jonboulle/clockwork"
)

// env is a sandbox on an httptest server with a fake clock and real SDK clients.
type env struct {
	t     *testing.T
	sb    *Sandbox
	clock *clockwork.FakeClock
	url   string
}

var epoch = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, world string) *env {
	t.Helper()
	w, err := ParseWorld([]byte(world), "world.yaml")
	if err != nil {
		t.Fatalf("parsing test world: %v", err)
	}
	clk := clockwork.NewFakeClockAt(epoch)
	sb, err := New(w, Options{Clock: clk, Seed: 1})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	return &env{t: t, sb: sb, clock: clk, url: srv.URL}
}

// connectionRetryer retries only what never reached the sandbox's logic:
// a connection the client's transport closed under it ("use of closed
// network connection" mid-body, which the SDK's standard retryer retries
// too), at once and once. The sandbox's own errors (throttling, faults)
// reach the tests as they are, so they see every call it answered.
func connectionRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 2
		o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		o.RateLimiter = ratelimit.None
	})
}

func awsConfig(region string) aws.Config {
	return aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDSANDBOX", "secret", ""),
		Retryer:     connectionRetryer,
	}
}

func (e *env) ec2(region string) *ec2.Client {
	return ec2.NewFromConfig(awsConfig(region), func(o *ec2.Options) { o.BaseEndpoint = aws.String(e.url) })
}

func (e *env) sts() *sts.Client {
	return sts.NewFromConfig(awsConfig("eu-west-1"), func(o *sts.Options) { o.BaseEndpoint = aws.String(e.url) })
}

// describe returns one instance as the SDK decodes it.
func (e *env) describe(c *ec2.Client, id string) types.Instance {
	e.t.Helper()
	out, err := c.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		e.t.Fatalf("DescribeInstances %s: %v", id, err)
	}
	if len(out.Reservations) != 1 || len(out.Reservations[0].Instances) != 1 {
		e.t.Fatalf("DescribeInstances %s: want 1 instance, got %+v", id, out.Reservations)
	}
	return out.Reservations[0].Instances[0]
}

func (e *env) state(c *ec2.Client, id string) string {
	e.t.Helper()
	return string(e.describe(c, id).State.Name)
}

// wantCode asserts err is an AWS API error with the given code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	_ = apiErr(t, err, code)
}

// apiErr asserts err is an AWS API error with the given code and returns
// it, for a test that checks its message too.
func apiErr(t *testing.T, err error, code string) smithy.APIError {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want API error %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	return ae
}

var ctx = context.Background()

func (e *env) cfn(region string) *cloudformation.Client {
	return cloudformation.NewFromConfig(awsConfig(region), func(o *cloudformation.Options) { o.BaseEndpoint = aws.String(e.url) })
}

func (e *env) route53() *route53.Client {
	return route53.NewFromConfig(awsConfig("us-east-1"), func(o *route53.Options) { o.BaseEndpoint = aws.String(e.url) })
}

func (e *env) ssm(region string) *ssm.Client {
	return ssm.NewFromConfig(awsConfig(region), func(o *ssm.Options) { o.BaseEndpoint = aws.String(e.url) })
}

// httptestServer serves sb on 127.0.0.1 until t ends and returns its URL.
func httptestServer(t *testing.T, sb *Sandbox) string {
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	return srv.URL
}
