package desktop

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestListShownIsLoggedOncePerViewWithTheTimeSinceLaunch(t *testing.T) {
	var buf bytes.Buffer
	l := &launchLog{log: slog.New(slog.NewTextHandler(&buf, nil)), now: func() time.Time { return launched.Add(812 * time.Millisecond) }}
	l.shown(map[string]any{"view": "window", "pageMs": 401.7})
	l.shown(map[string]any{"view": "window", "pageMs": 999.0}) // a reload: not a launch
	l.shown(map[string]any{"view": "browser", "pageMs": 350.0})
	l.shown("nonsense")
	l.shown(map[string]any{"view": "<script>", "pageMs": -4.0})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		`msg="environment list on screen" view=window after_launch_ms=812 page_ms=401`,
		`msg="environment list on screen" view=browser after_launch_ms=812 page_ms=350`,
		`msg="environment list on screen" view=unknown after_launch_ms=812 page_ms=0`,
	}
	if len(lines) != len(want) {
		t.Fatalf("logged %d lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i, w := range want {
		if !strings.HasSuffix(lines[i], w) {
			t.Errorf("line %d = %q, want it to end %q", i, lines[i], w)
		}
	}
}
