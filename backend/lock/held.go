package lock

import (
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// Held says whether anyone holds the lock DIR/NAME now: this process or
// another (the window, the tray, a terminal). The OS cannot be asked about
// a lock without taking one, so Held takes a shared lock for an instant and
// lets it go; Acquire waits such an instant out (probeGrace) rather than say
// busy. A lock file that is not there is not held, unless the whole folder
// is (a read-only or full lock folder, see Acquire).
func Held(dir, name string) bool {
	path := filepath.Join(dir, name+".lock")
	if _, err := os.Stat(path); err == nil && taken(path) {
		return true
	}
	return taken(existingFolder(dir))
}

// taken: someone holds an exclusive lock on path. A file that cannot be
// opened or locked at all says nothing, so it counts as free.
func taken(path string) bool {
	fl := flock.New(path, flock.SetFlag(os.O_RDONLY))
	ok, err := fl.TryRLock()
	if err != nil {
		return false
	}
	if ok {
		_ = fl.Unlock()
	}
	return !ok
}

// How long Acquire keeps trying a lock it found taken, in case the taker
// was only Held looking (for microseconds), and how often.
const (
	probeGrace = 50 * time.Millisecond
	probeStep  = 2 * time.Millisecond
)

// tryLock is fl.TryLock, tried again for probeGrace while it finds the lock
// taken.
func tryLock(fl *flock.Flock) (bool, error) {
	deadline := time.Now().Add(probeGrace)
	for {
		ok, err := fl.TryLock()
		if ok || err != nil || time.Now().After(deadline) {
			return ok, err
		}
		time.Sleep(probeStep)
	}
}
