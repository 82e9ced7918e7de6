package schedule

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// units are rate's units, singular and plural, as AWS spells them.
var units = map[string]struct {
	d        time.Duration
	singular bool
	other    string
}{
	"minute": {time.Minute, true, "minutes"}, "minutes": {time.Minute, false, "minute"},
	"hour": {time.Hour, true, "hours"}, "hours": {time.Hour, false, "hour"},
	"day": {24 * time.Hour, true, "days"}, "days": {24 * time.Hour, false, "day"},
}

// maxRate keeps N*unit well inside time.Duration (which ends near 292 years).
const maxRate = 100 * 365 * 24 * time.Hour

// parseRate reads "N unit"; base is the offset of body in the expression.
func parseRate(body string, base int) (*Expression, *Error) {
	fields := strings.Fields(body)
	if len(fields) != 2 {
		return nil, &Error{Offset: base, Msg: "rate takes a number and a unit, e.g. rate(5 minutes), rate(1 hour) or rate(2 days)"}
	}
	numAt := base + strings.Index(body, fields[0])
	unitAt := base + strings.LastIndex(body, fields[1])
	n, err := strconv.Atoi(fields[0])
	if err != nil || n < 1 || strings.HasPrefix(fields[0], "+") {
		return nil, &Error{Offset: numAt, Msg: fmt.Sprintf("rate's value %q must be a whole number of 1 or more", fields[0])}
	}
	u, ok := units[fields[1]]
	if !ok {
		return nil, &Error{Offset: unitAt, Msg: fmt.Sprintf("rate's unit %q must be minute(s), hour(s) or day(s)", fields[1])}
	}
	switch {
	case n == 1 && !u.singular:
		return nil, &Error{Offset: unitAt, Msg: fmt.Sprintf("with the value 1 the unit is singular: rate(1 %s)", u.other)}
	case n > 1 && u.singular:
		return nil, &Error{Offset: unitAt, Msg: fmt.Sprintf("with a value above 1 the unit is plural: rate(%d %s)", n, u.other)}
	case time.Duration(n) > maxRate/u.d:
		return nil, &Error{Offset: numAt, Msg: "rate is longer than 100 years"}
	}
	unit := strings.TrimSuffix(fields[1], "s")
	return &Expression{kind: Rate, every: time.Duration(n) * u.d, n: n, unit: unit}, nil
}

var atRe = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$`)

// parseAt reads "yyyy-mm-ddThh:mm:ss", a wall-clock time in the schedule's zone.
func parseAt(body string, base int) (*Expression, *Error) {
	const layout = "2006-01-02T15:04:05"
	if !atRe.MatchString(body) {
		return nil, &Error{Offset: base, Msg: "at takes a date and time as yyyy-mm-ddThh:mm:ss, e.g. at(2026-12-24T18:00:00), with no time zone (that is the schedule's)"}
	}
	t, err := time.Parse(layout, body)
	if err != nil {
		return nil, &Error{Offset: base, Msg: fmt.Sprintf("%s is not a real date and time (%s)", body, strings.TrimPrefix(err.Error(), `parsing time "`+body+`": `))}
	}
	if t.Year() < minYear || t.Year() > maxYear {
		return nil, &Error{Offset: base, Msg: fmt.Sprintf("the year must be %d to %d", minYear, maxYear)}
	}
	return &Expression{kind: At, wallTime: t}, nil
}
