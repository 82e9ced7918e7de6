package schedule

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Field positions in cron(min hour day-of-month month day-of-week year).
const (
	fMinutes = iota
	fHours
	fDOM
	fMonth
	fDOW
	fYear
)

// fieldDef is one cron field's name, range, names and wildcards (AWS's table).
type fieldDef struct {
	name     string
	min, max int
	names    []string // names[i] is the value min+i (months, weekdays)
	maxStep  int
	step     bool // "/" allowed
	what     string
}

var fieldDefs = [6]fieldDef{
	{name: "minutes", min: 0, max: 59, maxStep: 59, step: true, what: "0-59"},
	{name: "hours", min: 0, max: 23, maxStep: 23, step: true, what: "0-23"},
	{name: "day-of-month", min: 1, max: 31, maxStep: 31, step: true, what: "1-31"},
	{name: "month", min: 1, max: 12, maxStep: 12, step: true, what: "1-12 or JAN-DEC",
		names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", min: 1, max: 7, what: "1-7 (1 is Sunday) or SUN-SAT",
		names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
	{name: "year", min: minYear, max: maxYear, maxStep: maxYear - minYear, step: true, what: "1970-2199"},
}

// cronSpec is a parsed cron expression: a set of values per field, plus
// the special day forms (L, W, #), which each stand alone in their field.
type cronSpec struct {
	minutes uint64
	hours   uint64
	months  uint64
	years   [4]uint64 // bit y-minYear
	dom     uint64    // bits 1-31
	dow     uint64    // bits 1-7, 1 = Sunday
	domAny  bool      // day-of-month is ?
	dowAny  bool      // day-of-week is ?

	domLast    bool // L or L-n: the last day, less domLastOff
	domLastOff int
	domLastWD  bool // LW: the last weekday of the month
	domNearest int  // nW: the weekday nearest day n
	dowLast    int  // nL: the last such weekday of the month
	dowNth     int  // n#k: the k-th such weekday of the month
	dowNthK    int

	text [6]string // each field as written, for Describe
}

func (c *cronSpec) yearSet(y int) bool {
	if y < minYear || y > maxYear {
		return false
	}
	i := y - minYear
	return c.years[i/64]&(1<<(i%64)) != 0
}

// parseCron reads the six fields; base is the offset of body in the expression.
func parseCron(body string, base int) (*Expression, *Error) {
	var fields []string
	var offs []int
	for i := 0; i < len(body); {
		if body[i] == ' ' || body[i] == '\t' {
			i++
			continue
		}
		j := i
		for j < len(body) && body[j] != ' ' && body[j] != '\t' {
			j++
		}
		fields, offs = append(fields, body[i:j]), append(offs, base+i)
		i = j
	}
	if len(fields) != 6 {
		msg := fmt.Sprintf("cron takes 6 fields (minutes hours day-of-month month day-of-week year), not %d", len(fields))
		if len(fields) == 5 {
			msg += "; AWS cron has a year field, usually *: e.g. cron(0 8 ? * MON-FRI *)"
		}
		return nil, &Error{Offset: base, Msg: msg}
	}
	c := &cronSpec{}
	copy(c.text[:], fields)
	p := cronParser{c: c}
	for i, f := range fields {
		p.field(i, f, offs[i])
		if p.err != nil {
			return nil, p.err
		}
	}
	switch {
	case c.domAny && c.dowAny:
		return nil, &Error{Offset: offs[fDOW], Msg: "day-of-month and day-of-week cannot both be ?; write * in one of them"}
	case !c.domAny && !c.dowAny:
		return nil, &Error{Offset: offs[fDOW], Msg: "one of day-of-month and day-of-week must be ?: e.g. cron(0 8 1 * ? *) for the 1st of each month, cron(0 8 ? * MON-FRI *) for weekdays"}
	}
	return &Expression{kind: Cron, cron: c}, nil
}

type cronParser struct {
	c   *cronSpec
	err *Error
}

func (p *cronParser) fail(off int, def fieldDef, format string, args ...any) {
	if p.err == nil {
		p.err = &Error{Offset: off, Msg: def.name + ": " + fmt.Sprintf(format, args...)}
	}
}

// field reads one field into the spec.
func (p *cronParser) field(i int, text string, off int) {
	def := fieldDefs[i]
	if text == "?" {
		switch i {
		case fDOM:
			p.c.domAny = true
		case fDOW:
			p.c.dowAny = true
		default:
			p.fail(off, def, "? is allowed only in day-of-month and day-of-week")
		}
		return
	}
	if (i == fDOM || i == fDOW) && p.special(i, text, off) {
		return
	}
	var set uint64
	var years [4]uint64
	start := 0
	for _, item := range strings.Split(text, ",") {
		itemOff := off + start
		start += len(item) + 1
		if item == "" {
			p.fail(itemOff, def, "a list has an empty item (two commas, or one at an end)")
			return
		}
		if strings.ContainsAny(stripNames(def, item), "?LW#") {
			p.fail(itemOff, def, "%s", specialMisuse(i, item))
			return
		}
		lo, hi, step, ok := p.item(def, item, itemOff)
		if !ok {
			return
		}
		for v := lo; v <= hi; v += step {
			if i == fYear {
				years[(v-minYear)/64] |= 1 << ((v - minYear) % 64)
			} else {
				set |= 1 << v
			}
		}
	}
	if i == fYear {
		p.c.years = years
		return
	}
	*[...]*uint64{&p.c.minutes, &p.c.hours, &p.c.dom, &p.c.months, &p.c.dow}[i] = set
}

// specialMisuse explains a ?, L, W or # found where it cannot stand.
func specialMisuse(i int, item string) string {
	switch {
	case strings.Contains(item, "?"):
		return "? stands alone for the whole field"
	case i != fDOM && i != fDOW:
		return fmt.Sprintf("%q: L, W and # are allowed only in day-of-month (L, L-n, LW, nW) and day-of-week (L, nL, n#k)", item)
	case strings.Contains(item, "#"):
		return fmt.Sprintf("%q: n#k (the k-th weekday n of the month) must be the only item of day-of-week, e.g. 2#1; AWS refuses lists such as 3#1,6#3", item)
	default:
		return fmt.Sprintf("%q: L and W must be the only item of the field (L, L-3, LW or 15W in day-of-month; L or 6L in day-of-week)", item)
	}
}

// special reads the L, W and # forms of day-of-month and day-of-week,
// reporting whether text was one (or an error was recorded).
func (p *cronParser) special(i int, text string, off int) bool {
	def := fieldDefs[i]
	bare := stripNames(def, text)
	if !strings.ContainsAny(bare, "LW#") || strings.Contains(text, ",") {
		return false
	}
	if i == fDOM {
		switch {
		case text == "L":
			p.c.domLast = true
		case text == "LW":
			p.c.domLastWD = true
		case strings.HasPrefix(text, "L-"):
			n, err := strconv.Atoi(text[2:])
			if err != nil || n < 1 || n > 30 {
				p.fail(off+2, def, "L-n takes n from 1 to 30 (days before the last day of the month), not %q", text[2:])
				return true
			}
			p.c.domLast, p.c.domLastOff = true, n
		case strings.HasSuffix(text, "W") && !strings.ContainsAny(text[:len(text)-1], "LW#"):
			n, err := strconv.Atoi(text[:len(text)-1])
			if err != nil || n < 1 || n > 31 {
				p.fail(off, def, "nW takes a day from 1 to 31 (the weekday nearest that day), not %q", text[:len(text)-1])
				return true
			}
			p.c.domNearest = n
		case strings.Contains(text, "#"):
			p.fail(off+strings.Index(text, "#"), def, "# is allowed only in day-of-week")
		default:
			p.fail(off, def, "%q is not a day-of-month form; L, L-n, LW and nW are (e.g. L, L-3, LW, 15W)", text)
		}
		return true
	}
	switch {
	case text == "L": // alone, the last day of the week: Saturday
		p.c.dow = 1 << 7
	case strings.HasSuffix(text, "L"):
		if wd, ok := p.value(def, text[:len(text)-1], off); ok {
			p.c.dowLast = wd
		}
	case strings.Contains(text, "#"):
		day, nth, _ := strings.Cut(text, "#")
		wd, ok := p.value(def, day, off)
		if !ok {
			return true
		}
		k, err := strconv.Atoi(nth)
		if err != nil || k < 1 || k > 5 {
			p.fail(off+len(day)+1, def, "n#k takes k from 1 to 5 (the k-th such weekday of the month), not %q", nth)
			return true
		}
		p.c.dowNth, p.c.dowNthK = wd, k
	case strings.Contains(bare, "W"):
		p.fail(off, def, "W is allowed only in day-of-month")
	default:
		p.fail(off, def, "%q is not a day-of-week form; L, nL and n#k are (e.g. L, 6L, 2#1)", text)
	}
	return true
}

// item reads *, v, a-b, each optionally /step; it returns the values as
// lo..hi by step.
func (p *cronParser) item(def fieldDef, item string, off int) (lo, hi, step int, ok bool) {
	step = 1
	rng := item
	if slash := strings.IndexByte(item, '/'); slash >= 0 {
		if !def.step {
			p.fail(off+slash, def, "/ (increments) is not allowed in day-of-week; list the days, e.g. MON,WED,FRI")
			return 0, 0, 0, false
		}
		rng = item[:slash]
		n, err := strconv.Atoi(item[slash+1:])
		if err != nil || n < 1 || n > def.maxStep {
			p.fail(off+slash+1, def, "the increment after / must be a whole number from 1 to %d, not %q", def.maxStep, item[slash+1:])
			return 0, 0, 0, false
		}
		step = n
	}
	if rng == "*" {
		return def.min, def.max, step, true
	}
	a, b, isRange := strings.Cut(rng, "-")
	lo, ok = p.value(def, a, off)
	if !ok {
		return 0, 0, 0, false
	}
	hi = lo
	if !isRange && step > 1 {
		hi = def.max // "5/15" runs from 5 to the end of the range
	}
	if isRange {
		if hi, ok = p.value(def, b, off+len(a)+1); !ok {
			return 0, 0, 0, false
		}
		if hi < lo {
			p.fail(off, def, "the range %s runs backwards; write it from the lower to the higher value (or as two items, e.g. 22-23,0-2)", rng)
			return 0, 0, 0, false
		}
	}
	return lo, hi, step, true
}

// value reads a number or a name of the field.
func (p *cronParser) value(def fieldDef, s string, off int) (int, bool) {
	if s == "" {
		p.fail(off, def, "a value is missing; values are %s", def.what)
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil && s[0] != '+' && s[0] != '-' {
		if n < def.min || n > def.max {
			p.fail(off, def, "%d is out of range; values are %s", n, def.what)
			return 0, false
		}
		return n, true
	}
	for i, name := range def.names {
		if strings.EqualFold(s, name) {
			return def.min + i, true
		}
	}
	p.fail(off, def, "%q is not a value; values are %s", s, def.what)
	return 0, false
}

// stripNames removes the field's names (MON, JUL, ...) so that the letters
// L and W in them are not taken for the special forms.
func stripNames(def fieldDef, s string) string {
	u := strings.ToUpper(s)
	for _, name := range def.names {
		u = strings.ReplaceAll(u, name, "")
	}
	return u
}

// firstFrom returns the lowest value >= v in set, or -1.
func firstFrom(set uint64, v int) int {
	if v > 63 {
		return -1
	}
	rest := set >> v
	if rest == 0 {
		return -1
	}
	return v + bits.TrailingZeros64(rest)
}
