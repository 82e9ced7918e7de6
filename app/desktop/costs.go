package desktop

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"cloudcontrol/backend/atomicfile"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/paths"
)

// coster is what Costs needs from backend/control (a *control.Service).
type coster interface {
	Cost(ctx context.Context, name string, o control.CostOptions) (*control.CostReport, error)
}

// Costs is bound to the front end: prices and cost of an environment (the
// dashboard, the plan dialog's "per hour while running", the tray), and the
// usage report with its CSV export.
type Costs struct {
	core  coster
	hist  *history.Lazy
	paths paths.Dirs
	now   func() time.Time
	// save asks where to save a file (the native dialog); "" is cancelled.
	save func(title, name string, filter FileFilter) (string, error)
	lifetime
}

func newCosts(core coster, hist *history.Lazy, p paths.Dirs, save func(title, name string, filter FileFilter) (string, error)) *Costs {
	return &Costs{core: core, hist: hist, paths: p, now: time.Now, save: save}
}

// start begins the service's life: reports and prices are read under ctx.
func (c *Costs) start(ctx context.Context) { c.begin(ctx) }

// windowHistory is the usage history the window records into. A damaged
// one moved aside is said in a desktop notification whichever client opens
// it first (a run from the tray, a refresh, the Reports view); the Reports
// view also shows it (HistoryNotice).
func windowHistory(p paths.Dirs, plat Platform, log *slog.Logger) *history.Lazy {
	return history.NewLazy(filepath.Join(p.Data, history.FileName), history.Options{
		OnNotice: func(n string) {
			log.Warn("usage history", "notice", n)
			plat.Notify("The usage history was damaged", n)
		},
		// The Operations list shows a crashed run as interrupted? at once.
		Held: func(env string) bool { return lock.Held(p.Locks(), env) },
	})
}

// EnvCost prices the environment now: every instance with its price's
// source and date, per hour while running (what starting will cost), this
// run so far, overnight, weekend and per month while stopped. offline
// skips the AWS Price List API (cache and built-in table only).
func (c *Costs) EnvCost(name string, offline bool) (*control.CostReport, error) {
	return worded(c.core.Cost(c.context(), name, control.CostOptions{Offline: offline}))
}

// worded gives a failed read of the instances the dashboard's words (reason).
func worded(rep *control.CostReport, err error) (*control.CostReport, error) {
	if err != nil {
		return nil, errors.New(reason(err))
	}
	return rep, nil
}

// RefreshPrices asks the AWS Price List API again for the environment's
// prices, even those cached recently.
func (c *Costs) RefreshPrices(name string) (*control.CostReport, error) {
	return worded(c.core.Cost(c.context(), name, control.CostOptions{Refresh: true}))
}

// ReportRequest is a report's range: dates YYYY-MM-DD in local time, both
// included; empty From is the first of this month, empty To today.
type ReportRequest struct {
	Env  string `json:"env"`
	From string `json:"from"`
	To   string `json:"to"`
}

// Report returns hours and estimated cost per environment and instance,
// per-environment totals and per-day totals (for the chart).
func (c *Costs) Report(r ReportRequest) (*history.Report, error) {
	q, store, err := c.query(r)
	if err != nil {
		return nil, err
	}
	book, err := cost.Default(c.paths.Cache)
	if err != nil {
		return nil, err
	}
	return store.Report(c.context(), q, book)
}

// Operations lists the starts and stops recorded in the report's range,
// newest first: who, when, from where (cli, window, tray), how it ended.
func (c *Costs) Operations(r ReportRequest) ([]history.OperationRow, error) {
	q, store, err := c.query(r)
	if err != nil {
		return nil, err
	}
	ops, err := store.Operations(c.context(), q.Env, q.From, q.To)
	if ops == nil {
		ops = []history.OperationRow{}
	}
	return ops, err
}

// OperationEvents returns one recorded operation's events, in order.
func (c *Costs) OperationEvents(id int64) ([]op.Event, error) {
	store, err := c.hist.Store(c.context())
	if err != nil {
		return nil, err
	}
	if _, err := store.Operation(c.context(), id); err != nil {
		return nil, err
	}
	evs, err := store.Events(c.context(), id)
	if evs == nil {
		evs = []op.Event{}
	}
	return evs, err
}

// query reads a request's range and opens the history it is asked of.
func (c *Costs) query(r ReportRequest) (history.ReportQuery, *history.Store, error) {
	q, err := reportQuery(r, c.now())
	if err != nil {
		return q, nil, err
	}
	store, err := c.hist.Store(c.context())
	return q, store, err
}

// CSVExport is a report as CSV text with a suggested file name; the front
// end saves it where the user chooses.
type CSVExport struct {
	FileName string `json:"fileName"`
	CSV      string `json:"csv"`
}

// ExportCSV renders the report as CSV.
func (c *Costs) ExportCSV(r ReportRequest) (*CSVExport, error) {
	rep, err := c.Report(r)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	if err := rep.WriteCSV(&b); err != nil {
		return nil, err
	}
	name := "cloudcontrol-usage"
	if r.Env != "" {
		name += "-" + r.Env
	}
	name += "-" + rep.Query.From.Format(time.DateOnly) + "-to-" + rep.Query.To.AddDate(0, 0, -1).Format(time.DateOnly) + ".csv"
	return &CSVExport{FileName: name, CSV: b.String()}, nil
}

// SaveCSV renders the report as CSV, asks where to save it with the native
// save dialog and writes it there. It returns the path, or "" when the
// dialog was cancelled (nothing written).
func (c *Costs) SaveCSV(r ReportRequest) (string, error) {
	out, err := c.ExportCSV(r)
	if err != nil {
		return "", err
	}
	if c.save == nil {
		return "", errors.New("this window cannot show a save dialog")
	}
	path, err := c.save("Save the usage report", out.FileName, FileFilter{Name: "CSV files", Pattern: "*.csv"})
	if err != nil {
		return "", fmt.Errorf("choosing where to save the report: %w", err)
	}
	if path == "" {
		return "", nil
	}
	if err := atomicfile.Write(path, []byte(out.CSV), 0o644); err != nil {
		return "", fmt.Errorf("saving the report: %w", err)
	}
	return path, nil
}

// HistoryNotice says what the user should know about the history file (a
// damaged file moved aside), or why it cannot be opened; "" when all is well.
func (c *Costs) HistoryNotice() string {
	store, err := c.hist.Store(c.context())
	if err != nil {
		return err.Error()
	}
	return store.Notice
}

func reportQuery(r ReportRequest, now time.Time) (history.ReportQuery, error) {
	q := history.ReportQuery{Env: r.Env, Now: now}
	y, m, d := now.Date()
	q.From = time.Date(y, m, 1, 0, 0, 0, 0, time.Local)
	q.To = time.Date(y, m, d+1, 0, 0, 0, 0, time.Local)
	if r.From != "" {
		t, err := time.ParseInLocation(time.DateOnly, r.From, time.Local)
		if err != nil {
			return q, fmt.Errorf("the start date %q is not a date such as 2026-11-01", r.From)
		}
		q.From = t
	}
	if r.To != "" {
		t, err := time.ParseInLocation(time.DateOnly, r.To, time.Local)
		if err != nil {
			return q, fmt.Errorf("the end date %q is not a date such as 2026-11-30", r.To)
		}
		q.To = t.AddDate(0, 0, 1)
	}
	if !q.To.After(q.From) {
		return q, fmt.Errorf("the end date %s is before the start date %s", r.To, r.From)
	}
	return q, nil
}
