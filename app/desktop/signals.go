package desktop

import (
	"context"
	"time"
)

// quitAgain is how long a quit may take before it is asked again.
const quitAgain = 250 * time.Millisecond

// quitOnSignal quits for real once stop is done: the command line's
// context, cancelled by SIGTERM or Ctrl-C from the process's first moment
// (cli.Main), so a signal that came during start-up, before this runs, is
// not lost. Wails's own handler only asks the window to close, which the
// tray turns into hiding it, so without this `kill PID` (or a logout) left
// the app running.
//
// Wails's Quit ends GTK's main loop and does nothing when that loop does
// not run yet (a signal during start-up), so the quit is asked again each
// time again fires until gone is closed (the app shut down).
func (s *shell) quitOnSignal(stop context.Context, gone <-chan struct{}, again func() <-chan time.Time) {
	select {
	case <-stop.Done():
	case <-gone:
		return
	}
	s.log.Info("quitting on a signal", "signal", context.Cause(stop).Error())
	for {
		s.quit()
		select {
		case <-gone:
			return
		case <-again():
		}
	}
}
