package schedule

import "time"

// maxSkips bounds how many matching wall-clock times next passes over
// because they do not exist or ran already (a DST change covers at most an
// hour or two of them); the bound only guards against a runaway loop.
const maxSkips = 10_000

// next returns the first run strictly after after, in loc, or zero. It
// walks matching wall-clock times in order and maps each to the instant it
// first happens; a time the clock skips does not run, and one the clock
// repeats runs once (a match before after was the first pass).
func (c *cronSpec) next(after time.Time, loc *time.Location) time.Time {
	l := after.In(loc)
	w := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC).Add(time.Minute)
	for range maxSkips {
		wall, ok := c.nextWall(w)
		if !ok {
			return time.Time{}
		}
		if t := wallToInstant(wall, loc, false); !t.IsZero() && t.After(after) {
			return t
		}
		w = wall.Add(time.Minute)
	}
	return time.Time{}
}

// nextWall returns the first matching wall-clock time at or after w (a
// wall-clock time held as UTC).
func (c *cronSpec) nextWall(w time.Time) (time.Time, bool) {
	if w.Year() < minYear {
		w = time.Date(minYear, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	y, mo, d := w.Date()
	h, mi := w.Hour(), w.Minute()
	// Each loop's post statement moves on and resets the finer fields, so a
	// continue or a finished inner loop starts the next value from its beginning.
	for ; y <= maxYear; y, mo, d, h, mi = y+1, 1, 1, 0, 0 {
		if !c.yearSet(y) {
			continue
		}
		for ; mo <= 12; mo, d, h, mi = mo+1, 1, 0, 0 {
			if c.months&(1<<mo) == 0 {
				continue
			}
			last := daysIn(y, mo)
			for ; d <= last; d, h, mi = d+1, 0, 0 {
				if !c.dayMatch(y, mo, d, last) {
					continue
				}
				for ; h <= 23; h, mi = h+1, 0 {
					if c.hours&(1<<h) == 0 {
						continue
					}
					if m := firstFrom(c.minutes, mi); m >= 0 {
						return time.Date(y, mo, d, h, m, 0, 0, time.UTC), true
					}
				}
			}
		}
	}
	return time.Time{}, false
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dayMatch applies whichever of day-of-month and day-of-week is not ?.
func (c *cronSpec) dayMatch(y int, mo time.Month, d, last int) bool {
	if c.dowAny {
		switch {
		case c.domLast:
			return d == last-c.domLastOff
		case c.domLastWD:
			return d == nearestWeekday(y, mo, last, last)
		case c.domNearest > 0:
			return d == nearestWeekday(y, mo, c.domNearest, last)
		}
		return c.dom&(1<<d) != 0
	}
	wd := int(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).Weekday()) + 1 // AWS: 1 is Sunday
	switch {
	case c.dowLast > 0:
		return wd == c.dowLast && d+7 > last
	case c.dowNth > 0:
		return wd == c.dowNth && (d-1)/7+1 == c.dowNthK
	}
	return c.dow&(1<<wd) != 0
}

// nearestWeekday is the Monday-to-Friday day closest to day n of the month,
// never crossing into another month (Quartz's W, which AWS follows); 0 when
// the month has no day n.
func nearestWeekday(y int, mo time.Month, n, last int) int {
	if n > last {
		return 0
	}
	switch time.Date(y, mo, n, 0, 0, 0, 0, time.UTC).Weekday() {
	case time.Saturday:
		if n == 1 {
			return 3
		}
		return n - 1
	case time.Sunday:
		if n == last {
			return n - 2
		}
		return n + 1
	}
	return n
}

// wallToInstant returns the earliest instant at which loc's clock shows the
// wall-clock time w (held as UTC). For a time the clock skips it returns
// zero, or with shift the instant Go's time.Date picks (the wall time
// shifted by the gap), which is what a one-time at() schedule gets.
func wallToInstant(w time.Time, loc *time.Location, shift bool) time.Time {
	u := w.Unix()
	var best time.Time
	seen := map[int]bool{}
	// Offsets in force within a day either side cover every mapping.
	for _, probe := range []int64{u - 26*3600, u - 13*3600, u, u + 13*3600, u + 26*3600} {
		_, off := time.Unix(probe, 0).In(loc).Zone()
		if seen[off] {
			continue
		}
		seen[off] = true
		t := time.Unix(u-int64(off), 0).In(loc)
		y, mo, d := t.Date()
		if y == w.Year() && mo == w.Month() && d == w.Day() && t.Hour() == w.Hour() && t.Minute() == w.Minute() && t.Second() == w.Second() {
			if best.IsZero() || t.Before(best) {
				best = t
			}
		}
	}
	if best.IsZero() && shift {
		return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, loc)
	}
	return best
}
