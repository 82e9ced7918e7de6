package schedule

import (
	"errors"
	"strings"
	"testing"
)

// TestParseAcceptsAWSForms covers the examples of AWS's cron and rate
// reference and every special form, with what each means in words.
func TestParseAcceptsAWSForms(t *testing.T) {
	cases := []struct{ expr, words string }{
		// The examples table of the EventBridge cron expressions reference.
		{"cron(0 10 * * ? *)", "at 10:00 every day"},
		{"cron(15 12 * * ? *)", "at 12:15 every day"},
		{"cron(0 18 ? * MON-FRI *)", "at 18:00 on Monday to Friday"},
		{"cron(0 8 1 * ? *)", "at 08:00 on day 1 of the month"},
		{"cron(0/15 * * * ? *)", "every 15 minutes"},
		{"cron(0/10 * ? * MON-FRI *)", "every 10 minutes on Monday to Friday"},
		{"cron(0/5 8-17 ? * MON-FRI *)", "every 5 minutes from 08:00 to 17:59 on Monday to Friday"},
		{"cron(0 9 ? * 2#1 *)", "at 09:00 on the first Monday of the month"},
		// Lists, ranges, increments, names and numbers, the year field.
		{"cron(*/15 * * * ? *)", "every 15 minutes"},
		{"cron(5/20 * * * ? *)", "every 20 minutes from minute 5"},
		{"cron(0 8,19 ? * 2-6 *)", "at 08:00 and 19:00 on Monday to Friday"},
		{"cron(0 18 ? * wed,FRI *)", "at 18:00 on Wednesday and Friday"},
		{"cron(0 * * * ? *)", "every hour on the hour"},
		{"cron(30 */2 * * ? *)", "every 2 hours at minute 30"},
		{"cron(0 12 1-15 JAN-MAR ? 2026)", "at 12:00 on days 1 to 15 of the month in January to March in 2026"},
		{"cron(0 12 ? JUL,AUG 1,7 2026-2028)", "at 12:00 on Sunday and Saturday in July and August in 2026 to 2028"},
		{"cron(0 0 1 */3 ? *)", "at 00:00 on day 1 of the month in January, April, July and October"},
		{"cron(0 0 ? * * 2030/10)", "at 00:00 every day in the years 2030/10"},
		{"cron(1,2,3,4,5,6,7 3 * * ? *)", "at minutes 1,2,3,4,5,6,7 from 03:00 to 03:59"},
		// L, W and #.
		{"cron(0 0 L * ? *)", "at 00:00 on the last day of the month"},
		{"cron(0 0 L-2 * ? *)", "2 day(s) before the last day of the month"},
		{"cron(0 0 LW * ? *)", "at 00:00 on the last weekday of the month"},
		{"cron(0 0 15W * ? *)", "at 00:00 on the weekday nearest day 15 of the month"},
		{"cron(0 0 ? * L *)", "at 00:00 on Saturday"},
		{"cron(0 0 ? * 6L *)", "at 00:00 on the last Friday of the month"},
		{"cron(0 0 ? * FRIL *)", "at 00:00 on the last Friday of the month"},
		{"cron(0 0 ? * TUE#3 *)", "at 00:00 on the third Tuesday of the month"},
		// Rates and one-time schedules.
		{"rate(1 minute)", "every minute"},
		{"rate(5 minutes)", "every 5 minutes"},
		{"rate(1 hour)", "every hour"},
		{"rate(12 hours)", "every 12 hours"},
		{"rate(1 day)", "every day"},
		{"rate(7 days)", "every 7 days"},
		{"at(2026-12-24T18:00:00)", "once, on 2026-12-24 at 18:00:00"},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			e, err := Parse(c.expr)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if e.String() != c.expr {
				t.Errorf("String() = %q", e.String())
			}
			if got := e.Describe(); !strings.Contains(got, c.words) {
				t.Errorf("Describe() = %q, want it to say %q", got, c.words)
			}
			if err := e.Check(); err != nil {
				t.Errorf("Check() = %v", err)
			}
		})
	}
}

