package desktop

import (
	"context"
	"os"
	"strings"
	"testing"

	"cloudcontrol/internal/rodir"
)

// TestReadOnlyStateFolderIsSaidOnce: the last known state cannot be saved
// (a read-only or full state folder); the window goes on live and says so
// once, not at every refresh.
func TestReadOnlyStateFolderIsSaidOnce(t *testing.T) {
	r := newRig(t, func(r *rig) {
		if err := os.MkdirAll(r.paths.State, 0o700); err != nil {
			t.Fatal(err)
		}
		rodir.Make(t, r.paths.State)
	})
	said := func() []string {
		r.plat.mu.Lock()
		defer r.plat.mu.Unlock()
		var out []string
		for _, n := range r.plat.notes {
			if strings.Contains(n, "last known state") {
				out = append(out, n)
			}
		}
		return out
	}
	r.plat.waitFor(t, "the window says the last known state is not saved", func() bool { return len(said()) > 0 })
	r.stop()
	r.refreshAll(context.Background())
	r.refreshAll(context.Background())
	if got := said(); len(got) != 1 || !strings.Contains(got[0], r.paths.State) || !strings.Contains(got[0], "read-only file system") {
		t.Errorf("notifications %q, want one naming the state folder and why", got)
	}
	if v := find(r.plat.lastEnvs(), "three-tier"); v == nil || !v.Live {
		t.Errorf("three-tier = %+v, want it read live all the same", v)
	}
}
