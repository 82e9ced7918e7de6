// Package cli is the command line: the same binary as the desktop app, run
// with arguments. Every command is a thin printer over backend/control.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"cloudcontrol/app/launch"
	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/orchestrate"
	"cloudcontrol/backend/paths"
	"cloudcontrol/backend/safetext"
)

// Exit codes; scripts rely on them (README "Exit codes").
const (
	ExitOK        = 0
	ExitFailed    = 1 // the operation failed, timed out, or the input is invalid
	ExitUsage     = 2 // the command line itself is wrong
	ExitRefused   = 3 // refused: the environment is busy, or pinned to another account, profile or region
	ExitCancelled = 4 // interrupted (Ctrl-C) before it finished
)

// globals are the flags every command shares.
type globals struct {
	profile, region, endpoint string
	dirs                      []string
	poll                      time.Duration
	stdout, stderr            io.Writer
	stdin                     io.Reader

	ch  *aws.Chain // chain(): built on first use
	con *console   // console(): built on first use
}

// envDirs are the folders named by --dir, else those of the user's folder
// and ./environments that exist: a folder named explicitly must exist, a
// default one need not.
func (g *globals) envDirs(p paths.Dirs) []string {
	if len(g.dirs) > 0 {
		return g.dirs
	}
	var dirs []string
	for _, d := range []string{p.Environments(), "environments"} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// checkDirs refuses a --dir that is not a folder (exit 2).
func (g *globals) checkDirs() error {
	for _, d := range g.dirs {
		st, err := os.Stat(d)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return fail(ExitUsage, fmt.Errorf("--dir %s: no such folder", d))
		case err != nil:
			return fail(ExitUsage, fmt.Errorf("--dir %s: %w", d, err))
		case !st.IsDir():
			return fail(ExitUsage, fmt.Errorf("--dir %s is not a folder; give the folder that holds the environment files", d))
		}
	}
	return nil
}

func (g *globals) service(client string) *control.Service {
	p := paths.Default()
	ao := g.chain().Options
	return control.New(control.Options{
		Dirs:    g.envDirs(p),
		Paths:   p,
		Connect: g.connector(ao), // inaws.go
		// What this command line asked for; an environment's pins must agree.
		Profile: g.profile,
		Region:  g.region,
		Tick:    g.poll,
		Client:  client,
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		History: g.usageHistory(p), // usage history: cost.go
		// The profile list shows the account a profile was last used with.
		OnIdentity: g.chain().IdentityHook(nil),
	})
}

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

func fail(code int, err error) error { return &exitError{code: code, err: err} }

// cancelText is what a command says when it ends: for one cancelled (Ctrl-C,
// SIGTERM; exit 4) the usual words, "COMMAND cancelled; nothing was changed
// (what it was waiting for)", unless it is a run's own account of what the
// cancel left (orchestrate.CancelledError).
func cancelText(cmd *cobra.Command, ee *exitError) string {
	var run *orchestrate.CancelledError
	if ee.code != ExitCancelled || errors.As(ee.err, &run) {
		return ee.err.Error()
	}
	what := "the command"
	if cmd != nil {
		what = strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
	}
	detail := ee.err.Error()
	if strings.Contains(detail, context.Canceled.Error()) {
		return what + " cancelled; nothing was changed" // the rest is the context's own words
	}
	return fmt.Sprintf("%s cancelled; nothing was changed (%s)", what, detail)
}

// NewRoot builds the command tree. open may be nil where no window exists.
// Everything the commands print is escaped for the terminal (termsafe.go).
func NewRoot(open launch.OpenWindow, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	stdout, stderr = safetext.NewWriter(stdout), safetext.NewWriter(stderr)
	g := &globals{stdin: stdin, stdout: stdout, stderr: stderr}
	var win launch.WindowOptions
	root := &cobra.Command{
		Use:   "cloudcontrol",
		Short: "Start and stop AWS test environments in the order their services need",
		Long: "Cloud Control starts and stops AWS test environments stage by stage.\n" +
			"Without a command it opens the desktop app; with one it works headless.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		// A folder named with --dir must be one: a missing one is a usage
		// error, not an environment named after it.
		PersistentPreRunE: func(*cobra.Command, []string) error { return g.checkDirs() },
		RunE: func(cmd *cobra.Command, _ []string) error {
			if open == nil {
				return fail(ExitUsage, errors.New("this build has no desktop window; run a command, e.g. cloudcontrol env list"))
			}
			p := paths.Default()
			win.Dirs, win.DirsGiven, win.Paths, win.AWS = g.envDirs(p), len(g.dirs) > 0, p, g.awsFlags()
			if err := open(cmd.Context(), win); err != nil {
				return fail(ExitFailed, err)
			}
			return nil
		},
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&g.profile, "profile", "", "AWS profile (default: $AWS_PROFILE or the default profile)")
	pf.StringVar(&g.region, "region", "", "AWS region (default: the environment's, $AWS_REGION or the profile's)")
	pf.StringVar(&g.endpoint, "endpoint-url", "", "send every AWS call to this URL (e.g. a sandbox); default $AWS_ENDPOINT_URL")
	pf.StringArrayVar(&g.dirs, "dir", nil, "environment folder (repeatable; default: the user's config folder and ./environments)")
	pf.DurationVar(&g.poll, "poll", time.Second, "how often to poll AWS while waiting")
	root.Flags().BoolVar(&win.Sandbox, "sandbox", false, "open the app on a built-in sandbox instead of AWS")
	root.Flags().StringVar(&win.WorldFile, "world", "", "sandbox world file (with --sandbox; default: the examples' world)")
	root.Flags().Float64Var(&win.SandboxSpeed, "speed", 1, "sandbox speed factor (with --sandbox)")

	root.AddCommand(newEnvCmd(g), newSandboxCmd(g), newProfileCmd(g), newCredentialProcessCmd(g), newReportCmd(g), newHistoryCmd(g),
		newLaunchCmd(g), newLaunchesCmd(g), newTerminateCmd(g)) // launch.go, launches.go
	return root
}

// Main runs the command line and returns the process exit code.
func Main(args []string, open launch.OpenWindow) int {
	ctx, stop := signalContext()
	defer stop()
	root := NewRoot(open, os.Stdin, os.Stdout, os.Stderr)
	root.SetArgs(args)
	return Execute(ctx, root, os.Stderr)
}

// Execute runs root and maps its error to an exit code and a message.
func Execute(ctx context.Context, root *cobra.Command, stderr io.Writer) int {
	stderr = safetext.NewWriter(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(stderr, "cloudcontrol:", cancelText(cmd, ee))
		}
		return ee.code
	}
	// cobra's own errors: unknown command or flag, wrong arguments.
	fmt.Fprintf(stderr, "cloudcontrol: %v\nRun '%s --help' for usage.\n", err, filepath.Base(root.CommandPath()))
	return ExitUsage
}
