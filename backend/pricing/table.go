package pricing

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// Source is what every price from the embedded table says it came from, so
// the app can tell it apart from a live Price List API figure.
const Source = "built-in table"

// Currency of every figure in the table.
const Currency = "USD"

//go:embed data/instances.csv.gz
var instancesGz []byte

//go:embed data/ebs.csv
var ebsCSV []byte

// Price is the Linux price of one instance type in one region.
type Price struct {
	Region         string
	InstanceType   string
	OnDemandHourly float64 // USD per hour, always > 0
	// SpotAvgHourly is the data's average spot price; meaningful only when
	// HasSpot is true (many types have no spot market in some regions).
	SpotAvgHourly float64
	HasSpot       bool
	Currency      string
	Source        string
	AsOf          time.Time
}

// TypeInfo is the shape of an instance type, the same in every region.
type TypeInfo struct {
	VCPU      int
	MemoryGiB float64
	Arch      []string // e.g. ["x86_64"], ["arm64"], ["i386" "x86_64"]
}

// Table is a loaded, read-only price table; safe for concurrent use.
type Table struct {
	asOf     time.Time
	origin   string
	types    map[string]TypeInfo
	prices   map[priceKey]regional
	names    map[string]string // interned type names
	regions  map[string]string // interned region names (about 100)
	ebs      map[ebsKey]EBSPrice
	ipv4     map[string]bool // regions where the public IPv4 charge applies
	ipv4AsOf time.Time
}

type priceKey struct{ region, typ string }

type regional struct {
	onDemand, spot float64
	hasSpot        bool
}

// builtin decodes the embedded table on first use only: most app runs that
// never show a price pay nothing for it.
var builtin = sync.OnceValues(func() (*Table, error) {
	return Load(bytes.NewReader(instancesGz), bytes.NewReader(ebsCSV))
})

// Builtin returns the table embedded in the binary, decoded once.
func Builtin() (*Table, error) { return builtin() }

// Load decodes a table: instances is the gzip'd instance table written by
// internal/gen, ebs the EBS CSV (nil for none). The public IPv4 charge is
// applied to the commercial regions that the instance table knows.
func Load(instances, ebs io.Reader) (*Table, error) {
	t := &Table{
		types:   make(map[string]TypeInfo, 1024),
		prices:  make(map[priceKey]regional, 20000),
		names:   make(map[string]string, 1024),
		regions: make(map[string]string, 128),
		ebs:     map[ebsKey]EBSPrice{},
		ipv4:    map[string]bool{},
	}
	if err := decodeInstances(instances, t); err != nil {
		return nil, fmt.Errorf("loading the built-in price table: %w", err)
	}
	if ebs != nil {
		if err := decodeEBS(ebs, t); err != nil {
			return nil, fmt.Errorf("loading the built-in EBS prices: %w", err)
		}
	}
	t.addIPv4()
	return t, nil
}

// AsOf is the date of the instance price data.
func (t *Table) AsOf() time.Time { return t.asOf }

// Origin names the data the instance prices were generated from.
func (t *Table) Origin() string { return t.origin }

// Instance returns the Linux on-demand (and average spot) price of
// instanceType in region. ok is false when the table has no Linux on-demand
// price for that pair — an unknown type, an unknown region, or a type not
// sold there — and the caller must show "unknown", never $0.
func (t *Table) Instance(region, instanceType string) (Price, bool) {
	p, ok := t.prices[priceKey{region: region, typ: instanceType}]
	if !ok {
		return Price{}, false
	}
	return Price{
		Region:         region,
		InstanceType:   instanceType,
		OnDemandHourly: p.onDemand,
		SpotAvgHourly:  p.spot,
		HasSpot:        p.hasSpot,
		Currency:       Currency,
		Source:         Source,
		AsOf:           t.asOf,
	}, true
}

// Type returns the vCPU count, memory and architectures of instanceType.
func (t *Table) Type(instanceType string) (TypeInfo, bool) {
	ti, ok := t.types[instanceType]
	if !ok {
		return TypeInfo{}, false
	}
	ti.Arch = slices.Clone(ti.Arch) // the table is shared: callers get their own slice
	return ti, true
}

// InstanceTypes lists, sorted, the types the table prices in region: the
// types sold there, as far as the table knows.
func (t *Table) InstanceTypes(region string) []string {
	var out []string
	for k := range t.prices {
		if k.region == region {
			out = append(out, k.typ)
		}
	}
	slices.Sort(out)
	return out
}
