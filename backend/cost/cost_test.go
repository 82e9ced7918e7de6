package cost

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/pricing"
)

func table(t *testing.T) *pricing.Table {
	t.Helper()
	tb, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestSameTypeDiffersByRegion(t *testing.T) {
	b := NewBook(table(t), nil)
	us, eu := b.Instance("us-east-1", "m5.large", false), b.Instance("eu-west-1", "m5.large", false)
	if !near(us.USD, 0.096) || !near(eu.USD, 0.107) || us.Source != pricing.Source || eu.AsOf.IsZero() {
		t.Fatalf("us-east-1 %v, eu-west-1 %v; want 0.096 and 0.107 from the built-in table", us, eu)
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) // a Monday noon
	insts := []cloud.Instance{
		{ID: "i-1", Region: "us-east-1", Type: "m5.large", State: cloud.Running, LaunchTime: now.Add(-2 * time.Hour)},
		{ID: "i-2", Region: "eu-west-1", Type: "m5.large", State: cloud.Running, LaunchTime: now.Add(-3 * time.Hour)},
	}
	ec := Estimate(b, "e", insts, nil, now)
	if !near(ec.Instances[0].Hourly.USD, 0.096) || !near(ec.Instances[1].Hourly.USD, 0.107) {
		t.Fatalf("instances priced %v and %v, want each in its own region", ec.Instances[0].Hourly, ec.Instances[1].Hourly)
	}
	if !near(ec.RunSoFar.USD, 2*0.096+3*0.107) || !ec.RunSoFar.Complete() {
		t.Fatalf("run so far = %v, want 2 h x 0.096 + 3 h x 0.107", ec.RunSoFar)
	}
	if !near(ec.Overnight.Hours, 15) || !near(ec.Overnight.Cost.USD, 15*(0.096+0.107)) {
		t.Fatalf("overnight = %+v, want 15 h at 0.203/h", ec.Overnight)
	}
}

func TestUnknownTypeAndRegionAreNeverZero(t *testing.T) {
	b := NewBook(table(t), nil)
	for _, c := range []struct{ region, typ, why string }{
		{"eu-west-1", "x9.nosuch", "not in the price table"},
		{"mars-north-1", "m5.large", "no price for m5.large in region mars-north-1"},
	} {
		q := b.Instance(c.region, c.typ, false)
		if q.Known || q.String() != "unknown" || !strings.Contains(q.Note, c.why) {
			t.Errorf("%s in %s: %v (note %q), want unknown saying %q", c.typ, c.region, q, q.Note, c.why)
		}
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	ec := Estimate(b, "e", []cloud.Instance{
		{ID: "i-1", Name: "db", Region: "eu-west-1", Type: "m5.large", State: cloud.Running, LaunchTime: now.Add(-time.Hour)},
		{ID: "i-2", Name: "odd", Region: "eu-west-1", Type: "x9.nosuch", State: cloud.Running, LaunchTime: now.Add(-time.Hour)},
	}, nil, now)
	got := ec.HourlyWhileRunning.String()
	if ec.HourlyWhileRunning.Complete() || !strings.Contains(got, "$0.11 + unknown (odd (x9.nosuch in eu-west-1))") {
		t.Fatalf("hourly = %q, want the known part plus the unknown one named", got)
	}
	only := Estimate(b, "e", ec2Only("mars-north-1", "m5.large"), nil, now)
	if s := only.HourlyWhileRunning.String(); !strings.HasPrefix(s, "unknown (") || strings.Contains(s, "$") {
		t.Fatalf("a wholly unknown environment shows %q, want unknown and no dollar figure", s)
	}
}

func ec2Only(region, typ string) []cloud.Instance {
	return []cloud.Instance{{ID: "i-9", Region: region, Type: typ, State: cloud.Stopped}}
}

func TestStoppedMonthlyAndVolumes(t *testing.T) {
	b := NewBook(table(t), nil)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	insts := []cloud.Instance{
		{ID: "i-1", Region: "us-east-1", Type: "t3.micro", State: cloud.Stopped, PublicIP: "1.2.3.4"}, // Elastic IP
		{ID: "i-2", Region: "us-east-1", Type: "t3.micro", State: cloud.Terminated},
	}
	vols := []cloud.Volume{
		{ID: "vol-1", InstanceID: "i-1", Type: "gp3", SizeGiB: 100, IOPS: 4000, Throughput: 125},
		{ID: "vol-2", InstanceID: "i-1", Type: "gp2", SizeGiB: 8},
		{ID: "vol-3", InstanceID: "i-2", Type: "gp3", SizeGiB: 500},
	}
	ec := Estimate(b, "e", insts, vols, now)
	want := 100*0.08 + 1000*0.005 + 8*0.10 + 0.005*730
	if !near(ec.StoppedMonthly.USD, want) || !ec.StoppedMonthly.Complete() {
		t.Fatalf("stopped monthly = %v, want %.4f (gp3 + its extra IOPS + gp2 + an Elastic IP)", ec.StoppedMonthly, want)
	}
	// Nothing runs: what it costs now is its storage and its kept address, a known figure.
	if !near(ec.HourlyNow.USD, want/730) || !ec.HourlyNow.Any || !ec.HourlyNow.Complete() || !near(ec.RunSoFar.USD, 0) || !ec.RunSoFar.Any {
		t.Fatalf("nothing runs: hourly now %v (want %.4f), run so far %v", ec.HourlyNow, want/730, ec.RunSoFar)
	}
	if none := Estimate(b, "e", nil, nil, now); none.HourlyNow.String() != "$0.00" {
		t.Errorf("an environment with nothing to pay for costs %q now, want $0.00", none.HourlyNow)
	}
	wantRun := 0.0104 + 0.005 + (100*0.08+1000*0.005+8*0.10)/730
	if !near(ec.HourlyWhileRunning.USD, wantRun) {
		t.Fatalf("per hour while running = %v, want %.6f", ec.HourlyWhileRunning, wantRun)
	}
	// eu-west-1's gp3 IOPS rate is not sourced: said, not guessed.
	ec = Estimate(b, "e", []cloud.Instance{{ID: "i-3", Region: "eu-west-1", Type: "t3.micro", State: cloud.Stopped}},
		[]cloud.Volume{{ID: "vol-4", InstanceID: "i-3", Type: "gp3", SizeGiB: 10, IOPS: 6000}}, now)
	if ec.StoppedMonthly.Complete() || !near(ec.StoppedMonthly.USD, 10*0.088) {
		t.Fatalf("eu-west-1 gp3 with extra IOPS = %v, want 0.88 + unknown IOPS", ec.StoppedMonthly)
	}
}

func TestWindows(t *testing.T) {
	loc := time.FixedZone("CET", 3600)
	for _, c := range []struct {
		now, from, to string
	}{
		{"2026-11-23 12:00", "2026-11-23 18:00", "2026-11-24 09:00"}, // Monday noon
		{"2026-11-23 20:30", "2026-11-23 20:30", "2026-11-24 09:00"}, // already evening
		{"2026-11-24 07:00", "2026-11-24 07:00", "2026-11-24 09:00"}, // early morning
	} {
		now, _ := time.ParseInLocation("2006-01-02 15:04", c.now, loc)
		w := Overnight(now)
		if got := w.From.Format("2006-01-02 15:04") + " " + w.To.Format("2006-01-02 15:04"); got != c.from+" "+c.to {
			t.Errorf("overnight at %s = %s, want %s %s", c.now, got, c.from, c.to)
		}
	}
	for _, c := range []struct {
		now, from, to string
	}{
		{"2026-11-23 12:00", "2026-11-27 18:00", "2026-11-30 09:00"}, // Monday
		{"2026-11-28 10:00", "2026-11-28 10:00", "2026-11-30 09:00"}, // Saturday
		{"2026-11-30 10:00", "2026-12-04 18:00", "2026-12-07 09:00"}, // Monday after
		{"2026-11-27 17:00", "2026-11-27 18:00", "2026-11-30 09:00"}, // Friday before six
	} {
		now, _ := time.ParseInLocation("2006-01-02 15:04", c.now, loc)
		w := Weekend(now)
		if got := w.From.Format("2006-01-02 15:04") + " " + w.To.Format("2006-01-02 15:04"); got != c.from+" "+c.to {
			t.Errorf("weekend at %s = %s, want %s %s", c.now, got, c.from, c.to)
		}
	}
	if w := Weekend(time.Date(2026, 11, 23, 12, 0, 0, 0, loc)); w.Hours != 63 {
		t.Errorf("a whole weekend is %v h, want 63", w.Hours)
	}
}

// fakeList is a Price List API that answers from a map or fails.
type fakeList struct {
	prices map[string]float64
	err    error
	calls  int
}

func (f *fakeList) OnDemandHourly(_ context.Context, region, typ string) (float64, error) {
	return f.get(region + "/" + typ)
}
func (f *fakeList) EBSGBMonth(_ context.Context, region, vt string) (float64, error) {
	return f.get(region + "/ebs/" + vt)
}
func (f *fakeList) get(k string) (float64, error) {
	f.calls++
	if f.err != nil {
		return 0, f.err
	}
	if v, ok := f.prices[k]; ok {
		return v, nil
	}
	return 0, fmt.Errorf("GetProducts: %w", cloud.ErrNoPrice)
}

type fakeSpot struct{ prices []cloud.SpotPrice }

func (f fakeSpot) SpotPrices(_ context.Context, region string, types []string) ([]cloud.SpotPrice, error) {
	return f.prices, nil
}

func TestRefreshPrecedenceAndCache(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	b := NewBook(table(t), OpenCache(dir))
	insts := []cloud.Instance{
		{ID: "i-1", Region: "eu-west-1", Type: "m5.large"},
		{ID: "i-2", Region: "eu-west-1", Type: "t3.micro", Lifecycle: "spot"},
		{ID: "i-3", Region: "eu-west-1", Type: "x9.nosuch"},
	}
	vols := []cloud.Volume{{ID: "v", InstanceID: "i-1", Type: "gp3", SizeGiB: 8}}
	list := &fakeList{prices: map[string]float64{"eu-west-1/m5.large": 0.111, "eu-west-1/ebs/gp3": 0.09}}
	spot := fakeSpot{[]cloud.SpotPrice{{Region: "eu-west-1", AZ: "eu-west-1b", InstanceType: "t3.micro", Hourly: 0.0041},
		{Region: "eu-west-1", AZ: "eu-west-1a", InstanceType: "t3.micro", Hourly: 0.0049}}}
	rep := b.Refresh(context.Background(), list, spot, WantsOf(insts, vols), now, false)
	if rep.Problem != "" || rep.Fetched != 4 {
		t.Fatalf("refresh = %+v, want 4 fetched (m5.large, x9.nosuch absent, gp3, spot t3.micro)", rep)
	}
	q := b.Instance("eu-west-1", "m5.large", false)
	if !near(q.USD, 0.111) || q.Source != SourcePriceList || !q.AsOf.Equal(now) {
		t.Fatalf("after refresh m5.large = %v, want 0.111 from the Price List API dated %v", q, now)
	}
	if q := b.Instance("eu-west-1", "t3.micro", true); !near(q.USD, 0.0041) || !strings.Contains(q.Source, "eu-west-1b") {
		t.Fatalf("spot t3.micro = %v, want the lowest zone's 0.0041 naming eu-west-1b", q)
	}
	if q, _, _ := b.EBS("eu-west-1", "gp3"); !near(q.USD, 0.09) || q.Source != SourcePriceList {
		t.Fatalf("gp3 = %v, want 0.09 from the Price List API", q)
	}
	if q := b.Instance("eu-west-1", "x9.nosuch", false); q.Known {
		t.Fatalf("a type neither source knows = %v, want unknown", q)
	}
	// A new book over the same folder reads the saved cache.
	b2 := NewBook(table(t), OpenCache(dir))
	if q := b2.Instance("eu-west-1", "m5.large", false); !near(q.USD, 0.111) {
		t.Fatalf("cached price not reloaded: %v", q)
	}
	// Fresh entries are not asked again.
	list.calls = 0
	rep = b2.Refresh(context.Background(), list, nil, WantsOf(insts, vols), now.Add(time.Hour), false)
	if list.calls != 0 || rep.Fresh != 3 {
		t.Fatalf("second refresh asked %d times (report %+v), want 0 and 3 fresh", list.calls, rep)
	}
}

func TestRefreshThrottledOrDeniedFallsBack(t *testing.T) {
	for _, code := range []string{"ThrottlingException", "AccessDeniedException"} {
		t.Run(code, func(t *testing.T) {
			b := NewBook(table(t), OpenCache(t.TempDir()))
			list := &fakeList{err: errors.New("us-east-1: GetProducts: rate exceeded (" + code + ")")}
			insts := []cloud.Instance{{ID: "i-1", Region: "eu-west-1", Type: "m5.large"}, {ID: "i-2", Region: "us-east-1", Type: "m5.large"}}
			rep := b.Refresh(context.Background(), list, nil, WantsOf(insts, nil), time.Now(), false)
			if list.calls != 1 {
				t.Errorf("asked %d times after a refusal, want 1 (stop at the first)", list.calls)
			}
			if !strings.Contains(rep.Problem, code) || !strings.Contains(rep.Problem, "built-in table") {
				t.Errorf("problem = %q, want it to name %s and the fallback", rep.Problem, code)
			}
			q := b.Instance("eu-west-1", "m5.large", false)
			if !near(q.USD, 0.107) || q.Source != pricing.Source || !strings.Contains(q.Note, code) {
				t.Errorf("price after a refused refresh = %v (note %q), want the table's 0.107 saying why", q, q.Note)
			}
			if ec := Estimate(b, "e", insts, nil, time.Now()); !strings.Contains(ec.PriceNote, code) {
				t.Errorf("estimate does not say the refresh failed: %q", ec.PriceNote)
			}
		})
	}
}

func TestCorruptCacheIsIgnoredAndSaid(t *testing.T) {
	dir := t.TempDir()
	if err := writeFile(dir+"/"+CacheFile, "{not json"); err != nil {
		t.Fatal(err)
	}
	c := OpenCache(dir)
	b := NewBook(table(t), c)
	if q := b.Instance("us-east-1", "m5.large", false); !near(q.USD, 0.096) || !strings.Contains(q.Note, "ignoring the price cache") {
		t.Fatalf("with a corrupt cache: %v note %q", q, q.Note)
	}
}

// One rule for every amount: cents, four decimals below a cent, never "$0.0000".
func TestOneWayToWriteMoney(t *testing.T) {
	for v, want := range map[float64]string{
		0: "$0.00", 0.00001: "$0.00", 0.00049: "$0.0005", 0.0096: "$0.0096", 0.01: "$0.01", 0.275: "$0.28",
		12.345: "$12.35", 1234.5: "$1,234.50", 1234567.891: "$1,234,567.89", -0.5: "-$0.50",
	} {
		if got := USD(v); got != want {
			t.Errorf("USD(%v) = %q, want %q", v, got, want)
		}
	}
}
