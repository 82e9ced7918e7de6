package sandbox

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/jonboulle/clockwork"
)

// newBlockEnv is newEnv in an address block of its own, for worlds whose
// instances serve ports (parallel test packages must not share them).
func newBlockEnv(t *testing.T, world string) *env {
	t.Helper()
	w, err := ParseWorld([]byte(world), "world.yaml")
	if err != nil {
		t.Fatalf("parsing test world: %v", err)
	}
	block, release := ClaimAddressBlock()
	t.Cleanup(release)
	clk := clockwork.NewFakeClockAt(epoch)
	sb, err := New(w, Options{Clock: clk, Seed: 1, AddressBlock: block})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &env{t: t, sb: sb, clock: clk, url: httptestServer(t, sb)}
}

func (e *env) iam() *iam.Client {
	return iam.NewFromConfig(awsConfig("us-east-1"), func(o *iam.Options) { o.BaseEndpoint = aws.String(e.url) })
}

func (e *env) scheduler(region string) *scheduler.Client {
	return scheduler.NewFromConfig(awsConfig(region), func(o *scheduler.Options) { o.BaseEndpoint = aws.String(e.url) })
}

// step moves the fake clock by d, a second at a time, so every act on the
// agenda in between happens (the API call that follows sees them all).
func (e *env) step(d time.Duration) {
	for ; d > 0; d -= time.Second {
		e.clock.Advance(min(d, time.Second))
	}
}

// until moves the clock a second at a time until cond holds, failing after
// limit of sandbox time.
func (e *env) until(limit time.Duration, what string, cond func() bool) time.Duration {
	e.t.Helper()
	for waited := time.Duration(0); !cond(); waited += time.Second {
		if waited > limit {
			e.t.Fatalf("%s: not within %s of sandbox time", what, limit)
		}
		e.clock.Advance(time.Second)
	}
	return e.clock.Since(epoch)
}

// decoded undoes IAM's URL-encoding of policy documents.
func decoded(t *testing.T, s *string) string {
	t.Helper()
	out, err := url.PathUnescape(aws.ToString(s))
	if err != nil {
		t.Fatalf("policy document %q is not URL-encoded: %v", aws.ToString(s), err)
	}
	return out
}

// requests are the request log's entries of action (every one when empty).
func (e *env) requests(service, action string) []Request {
	var out []Request
	for _, r := range e.sb.Requests() {
		if (service == "" || r.Service == service) && (action == "" || r.Action == action) {
			out = append(out, r)
		}
	}
	return out
}

const trustSSM = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ssm.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
const trustScheduler = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["scheduler.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}`

// asErr is errors.As for a test.
func asErr[T error](err error, target *T) bool { return err != nil && errors.As(err, target) }
