package desktop

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// lockSettle is how long the lock folder must be quiet before its changes
// are read: a lock is taken by writing its holder file atomically (a
// temporary file, then a rename), a burst of events for one change.
const lockSettle = 50 * time.Millisecond

// watchLocks follows the lock folder, where every process that starts or
// stops an environment records itself: a start from a terminal shows as
// busy at once, and its notice goes the moment it ends, not at the next
// refresh. Each change is also read from AWS at once.
func (s *shell) watchLocks(ctx context.Context) {
	dir := s.paths.Locks()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		s.log.Warn("watching the lock folder", "dir", dir, "err", err)
		return
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		s.log.Warn("watching the lock folder", "dir", dir, "err", err)
		return
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		s.log.Warn("watching the lock folder", "dir", dir, "err", err)
		return
	}
	var settle <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if filepath.Ext(ev.Name) == ".json" {
				settle = time.After(lockSettle)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			s.log.Warn("watching the lock folder", "dir", dir, "err", err)
		case <-settle:
			settle = nil
			s.board.setBusy(s.reads().Holder)
			s.board.publish()
			s.refresher.poke()
		}
	}
}
