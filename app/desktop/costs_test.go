package desktop

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/paths"
)

type fakeCoster struct{ got control.CostOptions }

func (f *fakeCoster) Cost(_ context.Context, name string, o control.CostOptions) (*control.CostReport, error) {
	f.got = o
	if name != "shop" {
		return nil, errors.New("no environment " + name)
	}
	return &control.CostReport{}, nil
}

func TestCostsReportAndCSV(t *testing.T) {
	p := paths.Under(t.TempDir())
	hist := windowHistory(p, newFakePlatform(), slog.New(slog.DiscardHandler))
	defer hist.Close()
	fc := &fakeCoster{}
	c := newCosts(fc, hist, p, nil)
	c.now = func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.Local) }
	launch := time.Date(2026, 11, 3, 9, 0, 0, 0, time.Local)
	if err := hist.Observe(context.Background(), "shop", []cloud.Instance{{ID: "i-1", Region: "us-east-1", Type: "t3.micro",
		State: cloud.Stopped, LaunchTime: launch, StateChanged: launch.Add(10 * time.Hour)}}, launch.Add(11*time.Hour)); err != nil {
		t.Fatal(err)
	}
	rep, err := c.Report(ReportRequest{Env: "shop"})
	if err != nil || len(rep.Rows) != 1 || rep.Rows[0].Hours != 10 || len(rep.Days) != 22 {
		t.Fatalf("this month's report = %+v, %v; want one 10-hour row and 22 days", rep, err)
	}
	out, err := c.ExportCSV(ReportRequest{Env: "shop", From: "2026-11-01", To: "2026-11-30"})
	if err != nil || out.FileName != "cloudcontrol-usage-shop-2026-11-01-to-2026-11-30.csv" ||
		!strings.Contains(out.CSV, "shop,i-1,,us-east-1,t3.micro,1,10.00,0.0104,built-in table,2025-05-28,0.10") {
		t.Fatalf("export = %+v, %v", out, err)
	}
	if _, err := c.Report(ReportRequest{From: "2026-11-30", To: "2026-11-01"}); err == nil {
		t.Fatal("a backwards range was accepted")
	}
	if _, err := c.Report(ReportRequest{From: "yesterday"}); err == nil || !strings.Contains(err.Error(), "yesterday") {
		t.Fatalf("a bad date: %v", err)
	}
	if _, err := c.EnvCost("shop", true); err != nil || !fc.got.Offline {
		t.Fatalf("EnvCost offline: %v, %+v", err, fc.got)
	}
	if _, err := c.RefreshPrices("shop"); err != nil || !fc.got.Refresh {
		t.Fatalf("RefreshPrices: %v, %+v", err, fc.got)
	}
}

func TestCostsListOperationsAndTheirEvents(t *testing.T) {
	p := paths.Under(t.TempDir())
	hist := windowHistory(p, newFakePlatform(), slog.New(slog.DiscardHandler))
	defer hist.Close()
	c := newCosts(&fakeCoster{}, hist, p, nil)
	c.now = func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.Local) }
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 18, 30, 0, 0, time.Local)
	rec, err := hist.Begin(ctx, history.Operation{Env: "shop", Action: "stop", Who: "bob as arn:aws:iam::1:user/bob", Client: "tray", Started: at})
	if err != nil {
		t.Fatal(err)
	}
	rec.Emit(op.Event{Time: at, Env: "shop", Action: "stop", Type: op.EventRunStarted, Message: "stop shop"})
	rec.Emit(op.Event{Time: at.Add(time.Minute), Env: "shop", Action: "stop", Type: op.EventRunDone})
	if err := rec.End(ctx, "done", "", at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	ops, err := c.Operations(ReportRequest{})
	if err != nil || len(ops) != 1 || ops[0].Who != "bob as arn:aws:iam::1:user/bob" || ops[0].Client != "tray" || ops[0].Result != "done" {
		t.Fatalf("this month's operations = %+v, %v", ops, err)
	}
	if ops, err := c.Operations(ReportRequest{Env: "analytics"}); err != nil || ops == nil || len(ops) != 0 {
		t.Fatalf("another environment's operations = %#v, %v; want an empty list", ops, err)
	}
	evs, err := c.OperationEvents(ops[0].ID)
	if err != nil || len(evs) != 2 || evs[0].Message != "stop shop" || evs[1].Type != op.EventRunDone {
		t.Fatalf("events = %+v, %v", evs, err)
	}
	if _, err := c.OperationEvents(999); err == nil || !strings.Contains(err.Error(), "no such operation") {
		t.Fatalf("an unknown operation: %v", err)
	}
	if _, err := c.Operations(ReportRequest{From: "soon"}); err == nil {
		t.Fatal("a bad date was accepted")
	}
}
