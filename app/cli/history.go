package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/history"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/paths"
)

// history: who started or stopped what, when, from where, and how it ended
// (the operations the usage history records), and one operation's events.
func newHistoryCmd(g *globals) *cobra.Command {
	var envName, from, to string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "history [show ID]",
		Short: "Who started or stopped which environment, when, from where, and how it ended",
		Long: "Lists the starts and stops recorded in the usage history, newest first: when, the environment,\n" +
			"the action, how it ended (done, failed, cancelled, refused, interrupted, or running), how long it\n" +
			"took, who ran it (the OS user and the AWS identity) and from where (cli, window, tray).\n" +
			"A run still marked running that nobody holds any more (its program crashed or was killed) reads\n" +
			"interrupted? until the environment's next run records it as interrupted.\n" +
			"`history show ID` prints one operation's events, as its run printed them.\n" +
			"--from and --to are dates (YYYY-MM-DD, local time), both included; the default is this month so far.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q, err := reportRange(envName, from, to, time.Now())
			if err != nil {
				return fail(ExitUsage, err)
			}
			store, err := openHistory(cmd, g)
			if err != nil {
				return err
			}
			defer store.Close()
			ops, err := store.Operations(cmd.Context(), q.Env, q.From, q.To)
			if err != nil {
				return fail(ExitFailed, err)
			}
			if asJSON {
				if ops == nil {
					ops = []history.OperationRow{}
				}
				return writeJSON(g.stdout, ops)
			}
			return writeOperations(g.stdout, q, ops)
		},
	}
	rangeFlags(cmd, &envName, &from, &to)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON, one object per operation")

	var showJSON bool
	show := &cobra.Command{
		Use:   "show ID",
		Short: "One operation's events, in order (ID from `cloudcontrol history`)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return fail(ExitUsage, fmt.Errorf("%q is not an operation id; `cloudcontrol history` lists them", args[0]))
			}
			store, err := openHistory(cmd, g)
			if err != nil {
				return err
			}
			defer store.Close()
			row, err := store.Operation(cmd.Context(), id)
			if err != nil {
				return fail(ExitFailed, err)
			}
			events, err := store.Events(cmd.Context(), id)
			if err != nil {
				return fail(ExitFailed, err)
			}
			if showJSON {
				if events == nil {
					events = []op.Event{}
				}
				return writeJSON(g.stdout, struct {
					history.OperationRow
					EventList []op.Event `json:"eventList"`
				}{row, events})
			}
			writeOperation(g.stdout, row, events)
			return nil
		},
	}
	show.Flags().BoolVar(&showJSON, "json", false, "print JSON: the operation and its events")
	cmd.AddCommand(show)
	return cmd
}

func openHistory(cmd *cobra.Command, g *globals) (*history.Store, error) {
	store, err := g.usageHistory(paths.Default()).Store(cmd.Context())
	if err != nil {
		return nil, fail(ExitFailed, err)
	}
	return store, nil
}

func writeOperations(w io.Writer, q history.ReportQuery, ops []history.OperationRow) error {
	scope := "all environments"
	if q.Env != "" {
		scope = q.Env
	}
	fmt.Fprintf(w, "Starts and stops of %s from %s to %s, newest first\n\n", scope, q.From.Format(time.DateOnly), q.To.AddDate(0, 0, -1).Format(time.DateOnly))
	if len(ops) == 0 {
		fmt.Fprintln(w, "None recorded in this range.")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tWHEN\tENV\tACTION\tRESULT\tTOOK\tWHO\tFROM")
	for _, o := range ops {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.ID, o.Started.Local().Format("2006-01-02 15:04"), o.Env, o.Action,
			o.Result, took(o), dash(o.Who), o.Client)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\n`cloudcontrol history show ID` prints an operation's events.")
	return nil
}

// took is how long an operation ran; "-" while it runs (or if its program died).
func took(o history.OperationRow) string {
	if o.Finished.IsZero() {
		return "-"
	}
	return o.Finished.Sub(o.Started).Round(time.Second).String()
}

func writeOperation(w io.Writer, o history.OperationRow, events []op.Event) {
	fmt.Fprintf(w, "%s %s (operation %d): %s\n", o.Action, o.Env, o.ID, o.Result)
	fmt.Fprintf(w, "  started  %s by %s from %s\n", o.Started.Local().Format("2006-01-02 15:04:05"), dash(o.Who), o.Client)
	if !o.Finished.IsZero() {
		fmt.Fprintf(w, "  finished %s, after %s\n", o.Finished.Local().Format("2006-01-02 15:04:05"), took(o))
	}
	if o.Account != "" || o.Region != "" {
		fmt.Fprintf(w, "  acted on account %s in %s\n", dash(o.Account), dash(o.Region))
	}
	if o.Message != "" {
		for _, line := range strings.Split(o.Message, "\n") { // a list of problems is one per line
			fmt.Fprintf(w, "  %s\n", termSafe(line))
		}
	}
	if len(events) == 0 {
		fmt.Fprintln(w, "\nNo events recorded (it never began acting).")
		return
	}
	fmt.Fprintln(w)
	p := newTextPrinter(w) // as `env start` printed it, timed from the run's start
	for _, e := range events {
		e.Elapsed = e.Time.Sub(events[0].Time).Seconds()
		p.Emit(e)
	}
}
