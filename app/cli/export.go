package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/atomicfile"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/runbook"
)

// exportFile is one file env export wrote (or would have written).
type exportFile struct {
	Path string `json:"path"`
	// Kind is start-runbook, stop-runbook, automation-policy or scheduler-policy.
	Kind string `json:"kind"`
	// Name is the document's or the role's name in AWS.
	Name  string `json:"name"`
	Bytes int    `json:"bytes"`
}

// exportReport is what env export --json prints.
type exportReport struct {
	Env      string            `json:"env"`
	Exported bool              `json:"exported"`
	Files    []exportFile      `json:"files"`
	Findings []runbook.Finding `json:"findings"`
	Refused  []runbook.Finding `json:"refused,omitempty"`
	Timing   struct {
		Start runbook.Timing `json:"start"`
		Stop  runbook.Timing `json:"stop"`
	} `json:"timing"`
}

func newEnvExportCmd(g *globals) *cobra.Command {
	var out string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "export NAME",
		Short: "Write NAME's start and stop SSM Automation runbooks and their two IAM policies (no AWS call)",
		Long: "Writes NAME.start.ssm.yaml and NAME.stop.ssm.yaml (SSM Automation runbooks that do what env start\n" +
			"and env stop do), NAME.automation-policy.json and NAME.scheduler-policy.json (least-privilege IAM\n" +
			"policies for the roles that run them) into --out (default: the current folder).\n" +
			"Says how each gate and selector is expressed; when one cannot be, writes nothing and exits 1.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc := control.New(control.Options{Dirs: g.envDirs(pathsDefault())})
			e, err := svc.Environment(args[0])
			if err != nil {
				return fail(ExitFailed, safeError(err))
			}
			o := runbook.Options{}
			if e.Region == "" {
				o.Region = g.region
			}
			x, buildErr := runbook.Build(e, o)
			var refused *runbook.RefusedError
			if buildErr != nil && !errors.As(buildErr, &refused) {
				return fail(ExitFailed, buildErr)
			}
			rep := exportReport{Env: e.Name, Files: []exportFile{}, Findings: x.Findings, Refused: x.Refused()}
			rep.Timing.Start, rep.Timing.Stop = x.StartTiming, x.StopTiming
			files := []struct {
				kind, name, suffix string
				data               []byte
			}{
				{"start-runbook", runbook.StartDocumentName(e.Name), ".start.ssm.yaml", x.Start},
				{"stop-runbook", runbook.StopDocumentName(e.Name), ".stop.ssm.yaml", x.Stop},
				{"automation-policy", runbook.AutomationRoleName(e.Name), ".automation-policy.json", x.AutomationPolicy},
				{"scheduler-policy", runbook.SchedulerRoleName(e.Name), ".scheduler-policy.json", x.SchedulerPolicy},
			}
			if refused == nil {
				if err := os.MkdirAll(out, 0o755); err != nil {
					return fail(ExitFailed, safeError(fmt.Errorf("cannot create the folder %s: %w", out, err)))
				}
				for _, f := range files {
					path := filepath.Join(out, e.Name+f.suffix)
					if err := atomicfile.Write(path, f.data, 0o644); err != nil {
						return fail(ExitFailed, safeError(err))
					}
					rep.Files = append(rep.Files, exportFile{Path: path, Kind: f.kind, Name: f.name, Bytes: len(f.data)})
				}
				rep.Exported = true
			}
			if asJSON {
				if err := writeJSON(g.stdout, rep); err != nil {
					return err
				}
			} else {
				printExport(g, rep, out)
			}
			if refused != nil {
				return fail(ExitFailed, safeError(refused))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", ".", "folder to write the four files into (created when missing)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print what was written and how each gate and selector is expressed, as JSON")
	return cmd
}

// printExport says what was written, the expected times, and every
// caveat; refusals come with the error on stderr.
func printExport(g *globals, rep exportReport, out string) {
	if !rep.Exported {
		return
	}
	fmt.Fprintf(g.stdout, "Exported %s into %s:\n", termSafe(rep.Env), termSafe(out))
	for _, f := range rep.Files {
		what := "runbook " + f.Name
		if strings.HasSuffix(f.Kind, "policy") {
			what = "policy for the role " + f.Name
		}
		fmt.Fprintf(g.stdout, "  %s  (%s, %d bytes)\n", termSafe(f.Path), termSafe(what), f.Bytes)
	}
	fmt.Fprintf(g.stdout, "Expected in AWS: start about %s (the app: %s), stop about %s (the app: %s).\n",
		rep.Timing.Start.Runbook, rep.Timing.Start.App, rep.Timing.Stop.Runbook, rep.Timing.Stop.App)
	translated := 0
	var caveats []string
	for _, f := range rep.Findings {
		if f.Outcome == runbook.Translated {
			translated++
			continue
		}
		caveats = append(caveats, f.String())
	}
	fmt.Fprintf(g.stdout, "%d part(s) translated as they are; %d with a caveat:\n", translated, len(caveats))
	for _, c := range caveats {
		fmt.Fprintln(g.stdout, "  "+termSafe(c))
	}
}
