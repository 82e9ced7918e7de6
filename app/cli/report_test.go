package cli

import (
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/history"
)

// TestReportShowsRowsAndTotalsAlike: rows and totals are printed with the
// precision the report rounds them to, so the totals printed are the sums
// of the rows printed (rows once read 0.0 hours under a total of 0.2).
func TestReportShowsRowsAndTotalsAlike(t *testing.T) {
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.Local)
	row := history.Row{Env: "shop", Instance: "i-1", Region: "eu-west-1", Type: "m5.large", Runs: 1, Hours: 0.04,
		Price: cost.Quote{USD: 0.107, Unit: "hour", Known: true, Source: "built-in table"}, Cost: cost.Money{USD: 0.0043, Any: true}}
	rep := &history.Report{Query: history.ReportQuery{From: day, To: day.AddDate(0, 0, 1)}, Basis: history.ReportBasis,
		Envs:  []history.EnvTotal{{Env: "shop", Hours: 0.24, Cost: cost.Money{USD: 0.0258, Any: true}}},
		Total: history.EnvTotal{Env: "total", Hours: 0.24, Cost: cost.Money{USD: 0.0258, Any: true}},
		Days:  []history.Day{{Date: "2026-11-02", Hours: 0.24, Cost: cost.Money{USD: 0.0258, Any: true}}}}
	for range 6 {
		rep.Rows = append(rep.Rows, row)
	}
	var out strings.Builder
	if err := writeReport(&out, rep); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	fields := func(prefix string) []string {
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, prefix) {
				return strings.Fields(l)
			}
		}
		t.Fatalf("no line starting %q in\n%s", prefix, text)
		return nil
	}
	if f := fields("shop  "); f[6] != "0.04" || f[len(f)-1] != "$0.0043" {
		t.Errorf("a row reads %q, want 0.04 hours and $0.0043", f)
	}
	if f := fields("TOTAL"); f[1] != "0.24" || f[2] != "$0.03" {
		t.Errorf("the total reads %q, want 0.24 hours and $0.03", f)
	}
	if !strings.Contains(text, "0.24 h") {
		t.Errorf("the chart does not show the day's 0.24 h:\n%s", text)
	}
}
