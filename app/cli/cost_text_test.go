package cli

import "testing"

func TestHoursReadForPeople(t *testing.T) {
	for h, want := range map[float64]string{0.5148: "0.5 h", 15: "15 h", 62.99: "63 h", 9.96: "10 h", 1: "1 h"} {
		if got := hours(h); got != want {
			t.Errorf("hours(%v) = %q, want %q", h, got, want)
		}
	}
}
