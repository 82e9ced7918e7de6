package desktop

import (
	"encoding/json"
	"maps"
	"sync"

	"cloudcontrol/backend/atomicfile"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/userfile"
)

// stateCache is the last known state of every environment, kept in the
// state folder so the window shows something true-ish at once on launch,
// before AWS answers.
type stateCache struct {
	path   string
	mu     sync.Mutex
	last   []byte
	failed bool // the last save failed (and was said)
}

// maxStateCache bounds what is read of the cache (16 MiB, some fifty
// thousand instances): a stray file there (a named pipe, /dev/zero behind
// a link) is not read at all.
const maxStateCache = 16 << 20

// load returns the cached states by environment name; a missing, damaged
// or stray cache is simply empty (it is only a head start).
func (c *stateCache) load() map[string]*control.Status {
	out := map[string]*control.Status{}
	b, err := userfile.Read(c.path, maxStateCache)
	if err != nil || json.Unmarshal(b, &out) != nil {
		return map[string]*control.Status{}
	}
	return out
}

// save writes the states when they changed.
func (c *stateCache) save(states map[string]*control.Status) error {
	b, err := json.Marshal(states)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if string(b) == string(c.last) {
		return nil
	}
	if err := atomicfile.WriteJSON(c.path, maps.Clone(states), 0o600); err != nil {
		return err
	}
	c.last, c.failed = b, false
	return nil
}

// firstFailure reports whether a failed save is the first since the last
// good one: a read-only or full state folder is said once, not at every
// refresh.
func (c *stateCache) firstFailure() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	first := !c.failed
	c.failed = true
	return first
}
