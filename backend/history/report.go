package history

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"cloudcontrol/backend/cost"
)

// Pricer prices an hour of an instance type in a region.
type Pricer interface {
	Instance(region, instanceType string, spot bool) cost.Quote
}

// ReportQuery selects a report: Env "" means every environment; the range
// is [From, To); runs still open count until Now. Days are cut in From's
// location.
type ReportQuery struct {
	Env  string    `json:"env"`
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	Now  time.Time `json:"now"`
}

// Row is one instance (of one type) in one environment over the range.
type Row struct {
	Env       string     `json:"env"`
	Instance  string     `json:"instance"`
	Name      string     `json:"name,omitempty"`
	Region    string     `json:"region"`
	Type      string     `json:"type"`
	Lifecycle string     `json:"lifecycle,omitempty"`
	Runs      int        `json:"runs"`
	Hours     float64    `json:"hours"`
	Price     cost.Quote `json:"price"`
	Cost      cost.Money `json:"cost"`
}

// Day is one calendar day's totals, for the chart.
type Day struct {
	Date  string     `json:"date"` // YYYY-MM-DD
	Hours float64    `json:"hours"`
	Cost  cost.Money `json:"cost"`
}

// EnvTotal sums one environment.
type EnvTotal struct {
	Env   string     `json:"env"`
	Hours float64    `json:"hours"`
	Cost  cost.Money `json:"cost"`
}

// Report is hours and estimated cost over a date range.
type Report struct {
	Query ReportQuery `json:"query"`
	Rows  []Row       `json:"rows"`
	Envs  []EnvTotal  `json:"envs"`
	Days  []Day       `json:"days"`
	Total EnvTotal    `json:"total"`
	// Basis says how the cost is estimated.
	Basis string `json:"basis"`
}

// ReportBasis is stated with every report.
const ReportBasis = "hours: each instance's runs as AWS dated them (launch time to stop time), clipped to the range; " +
	"a run still open counts until now. Cost: hours x today's hourly price of the type in its region (instances only, no storage). " +
	"Each row is rounded once, hours to 0.01 h and cost to the cent ($0.0001 below a cent); every total is the sum of its rows"

// The report's one rounding rule: a row's hours to 0.01 h, its cost to the
// cent ($0.0001 below a cent), as shown; totals add the rounded rows up in
// these units, so they are the sums of what is shown.
const (
	hourUnits   = 100    // 0.01 h
	dollarUnits = 10_000 // $0.0001
)

func roundHours(h float64) float64 { return math.Round(h*hourUnits) / hourUnits }

// usdDecimals is how many decimals roundUSD keeps for v.
func usdDecimals(v float64) int {
	if v != 0 && math.Abs(v) < 0.01 {
		return 4
	}
	return 2
}

func roundUSD(v float64) float64 {
	per := math.Pow10(usdDecimals(v))
	return math.Round(v*per) / per
}

// tally adds rounded rows up exactly, in whole units.
type tally struct {
	hours, usd int64
	cost       cost.Money // its unknown parts and Any; USD is set by into
}

func (t *tally) add(r Row) {
	t.hours += int64(math.Round(r.Hours * hourUnits))
	t.usd += int64(math.Round(r.Cost.USD * dollarUnits))
	t.cost.Any = t.cost.Any || r.Cost.Any
	for _, u := range r.Cost.Unknown {
		t.cost.Missing(u)
	}
}

func (t *tally) into(e *EnvTotal) {
	e.Hours = float64(t.hours) / hourUnits
	e.Cost = t.cost
	e.Cost.USD = float64(t.usd) / dollarUnits
}

// seriesInfo is a series row with its price key.
type seriesInfo struct {
	row Row
	key priceKey
}

// Report computes the report. It reads the series (a few rows per
// instance), then three integers per run overlapping the range from a
// covering index.
func (s *Store) Report(ctx context.Context, q ReportQuery, p Pricer) (*Report, error) {
	if !q.To.After(q.From) {
		return nil, fmt.Errorf("the report range is empty: --from %s is not before --to %s",
			q.From.Format(time.DateOnly), q.To.Format(time.DateOnly))
	}
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	series, err := s.series(ctx, q.Env)
	if err != nil {
		return nil, err
	}
	bounds := dayBounds(q.From, q.To)
	hours := map[int64][]float64{} // series -> hours per day of the range
	runs := map[int64]int{}
	rows, err := s.db.QueryContext(ctx, `SELECT series, start, COALESCE(stop, -1) FROM intervals INDEXED BY intervals_by_start
		WHERE start < ? AND (stop IS NULL OR stop > ?)`, ms(q.To), ms(q.From))
	if err != nil {
		return nil, s.wrap("reading", err)
	}
	defer rows.Close()
	from, to, now := ms(q.From), ms(q.To), ms(q.Now)
	for rows.Next() {
		var sid, start, stop int64
		if err := rows.Scan(&sid, &start, &stop); err != nil {
			return nil, s.wrap("reading", err)
		}
		if _, ok := series[sid]; !ok {
			continue // another environment
		}
		if stop < 0 {
			stop = now
		}
		start, stop = max(start, from), min(stop, to)
		if stop <= start {
			continue
		}
		perDay := hours[sid]
		if perDay == nil {
			perDay = make([]float64, len(bounds)-1)
			hours[sid] = perDay
		}
		runs[sid]++
		splitDays(start, stop, bounds, perDay)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("reading", err)
	}
	return build(q, series, hours, runs, bounds, p), nil
}

