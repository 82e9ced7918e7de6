package cli

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"cloudcontrol/backend/sandbox"
)

func newSandboxCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "A local, AWS-compatible simulated AWS (EC2, SSM, Scheduler, IAM, ...) for trying and testing environments",
		Args:  cobra.NoArgs,
		RunE:  groupHelp,
	}
	var listen, world string
	var speed float64
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve the sandbox on a loopback address until interrupted",
		Long: "Serve an AWS-compatible endpoint (EC2, STS, the Price List, CloudFormation, Route 53, SSM, EventBridge\n" +
			"Scheduler, IAM) on a loopback address, simulating the instances of the world file with realistic timing.\n" +
			"Point any command at it with --endpoint-url URL or AWS_ENDPOINT_URL. POST /_sandbox/clock {\"advance\": \"2h\"}\n" +
			"moves its time on at once (schedules fire, runbooks run); --speed does not shorten when a schedule fires.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if world == "" {
				return fail(ExitUsage, fmt.Errorf("--world FILE is required (the examples' world is environments/sandbox/world.yaml)"))
			}
			if speed <= 0 {
				return fail(ExitUsage, fmt.Errorf("--speed must be above 0, got %g", speed))
			}
			w, err := sandbox.LoadWorld(world)
			if err != nil {
				return fail(ExitFailed, err)
			}
			log := slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
			srv, err := sandbox.Listen(listen, w, sandbox.Options{Speed: speed, Logger: log})
			if err != nil {
				return fail(ExitFailed, err)
			}
			fmt.Fprintf(g.stdout, "Sandbox listening on %s (account %s, speed x%g)\n", srv.URL, w.Account, speed)
			fmt.Fprintf(g.stdout, "Try: AWS_ENDPOINT_URL=%s AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox cloudcontrol env list\n", srv.URL)
			if err := srv.Serve(cmd.Context()); err != nil {
				return fail(ExitFailed, err)
			}
			return nil
		},
	}
	serve.Flags().StringVar(&listen, "listen", "127.0.0.1:4566", "loopback address to listen on (port 0 picks a free one)")
	serve.Flags().StringVar(&world, "world", "", "world file: the accounts, regions and instances to simulate")
	serve.Flags().Float64Var(&speed, "speed", 1, "run all sandbox timing this many times faster")
	cmd.AddCommand(serve)
	return cmd
}
