package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/history"
	"cloudcontrol/backend/paths"
)

// TestDamagedHistoryIsSaidByEveryOpener: whichever command opens a damaged
// history first (a stop, a status, a report), it says so once, naming the
// file the damaged one was kept as; later commands open the new one quietly.
func TestDamagedHistoryIsSaidByEveryOpener(t *testing.T) {
	for _, first := range [][]string{{"env", "stop", "three-tier"}, {"env", "start", "three-tier", "--json"}, {"env", "status", "three-tier"}, {"report"}} {
		t.Run(first[1%len(first)], func(t *testing.T) {
			h := newHarness(t, examplesWorld, 100, examplesDir)
			ctx := timeout(t, 30*time.Second)
			db := filepath.Join(paths.Default().Data, history.FileName)
			if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(db, []byte(strings.Repeat("not a database; someone's data all the same. ", 20)), 0o600); err != nil {
				t.Fatal(err)
			}
			r := h.run(ctx, first...)
			if r.code != ExitOK {
				t.Fatalf("%v: exit %d, %s", first, r.code, r.stderr)
			}
			kept, _ := filepath.Glob(db + ".corrupt-*")
			if len(kept) != 1 {
				t.Fatalf("the damaged history was not kept aside: %v", kept)
			}
			if n := strings.Count(r.stderr, "was damaged"); n != 1 || !strings.Contains(r.stderr, kept[0]) {
				t.Errorf("%v said on stderr (%d times):\n%s\nwant once that the history was damaged, naming %s", first, n, r.stderr, kept[0])
			}
			if strings.Contains(r.stdout, "damaged") {
				t.Errorf("%v put the notice on stdout:\n%s", first, r.stdout)
			}
			if r := h.run(ctx, "history"); r.code != ExitOK || strings.Contains(r.stderr, "damaged") {
				t.Errorf("the next command: exit %d, stderr %q; want the new history opened quietly", r.code, r.stderr)
			}
		})
	}
}