// TestParseRefusesWithWhereAndWhy: every bad expression says what is wrong
// and points at the part at fault (Offset), for FILE:LINE:COL messages.
func TestParseRefusesWithWhereAndWhy(t *testing.T) {
	cases := []struct {
		expr   string
		at     string // the text Offset must point at
		reason string
	}{
		{"0 8 * * ? *", "0 8 * * ? *", "a schedule is cron(...), rate(...) or at(...)"},
		{"CRON(0 8 * * ? *)", "CRON", "write cron( in lower case"},
		{"every(5 minutes)", "every", `"every" is not a schedule form`},
		{"cron(0 8 * * ?)", "0 8", "6 fields"},
		{"cron(0 8 * * ?)", "0 8", "AWS cron has a year field"},
		{"cron(0 8 * * ? * *)", "0 8", "not 7"},
		{"cron(60 8 * * ? *)", "60", "minutes: 60 is out of range; values are 0-59"},
		{"cron(0 24 * * ? *)", "24", "hours: 24 is out of range; values are 0-23"},
		{"cron(0 8 0 * ? *)", "0 * ?", "day-of-month: 0 is out of range; values are 1-31"},
		{"cron(0 8 1 13 ? *)", "13", "month: 13 is out of range"},
		{"cron(0 8 1 JANUARY ? *)", "JANUARY", `month: "JANUARY" is not a value; values are 1-12 or JAN-DEC`},
		{"cron(0 8 ? * 0 *)", "0 *)", "day-of-week: 0 is out of range; values are 1-7 (1 is Sunday) or SUN-SAT"},
		{"cron(0 8 ? * MON 1969)", "1969", "year: 1969 is out of range; values are 1970-2199"},
		{"cron(0 8 ? * MON 2200)", "2200", "year: 2200 is out of range"},
		{"cron(0 8 * * * *)", "* *)", "one of day-of-month and day-of-week must be ?"},
		{"cron(0 8 15 * MON *)", "MON", "one of day-of-month and day-of-week must be ?"},
		{"cron(0 8 ? * ? *)", "? *)", "cannot both be ?"},
		{"cron(? 8 * * ? *)", "? 8", "? is allowed only in day-of-month and day-of-week"},
		{"cron(0 8 ? * MON/2 *)", "/2", "/ (increments) is not allowed in day-of-week"},
		{"cron(0/0 8 * * ? *)", "0 8", "the increment after / must be a whole number from 1 to 59"},
		{"cron(0/60 8 * * ? *)", "60", "from 1 to 59"},
		{"cron(0 */24 * * ? *)", "24", "from 1 to 23"},
		{"cron(0 22-2 * * ? *)", "22-2", "runs backwards"},
		{"cron(0 8 ? * FRI-MON *)", "FRI-MON", "runs backwards"},
		{"cron(0 8,,9 * * ? *)", ",9", "empty item"},
		{"cron(0 8- * * ? *)", " * *", "a value is missing"},
		{"cron(0 8L * * ? *)", "8L", "L, W and # are allowed only in day-of-month"},
		{"cron(0 8 1,L * ? *)", "L *", "L and W must be the only item"},
		{"cron(0 8 ? * 3#1,6#3 *)", "3#1", "AWS refuses lists such as 3#1,6#3"},
		{"cron(0 8 ? * 2#6 *)", "6 *", "n#k takes k from 1 to 5"},
		{"cron(0 8 ? * 9#1 *)", "9#1", "day-of-week: 9 is out of range"},
		{"cron(0 8 L-31 * ? *)", "31", "L-n takes n from 1 to 30"},
		{"cron(0 8 32W * ? *)", "32W", "nW takes a day from 1 to 31"},
		{"cron(0 8 1#2 * ? *)", "#2", "# is allowed only in day-of-week"},
		{"cron(0 8 ? * 2W *)", "2W", "W is allowed only in day-of-month"},
		{"cron(0 8 XL * ? *)", "XL", "is not a day-of-month form"},
		{"rate(5)", "5", "rate takes a number and a unit"},
		{"rate(0 minutes)", "0 ", `rate's value "0" must be a whole number of 1 or more`},
		{"rate(-5 minutes)", "-5", "must be a whole number of 1 or more"},
		{"rate(1.5 hours)", "1.5", "must be a whole number"},
		{"rate(5 weeks)", "weeks", `rate's unit "weeks" must be minute(s), hour(s) or day(s)`},
		{"rate(1 hours)", "hours", "with the value 1 the unit is singular: rate(1 hour)"},
		{"rate(5 minute)", "minute", "with a value above 1 the unit is plural: rate(5 minutes)"},
		{"rate(99999999 days)", "99999999", "longer than 100 years"},
		{"at(2026-12-24 18:00:00)", "2026", "yyyy-mm-ddThh:mm:ss"},
		{"at(2026-12-24T18:00:00Z)", "2026", "with no time zone"},
		{"at(2026-02-30T08:00:00)", "2026", "is not a real date and time"},
		{"at(2026-12-24T25:00:00)", "2026", "is not a real date and time"},
		{"at(2300-01-01T00:00:00)", "2300", "the year must be 1970 to 2199"},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			_, err := Parse(c.expr)
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %v, want an *Error", c.expr, err)
			}
			if !strings.Contains(pe.Msg, c.reason) {
				t.Errorf("message %q does not say %q", pe.Msg, c.reason)
			}
			if pe.Offset < 0 || pe.Offset > len(c.expr) || !strings.HasPrefix(c.expr[pe.Offset:], c.at) {
				t.Errorf("offset %d points at %q, want %q", pe.Offset, c.expr[min(max(pe.Offset, 0), len(c.expr)):], c.at)
			}
			if !strings.Contains(err.Error(), c.expr) {
				t.Errorf("Error() = %q does not quote the expression", err.Error())
			}
		})
	}
}

