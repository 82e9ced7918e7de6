package cost

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Where prices come from, as the screen names them.
const (
	SourcePriceList = "AWS Price List API"
	SourceSpot      = "EC2 spot price history"
)

// Quote is one unit price with where it came from and how old it is.
// Known false means nobody knows it: show "unknown", never $0.
type Quote struct {
	USD    float64   `json:"usd"`
	Unit   string    `json:"unit"` // "hour", "GB-month", "address-hour"
	Known  bool      `json:"known"`
	Source string    `json:"source,omitempty"`
	AsOf   time.Time `json:"asOf,omitzero"`
	// Note says why a fresher source was not used (throttled, denied...).
	Note string `json:"note,omitempty"`
}

// String is e.g. "$0.0960/hour (built-in table, 2025-05-28)" or "unknown".
func (q Quote) String() string {
	if !q.Known {
		return "unknown"
	}
	return fmt.Sprintf("$%.4f/%s (%s)", q.USD, q.Unit, q.Provenance()) // unit prices need the fourth decimal
}

// Provenance is "SOURCE, DATE".
func (q Quote) Provenance() string {
	if q.AsOf.IsZero() {
		return q.Source
	}
	return q.Source + ", " + q.AsOf.Format(time.DateOnly)
}

// Age is how old the price is at now, for "3 days old".
func (q Quote) Age(now time.Time) time.Duration {
	if q.AsOf.IsZero() {
		return 0
	}
	return now.Sub(q.AsOf)
}

// Money is a total that may have parts nobody could price. It is never shown
// as a bare figure when something is missing.
type Money struct {
	USD float64 `json:"usd"`
	// Unknown names what could not be priced (e.g. "x9.huge in eu-west-1").
	Unknown []string `json:"unknown,omitempty"`
	// Any is true once at least one part was priced.
	Any bool `json:"any"`
}

// Add adds known amounts; Missing records an unknown part.
func (m *Money) Add(usd float64) { m.USD += usd; m.Any = true }

// Missing records a part that could not be priced.
func (m *Money) Missing(what string) {
	for _, u := range m.Unknown {
		if u == what {
			return
		}
	}
	m.Unknown = append(m.Unknown, what)
}

// Complete reports whether every part was priced.
func (m Money) Complete() bool { return len(m.Unknown) == 0 }

// String is "$12.34", "unknown (x9.huge in eu-west-1)" or
// "$12.34 + unknown (...)".
func (m Money) String() string {
	switch {
	case m.Complete():
		return USD(m.USD)
	case !m.Any || m.USD == 0: // "$0.00 + unknown" would read as nearly free
		return "unknown (" + strings.Join(m.Unknown, ", ") + ")"
	}
	return USD(m.USD) + " + unknown (" + strings.Join(m.Unknown, ", ") + ")"
}

// USD is the one way an amount of money is written, by every front end: to
// the cent, to $0.0001 below a cent (prices per hour of small instances),
// and $0.00 for what rounds to nothing there; never "$0.0000".
func USD(v float64) string {
	switch a := math.Abs(v); {
	case v < 0 && a >= 0.00005:
		return "-" + USD(a)
	case a < 0.00005:
		return "$0.00"
	case a < 0.01:
		return fmt.Sprintf("$%.4f", v)
	}
	return "$" + thousands(fmt.Sprintf("%.2f", v))
}

// thousands groups a decimal's whole part in threes: "1234.50" -> "1,234.50".
func thousands(s string) string {
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String() + "." + frac
}
