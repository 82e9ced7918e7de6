// Package schedule reads EventBridge Scheduler schedule expressions -
// cron(min hour day-of-month month day-of-week year), rate(N unit) and
// at(yyyy-mm-ddThh:mm:ss) - with AWS's rules, computes when they run in an
// IANA time zone and says what they mean in words.
//
// Daylight saving time is handled as EventBridge Scheduler documents it: a
// cron run whose wall-clock time does not exist (the clock jumps forward)
// is skipped, and a wall-clock time that happens twice (the clock goes
// back) runs once, at its first occurrence. A rate is a fixed duration
// (rate(1 day) is 24 hours, also across a change of offset).
//
// The same package decides what env validation accepts, what a deploy
// preview shows and when the sandbox's scheduler fires, so the three agree.
package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // time zones must resolve the same on every OS, Windows included
)

// Kind is the form of an expression.
type Kind string

// The three forms EventBridge Scheduler accepts.
const (
	Cron Kind = "cron"
	Rate Kind = "rate"
	At   Kind = "at"
)

// Year bounds of cron's year field, as AWS documents them.
const (
	minYear = 1970
	maxYear = 2199
)

// Expression is a parsed schedule expression. The zero value is not usable;
// get one from Parse.
type Expression struct {
	kind Kind
	text string
	cron *cronSpec
	// rate
	every    time.Duration
	n        int
	unit     string
	wallTime time.Time // at: the wall-clock time, held as UTC
}

// Error says what is wrong with an expression and where: Offset is the
// byte offset in Expr of the part at fault (0 for the whole).
type Error struct {
	Expr   string
	Offset int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("%q: %s", e.Expr, e.Msg) }

// Parse reads one expression. The error, an *Error, names the part at
// fault and what AWS would accept there.
func Parse(s string) (*Expression, error) {
	open := strings.IndexByte(s, '(')
	if open < 0 || !strings.HasSuffix(s, ")") {
		return nil, &Error{Expr: s, Msg: "a schedule is cron(...), rate(...) or at(...), e.g. cron(0 8 ? * MON-FRI *), rate(1 hour) or at(2026-12-24T18:00:00)"}
	}
	head, body := s[:open], s[open+1:len(s)-1]
	var e *Expression
	var err *Error
	switch head {
	case "cron":
		e, err = parseCron(body, open+1)
	case "rate":
		e, err = parseRate(body, open+1)
	case "at":
		e, err = parseAt(body, open+1)
	default:
		msg := fmt.Sprintf("%q is not a schedule form; write cron(...), rate(...) or at(...)", head)
		if l := strings.ToLower(strings.TrimSpace(head)); l == "cron" || l == "rate" || l == "at" {
			msg = fmt.Sprintf("write %s( in lower case and without spaces before the parenthesis", l)
		}
		return nil, &Error{Expr: s, Msg: msg}
	}
	if err != nil {
		err.Expr = s
		return nil, err
	}
	e.text = s
	return e, nil
}

// Kind says which of the three forms e is.
func (e *Expression) Kind() Kind { return e.kind }

// String returns the expression as it was written.
func (e *Expression) String() string { return e.text }

// Every returns the interval of a rate expression (0 for the others).
func (e *Expression) Every() time.Duration { return e.every }

// Schedule is an expression evaluated in a time zone, as EventBridge
// Scheduler evaluates a schedule.
type Schedule struct {
	Expr *Expression
	// Location is the schedule's time zone; nil means UTC.
	Location *time.Location
	// Start and End bound a recurring schedule (Scheduler's StartDate and
	// EndDate): no run before Start or after End; zero means unbounded.
	// Start also anchors a rate: its runs are Start, Start+N, Start+2N...
	// With no Start, a rate counts from the instant Next is asked about.
	Start, End time.Time
}

// New parses expr and the IANA time zone name tz ("" means UTC).
func New(expr, tz string) (*Schedule, error) {
	e, err := Parse(expr)
	if err != nil {
		return nil, err
	}
	loc := time.UTC
	if tz != "" {
		if loc, err = LoadLocation(tz); err != nil {
			return nil, err
		}
	}
	return &Schedule{Expr: e, Location: loc}, nil
}

// LoadLocation resolves an IANA time zone name such as Europe/Berlin the
// way Scheduler's ScheduleExpressionTimezone takes it: "Local", paths and
// names that only resolve on a case-insensitive disk are refused.
func LoadLocation(name string) (*time.Location, error) {
	bad := func() error {
		return fmt.Errorf("time zone %q is not an IANA time zone name such as UTC, Europe/Berlin or America/New_York", name)
	}
	if name == "" || name == "Local" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return nil, bad()
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || part[0] < 'A' || part[0] > 'Z' {
			return nil, bad()
		}
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, bad()
	}
	return loc, nil
}

func (s *Schedule) loc() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

// Next returns the first run strictly after after, or the zero time when
// the schedule runs no more. The result is in the schedule's time zone.
func (s *Schedule) Next(after time.Time) time.Time {
	if s == nil || s.Expr == nil {
		return time.Time{}
	}
	loc := s.loc()
	var t time.Time
	switch s.Expr.kind {
	case At:
		t = wallToInstant(s.Expr.wallTime, loc, true)
		if !t.After(after) {
			return time.Time{}
		}
		return t.In(loc)
	case Rate:
		t = s.nextRate(after)
	case Cron:
		from := after
		if !s.Start.IsZero() && s.Start.After(from) {
			from = s.Start.Add(-time.Nanosecond)
		}
		t = s.Expr.cron.next(from, loc)
	}
	if t.IsZero() || !s.End.IsZero() && t.After(s.End) {
		return time.Time{}
	}
	return t.In(loc)
}

func (s *Schedule) nextRate(after time.Time) time.Time {
	anchor := s.Start
	if anchor.IsZero() {
		anchor = after
	}
	if anchor.After(after) {
		return anchor
	}
	k := after.Sub(anchor)/s.Expr.every + 1
	return anchor.Add(k * s.Expr.every)
}

// NextN returns up to n runs after after, in order.
func (s *Schedule) NextN(after time.Time, n int) []time.Time {
	var out []time.Time
	for len(out) < n {
		t := s.Next(after)
		if t.IsZero() {
			break
		}
		out = append(out, t)
		after = t
	}
	return out
}

// String is the expression and its time zone, e.g.
// "cron(0 8 ? * MON-FRI *) in Europe/Berlin".
func (s *Schedule) String() string {
	return s.Expr.String() + " in " + s.loc().String()
}

// Describe says in words when the schedule runs, with its time zone.
func (s *Schedule) Describe() string {
	if s.Expr.kind == Rate {
		return s.Expr.Describe()
	}
	return s.Expr.Describe() + ", " + s.loc().String() + " time"
}

// errNever is returned by Check for a cron expression no date matches.
var errNever = errors.New("no date matches it, so it never runs (check day-of-month against the month, e.g. 30 in FEB)")

// Check reports an expression that can never run, whatever the date
// (cron(0 0 30 2 ? *)); Parse accepts it as AWS does, validation need not.
func (e *Expression) Check() error {
	if e.kind != Cron {
		return nil
	}
	if e.cron.next(time.Date(minYear, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Minute), time.UTC).IsZero() {
		return errNever
	}
	return nil
}
