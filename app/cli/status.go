package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/lock"
)

func newEnvStatusCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status NAME",
		Short: "Show every stage and instance of NAME with its live state, and who holds it",
		Long: "Shows NAME's overall state, who started it and its lease (from the instances' tags), what of it is\n" +
			"deployed in AWS (runbooks, schedules and their next runs), then every stage and instance with its live state.\n" +
			"While a start or stop holds NAME (from any window, tray or terminal) the state is starting\n" +
			"or stopping, and who holds it is shown (JSON: \"holder\"), with its stages so far as the usage\n" +
			"history has them (written at every stage boundary; JSON: \"progress\").",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, e, err := g.environment(args[0])
			if err != nil {
				return err
			}
			st, err := svc.StatusWithDeployment(cmd.Context(), e) // what is deployed: inaws.go
			if err != nil {
				return fail(exitFor(cmd.Context(), err), safeError(err))
			}
			if asJSON {
				return writeJSON(g.stdout, st)
			}
			fmt.Fprintf(g.stdout, "%s: %s (account %s, %s)\n", st.Env, st.State, st.Target.Identity.Account, st.Target.Region)
			if st.Holder != nil {
				// Worded as a refusal would be: who, from where, since when.
				fmt.Fprintln(g.stdout, (&lock.BusyError{Name: st.Env, Holder: st.Holder, Now: time.Now()}).Error())
			}
			if p := st.Progress; p != nil {
				var parts []string
				for _, s := range p.Stages {
					parts = append(parts, s.Name+" "+string(s.Status))
				}
				fmt.Fprintf(g.stdout, "%s so far (usage history): %s\n", p.Action, strings.Join(parts, ", "))
			}
			printInAWS(g.stdout, st, time.Now(), time.Local)
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "STAGE\tNAME\tID\tTYPE\tSTATE\tAZ\tPRIVATE IP\tPUBLIC IP")
			for _, s := range st.Stages {
				for _, in := range s.Instances {
					// What AWS says is escaped: a Name tag may hold anything.
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, termSafe(dash(in.Name)), termSafe(in.ID),
						termSafe(dash(in.Type)), termSafe(in.State), termSafe(dash(in.AZ)), termSafe(dash(in.PrivateIP)), termSafe(dash(in.PublicIP)))
				}
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, sh := range st.Shared {
				fmt.Fprintf(g.stdout, "%s is shared with %s\n", termSafe(label(sh.ID, sh.Name)), strings.Join(sh.Envs, ", "))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// label names an instance as the status table does: its Name, then its id.
func label(id, name string) string {
	if name == "" {
		return id
	}
	return name + " (" + id + ")"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
