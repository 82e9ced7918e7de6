package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

func newEnvCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "env",
		Short: "List, validate, plan, start, stop and inspect environments",
		Args:  cobra.NoArgs,
		RunE:  groupHelp,
	}
	cmd.AddCommand(newEnvListCmd(g), newEnvValidateCmd(g), newEnvPlanCmd(g),
		newEnvStartCmd(g), newEnvRunCmd(g, op.Stop),
		newEnvStatusCmd(g), newEnvCostCmd(g), newEnvSchemaCmd(g), newEnvExportCmd(g),
		newEnvDeployCmd(g), newEnvLeaseCmd(g))
	return cmd
}

// groupHelp is the RunE of a command that only groups others: bare, it
// prints help; with a word it does not know, cobra.NoArgs makes it a usage
// error (exit 2). Without a RunE cobra prints help and exits 0, so a script
// with a typo such as "env strat" would think it had succeeded.
func groupHelp(cmd *cobra.Command, _ []string) error { return cmd.Help() }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

type envListEntry struct {
	Name        string   `json:"name"`
	File        string   `json:"file"`
	Description string   `json:"description,omitempty"`
	Profile     string   `json:"profile,omitempty"`
	Region      string   `json:"region,omitempty"`
	Stages      []string `json:"stages,omitempty"`
	Valid       bool     `json:"valid"`
	Problems    []string `json:"problems,omitempty"`
	// Read from AWS unless --offline (envlist.go): the state, who has it
	// (startedBy, startedAt, leaseUntil, leaseBy...) and what is deployed.
	State op.State `json:"state,omitempty"`
	control.Who
	Deployed      *control.Deployment `json:"deployed,omitempty"`
	DeployedError string              `json:"deployedError,omitempty"`
	// Error is why AWS could not be read for it.
	Error string `json:"error,omitempty"`
}

func newEnvListCmd(g *globals) *cobra.Command {
	var asJSON, offline bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the environments in the environment folders, with their state, who has them and what is deployed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc := g.service("cli")
			set := svc.Load()
			entries, warnings := listEntries(set)
			for _, w := range warnings {
				fmt.Fprintln(g.stderr, "warning:", termSafe(w))
			}
			if !offline {
				readLive(cmd.Context(), svc, set, entries) // envlist.go
			}
			if asJSON {
				if entries == nil {
					entries = []envListEntry{}
				}
				return writeJSON(g.stdout, entries)
			}
			if len(entries) == 0 {
				fmt.Fprintf(g.stdout, "No environments in %s.\n", strings.Join(g.envDirs(pathsDefault()), ", "))
				return nil
			}
			if !offline {
				printLive(g, entries) // envlist.go
				return nil
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSTAGES\tREGION\tFILE")
			for _, e := range entries {
				if !e.Valid {
					fmt.Fprintf(tw, "%s\tinvalid: %d problem(s)\t\t%s\n", termSafe(e.Name), len(e.Problems), termSafe(e.File))
					continue
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Name, strings.Join(e.Stages, ", "), regionText(e.Region), termSafe(e.File))
			}
			tw.Flush()
			for _, e := range entries {
				for _, p := range e.Problems {
					fmt.Fprintln(g.stderr, termSafe(p))
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&offline, "offline", false, "do not read AWS: only what the files say")
	return cmd
}

// listEntries merges the valid environments and the broken files into one
// list, so a broken file is visible where its environment would be. A
// folder that cannot be read is no environment: it is a warning.
func listEntries(set env.Set) ([]envListEntry, []string) {
	var out []envListEntry
	for _, e := range set.Envs {
		en := envListEntry{Name: e.Name, File: e.File, Description: e.Description, Profile: e.Profile, Region: e.Region, Valid: true}
		for _, s := range e.Stages {
			en.Stages = append(en.Stages, s.Name)
		}
		out = append(out, en)
	}
	byFile := map[string]int{}
	var warnings []string
	for _, p := range set.Problems {
		if p.Pos.Line == 0 { // the folder itself
			warnings = append(warnings, p.Error())
			continue
		}
		i, ok := byFile[p.Pos.File]
		if !ok {
			name := strings.TrimSuffix(filepath.Base(p.Pos.File), filepath.Ext(p.Pos.File))
			out = append(out, envListEntry{Name: name, File: p.Pos.File})
			i = len(out) - 1
			byFile[p.Pos.File] = i
		}
		out[i].Problems = append(out[i].Problems, p.Error())
	}
	return out, warnings
}

func newEnvValidateCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "validate [PATH...]",
		Short: "Check environment files; exit 1 and print FILE:LINE:COL: message for each problem",
		Long: "Check environment files or folders (default: the environment folders).\n" +
			"Exit 0 when every file is valid; else exit 1 with one FILE:LINE:COL: message per problem on stderr.",
		RunE: func(cmd *cobra.Command, args []string) error {
			var problems []env.Problem
			var count int
			var dirs []string
			for _, a := range args {
				// Anything but a folder is read as a file, which reports a
				// missing or unreadable one at FILE:1:1.
				if st, err := os.Stat(a); err == nil && st.IsDir() {
					dirs = append(dirs, a)
					continue
				}
				e, ps := env.LoadFile(a)
				problems = append(problems, ps...)
				if e != nil {
					count++
				}
			}
			if len(args) == 0 {
				dirs = g.envDirs(pathsDefault())
			}
			if len(dirs) > 0 {
				set := env.LoadDirs(dirs)
				count += len(set.Envs)
				problems = append(problems, set.Problems...)
			}
			for _, p := range problems {
				fmt.Fprintln(g.stderr, termSafe(p.Error()))
			}
			if len(problems) > 0 {
				return fail(ExitFailed, fmt.Errorf("%d problem(s) found", len(problems)))
			}
			fmt.Fprintf(g.stdout, "%d environment(s) valid\n", count)
			return nil
		},
	}
}

func newEnvSchemaCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of environment files (for editor completion)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := env.Schema()
			if err != nil {
				return fail(ExitFailed, err)
			}
			_, err = g.stdout.Write(b)
			return err
		},
	}
}

// exitFor maps how a command's operation ended (control.OutcomeOf) to an
// exit code.
func exitFor(ctx context.Context, err error) int {
	switch control.OutcomeOf(ctx, err) {
	case op.OutcomeDone:
		return ExitOK
	case op.OutcomeRefused:
		return ExitRefused
	case op.OutcomeCancelled:
		return ExitCancelled
	}
	return ExitFailed
}
