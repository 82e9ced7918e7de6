package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/launch"
	"cloudcontrol/backend/op"
)

func newLaunchesCmd(g *globals) *cobra.Command {
	var envName string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "launches",
		Short: "List every stack Cloud Control launched in the account and region, flagging leftovers",
		Long: "Lists every stack Cloud Control launched in the account and region (with --env: that environment's,\n" +
			"in its account and region): stack, status, instance, state, boot progress, age, hourly price.\n" +
			"A failed, rolled-back or instance-less stack, or one whose launch was interrupted on this machine,\n" +
			"is a leftover: cloudcontrol launches clean deletes them.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc := g.service("cli")
			e, err := optionalEnv(svc, envName)
			if err != nil {
				return fail(exitFor(cmd.Context(), err), safeError(err))
			}
			list, err := svc.Launches(cmd.Context(), e)
			if err != nil {
				return fail(exitFor(cmd.Context(), err), safeError(err))
			}
			if asJSON {
				enc := json.NewEncoder(g.stdout)
				for _, x := range list.Launches {
					if err := enc.Encode(x); err != nil {
						return err
					}
				}
				return nil
			}
			writeLaunches(g, list)
			return nil
		},
	}
	cmd.Flags().StringVar(&envName, "env", "", "only this environment's launches (in its account and region)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per launch per line")
	cmd.AddCommand(newLaunchesCleanCmd(g))
	return cmd
}

func newLaunchesCleanCmd(g *globals) *cobra.Command {
	var envName string
	var yes, asJSON bool
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Delete the leftover stacks (failed, rolled back, instance-less, interrupted), wait, report what remains",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			svc := g.service("cli")
			e, err := optionalEnv(svc, envName)
			if err != nil {
				return fail(exitFor(ctx, err), safeError(err))
			}
			list, err := svc.Launches(ctx, e)
			if err != nil {
				return fail(exitFor(ctx, err), safeError(err))
			}
			left := launch.Leftovers(list.Launches)
			if len(left) == 0 {
				if !asJSON {
					fmt.Fprintln(g.stdout, termSafe(fmt.Sprintf("No leftovers in account %s, %s.", list.Target.Identity.Account, list.Target.Region)))
				}
				return nil
			}
			var sink op.Sink = newTextPrinter(g.stdout)
			if asJSON {
				sink = newJSONPrinter(g.stdout)
			} else {
				fmt.Fprintf(g.stdout, "%d leftover(s):\n", len(left))
				for _, x := range left {
					fmt.Fprintln(g.stdout, termSafe(fmt.Sprintf("  %s (%s, %s): %s", x.Stack, x.Env, x.Status, x.Why)))
				}
			}
			if ok, err := g.confirmed(yes, fmt.Sprintf("Delete %d leftover stack(s) and what they hold?", len(left)), "deleted"); !ok {
				return err
			}
			if _, err := svc.CleanUp(ctx, e, sink); err != nil {
				return fail(exitFor(ctx, err), safeError(err))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&envName, "env", "", "only this environment's leftovers")
	cmd.Flags().BoolVar(&yes, "yes", false, "delete without asking (needed where there is no terminal)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON event per line")
	return cmd
}

func newTerminateCmd(g *globals) *cobra.Command {
	var yes, asJSON bool
	cmd := &cobra.Command{
		Use:   "terminate ENV INSTANCE",
		Short: "Terminate an instance Cloud Control launched into ENV: its DNS record, then its stack",
		Long: "INSTANCE is an instance id or Name. Deletes its DNS record (when it points at it), then its stack,\n" +
			"and waits for DELETE_COMPLETE. An instance Cloud Control did not launch is refused (exit 1), nothing done.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			svc := g.service("cli")
			e, err := svc.Environment(args[0])
			if err != nil {
				return fail(exitFor(ctx, err), safeError(err))
			}
			if !yes {
				tg, err := svc.TerminateTarget(ctx, e, args[1])
				if err != nil {
					return fail(exitFor(ctx, err), safeError(err))
				}
				in := tg.Instance
				if ok, err := g.confirmed(false, termSafe(fmt.Sprintf("Terminate %s of %s? Its stack %s is deleted, with its volumes%s.",
					op.Label(in.ID, in.Name), e.Name, tg.Stack.Name, dnsClause(in.DNSName))), "terminated"); !ok {
					return err
				}
			}
			var sink op.Sink = newTextPrinter(g.stdout)
			if asJSON {
				sink = newJSONPrinter(g.stdout)
			}
			if err := svc.Terminate(ctx, e, args[1], sink); err != nil {
				return fail(exitFor(ctx, err), safeError(err))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "terminate without asking (needed where there is no terminal)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON event per line")
	return cmd
}

func dnsClause(name string) string {
	if name == "" {
		return ""
	}
	return " and its DNS record " + name
}

// optionalEnv is the named environment, or nil for "every one".
func optionalEnv(svc *control.Service, name string) (*env.Environment, error) {
	if name == "" {
		return nil, nil
	}
	return svc.Environment(name)
}

func writeLaunches(g *globals, list *control.LaunchList) {
	where := fmt.Sprintf("account %s, %s", list.Target.Identity.Account, list.Target.Region)
	if len(list.Launches) == 0 {
		fmt.Fprintln(g.stdout, termSafe("No launches in "+where+"."))
		return
	}
	fmt.Fprintln(g.stdout, termSafe(fmt.Sprintf("%d launch(es) in %s, %d leftover(s):", len(list.Launches), where, list.Leftovers)))
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STACK\tENV\tSTATUS\tINSTANCE\tSTATE\tPROGRESS\tAGE\t$/HOUR\tLEFTOVER")
	now := time.Now()
	for _, x := range list.Launches {
		progress := "-"
		if p := x.Progress; p != nil {
			progress = strings.TrimSpace(fmt.Sprintf("%d%% %s", p.Percent, p.Message))
		}
		inst := "-"
		if x.Instance != "" {
			inst = op.Label(x.Instance, x.Name)
		}
		price := "-"
		if x.Instance != "" {
			price = strings.TrimSuffix(strings.TrimPrefix(quote(x.Hourly), "$"), "/hour")
		}
		lo := ""
		if x.Leftover {
			lo = "leftover: " + x.Why
		}
		cells := []string{x.Stack, x.Env, x.Status, inst, dash(x.State), progress, shortAge(now.Sub(x.Created)), price, lo}
		for i := range cells {
			cells[i] = termSafe(cells[i])
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	_ = tw.Flush()
}

// shortAge is a duration for a table: 45s, 12m, 3h, 2d.
func shortAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