func (s *Store) series(ctx context.Context, env string) (map[int64]*seriesInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, instance, env, region, type, lifecycle, name FROM series WHERE ? = '' OR env = ?`, env, env)
	if err != nil {
		return nil, s.wrap("reading", err)
	}
	defer rows.Close()
	out := map[int64]*seriesInfo{}
	for rows.Next() {
		var id int64
		var r Row
		if err := rows.Scan(&id, &r.Instance, &r.Env, &r.Region, &r.Type, &r.Lifecycle, &r.Name); err != nil {
			return nil, s.wrap("reading", err)
		}
		out[id] = &seriesInfo{row: r, key: priceKey{r.Region, r.Type, r.Lifecycle == "spot"}}
	}
	return out, s.wrap("reading", rows.Err())
}

type priceKey struct {
	region, typ string
	spot        bool
}

// dayBounds are the unix-ms starts of each local calendar day of [from, to),
// then to: day i is [b[i], b[i+1]).
func dayBounds(from, to time.Time) []int64 {
	loc := from.Location()
	b := []int64{ms(from)}
	for d := from.In(loc); ; {
		d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
		if !d.Before(to) {
			break
		}
		b = append(b, ms(d))
	}
	return append(b, ms(to))
}

const msPerHour = float64(time.Hour / time.Millisecond)

// splitDays adds the hours of [start, stop) to each day it touches.
func splitDays(start, stop int64, bounds []int64, perDay []float64) {
	i := sort.Search(len(bounds), func(i int) bool { return bounds[i] > start }) - 1
	for ; start < stop && i < len(perDay); i++ {
		end := min(bounds[i+1], stop)
		perDay[i] += float64(end-start) / msPerHour
		start = end
	}
}

func build(q ReportQuery, series map[int64]*seriesInfo, hours map[int64][]float64, runs map[int64]int, bounds []int64, p Pricer) *Report {
	rep := &Report{Query: q, Basis: ReportBasis, Total: EnvTotal{Env: "total"}}
	prices := map[priceKey]cost.Quote{}
	price := func(k priceKey) cost.Quote {
		qt, ok := prices[k]
		if !ok {
			qt = p.Instance(k.region, k.typ, k.spot)
			prices[k] = qt
		}
		return qt
	}
	charge := func(m *cost.Money, k priceKey, h float64) {
		if qt := price(k); qt.Known {
			m.Add(qt.USD * h)
		} else {
			m.Missing(fmt.Sprintf("%s in %s", k.typ, k.region))
		}
	}
	loc := q.From.Location()
	rep.Days = make([]Day, len(bounds)-1)
	for i := range rep.Days {
		rep.Days[i] = Day{Date: time.UnixMilli(bounds[i]).In(loc).Format(time.DateOnly), Cost: cost.Money{Any: true}}
	}
	envs := map[string]*tally{}
	var total tally
	for sid, perDay := range hours {
		si := series[sid]
		r := si.row
		r.Runs = runs[sid]
		raw := 0.0
		for i, h := range perDay {
			if h > 0 {
				raw += h
				rep.Days[i].Hours += h
				charge(&rep.Days[i].Cost, si.key, h)
			}
		}
		r.Hours = roundHours(raw)
		r.Price = price(si.key)
		charge(&r.Cost, si.key, r.Hours) // the hours shown, at the price shown
		r.Cost.USD = roundUSD(r.Cost.USD)
		et := envs[r.Env]
		if et == nil {
			et = &tally{}
			envs[r.Env] = et
		}
		et.add(r)
		total.add(r)
		rep.Rows = append(rep.Rows, r)
	}
	// A day is its own figure (the chart's bar), rounded the same way.
	for i := range rep.Days {
		rep.Days[i].Hours = roundHours(rep.Days[i].Hours)
		rep.Days[i].Cost.USD = roundUSD(rep.Days[i].Cost.USD)
	}
	slices.SortFunc(rep.Rows, func(a, b Row) int {
		if a.Env != b.Env {
			return strings.Compare(a.Env, b.Env)
		}
		if a.Name != b.Name {
			return strings.Compare(a.Name, b.Name)
		}
		return strings.Compare(a.Instance+a.Type, b.Instance+b.Type)
	})
	for _, name := range sortedKeys(envs) {
		e := EnvTotal{Env: name}
		envs[name].into(&e)
		rep.Envs = append(rep.Envs, e)
	}
	total.into(&rep.Total)
	if !rep.Total.Cost.Any && rep.Total.Cost.Complete() {
		rep.Total.Cost.Any = true // no usage: a known zero
	}
	return rep
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// WriteCSV writes the rows as CSV: one line per environment, instance and
// type, with the price's source and date; unknown costs are "unknown".
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"env", "instance", "name", "region", "type", "runs", "hours", "usd_per_hour", "price_source", "price_as_of", "estimated_usd"})
	for _, row := range r.Rows {
		perHour, source, asOf, total := "unknown", row.Price.Source, "", "unknown"
		if row.Price.Known {
			perHour = strconv.FormatFloat(row.Price.USD, 'f', -1, 64)
			asOf = row.Price.AsOf.Format(time.DateOnly)
			total = strconv.FormatFloat(row.Cost.USD, 'f', usdDecimals(row.Cost.USD), 64)
		}
		if err := cw.Write([]string{row.Env, row.Instance, row.Name, row.Region, row.Type, strconv.Itoa(row.Runs),
			strconv.FormatFloat(row.Hours, 'f', 2, 64), perHour, source, asOf, total}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
