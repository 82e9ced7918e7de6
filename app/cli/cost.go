package cli

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/paths"
)

// usageHistory is the usage history the commands record into and read, opened
// only when a command first uses it. Whichever command opens a damaged one
// says so on stderr (stdout may be JSON a script reads).
func (g *globals) usageHistory(p paths.Dirs) *history.Lazy {
	return history.NewLazy(filepath.Join(p.Data, history.FileName), history.Options{
		OnNotice: func(n string) { fmt.Fprintln(g.stderr, "cloudcontrol:", n) },
		Held:     func(env string) bool { return lock.Held(p.Locks(), env) },
	})
}

func newEnvCostCmd(g *globals) *cobra.Command {
	var asJSON, offline, refresh bool
	cmd := &cobra.Command{
		Use:   "cost NAME",
		Short: "Show what NAME costs: per instance, per hour, this run, overnight, a weekend, and per month stopped",
		Long: "Prices every instance of NAME in its own region and sums the environment.\n" +
			"Prices come from the AWS Price List API and the spot price history when they can be read\n" +
			"(cached in the cache folder), else from the built-in table; each says where it came from.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := g.service("cli").Cost(cmd.Context(), args[0], control.CostOptions{Offline: offline, Refresh: refresh})
			if err != nil {
				return fail(exitFor(cmd.Context(), err), err)
			}
			if asJSON {
				return writeJSON(g.stdout, rep)
			}
			return writeCost(g.stdout, rep)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&offline, "offline", false, "do not ask the AWS Price List API; use the cache and the built-in table")
	cmd.Flags().BoolVar(&refresh, "refresh", false, fmt.Sprintf(
		"ask the AWS Price List API again even for recently cached prices, or within %d minutes of a failure", int(cost.FailureMemory.Minutes())))
	return cmd
}

func writeCost(w io.Writer, rep *control.CostReport) error {
	now := rep.Estimate.At
	fmt.Fprintf(w, "%s (account %s, %s), at %s\n\n", rep.Estimate.Env, rep.Target.Identity.Account, rep.Target.Region, now.Format("2006-01-02 15:04 MST"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tTYPE\tREGION\tSTATE\tPER HOUR\tPRICE FROM\tEBS")
	for _, in := range rep.Estimate.Instances {
		src := "-"
		if in.Hourly.Known {
			src = fmt.Sprintf("%s (%s)", in.Hourly.Provenance(), age(in.Hourly.Age(now)))
		} else if in.Hourly.Note != "" {
			src = in.Hourly.Note
		}
		hourly := "unknown"
		if in.Hourly.Known {
			hourly = fmt.Sprintf("$%.4f", in.Hourly.USD)
		}
		if in.Lifecycle == "spot" {
			hourly += " (spot)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", dash(in.Name), in.ID, dash(in.Type), in.Region, in.State, hourly, src, volumes(in.Volumes))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Per hour while running:\t%s\n", rep.Estimate.HourlyWhileRunning)
	fmt.Fprintf(tw, "Running now, per hour:\t%s\n", rep.Estimate.HourlyNow)
	since := ""
	if !rep.Estimate.RunSince.IsZero() {
		since = " (since " + rep.Estimate.RunSince.In(now.Location()).Format("Mon 2006-01-02 15:04") + ")"
	}
	fmt.Fprintf(tw, "This run so far:\t%s%s\n", rep.Estimate.RunSoFar, since)
	for _, p := range []struct {
		label string
		p     cost.Period
	}{{"Left up overnight:", rep.Estimate.Overnight}, {"Left up over the weekend:", rep.Estimate.Weekend}} {
		fmt.Fprintf(tw, "%s\t%s (%s, %s)\n", p.label, p.p.Cost, span(cost.Window{From: p.p.From, To: p.p.To}), hours(p.p.Hours))
	}
	fmt.Fprintf(tw, "Per month while stopped:\t%s\n", rep.Estimate.StoppedMonthly)
	if err := tw.Flush(); err != nil {
		return err
	}
	var notes []string
	for _, note := range []string{rep.Estimate.PriceNote, rep.Refresh.Problem, rep.VolumeProblem} {
		if note != "" && !slices.Contains(notes, note) {
			notes = append(notes, note)
			fmt.Fprintf(w, "\nNote: %s\n", note)
		}
	}
	fmt.Fprintln(w, "\nHow these are figured:")
	for _, d := range rep.Estimate.Definitions {
		fmt.Fprintf(w, "  - %s\n", d)
	}
	return nil
}

func volumes(vs []cost.VolumeCost) string {
	if len(vs) == 0 {
		return "-"
	}
	var parts []string
	for _, v := range vs {
		parts = append(parts, fmt.Sprintf("%d GiB %s", v.SizeGiB, v.Type))
	}
	return strings.Join(parts, ", ")
}

func span(w cost.Window) string {
	return w.From.Format("Mon 15:04") + " - " + w.To.Format("Mon 15:04")
}

// age is "3 days old", "5 hours old", "12 minutes old".
func age(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days old", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours old", int(d.Hours()))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes old", int(d.Minutes()))
	}
	return "just fetched"
}

// hours for people: "0.5 h", "15 h", "63 h".
func hours(h float64) string {
	if h < 10 {
		return strconv.FormatFloat(math.Round(h*10)/10, 'f', -1, 64) + " h"
	}
	return fmt.Sprintf("%.0f h", h)
}
