package aws

import (
	"context"
	"errors"
	"math"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/pricing"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
)

const costWorld = `
regions:
  eu-west-1:
    instances:
      - {id: i-0e000000000000001, type: m5.large, volumes: [{size: 100, type: gp3}, {size: 20, type: gp2}]}
      - {type: t3.micro, count: 250}
  us-east-1:
    instances:
      - {id: i-0a000000000000001, type: m5.large}
`

// costSandbox runs the sandbox with costWorld and returns a session on it
// that counts calls by action.
func costSandbox(t *testing.T) (*Session, *sandbox.Sandbox, func() map[string]int) {
	t.Helper()
	isolateAWS(t, "eu-west-1")
	w, err := sandbox.ParseWorld([]byte(costWorld), "cost-world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	sb, err := sandbox.New(w, sandbox.Options{Clock: clock, AddressBlock: sandboxtest.Block(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	var mu sync.Mutex
	calls := map[string]int{}
	s, err := Load(context.Background(), Options{EndpointURL: srv.URL, Region: "eu-west-1", Profile: "contract", MaxAttempts: 1,
		OnCall: func(_, action, _ string) { mu.Lock(); calls[action]++; mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	return s, sb, func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		out := calls
		calls = map[string]int{}
		return out
	}
}

func TestPriceListOnSandbox(t *testing.T) {
	ctx := context.Background()
	s, _, _ := costSandbox(t)
	pl := s.PriceList()
	eu, err := pl.OnDemandHourly(ctx, "eu-west-1", "m5.large")
	if err != nil || math.Abs(eu-0.107) > 1e-9 {
		t.Fatalf("eu-west-1 m5.large = %v, %v; want 0.107", eu, err)
	}
	us, err := pl.OnDemandHourly(ctx, "us-east-1", "m5.large")
	if err != nil || math.Abs(us-0.096) > 1e-9 {
		t.Fatalf("us-east-1 m5.large = %v, %v; want 0.096", us, err)
	}
	if _, err := pl.OnDemandHourly(ctx, "eu-west-1", "x9.nosuch"); !errors.Is(err, cloud.ErrNoPrice) {
		t.Fatalf("unknown type: %v, want ErrNoPrice", err)
	}
	if _, err := pl.OnDemandHourly(ctx, "mars-north-1", "m5.large"); !errors.Is(err, cloud.ErrNoPrice) {
		t.Fatalf("unknown region: %v, want ErrNoPrice", err)
	}
	if gb, err := pl.EBSGBMonth(ctx, "us-east-1", "gp3"); err != nil || math.Abs(gb-0.08) > 1e-9 {
		t.Fatalf("gp3 = %v, %v; want 0.08", gb, err)
	}
}

func TestVolumesAreBatched(t *testing.T) {
	ctx := context.Background()
	s, sb, calls := costSandbox(t)
	var ids []string
	for _, in := range sb.Instances("eu-west-1") {
		ids = append(ids, in.ID)
	}
	calls()
	vols, err := s.Volumes(ctx, "eu-west-1", ids)
	if err != nil {
		t.Fatal(err)
	}
	if n := calls()["DescribeVolumes"]; n != 2 {
		t.Fatalf("%d DescribeVolumes calls for 251 instances, want 2 (200 per filter)", n)
	}
	if len(vols) != 252 {
		t.Fatalf("%d volumes, want 252 (two on the db, one default root on each of 250)", len(vols))
	}
	var db []cloud.Volume
	for _, v := range vols {
		if v.InstanceID == "i-0e000000000000001" {
			db = append(db, v)
		}
	}
	if len(db) != 2 || db[0].SizeGiB != 100 || db[0].Type != "gp3" || db[1].SizeGiB != 20 || db[1].Type != "gp2" {
		t.Fatalf("the db's volumes = %+v", db)
	}
}

func TestSpotPricesOnSandbox(t *testing.T) {
	s, _, _ := costSandbox(t)
	got, err := s.SpotPrices(context.Background(), "eu-west-1", []string{"m5.large"})
	if err != nil || len(got) != 2 {
		t.Fatalf("spot = %+v, %v; want two zones", got, err)
	}
	tb, _ := pricing.Builtin()
	p, _ := tb.Instance("eu-west-1", "m5.large")
	if got[0].AZ != "eu-west-1a" || math.Abs(got[0].Hourly-p.SpotAvgHourly) > 1e-6 || got[1].Hourly <= got[0].Hourly {
		t.Fatalf("spot = %+v, want zone a at the table's %v and b dearer", got, p.SpotAvgHourly)
	}
}

func TestPriceListThrottledOrDeniedFallsBackToTable(t *testing.T) {
	for kind, code := range map[string]string{"throttle": "ThrottlingException", "denied": "AccessDeniedException"} {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			s, sb, _ := costSandbox(t)
			if err := sb.AddFault(sandbox.Fault{Kind: sandbox.FaultKind(kind), Action: "GetProducts"}); err != nil {
				t.Fatal(err)
			}
			_, err := s.PriceList().OnDemandHourly(ctx, "eu-west-1", "m5.large")
			if err == nil || !strings.Contains(err.Error(), code) {
				t.Fatalf("GetProducts with a %s fault: %v, want %s", kind, err, code)
			}
			book, _ := cost.Default(t.TempDir())
			insts := []cloud.Instance{{ID: "i-1", Region: "eu-west-1", Type: "m5.large", State: cloud.Running}}
			rep := book.Refresh(ctx, s.PriceList(), s, cost.WantsOf(insts, nil), time.Now(), false)
			q := book.Instance("eu-west-1", "m5.large", false)
			if !strings.Contains(rep.Problem, code) || q.Source != pricing.Source || !strings.Contains(q.Note, code) {
				t.Fatalf("after a %s: problem %q, price %v (note %q); want the table's price saying why", kind, rep.Problem, q, q.Note)
			}
		})
	}
}
