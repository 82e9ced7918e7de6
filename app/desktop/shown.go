package desktop

import (
	"log/slog"
	"sync"
	"time"
)

// launched is when the program started (package initialisation runs
// within milliseconds of exec), for the launch-time line in the log.
var launched = time.Now()

// EventListShown is what a front end sends once its environment list is
// first on screen (API.md), with a listShown payload.
const EventListShown = "ui:list-shown"

// listShown is that event's payload: the view ("window" for the app's own
// webview, "browser" for wails dev in a browser) and the page's own clock.
type listShown struct {
	View   string  `json:"view"`
	PageMS float64 `json:"pageMs"`
}

// launchLog writes one line per view the first time its list is shown:
// how long from launch, so a slow start is visible in the log.
type launchLog struct {
	log  *slog.Logger
	now  func() time.Time
	mu   sync.Mutex
	seen map[string]bool
}

func (l *launchLog) shown(raw any) {
	p := decodeShown(raw)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	if l.seen[p.View] {
		return
	}
	l.seen[p.View] = true
	l.log.Info("environment list on screen", "view", p.View,
		"after_launch_ms", l.now().Sub(launched).Milliseconds(), "page_ms", int64(p.PageMS))
}

// decodeShown reads the payload as the Wails runtime delivers it (a JSON
// object decoded into a map); anything else is an unknown view.
func decodeShown(raw any) listShown {
	p := listShown{View: "unknown"}
	m, ok := raw.(map[string]any)
	if !ok {
		return p
	}
	if v, ok := m["view"].(string); ok && (v == "window" || v == "browser") {
		p.View = v
	}
	if ms, ok := m["pageMs"].(float64); ok && ms >= 0 {
		p.PageMS = ms
	}
	return p
}
