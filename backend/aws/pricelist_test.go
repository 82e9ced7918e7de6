package aws

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/sandbox"
)

// The Price List is a non-essential call (the cache or the built-in table
// stands in): a failure is tried once more, not five times, and worded as
// what the API really answered.

func TestPriceListHTTP500IsTriedTwiceAndSaid(t *testing.T) {
	for _, c := range []struct {
		action, api string
		call        func(*Session) error
	}{
		{"GetProducts", "the Price List API", func(s *Session) error {
			_, err := s.PriceList().OnDemandHourly(context.Background(), "eu-west-1", "m5.large")
			return err
		}},
		{"DescribeSpotPriceHistory", "the EC2 spot price history", func(s *Session) error {
			_, err := s.SpotPrices(context.Background(), "eu-west-1", []string{"m5.large"})
			return err
		}},
	} {
		t.Run(c.action, func(t *testing.T) {
			s, sb, _ := costSandbox(t)
			s = reload(t, s, 0) // the default attempts, as a real command has them
			if err := sb.AddFault(sandbox.Fault{Kind: sandbox.FaultInternal, Action: c.action}); err != nil {
				t.Fatal(err)
			}
			sb.ResetRequests()
			began := time.Now()
			err := c.call(s)
			t.Logf("%s answering HTTP 500: gave up after %v", c.action, time.Since(began))
			if err == nil || !strings.Contains(err.Error(), c.api+" answered HTTP 500") || strings.Contains(err.Error(), "cannot reach") {
				t.Fatalf("error = %v, want it to say %s answered HTTP 500", err, c.api)
			}
			n := 0
			for _, q := range sb.Requests() {
				if q.Action == c.action {
					n++
				}
			}
			if n != PriceListAttempts {
				t.Errorf("%s was sent %d times, want %d", c.action, n, PriceListAttempts)
			}
		})
	}
}

func TestPriceListUnreachableAndSlowAreSaid(t *testing.T) {
	isolateAWS(t, "eu-west-1")
	// An endpoint that never answers (until the test ends).
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	s, err := Load(context.Background(), Options{EndpointURL: slow.URL, Region: "eu-west-1", Profile: "contract"})
	if err != nil {
		t.Fatal(err)
	}
	pl := s.PriceList()
	pl.timeout = 100 * time.Millisecond
	if _, err := pl.OnDemandHourly(context.Background(), "eu-west-1", "m5.large"); err == nil || !strings.Contains(err.Error(), "the Price List API did not answer within 100ms") {
		t.Errorf("a slow API: %v", err)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	gone, err := Load(context.Background(), Options{EndpointURL: dead, Region: "eu-west-1", Profile: "contract"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gone.PriceList().OnDemandHourly(context.Background(), "eu-west-1", "m5.large"); err == nil || !strings.Contains(err.Error(), "cannot reach the Price List API at "+dead) {
		t.Errorf("a dead endpoint: %v", err)
	}
}

// reload is s loaded again with attempts (0: the default).
func reload(t *testing.T, s *Session, attempts int) *Session {
	t.Helper()
	n, err := Load(context.Background(), Options{EndpointURL: s.endpoint, Region: "eu-west-1", Profile: "contract", MaxAttempts: attempts})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
