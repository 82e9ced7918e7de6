package schedule

import (
	"fmt"
	"strconv"
	"strings"
)

var (
	weekdayNames = []string{"", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	monthNames   = []string{"", "January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"}
	ordinals = []string{"", "first", "second", "third", "fourth", "fifth"}
)

// few is how many times or days are spelt out before the field's own text
// is quoted instead.
const few = 6

// Describe says in words when the expression runs, without its time zone:
// "at 08:00 on Monday to Friday", "every 15 minutes", "every 2 hours",
// "once, on 2026-12-24 at 18:00:00".
func (e *Expression) Describe() string {
	switch e.kind {
	case Rate:
		if e.n == 1 {
			return "every " + e.unit
		}
		return fmt.Sprintf("every %d %ss", e.n, e.unit)
	case At:
		return "once, on " + e.wallTime.Format("2006-01-02") + " at " + e.wallTime.Format("15:04:05")
	}
	return e.cron.describe()
}

func (c *cronSpec) describe() string {
	when := c.describeTime()
	day := c.describeDay()
	if day != "every day" || !strings.HasPrefix(when, "every") {
		when += " " + day
	}
	if months := values(c.months, 1, 12); len(months) < 12 {
		when += " in " + spans(months, func(v int) string { return monthNames[v] })
	}
	var years []int
	for y := minYear; y <= maxYear; y++ {
		if c.yearSet(y) {
			years = append(years, y)
		}
	}
	if len(years) < maxYear-minYear+1 {
		if len(years) <= few || len(spanList(years)) <= 2 {
			when += " in " + spans(years, strconv.Itoa)
		} else {
			when += " in the years " + c.text[fYear]
		}
	}
	return when
}

func (c *cronSpec) describeTime() string {
	mins, hrs := values(c.minutes, 0, 59), values(c.hours, 0, 23)
	clock := func(h, m int) string { return fmt.Sprintf("%02d:%02d", h, m) }
	switch {
	case len(mins)*len(hrs) <= few:
		var times []string
		for _, h := range hrs {
			for _, m := range mins {
				times = append(times, clock(h, m))
			}
		}
		return "at " + words(times)
	case len(mins) == 1:
		at := fmt.Sprintf("at minute %d", mins[0])
		if mins[0] == 0 {
			at = "on the hour"
		}
		if len(hrs) == 24 {
			return "every hour " + at
		}
		if step, from := progression(hrs, 23); step > 1 && from == 0 {
			return fmt.Sprintf("every %d hours %s", step, at)
		}
		return at + " " + hoursText(hrs, c.text[fHours])
	}
	var every string
	switch step, from := progression(mins, 59); {
	case len(mins) == 60:
		every = "every minute"
	case step > 1 && from == 0:
		every = fmt.Sprintf("every %d minutes", step)
	case step > 1:
		every = fmt.Sprintf("every %d minutes from minute %d", step, from)
	default:
		every = "at minutes " + c.text[fMinutes]
	}
	if len(hrs) == 24 {
		return every
	}
	return every + " " + hoursText(hrs, c.text[fHours])
}

// hoursText qualifies minutes by the hours they run in.
func hoursText(hrs []int, text string) string {
	if runs := spanList(hrs); len(runs) == 1 {
		return fmt.Sprintf("from %02d:00 to %02d:59", runs[0][0], runs[0][1])
	}
	if len(hrs) <= few {
		hs := make([]string, len(hrs))
		for i, h := range hrs {
			hs[i] = fmt.Sprintf("%02d:00", h)
		}
		return "in the hours starting " + words(hs)
	}
	return "in the hours " + text
}

func (c *cronSpec) describeDay() string {
	if c.dowAny {
		switch {
		case c.domLast && c.domLastOff == 0:
			return "on the last day of the month"
		case c.domLast:
			return fmt.Sprintf("%d day(s) before the last day of the month", c.domLastOff)
		case c.domLastWD:
			return "on the last weekday of the month"
		case c.domNearest > 0:
			return fmt.Sprintf("on the weekday nearest day %d of the month", c.domNearest)
		}
		days := values(c.dom, 1, 31)
		switch {
		case len(days) == 31:
			return "every day"
		case len(days) == 1:
			return fmt.Sprintf("on day %d of the month", days[0])
		case len(spanList(days)) <= 3 || len(days) <= few:
			return "on days " + spans(days, strconv.Itoa) + " of the month"
		}
		return "on days " + c.text[fDOM] + " of the month"
	}
	switch {
	case c.dowLast > 0:
		return "on the last " + weekdayNames[c.dowLast] + " of the month"
	case c.dowNth > 0:
		return "on the " + ordinals[c.dowNthK] + " " + weekdayNames[c.dowNth] + " of the month"
	}
	days := values(c.dow, 1, 7)
	if len(days) == 7 {
		return "every day"
	}
	return "on " + spans(days, func(v int) string { return weekdayNames[v] })
}

// values lists the members of set between lo and hi.
func values(set uint64, lo, hi int) []int {
	var out []int
	for v := lo; v <= hi; v++ {
		if set&(1<<v) != 0 {
			out = append(out, v)
		}
	}
	return out
}

// progression reports the step and start of vs when they are every step-th
// value from the first to the end of the field (last is the field's top).
func progression(vs []int, last int) (step, from int) {
	if len(vs) < 2 {
		return 0, 0
	}
	step = vs[1] - vs[0]
	for i := 2; i < len(vs); i++ {
		if vs[i]-vs[i-1] != step {
			return 0, 0
		}
	}
	if vs[len(vs)-1]+step <= last {
		return 0, 0
	}
	return step, vs[0]
}

// spanList groups sorted values into runs of consecutive ones.
func spanList(vs []int) [][2]int {
	var out [][2]int
	for _, v := range vs {
		if n := len(out); n > 0 && out[n-1][1] == v-1 {
			out[n-1][1] = v
			continue
		}
		out = append(out, [2]int{v, v})
	}
	return out
}

// spans writes values as "Monday to Friday", "1, 15 and 20 to 25".
func spans(vs []int, name func(int) string) string {
	var parts []string
	for _, r := range spanList(vs) {
		switch {
		case r[0] == r[1]:
			parts = append(parts, name(r[0]))
		case r[1] == r[0]+1:
			parts = append(parts, name(r[0]), name(r[1]))
		default:
			parts = append(parts, name(r[0])+" to "+name(r[1]))
		}
	}
	return words(parts)
}

// words joins "a", "a and b", "a, b and c".
func words(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
