package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/op"
)

// newEnvStartCmd is env start with --lease.
func newEnvStartCmd(g *globals) *cobra.Command {
	cmd := newEnvRunCmd(g, op.Start)
	var lease time.Duration
	cmd.Flags().DurationVar(&lease, "lease", 0, "lease it for this long (e.g. 2h, at most 168h): stopped at the end, by AWS when its runbooks are deployed")
	plain := cmd.RunE
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if !cmd.Flags().Changed("lease") {
			return plain(cmd, args)
		}
		if err := control.CheckLease(lease); err != nil {
			return fail(ExitUsage, fmt.Errorf("--lease: %w", err))
		}
		var sink op.Sink = newTextPrinter(g.stdout)
		if asJSON, _ := cmd.Flags().GetBool("json"); asJSON {
			sink = newJSONPrinter(g.stdout)
		}
		if _, err := g.service("cli").Start(cmd.Context(), args[0], control.StartOptions{Lease: lease}, sink); err != nil {
			return fail(exitFor(cmd.Context(), err), safeError(err))
		}
		return nil
	}
	return cmd
}

func newEnvLeaseCmd(g *globals) *cobra.Command {
	var extend time.Duration
	var end, asJSON bool
	var instances []string
	cmd := &cobra.Command{
		Use:   "lease NAME [DURATION | --extend DURATION | --end]",
		Short: "Lease NAME for a while (stopped at the end), extend its lease or end it",
		Long: "Tags NAME's running instances with the lease's end and who set it, so every teammate's Cloud Control\n" +
			"shows it. When NAME's stop runbook is deployed (env deploy), a one-time schedule runs it at the end, with\n" +
			"every laptop closed; otherwise only a running Cloud Control app stops it then, and this says so.\n" +
			"A lease is at most 7 days. Extending someone else's lease is allowed; their name is shown.\n" +
			"With --instance only those instances are leased (as a launch template's ttl leases its new instance):\n" +
			"the environment's lease and its schedule stay, and only a running app stops them, and nothing else, then.",
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := control.LeaseRequest{End: end, Instances: instances}
			if cmd.Flags().Changed("extend") {
				req.Extend = extend
				if extend == 0 {
					return fail(ExitUsage, errors.New("--extend: give how much longer, e.g. --extend 1h"))
				}
			}
			if len(args) == 2 {
				d, err := time.ParseDuration(args[1])
				if err != nil {
					return fail(ExitUsage, fmt.Errorf("%q is not a duration such as 2h or 90m", args[1]))
				}
				req.For = d
				if d == 0 {
					return fail(ExitUsage, errors.New("a lease of 0 is no lease; give how long it is needed, e.g. 2h (or --end)"))
				}
			}
			if err := req.Check(); err != nil {
				return fail(ExitUsage, err)
			}
			svc, e, err := g.environment(args[0])
			if err != nil {
				return err
			}
			var sink op.Sink
			if !asJSON {
				sink = leaseProgress{newTextPrinter(g.stdout)}
			}
			res, err := svc.Lease(cmd.Context(), e, req, sink)
			if err != nil {
				return fail(exitFor(cmd.Context(), err), safeError(err))
			}
			if asJSON {
				return writeJSON(g.stdout, res)
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&extend, "extend", 0, "make the lease this much longer")
	cmd.Flags().BoolVar(&end, "end", false, "end the lease (and its schedule)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the lease as JSON")
	cmd.Flags().StringArrayVar(&instances, "instance", nil, "lease only this instance (an id or a Name; repeatable)")
	cmd.MarkFlagsMutuallyExclusive("extend", "end")
	return cmd
}

// leaseProgress prints a lease's changes and its sentence, not its start.
type leaseProgress struct{ p *textPrinter }

func (l leaseProgress) Emit(e op.Event) {
	if e.Type != op.EventRunStarted {
		l.p.Emit(e)
	}
}
