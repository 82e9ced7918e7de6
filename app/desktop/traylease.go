package desktop

import (
	"time"

	"cloudcontrol/backend/control"
)

// whoLabel adds to an environment's tray label who started it and its
// lease's countdown: "shop — running — alice 2 h ago — lease 1 h 12 min".
// In a lease's last 15 minutes the label says it and a click extends it
// by an hour (besides the notifications' button, for a desktop without
// notification buttons).
func (m *trayMenu) whoLabel(label *trayItem, v EnvView) {
	now := time.Now()
	if m.now != nil {
		now = m.now()
	}
	w := v.Who
	if w.StartedBy != "" && upNow(v) {
		label.Title += " — " + w.StartedByName
		if w.StartedAt != nil {
			label.Title += " " + control.Ago(now.Sub(*w.StartedAt))
		}
	}
	if w.LeaseUntil == nil || !upNow(v) {
		return
	}
	left := w.LeaseUntil.Sub(now)
	switch {
	case left <= 0:
		label.Title += " — lease ended"
	case left <= leaseWarnFirst:
		label.Title += " — lease ends in " + control.Span(left) + ": click to extend 1 hour"
		label.extend = v.Usable
	default:
		label.Title += " — lease " + control.Span(left)
	}
}
