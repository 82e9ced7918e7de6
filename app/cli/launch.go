package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/launch"
	"cloudcontrol/backend/op"
)

func newLaunchCmd(g *globals) *cobra.Command {
	var (
		req    control.LaunchRequest
		tokens []string
		yes    bool
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "launch ENV TEMPLATE",
		Short: "Launch a new instance from one of ENV's templates, following it until it is ready",
		Long: "Shows the preview (account and region, stack, AMI, type, volume, tags, DNS name, price, lease), then,\n" +
			"confirmed on a terminal (elsewhere only with --yes), creates the stack and follows it until the instance\n" +
			"runs and its script has finished. A launch that fails, times out or is cancelled (Ctrl-C) is deleted\n" +
			"before the command ends. Exit 0 when ready, 1 when it failed, 2 for a wrong command line, 3 when refused,\n" +
			"4 when cancelled.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			req.Template = args[1]
			var err error
			if req.Tokens, err = parseTokens(tokens); err != nil {
				return fail(ExitUsage, err)
			}
			svc := g.service("cli")
			// A launch that never begins still tells a script why: one run-refused line.
			refused := func(err error) error {
				if asJSON {
					newJSONPrinter(g.stdout).Emit(op.Event{Time: time.Now(), Env: args[0], Action: op.Launch, Type: op.EventRunRefused, Message: err.Error()})
				}
				return fail(exitFor(ctx, err), safeError(err))
			}
			e, err := svc.Environment(args[0])
			if err != nil {
				return refused(err)
			}
			preview, err := svc.LaunchPreview(ctx, e, req)
			if err != nil {
				return refused(err)
			}
			var sink op.Sink = newTextPrinter(g.stdout)
			if asJSON {
				jp := newJSONPrinter(g.stdout)
				jp.write(previewLine{Event: op.Event{Time: time.Now(), Env: e.Name, Action: op.Launch, Type: op.EventLaunchPreview,
					Message: preview.Summary()}, Preview: preview})
				sink = jp
			} else {
				writePreview(g.stdout, preview)
			}
			if ok, err := g.confirmed(yes, fmt.Sprintf("Launch %s into %s?", names(preview), e.Name), "launched"); !ok {
				return err
			}
			req.IDs = preview.IDs() // what is launched carries the ids just shown
			if _, err := svc.Launch(ctx, e, req, sink); err != nil {
				return fail(exitFor(ctx, err), safeError(err))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.Type, "type", "", "instance type (default: the template's first)")
	f.StringVar(&req.Name, "name", "", "the instance's Name (default: TEMPLATE-N, the first N free)")
	f.StringArrayVar(&tokens, "token", nil, "replace {{{K}}} in the script with V (repeatable)")
	f.IntVar(&req.Count, "count", 1, fmt.Sprintf("how many instances (1 to %d; with --name they are NAME-1, NAME-2, ...)", launch.MaxCount))
	f.BoolVar(&yes, "yes", false, "launch without asking (needed where there is no terminal)")
	f.BoolVar(&asJSON, "json", false, "print the preview and one JSON event per line")
	cmd.AddCommand(newLaunchPolicyCmd(g))
	return cmd
}

func newLaunchPolicyCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "policy",
		Short: "Print the IAM policy the instance profile of launched instances needs (boot progress, the stack signal)",
		Long: "Prints the IAM policy for the instance profile of launched instances: ec2:CreateTags on the instance\n" +
			"itself only (aws:ARN equals ${ec2:SourceInstanceARN}) and of the cloudcontrol:progress tag only\n" +
			"(aws:TagKeys), and cloudformation:SignalResource on Cloud Control's stacks (cc-*), which the signal\n" +
			"needs where aws-cfn-bootstrap is not installed (Amazon Linux 2023).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(g.stdout, launch.InstancePolicy())
			return err
		},
	}
}

// parseTokens reads --token K=V values.
func parseTokens(flags []string) (map[string]string, error) {
	if len(flags) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, f := range flags {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--token %q must be NAME=VALUE", f)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("--token %s is given twice", k)
		}
		out[k] = v
	}
	return out, nil
}

// names lists the instances a preview launches.
func names(p *launch.Preview) string {
	out := make([]string, len(p.Instances))
	for i, in := range p.Instances {
		out[i] = in.Name
	}
	return termSafe(strings.Join(out, ", ") + " (" + p.Type + ")")
}

// confirmed asks question on the terminal unless yes. Declined, it says
// nothing was done (nothing WHAT) and reports false with no error; without
// a terminal it is a usage error (exit 2).
func (g *globals) confirmed(yes bool, question, what string) (bool, error) {
	if yes {
		return true, nil
	}
	ok, err := g.console().confirm(question)
	if err != nil {
		return false, fail(ExitUsage, fmt.Errorf("nothing %s: %w", what, err))
	}
	if !ok {
		fmt.Fprintf(g.stderr, "Nothing %s.\n", what)
	}
	return ok, nil
}
