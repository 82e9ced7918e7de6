// Package desktop is the Wails shell: window lifecycle and the bound
// services. It stays thin; everything it shows comes from backend/control.
package desktop

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"

	"cloudcontrol/app/cli"
	"cloudcontrol/backend/control"
)

// Opener returns the function the command line calls to open the window.
func Opener(assets embed.FS) cli.OpenWindow {
	return func(ctx context.Context, o cli.WindowOptions) error {
		if _, err := fs.Stat(assets, "frontend/dist/index.html"); err != nil && !generatingBindings {
			return errors.New("this binary was built without the user interface; build it with `wails build` (see README)")
		}
		logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
		var sandboxURL string
		if o.Sandbox {
			url, stop, err := startSandbox(ctx, o, logger)
			if err != nil {
				return err
			}
			defer stop()
			sandboxURL = url
			o.AWS.EndpointURL = url
		}
		svc := control.New(control.Options{Dirs: o.Dirs, Paths: o.Paths, AWS: o.AWS, Client: "window", Logger: logger})
		envs := &Environments{svc: svc, sandboxURL: sandboxURL}
		title := "Cloud Control"
		if o.Sandbox {
			title += " (Sandbox)"
		}
		err := wails.Run(&options.App{
			Title:            title,
			Width:            1100,
			Height:           720,
			AssetServer:      &assetserver.Options{Assets: assets},
			BackgroundColour: &options.RGBA{R: 27, G: 38, B: 54, A: 1},
			OnStartup:        envs.startup,
			Bind:             []any{envs},
		})
		if err != nil {
			return fmt.Errorf("opening the window: %w", err)
		}
		return nil
	}
}
