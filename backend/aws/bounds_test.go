package aws

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
)

// hungAWS answers nothing until its client gives up (the body is read
// first, so the server notices when the client goes away).
func hungAWS(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Every AWS call has a bound, its retries included, whichever service it
// goes to: a hung endpoint fails the call once CallTimeout has passed, in
// words (no "context deadline exceeded"), as a failure to reach AWS.
func TestEveryCallHasABound(t *testing.T) {
	isolateAWS(t, "eu-west-1")
	srv := hungAWS(t)
	s, err := Load(context.Background(), Options{EndpointURL: srv.URL, Region: "eu-west-1", Profile: "contract",
		CallTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]func(context.Context) error{
		"DescribeInstances": func(ctx context.Context) error {
			_, err := s.Fleet().Describe(ctx, "eu-west-1", []string{"i-0123456789abcdef0"})
			return err
		},
		"GetCallerIdentity": func(ctx context.Context) error { _, err := s.Identity(ctx); return err },
		"DescribeRegions":   func(ctx context.Context) error { _, err := s.Fleet().Regions(ctx); return err },
	}
	for action, call := range calls {
		began := time.Now()
		err := call(context.Background())
		took := time.Since(began)
		switch {
		case err == nil:
			t.Fatalf("%s against a hung endpoint succeeded", action)
		case took > 3*time.Second:
			t.Errorf("%s took %s against a hung endpoint with a 200ms bound", action, took)
		case !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, cloud.ErrUnreachable):
			t.Errorf("%s: %v is not a deadline and an unreachable AWS", action, err)
		case strings.Contains(err.Error(), "context deadline exceeded") ||
			!strings.Contains(err.Error(), "no answer from AWS at "+srv.URL+" within 200ms"):
			t.Errorf("%s: %q", action, err)
		}
	}
}

// A caller's deadline cuts a call short too, and is worded as the time
// that was left; a cancel is worded as such (the command line and the
// window show these messages: never "context canceled").
func TestACutShortCallIsWorded(t *testing.T) {
	isolateAWS(t, "eu-west-1")
	srv := hungAWS(t)
	s, err := Load(context.Background(), Options{EndpointURL: srv.URL, Region: "eu-west-1", Profile: "contract"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = s.Fleet().Describe(ctx, "eu-west-1", []string{"i-0123456789abcdef0"})
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, cloud.ErrUnreachable) ||
		err.Error() != "eu-west-1: DescribeInstances: no answer from AWS at "+srv.URL+" in the time that was left" {
		t.Errorf("the caller's deadline: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = s.Identity(ctx)
	if !errors.Is(err, context.Canceled) || err.Error() != "eu-west-1: GetCallerIdentity: cancelled before AWS answered" {
		t.Errorf("a cancel: %v", err)
	}
}

// A connection that fails (nothing listens) is cloud.ErrUnreachable, named
// with the endpoint and the network's own words; an answer, even a 500 or
// a throttle, is not.
func TestAConnectionFailureIsUnreachable(t *testing.T) {
	isolateAWS(t, "eu-west-1")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	s, err := Load(context.Background(), Options{EndpointURL: dead, Region: "eu-west-1", Profile: "contract", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Fleet().Describe(context.Background(), "eu-west-1", []string{"i-0123456789abcdef0"})
	if !errors.Is(err, cloud.ErrUnreachable) || !strings.HasPrefix(err.Error(), "eu-west-1: DescribeInstances: cannot reach AWS at "+dead+": ") ||
		!strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "operation error") {
		t.Errorf("nothing listening: %v", err)
	}

	for status, body := range map[int]string{
		http.StatusInternalServerError: "<html>upstream exploded</html>",
		http.StatusServiceUnavailable:  `<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>slow down</Message></Error></Errors></Response>`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, body, status) }))
		s, err := Load(context.Background(), Options{EndpointURL: srv.URL, Region: "eu-west-1", Profile: "contract", MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Fleet().Describe(context.Background(), "eu-west-1", []string{"i-0123456789abcdef0"})
		srv.Close()
		if err == nil || errors.Is(err, cloud.ErrUnreachable) {
			t.Errorf("an HTTP %d answer: %v", status, err)
		}
	}
}
