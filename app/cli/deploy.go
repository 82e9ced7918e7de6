package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/runbook"
)

// errNoTerminal: a deploy that changes something, with no --yes and no
// terminal to ask on (a wrong command line: exit 2).
var errNoTerminal = errors.New("no terminal to confirm on; pass --yes to deploy")

func newEnvDeployCmd(g *globals) *cobra.Command {
	var o control.DeployOptions
	var yes, asJSON bool
	cmd := &cobra.Command{
		Use:   "deploy NAME",
		Short: "Put NAME's runbooks, schedules and roles in AWS, so AWS starts and stops it with no laptop (or --remove them)",
		Long: "Shows what it will create or change in AWS - the roles, the start and stop runbooks (SSM Automation\n" +
			"documents) and their new versions, the schedule group, the schedules with their next runs - then, once\n" +
			"confirmed (on a terminal, or with --yes), makes the changes. A second deploy with nothing changed changes\n" +
			"nothing. --remove deletes what deploys created, and nothing else.\n" +
			"The schedules are the file's schedule: section; --start-at and --stop-at replace its expressions.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, e, err := g.environment(args[0])
			if err != nil {
				return err
			}
			var sink op.Sink = newTextPrinter(g.stdout)
			plans := g.stdout
			if asJSON {
				sink, plans = nil, g.stderr
			}
			confirm := func(p *control.DeployPlan) (bool, error) {
				printDeployPlan(plans, p)
				if yes {
					return true, nil
				}
				if _, ok := g.console().tty(); !ok {
					return false, errNoTerminal
				}
				return g.console().confirm(fmt.Sprintf("Apply these %d change(s) to account %s, %s?", p.Changes, p.Account, p.Region))
			}
			res, err := svc.Deploy(cmd.Context(), e, o, confirm, sink)
			if asJSON {
				if res == nil {
					res = &control.DeployResult{Env: e.Name, Outcome: control.OutcomeOf(cmd.Context(), err), Applied: []string{}, NotApplied: []string{}}
					if err != nil {
						res.Message = err.Error()
					}
				}
				if werr := writeJSON(g.stdout, res); werr != nil {
					return werr
				}
			}
			switch {
			case errors.Is(err, errNoTerminal):
				return fail(ExitUsage, err)
			case err != nil:
				return fail(exitFor(cmd.Context(), err), safeError(err))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.StartAt, "start-at", "", "when AWS starts it: cron(...), rate(...) or at(...) (default: the file's schedule: start)")
	f.StringVar(&o.StopAt, "stop-at", "", "when AWS stops it (default: the file's schedule: stop)")
	f.StringVar(&o.Timezone, "timezone", "", "IANA time zone of the expressions, e.g. Europe/Berlin (default: the file's, else UTC)")
	f.BoolVar(&o.CreateRoles, "create-roles", false, "create the roles CloudControl-NAME-automation and CloudControl-NAME-scheduler with their policies")
	f.StringVar(&o.AutomationRole, "automation-role", "", "ARN of an existing role the runbooks run as")
	f.StringVar(&o.SchedulerRole, "scheduler-role", "", "ARN of an existing role EventBridge Scheduler runs them with")
	f.BoolVar(&o.Remove, "remove", false, "delete what deploys of NAME created (documents, schedules, group, roles it created), nothing else")
	f.BoolVar(&yes, "yes", false, "apply without asking")
	f.BoolVar(&asJSON, "json", false, "print the plan and what was applied as one JSON object (the plan for people goes to stderr)")
	cmd.MarkFlagsMutuallyExclusive("create-roles", "automation-role")
	cmd.MarkFlagsMutuallyExclusive("create-roles", "scheduler-role")
	return cmd
}

// printDeployPlan writes the plan for people; every name and note from
// the file or AWS is escaped for the terminal.
func printDeployPlan(w io.Writer, p *control.DeployPlan) {
	fmt.Fprintln(w, termSafe(capitalFirst(p.Summary())))
	if p.Changes == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	line := func(change control.Change, what, detail string) {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", change, termSafe(what), termSafe(detail))
	}
	if len(p.Roles) > 0 {
		fmt.Fprintln(tw, "Roles:")
		for _, r := range p.Roles {
			detail := map[string]string{"automation": "the runbooks run as it", "scheduler": "the schedules start them with it"}[r.Use]
			if r.Note != "" {
				detail += "; " + r.Note
			}
			line(r.Change, r.Name, detail)
		}
	}
	if len(p.Documents) > 0 {
		fmt.Fprintln(tw, "Runbooks (SSM documents):")
		for _, d := range p.Documents {
			detail := ""
			switch d.Change {
			case control.Create:
				detail = fmt.Sprintf("version 1 (%d bytes)", d.Bytes)
			case control.Update:
				detail = fmt.Sprintf("version %s -> %s: %s", d.Version, d.NewVersion, d.Diff)
			case control.Unchanged:
				detail = "version " + d.Version
			}
			if d.ChangedInAWS {
				detail += "; CHANGED IN AWS since Cloud Control deployed it: deploying overwrites it"
			} else if d.Note != "" {
				detail += "; " + d.Note
			}
			line(d.Change, d.Name, detail)
		}
	}
	fmt.Fprintln(tw, "Schedule group:")
	line(p.Group.Change, p.Group.Name, p.Group.Note)
	if len(p.Schedules) > 0 {
		fmt.Fprintln(tw, "Schedules:")
		for _, s := range p.Schedules {
			detail := s.Expression
			if s.Timezone != "" {
				detail += " in " + s.Timezone
			}
			if s.Describe != "" {
				detail += ": " + s.Describe
			}
			if s.Was != "" {
				detail += " (was " + s.Was + ")"
			}
			if len(s.Next) > 0 {
				runs := make([]string, len(s.Next))
				for i, t := range s.Next {
					runs[i] = t.Format("Mon 2 Jan 15:04 MST")
				}
				detail += "; next: " + strings.Join(runs, ", ")
			}
			if s.Note != "" {
				detail += "; " + s.Note
			}
			line(s.Change, s.Name, detail)
		}
	}
	tw.Flush()
	if t := p.Timing; t != nil {
		fmt.Fprintf(w, "In AWS: start about %s (the app: %s), stop about %s (the app: %s).\n", t.Start.Runbook, t.Start.App, t.Stop.Runbook, t.Stop.App)
	}
	if len(p.Findings) > 0 {
		fmt.Fprintf(w, "As env export says, %d part(s) with a caveat:\n", len(p.Findings))
		for _, f := range p.Findings {
			if f.Outcome != runbook.Translated {
				fmt.Fprintln(w, "  "+termSafe(f.String()))
			}
		}
	}
}

func capitalFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
