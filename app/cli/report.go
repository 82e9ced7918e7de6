package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/paths"
)

func newReportCmd(g *globals) *cobra.Command {
	var envName, from, to string
	var asCSV, asJSON bool
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Hours and estimated cost per environment and instance over a date range, from the usage history",
		Long: "Reads the usage history (every run the app has seen, dated by AWS) and prices it.\n" +
			"--from and --to are dates (YYYY-MM-DD, local time), both included; the default is this month so far.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			q, err := reportRange(envName, from, to, now)
			if err != nil {
				return fail(ExitUsage, err)
			}
			store, err := openHistory(cmd, g)
			if err != nil {
				return err
			}
			defer store.Close()
			book, err := cost.Default(paths.Default().Cache)
			if err != nil {
				return fail(ExitFailed, err)
			}
			rep, err := store.Report(cmd.Context(), q, book)
			if err != nil {
				return fail(ExitFailed, err)
			}
			switch {
			case asCSV:
				return rep.WriteCSV(g.stdout)
			case asJSON:
				return writeJSON(g.stdout, rep)
			}
			return writeReport(g.stdout, rep)
		},
	}
	rangeFlags(cmd, &envName, &from, &to)
	cmd.Flags().BoolVar(&asCSV, "csv", false, "print CSV, one line per environment, instance and type")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (rows, per-environment and per-day totals)")
	return cmd
}

// rangeFlags adds --env, --from and --to, as reportRange reads them.
func rangeFlags(cmd *cobra.Command, envName, from, to *string) {
	cmd.Flags().StringVar(envName, "env", "", "only this environment")
	cmd.Flags().StringVar(from, "from", "", "first day, YYYY-MM-DD (default: the first of this month)")
	cmd.Flags().StringVar(to, "to", "", "last day, YYYY-MM-DD, included (default: today)")
}

// reportRange turns --from/--to (local dates, both included) into a query.
func reportRange(env, from, to string, now time.Time) (history.ReportQuery, error) {
	q := history.ReportQuery{Env: env, Now: now}
	y, m, d := now.Date()
	q.From = time.Date(y, m, 1, 0, 0, 0, 0, time.Local)
	q.To = time.Date(y, m, d+1, 0, 0, 0, 0, time.Local)
	if from != "" {
		t, err := time.ParseInLocation(time.DateOnly, from, time.Local)
		if err != nil {
			return q, fmt.Errorf("--from %q is not a date such as 2026-11-01", from)
		}
		q.From = t
	}
	if to != "" {
		t, err := time.ParseInLocation(time.DateOnly, to, time.Local)
		if err != nil {
			return q, fmt.Errorf("--to %q is not a date such as 2026-11-30", to)
		}
		q.To = t.AddDate(0, 0, 1)
	}
	if !q.To.After(q.From) {
		return q, errors.New("--to must not be before --from")
	}
	return q, nil
}

func writeReport(w io.Writer, rep *history.Report) error {
	q := rep.Query
	scope := "all environments"
	if q.Env != "" {
		scope = q.Env
	}
	fmt.Fprintf(w, "Usage of %s from %s to %s\n\n", scope, q.From.Format(time.DateOnly), q.To.AddDate(0, 0, -1).Format(time.DateOnly))
	if len(rep.Rows) == 0 {
		fmt.Fprintln(w, "No runs recorded in this range. Runs are recorded whenever Cloud Control sees an environment (status, start, stop, the window).")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENV\tNAME\tINSTANCE\tTYPE\tREGION\tRUNS\tHOURS\tPER HOUR\tCOST")
	// Hours and costs as the report rounded them (0.01 h, cents), so the
	// totals printed are the sums of the rows printed.
	for _, r := range rep.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%.2f\t%s\t%s\n", r.Env, termSafe(dash(r.Name)), r.Instance, r.Type, r.Region, r.Runs, r.Hours, r.Price, r.Cost.String())
	}
	fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t")
	for _, e := range rep.Envs {
		fmt.Fprintf(tw, "%s (total)\t\t\t\t\t\t%.2f\t\t%s\n", e.Env, e.Hours, e.Cost.String())
	}
	fmt.Fprintf(tw, "TOTAL\t\t\t\t\t\t%.2f\t\t%s\n", rep.Total.Hours, rep.Total.Cost.String())
	if err := tw.Flush(); err != nil {
		return err
	}
	writeChart(w, rep.Days)
	fmt.Fprintf(w, "\nHow this is figured: %s.\n", rep.Basis)
	return nil
}

// writeChart draws instance-hours per day (per month for long ranges) as bars.
func writeChart(w io.Writer, days []history.Day) {
	type bucket struct {
		label string
		hours float64
		cost  cost.Money
	}
	var bs []bucket
	monthly := len(days) > 62
	for _, d := range days {
		label := d.Date
		if monthly {
			label = d.Date[:7]
		}
		if len(bs) == 0 || bs[len(bs)-1].label != label {
			bs = append(bs, bucket{label: label, cost: cost.Money{Any: true}})
		}
		b := &bs[len(bs)-1]
		b.hours += d.Hours
		b.cost.Add(d.Cost.USD)
		for _, u := range d.Cost.Unknown {
			b.cost.Missing(u)
		}
	}
	top := 0.0
	for _, b := range bs {
		top = max(top, b.hours)
	}
	if top == 0 {
		return
	}
	unit := "day"
	if monthly {
		unit = "month"
	}
	fmt.Fprintf(w, "\nInstance-hours per %s:\n", unit)
	for _, b := range bs {
		bar := strings.Repeat("#", int(b.hours/top*40+0.5))
		fmt.Fprintf(w, "  %-10s %-40s %8.2f h  %s\n", b.label, bar, b.hours, b.cost.String())
	}
}
