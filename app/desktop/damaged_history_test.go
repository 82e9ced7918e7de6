package desktop

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/history"
	"cloudcontrol/backend/paths"
)

// TestDamagedHistoryIsNotifiedWhoeverOpensIt: the first to open the
// window's history is a run (the tray's stop, say), not the Reports view;
// the user is told once all the same, naming the kept file, and the
// Reports view's notice says it too.
func TestDamagedHistoryIsNotifiedWhoeverOpensIt(t *testing.T) {
	p := paths.Under(t.TempDir())
	db := filepath.Join(p.Data, history.FileName)
	if err := os.MkdirAll(p.Data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, []byte(strings.Repeat("someone's data, not a database. ", 20)), 0o600); err != nil {
		t.Fatal(err)
	}
	plat := newFakePlatform()
	hist := windowHistory(p, plat, slog.New(slog.DiscardHandler))
	defer hist.Close()
	ctx := context.Background()
	if _, err := hist.Begin(ctx, history.Operation{Env: "shop", Action: "stop", Who: "me", Client: "tray", Started: time.Now()}); err != nil {
		t.Fatal(err)
	}
	kept, _ := filepath.Glob(db + ".corrupt-*")
	if len(kept) != 1 {
		t.Fatalf("kept files %v, want one", kept)
	}
	if len(plat.notes) != 1 || !strings.Contains(plat.notes[0], kept[0]) {
		t.Errorf("notifications %q, want one naming %s", plat.notes, kept[0])
	}
	costs := newCosts(nil, hist, p, nil)
	if n := costs.HistoryNotice(); !strings.Contains(n, kept[0]) {
		t.Errorf("the Reports view's notice %q does not name %s", n, kept[0])
	}
	if _, err := hist.Begin(ctx, history.Operation{Env: "shop", Action: "start", Who: "me", Client: "window", Started: time.Now()}); err != nil || len(plat.notes) != 1 {
		t.Errorf("a second use: %v, %d notifications; want no new one", err, len(plat.notes))
	}
}
