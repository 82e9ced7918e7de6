package pricing

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// The instance table (data/instances.csv.gz, written by internal/gen) is a
// gzip'd CSV whose first field says what a record is:
//
//	M,format,1                      metadata: format version (must come first)
//	M,as_of,2025-05-28              metadata: date of the data
//	M,source,<text>                 metadata: where the data came from
//	T,<type>,<vcpu>,<memGiB>,<arch> an instance type; arch is space-separated
//	P,<type>,<region>,<ondemand>,<spotavg>
//	                                Linux prices in USD/hour; spotavg may be empty
//
// A text format inside gzip keeps the committed file inspectable with zcat
// while staying far below the 1 MB budget.
const formatVersion = "1"

func decodeInstances(r io.Reader, t *Table) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("instance table is not gzip data: %w", err)
	}
	cr := csv.NewReader(zr)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	line := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line++
		if err != nil {
			return fmt.Errorf("instance table: %w", err)
		}
		if line == 1 && !(len(rec) == 3 && rec[0] == "M" && rec[1] == "format") {
			return fmt.Errorf("instance table: first record must be M,format,%s", formatVersion)
		}
		if err := t.addRecord(rec); err != nil {
			return fmt.Errorf("instance table record %d: %w", line, err)
		}
	}
	if t.asOf.IsZero() {
		return fmt.Errorf("instance table has no as_of date")
	}
	if len(t.prices) == 0 {
		return fmt.Errorf("instance table holds no prices")
	}
	return nil
}

func (t *Table) addRecord(rec []string) error {
	want := 5
	switch rec[0] {
	case "M":
		want = 3
	case "T", "P":
	default:
		want = 0
	}
	if len(rec) != want {
		return fmt.Errorf("unexpected record %q", strings.Join(rec, ","))
	}
	switch rec[0] {
	case "M":
		switch rec[1] {
		case "format":
			if rec[2] != formatVersion {
				return fmt.Errorf("format %q, this build reads %q: regenerate the table", rec[2], formatVersion)
			}
		case "as_of":
			d, err := time.Parse(time.DateOnly, rec[2])
			if err != nil {
				return fmt.Errorf("as_of: %w", err)
			}
			t.asOf = d
		case "source":
			t.origin = rec[2]
		}
	case "T":
		vcpu, err := strconv.Atoi(rec[2])
		if err != nil || vcpu <= 0 {
			return fmt.Errorf("%s: bad vCPU count %q", rec[1], rec[2])
		}
		mem, err := price(rec[3])
		if err != nil {
			return fmt.Errorf("%s: memory: %w", rec[1], err)
		}
		if _, dup := t.types[rec[1]]; dup {
			return fmt.Errorf("%s listed twice", rec[1])
		}
		t.types[intern(t.names, rec[1])] = TypeInfo{VCPU: vcpu, MemoryGiB: mem, Arch: strings.Fields(rec[4])}
	case "P":
		// Interned keys: 16k price rows share one copy of each name
		// instead of each pinning its whole CSV line in memory.
		if _, ok := t.types[rec[1]]; !ok {
			return fmt.Errorf("price for %s before its type record", rec[1])
		}
		od, err := price(rec[3])
		if err != nil {
			return fmt.Errorf("%s in %s: on-demand: %w", rec[1], rec[2], err)
		}
		rp := regional{onDemand: od}
		if rec[4] != "" {
			if rp.spot, err = price(rec[4]); err != nil {
				return fmt.Errorf("%s in %s: spot: %w", rec[1], rec[2], err)
			}
			rp.hasSpot = true
		}
		k := priceKey{region: intern(t.regions, rec[2]), typ: intern(t.names, rec[1])}
		if _, dup := t.prices[k]; dup {
			return fmt.Errorf("%s in %s priced twice", rec[1], rec[2])
		}
		t.prices[k] = rp
	}
	return nil
}

// intern returns the one shared copy of s kept in set (type and region
// names repeat thousands of times).
func intern(set map[string]string, s string) string {
	if v, ok := set[s]; ok {
		return v
	}
	v := strings.Clone(s)
	set[v] = v
	return v
}

// price parses a positive, finite USD figure; zero is refused because a zero
// in the table would show as a free instance rather than an unknown one.
func price(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return 0, fmt.Errorf("%q is not a positive amount", s)
	}
	return v, nil
}
