package main

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Meta is what the generator writes about the data itself: when it was
// published and where it came from. Both end up in every Price the app shows.
type Meta struct {
	AsOf   time.Time
	Source string
}

// Stats says what the conversion kept and dropped, so whoever regenerates the
// table sees at once whether a new data drop changed shape.
type Stats struct {
	Types       int // instance types written (with or without prices)
	Prices      int // (type, region) pairs with a Linux on-demand price
	NoSpot      int // of those, pairs without a spot average
	SkippedOD   int // (type, region) pairs dropped: no usable Linux on-demand price
	RegionsSeen int
}

// entry is the part of one ec2instances.info record the table needs.
type entry struct {
	InstanceType string   `json:"instance_type"`
	VCPU         num      `json:"vCPU"`
	Memory       num      `json:"memory"`
	Arch         []string `json:"arch"`
	Pricing      map[string]struct {
		Linux *struct {
			OnDemand num `json:"ondemand"`
			SpotAvg  num `json:"spot_avg"`
		} `json:"linux"`
	} `json:"pricing"`
}

// num holds a figure as text. The data writes prices as strings ("0.096"),
// sizes as numbers, and sometimes "" or null; json.Number refuses "", so
// this takes all of them and leaves judging the text to positive().
type num string

func (n *num) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*n = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = num(s)
	default:
		*n = num(b)
	}
	return nil
}

type typeRow struct {
	name, vcpu, mem, arch string
	prices                [][]string // region, on-demand, spot average ("" = none)
}

// Convert reads the ec2instances.info instances.json array from r and writes
// the compact table (gzip'd CSV, format in backend/pricing/format.go) to w.
func Convert(r io.Reader, w io.Writer, meta Meta) (Stats, error) {
	var st Stats
	if meta.AsOf.IsZero() || strings.TrimSpace(meta.Source) == "" {
		return st, fmt.Errorf("the data's date and source are both required (-asof and -source)")
	}
	rows, regions, err := readEntries(r, &st)
	if err != nil {
		return st, err
	}
	st.RegionsSeen = len(regions)
	slices.SortFunc(rows, func(a, b typeRow) int { return strings.Compare(a.name, b.name) })

	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return st, err
	}
	// No name or mod time in the gzip header, so regenerating from the same
	// data gives byte-identical output and a clean git diff.
	cw := csv.NewWriter(zw)
	write := func(rec ...string) { _ = cw.Write(rec) } // errors surface via cw.Error below
	write("M", "format", "1")
	write("M", "as_of", meta.AsOf.UTC().Format(time.DateOnly))
	write("M", "source", meta.Source)
	for _, t := range rows {
		write("T", t.name, t.vcpu, t.mem, t.arch)
		for _, p := range t.prices {
			write("P", t.name, p[0], p[1], p[2])
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return st, fmt.Errorf("writing the table: %w", err)
	}
	if err := zw.Close(); err != nil {
		return st, fmt.Errorf("writing the table: %w", err)
	}
	return st, nil
}

func readEntries(r io.Reader, st *Stats) ([]typeRow, map[string]bool, error) {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, nil, fmt.Errorf("instances.json must be a JSON array of instance types (got %v, %v)", tok, err)
	}
	seen := map[string]bool{}
	regions := map[string]bool{}
	var rows []typeRow
	for dec.More() {
		var e entry
		if err := dec.Decode(&e); err != nil {
			return nil, nil, fmt.Errorf("instances.json record %d: %w", len(rows)+1, err)
		}
		row, err := convertEntry(e, st, regions)
		if err != nil {
			return nil, nil, err
		}
		if seen[row.name] {
			return nil, nil, fmt.Errorf("instances.json lists %q twice", row.name)
		}
		seen[row.name] = true
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, nil, fmt.Errorf("instances.json holds no instance types")
	}
	return rows, regions, nil
}

func convertEntry(e entry, st *Stats, regions map[string]bool) (typeRow, error) {
	name := strings.TrimSpace(e.InstanceType)
	if name == "" || strings.ContainsAny(name, ", \n") {
		return typeRow{}, fmt.Errorf("instances.json record %d has an unusable instance_type %q", st.Types+1, e.InstanceType)
	}
	vcpu, err := strconv.Atoi(string(e.VCPU))
	if err != nil || vcpu <= 0 {
		return typeRow{}, fmt.Errorf("%s: vCPU %q is not a positive whole number", name, e.VCPU)
	}
	mem, ok := positive(e.Memory)
	if !ok {
		return typeRow{}, fmt.Errorf("%s: memory %q is not a positive number", name, e.Memory)
	}
	row := typeRow{name: name, vcpu: strconv.Itoa(vcpu), mem: format(mem), arch: strings.Join(e.Arch, " ")}
	regs := make([]string, 0, len(e.Pricing))
	for reg := range e.Pricing {
		regs = append(regs, reg)
	}
	slices.Sort(regs)
	for _, reg := range regs {
		l := e.Pricing[reg].Linux
		od, ok := 0.0, false
		if l != nil {
			od, ok = positive(l.OnDemand)
		}
		if !ok {
			// No usable Linux on-demand price: leave the pair out so the app
			// says "unknown" there instead of showing $0.
			st.SkippedOD++
			continue
		}
		spot := ""
		if v, ok := positive(l.SpotAvg); ok {
			spot = format(v)
		} else {
			st.NoSpot++
		}
		regions[reg] = true
		row.prices = append(row.prices, []string{reg, format(od), spot})
		st.Prices++
	}
	st.Types++
	return row, nil
}

// positive parses a price or size; anything empty, non-numeric, non-finite or
// not above zero is not a usable figure.
func positive(n num) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(string(n)), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return 0, false
	}
	return v, true
}

// format writes the shortest decimal that parses back to the same float64, so
// the table holds exactly the source's values without trailing zeros.
func format(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
