package aws

import (
	"regexp"
	"time"
)

// transitionPattern finds the time in EC2's StateTransitionReason, e.g.
// "User initiated (2026-11-22 07:00:00 GMT)". EC2 writes GMT; UTC is
// accepted too.
var transitionPattern = regexp.MustCompile(`\((\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (?:GMT|UTC)\)`)

// transitionTime returns the time a StateTransitionReason names, or zero.
// It is how starts and stops made outside the app (console, scripts,
// schedules) still end up in the usage history with their real times.
func transitionTime(reason string) time.Time {
	m := transitionPattern.FindStringSubmatch(reason)
	if m == nil {
		return time.Time{}
	}
	t, err := time.ParseInLocation(time.DateTime, m[1], time.UTC)
	if err != nil {
		return time.Time{}
	}
	return t
}
