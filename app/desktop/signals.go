package desktop

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// quitOnSignal quits for real on SIGTERM or Ctrl-C. Wails's own handler
// only asks the window to close, which the tray turns into hiding it, so
// without this `kill PID` (or a logout) left the app running.
func (s *shell) quitOnSignal(ctx context.Context) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(sig)
	select {
	case got := <-sig:
		s.log.Info("quitting on a signal", "signal", got.String())
		s.quit()
	case <-ctx.Done():
	}
}
