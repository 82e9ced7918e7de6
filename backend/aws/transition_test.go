package aws

import (
	"testing"
	"time"
)

func TestTransitionTime(t *testing.T) {
	want := time.Date(2026, 11, 22, 7, 0, 5, 0, time.UTC)
	for reason, exp := range map[string]time.Time{
		"User initiated (2026-11-22 07:00:05 GMT)": want,
		"User initiated (2026-11-22 07:00:05 UTC)": want,
		"Server.InternalError":                     {},
		"":                                         {},
		"User initiated (2026-13-22 07:00:05 GMT)": {},
	} {
		if got := transitionTime(reason); !got.Equal(exp) {
			t.Errorf("transitionTime(%q) = %v, want %v", reason, got, exp)
		}
	}
}