func TestCheckFindsExpressionsThatNeverRun(t *testing.T) {
	for _, expr := range []string{"cron(0 0 30 2 ? *)", "cron(0 0 31 APR,JUN ? *)", "cron(0 0 ? FEB 2#5 2027)"} {
		e, err := Parse(expr)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Check(); err == nil || !strings.Contains(err.Error(), "never runs") {
			t.Errorf("%s: Check() = %v, want never runs", expr, err)
		}
	}
	e, _ := Parse("cron(0 0 29 2 ? *)") // leap years only: it does run
	if err := e.Check(); err != nil {
		t.Errorf("29 February: Check() = %v", err)
	}
}

func TestLoadLocationTakesIANANamesOnly(t *testing.T) {
	for _, ok := range []string{"UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Asia/Kolkata"} {
		if loc, err := LoadLocation(ok); err != nil || loc.String() != ok {
			t.Errorf("LoadLocation(%q) = %v, %v", ok, loc, err)
		}
	}
	for _, bad := range []string{"", "Local", "europe/berlin", "Europe/Berln", "Mars/Olympus", "/etc/localtime", "../zoneinfo/UTC", "Europe//Berlin", "posix/Europe/Berlin", "CEST+2"} {
		_, err := LoadLocation(bad)
		if err == nil || !strings.Contains(err.Error(), "is not an IANA time zone name such as UTC, Europe/Berlin") {
			t.Errorf("LoadLocation(%q) = %v, want refused", bad, err)
		}
	}
}

func TestNewParsesExpressionAndZone(t *testing.T) {
	s, err := New("cron(0 8 ? * MON-FRI *)", "Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	if s.String() != "cron(0 8 ? * MON-FRI *) in Europe/Berlin" || s.Expr.Kind() != Cron {
		t.Errorf("String() = %q, Kind() = %q", s.String(), s.Expr.Kind())
	}
	if got := s.Describe(); got != "at 08:00 on Monday to Friday, Europe/Berlin time" {
		t.Errorf("Describe() = %q", got)
	}
	if s, _ := New("rate(2 hours)", ""); s.Location.String() != "UTC" || s.Expr.Every().Hours() != 2 || s.Describe() != "every 2 hours" {
		t.Errorf("rate: %v %v %q", s.Location, s.Expr.Every(), s.Describe())
	}
	if _, err := New("cron(0 8 ? * MON-FRI *)", "Berlin"); err == nil {
		t.Error("an unknown zone is accepted")
	}
	if _, err := New("cron(0 8 * * * *)", "UTC"); err == nil {
		t.Error("a bad expression is accepted")
	}
}
