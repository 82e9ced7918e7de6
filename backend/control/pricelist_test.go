package control

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/pricing"
)

// TestCostWhenThePriceListAnswers500: with the sandbox's internal fault on
// GetProducts (set through its control endpoint), env cost tries the Price
// List twice, not five times, shows the table's prices saying the API
// answered HTTP 500, and does not ask again for FailureMemory, as the fake
// clock tells.
func TestCostWhenThePriceListAnswers500(t *testing.T) {
	f := newRunFixture(t)
	resp, err := http.Post(f.url+"/_sandbox/faults", "application/json", strings.NewReader(`{"kind": "internal", "action": "GetProducts"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("adding the fault: HTTP %d", resp.StatusCode)
	}
	ctx := context.Background()
	getProducts := func() int {
		n := 0
		for _, q := range f.sb.Requests() {
			if q.Action == "GetProducts" {
				n++
			}
		}
		f.sb.ResetRequests()
		return n
	}
	cost := func(what string) *CostReport {
		t.Helper()
		began := time.Now()
		rep, err := f.svc.Cost(ctx, "shop", CostOptions{})
		t.Logf("env cost, %s: %v", what, time.Since(began))
		if err != nil {
			t.Fatal(err)
		}
		if src := rep.Estimate.Instances[0].Hourly.Source; src != pricing.Source {
			t.Errorf("%s: priced from %q, want the built-in table", what, src)
		}
		return rep
	}

	rep := cost("the Price List answering HTTP 500")
	if n := getProducts(); n != aws.PriceListAttempts {
		t.Errorf("GetProducts sent %d times, want %d", n, aws.PriceListAttempts)
	}
	if p := rep.Refresh.Problem; !strings.Contains(p, "the Price List API answered HTTP 500") || strings.Contains(p, "cannot reach") {
		t.Errorf("problem %q, want it to say the API answered HTTP 500", p)
	}

	f.clock.Advance(5 * time.Minute)
	rep = cost("5 minutes later, the failure remembered")
	if n := getProducts(); n != 0 {
		t.Errorf("GetProducts sent %d times within the failure's memory, want 0", n)
	}
	if p := rep.Refresh.Problem; !strings.Contains(p, "answered HTTP 500") || !strings.Contains(p, "not asked again until") {
		t.Errorf("problem %q, want the remembered failure and until when", p)
	}

	f.clock.Advance(6 * time.Minute)
	cost("11 minutes later")
	if n := getProducts(); n != aws.PriceListAttempts {
		t.Errorf("after the memory ended GetProducts was sent %d times, want %d", n, aws.PriceListAttempts)
	}
}
