package history

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
)

// TestReportRowsAddUpToTheTotals: every row is rounded once, as shown
// (hours to 0.01 h, cost to the cent, or to $0.0001 below a cent), and
// every total is the sum of its rows: six instances of 2.4 minutes each
// are 0.04 h apiece and 0.24 h together, never rows of 0.0 and a total of
// 0.2; three rows of a third of an hour total 0.99 h, what they show.
func TestReportRowsAddUpToTheTotals(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var insts []cloud.Instance
	for i := range 6 {
		insts = append(insts, cloud.Instance{ID: fmt.Sprintf("i-%d", i), Region: "eu-west-1", Type: "m5.large", State: cloud.Stopped,
			LaunchTime: t0.Add(time.Hour), StateChanged: t0.Add(time.Hour + 144*time.Second)})
	}
	for i := range 3 { // 20 minutes of an m5.xlarge ($0.214/h): $0.0713 each
		insts = append(insts, cloud.Instance{ID: fmt.Sprintf("i-x%d", i), Region: "eu-west-1", Type: "m5.xlarge", State: cloud.Stopped,
			LaunchTime: t0.Add(2 * time.Hour), StateChanged: t0.Add(2*time.Hour + 20*time.Minute)})
	}
	must(t, s.Observe(ctx, "shop", insts[:6], t0.AddDate(0, 0, 1)))
	must(t, s.Observe(ctx, "batch", insts[6:], t0.AddDate(0, 0, 1)))
	rep, err := s.Report(ctx, ReportQuery{From: t0, To: t0.AddDate(0, 0, 1), Now: t0.AddDate(0, 0, 1)}, book(t))
	if err != nil {
		t.Fatal(err)
	}
	envs := map[string]EnvTotal{}
	for _, e := range rep.Envs {
		envs[e.Env] = e
	}
	var hours, usd float64
	for _, r := range rep.Rows {
		want := 0.04
		if r.Env == "batch" {
			want = 0.33
		}
		if r.Hours != want {
			t.Errorf("row %s: %v hours, want %v", r.Instance, r.Hours, want)
		}
		hours += r.Hours
		usd += r.Cost.USD
	}
	if got := envs["shop"].Hours; fmt.Sprintf("%.2f", got) != "0.24" || got != roundTo(6*0.04, 100) {
		t.Errorf("shop total %v hours, want 0.24, the sum of its rows", got)
	}
	if got := envs["batch"].Hours; got != 0.99 {
		t.Errorf("batch total %v hours, want 0.99, the sum of its rows as shown", got)
	}
	if rep.Total.Hours != roundTo(hours, 100) || rep.Total.Cost.USD != roundTo(usd, 10000) {
		t.Errorf("total %v h, %v; the rows add up to %v h, $%v", rep.Total.Hours, rep.Total.Cost.USD, hours, usd)
	}
	for _, r := range rep.Rows {
		if r.Env == "batch" && r.Cost.USD != 0.07 { // 0.33 h x $0.214, to the cent
			t.Errorf("row %s costs %v, want 0.07 (its shown hours at its price, to the cent)", r.Instance, r.Cost.USD)
		}
	}
	if got := envs["batch"].Cost.String(); got != "$0.21" {
		t.Errorf("batch total cost %s, want $0.21, the sum of its rows", got)
	}
}

func TestReportJSONKeysAreLowerCase(t *testing.T) {
	rep, err := openTest(t).Report(context.Background(), ReportQuery{Env: "shop", From: t0, To: t0.AddDate(0, 0, 1), Now: t0}, book(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Query map[string]any `json:"query"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for k := range out.Query {
		if k != strings.ToLower(k) {
			t.Errorf("report JSON query key %q is not lower case like every other key (%s)", k, b[:min(len(b), 120)])
		}
	}
	if out.Query["env"] != "shop" || out.Query["from"] == nil || out.Query["to"] == nil {
		t.Errorf("query = %v, want env, from and to", out.Query)
	}
}

func roundTo(v, per float64) float64 { return math.Round(v*per) / per }
