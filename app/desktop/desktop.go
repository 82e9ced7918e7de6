// Package desktop is the Wails shell: window lifecycle and the bound
// services. It stays thin; everything it shows comes from backend/control.
package desktop

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"

	"cloudcontrol/app/launch"
)

// Opener returns the function the command line calls to open the window.
func Opener(assets embed.FS) launch.OpenWindow {
	return func(ctx context.Context, o launch.WindowOptions) error {
		if _, err := fs.Stat(assets, "frontend/dist/index.html"); err != nil && !generatingBindings {
			return errors.New("this binary was built without the user interface; build it with `wails build` (see README)")
		}
		logger, closeLog := openLog(o.Paths.Logs)
		defer closeLog.Close()
		var sandboxURL string
		if o.Sandbox {
			url, stop, err := startSandbox(ctx, o, logger)
			if err != nil {
				return err
			}
			defer stop()
			sandboxURL = url
		}
		app, err := windowApp(ctx, o, sandboxURL, logger)
		if err != nil {
			return fmt.Errorf("opening the window: %w", err)
		}
		app.AssetServer = &assetserver.Options{Assets: assets}
		if ctx.Err() != nil { // a signal during start-up: no window at all
			logger.Info("not opening the window: quitting on a signal", "signal", context.Cause(ctx).Error())
			return nil
		}
		err = wails.Run(app)
		if err != nil {
			return fmt.Errorf("opening the window: %w", err)
		}
		return nil
	}
}
