package schedule

import (
	"testing"
	"time"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func mustNew(t *testing.T, expr, tz string) *Schedule {
	t.Helper()
	s, err := New(expr, tz)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNextRuns checks the next runs after an instant against dates worked
// out by hand (2026: 1 August a Saturday, 31 May a Sunday, 31 January a
// Saturday, 30 April a Thursday).
func TestNextRuns(t *testing.T) {
	cases := []struct {
		name, expr, tz, after string
		want                  []string
	}{
		{"weekdays at 8", "cron(0 8 ? * MON-FRI *)", "UTC", "2026-07-03T08:00:00Z", // a Friday, at 8 exactly: strictly after
			[]string{"2026-07-06T08:00:00Z", "2026-07-07T08:00:00Z"}},
		{"every 15 minutes", "cron(0/15 * * * ? *)", "UTC", "2026-07-03T08:07:30Z",
			[]string{"2026-07-03T08:15:00Z", "2026-07-03T08:30:00Z", "2026-07-03T08:45:00Z", "2026-07-03T09:00:00Z"}},
		{"5 to 17 every 5 minutes, Fri to Mon", "cron(0/5 8-17 ? * MON-FRI *)", "UTC", "2026-07-03T17:52:00Z",
			[]string{"2026-07-03T17:55:00Z", "2026-07-06T08:00:00Z"}},
		{"in the zone's time", "cron(0 8 ? * MON-FRI *)", "Europe/Berlin", "2026-07-06T00:00:00Z",
			[]string{"2026-07-06T06:00:00Z", "2026-07-07T06:00:00Z"}},
		{"winter offset", "cron(0 8 ? * MON-FRI *)", "America/New_York", "2026-12-01T00:00:00Z",
			[]string{"2026-12-01T13:00:00Z"}},
		{"first Monday", "cron(0 9 ? * 2#1 *)", "UTC", "2026-07-01T00:00:00Z",
			[]string{"2026-07-06T09:00:00Z", "2026-08-03T09:00:00Z", "2026-09-07T09:00:00Z"}},
		{"fifth Friday only where there is one", "cron(0 9 ? * FRI#5 *)", "UTC", "2026-01-01T00:00:00Z",
			[]string{"2026-01-30T09:00:00Z", "2026-05-29T09:00:00Z"}},
		{"last Friday", "cron(0 0 ? * 6L *)", "UTC", "2026-01-01T00:00:00Z",
			[]string{"2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z"}},
		{"last day", "cron(0 0 L * ? *)", "UTC", "2026-01-31T00:00:00Z",
			[]string{"2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z"}},
		{"two days before the last", "cron(0 0 L-2 * ? *)", "UTC", "2026-02-01T00:00:00Z",
			[]string{"2026-02-26T00:00:00Z", "2026-03-29T00:00:00Z"}},
		{"last weekday (31 January is a Saturday)", "cron(0 0 LW * ? *)", "UTC", "2026-01-01T00:00:00Z",
			[]string{"2026-01-30T00:00:00Z"}},
		{"1W on a Saturday moves to Monday the 3rd", "cron(0 0 1W * ? *)", "UTC", "2026-07-15T00:00:00Z",
			[]string{"2026-08-03T00:00:00Z"}},
		{"31W on the last day, a Sunday, moves back to Friday", "cron(0 0 31W * ? *)", "UTC", "2026-05-01T00:00:00Z",
			[]string{"2026-05-29T00:00:00Z"}},
		{"31W skips months without a 31st", "cron(0 0 31W * ? *)", "UTC", "2026-04-01T00:00:00Z",
			[]string{"2026-05-29T00:00:00Z"}},
		{"Saturday as L", "cron(0 0 ? * L *)", "UTC", "2026-07-01T00:00:00Z",
			[]string{"2026-07-04T00:00:00Z", "2026-07-11T00:00:00Z"}},
		{"29 February", "cron(0 0 29 2 ? *)", "UTC", "2026-01-01T00:00:00Z",
			[]string{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
		{"the year field ends the schedule", "cron(0 12 1 1 ? 2026-2027)", "UTC", "2026-06-01T00:00:00Z",
			[]string{"2027-01-01T12:00:00Z"}},
		{"past the last year", "cron(0 12 ? * MON 2025)", "UTC", "2026-06-01T00:00:00Z", nil},
		{"a one-time schedule, in its zone", "at(2026-12-24T18:00:00)", "Europe/Berlin", "2026-12-01T00:00:00Z",
			[]string{"2026-12-24T17:00:00Z"}},
		{"a one-time schedule that has passed", "at(2026-12-24T18:00:00)", "UTC", "2026-12-24T18:00:00Z", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := mustNew(t, c.expr, c.tz).NextN(utc(c.after), len(c.want)+1)
			if len(c.want) == 0 && len(got) != 0 {
				t.Fatalf("runs %v, want none", got)
			}
			for i, w := range c.want {
				if i >= len(got) || !got[i].Equal(utc(w)) {
					t.Fatalf("runs %v, want %v first", got, c.want)
				}
			}
		})
	}
}

// TestNextAcrossDaylightSaving: EventBridge Scheduler skips a cron run
// whose wall-clock time does not exist (spring forward) and runs a repeated
// wall-clock time once (fall back). Berlin: 29 March 2026 02:00 CET becomes
// 03:00 CEST; 25 October 2026 03:00 CEST becomes 02:00 CET.
func TestNextAcrossDaylightSaving(t *testing.T) {
	daily := mustNew(t, "cron(30 2 * * ? *)", "Europe/Berlin")
	got := daily.NextN(utc("2026-03-28T12:00:00Z"), 2)
	if want := []string{"2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"}; !equalTimes(got, want) {
		t.Errorf("spring forward: %v, want 29 March skipped: %v", got, want)
	}
	got = daily.NextN(utc("2026-10-24T12:00:00Z"), 2)
	if want := []string{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}; !equalTimes(got, want) {
		t.Errorf("fall back: %v, want 02:30 once (CEST) then the next day: %v", got, want)
	}
	if _, off := got[0].Zone(); off != 2*3600 {
		t.Errorf("the run is reported in the schedule's zone: offset %d", off)
	}

	half := mustNew(t, "cron(0/30 * * * ? *)", "Europe/Berlin")
	got = half.NextN(utc("2026-10-25T00:15:00Z"), 3) // 02:15 CEST
	if want := []string{"2026-10-25T00:30:00Z", "2026-10-25T02:00:00Z", "2026-10-25T02:30:00Z"}; !equalTimes(got, want) {
		t.Errorf("every 30 minutes over the repeated hour: %v, want %v", got, want)
	}
	// Asked during the second pass of 02:xx, the repeated times already ran.
	if next := half.Next(utc("2026-10-25T01:10:00Z")); !next.Equal(utc("2026-10-25T02:00:00Z")) {
		t.Errorf("from the second 02:10: %v, want 03:00 CET", next)
	}
	got = half.NextN(utc("2026-03-29T00:40:00Z"), 2) // 01:40 CET; 02:00 and 02:30 do not exist
	if want := []string{"2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"}; !equalTimes(got, want) {
		t.Errorf("every 30 minutes over the skipped hour: %v, want 03:00 and 03:30 CEST: %v", got, want)
	}

	// rate is a fixed duration: one day is 24 hours, so 08:00 becomes 09:00.
	r := mustNew(t, "rate(1 day)", "Europe/Berlin")
	r.Start = utc("2026-03-28T07:00:00Z") // 08:00 CET
	if next := r.Next(utc("2026-03-28T07:00:00Z")); !next.Equal(utc("2026-03-29T07:00:00Z")) || next.Hour() != 9 {
		t.Errorf("rate across spring forward: %v, want 09:00 CEST", next)
	}

	// A one-time schedule at a skipped time runs at the shifted instant;
	// at a repeated time, at the first.
	if next := mustNew(t, "at(2026-03-29T02:30:00)", "Europe/Berlin").Next(utc("2026-03-01T00:00:00Z")); !next.Equal(utc("2026-03-29T01:30:00Z")) {
		t.Errorf("at() in the gap: %v", next)
	}
	if next := mustNew(t, "at(2026-10-25T02:30:00)", "Europe/Berlin").Next(utc("2026-10-01T00:00:00Z")); !next.Equal(utc("2026-10-25T00:30:00Z")) {
		t.Errorf("at() in the repeated hour: %v", next)
	}
}

func TestRateCountsFromStart(t *testing.T) {
	s := mustNew(t, "rate(15 minutes)", "UTC")
	s.Start = utc("2026-07-01T10:05:00Z")
	if got := s.Next(utc("2026-07-01T09:00:00Z")); !got.Equal(s.Start) {
		t.Errorf("before Start: %v, want Start", got)
	}
	if got := s.Next(utc("2026-07-01T10:05:00Z")); !got.Equal(utc("2026-07-01T10:20:00Z")) {
		t.Errorf("at Start: %v", got)
	}
	if got := s.Next(utc("2026-07-01T11:00:00Z")); !got.Equal(utc("2026-07-01T11:05:00Z")) {
		t.Errorf("later: %v", got)
	}
	s.Start = time.Time{}
	if got := s.Next(utc("2026-07-01T11:00:00Z")); !got.Equal(utc("2026-07-01T11:15:00Z")) {
		t.Errorf("without Start it counts from the instant asked about: %v", got)
	}
}

func TestStartAndEndBoundRecurringSchedules(t *testing.T) {
	s := mustNew(t, "cron(0 8 * * ? *)", "UTC")
	s.Start, s.End = utc("2026-07-10T08:00:00Z"), utc("2026-07-12T08:00:00Z")
	got := s.NextN(utc("2026-07-01T00:00:00Z"), 5)
	if want := []string{"2026-07-10T08:00:00Z", "2026-07-11T08:00:00Z", "2026-07-12T08:00:00Z"}; !equalTimes(got, want) {
		t.Errorf("runs %v, want %v", got, want)
	}
	r := mustNew(t, "rate(1 day)", "UTC")
	r.Start, r.End = utc("2026-07-10T08:00:00Z"), utc("2026-07-11T09:00:00Z")
	if got := r.NextN(utc("2026-07-01T00:00:00Z"), 5); len(got) != 2 {
		t.Errorf("rate runs %v, want 2 before End", got)
	}
}

func TestNilScheduleNeverRuns(t *testing.T) {
	var s *Schedule
	if !s.Next(time.Now()).IsZero() {
		t.Error("a nil schedule runs")
	}
}

func equalTimes(got []time.Time, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !got[i].Equal(utc(want[i])) {
			return false
		}
	}
	return true
}
