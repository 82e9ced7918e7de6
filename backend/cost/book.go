package cost

import (
	"fmt"
	"sync"

	"cloudcontrol/backend/pricing"
)

// Book answers prices: a cached live figure newer than the built-in table
// wins; otherwise the table; otherwise unknown. Safe for concurrent use.
type Book struct {
	table *pricing.Table
	cache *Cache // nil: table only

	mu   sync.Mutex
	note string // why live prices are missing (refresh failed), shown with table prices
}

// NewBook returns a book over the built-in table and an optional cache.
func NewBook(table *pricing.Table, cache *Cache) *Book {
	b := &Book{table: table, cache: cache}
	if cache != nil && cache.Problem != "" {
		b.note = cache.Problem
	}
	return b
}

// Note is why live prices are not in use, or "".
func (b *Book) Note() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.note
}

func (b *Book) setNote(n string) {
	b.mu.Lock()
	b.note = n
	b.mu.Unlock()
}

// fresh returns the cached entry when it is a real price newer than the table.
func (b *Book) fresh(m func(*cacheDoc) map[string]cached, region, name string) (cached, bool) {
	if b.cache == nil {
		return cached{}, false
	}
	v, ok := b.cache.get(m, region, name)
	if !ok || v.Absent || v.USD <= 0 || !v.Fetched.After(b.table.AsOf()) {
		return cached{}, false
	}
	return v, true
}

// Instance is the hourly Linux price of instanceType in region: on-demand,
// or for a Spot Instance (spot true) the current spot price (cached spot
// history, else the table's average spot price).
func (b *Book) Instance(region, instanceType string, spot bool) Quote {
	q := Quote{Unit: "hour"}
	if spot {
		if v, ok := b.fresh(spotOf, region, instanceType); ok {
			return Quote{USD: v.USD, Unit: "hour", Known: true, Source: SourceSpot + " (" + v.Detail + ")", AsOf: v.Fetched}
		}
		if p, ok := b.table.Instance(region, instanceType); ok && p.HasSpot {
			return Quote{USD: p.SpotAvgHourly, Unit: "hour", Known: true, Source: p.Source + " (average spot)", AsOf: p.AsOf, Note: b.Note()}
		}
		q.Note = fmt.Sprintf("no spot price for %s in %s", instanceType, region)
		return q
	}
	if v, ok := b.fresh(instancesOf, region, instanceType); ok {
		return Quote{USD: v.USD, Unit: "hour", Known: true, Source: SourcePriceList, AsOf: v.Fetched}
	}
	if p, ok := b.table.Instance(region, instanceType); ok {
		return Quote{USD: p.OnDemandHourly, Unit: "hour", Known: true, Source: p.Source, AsOf: p.AsOf, Note: b.Note()}
	}
	q.Note = b.unknownWhy(region, instanceType)
	return q
}

// unknownWhy tells a type the table does not know from a region it does not
// price the type in.
func (b *Book) unknownWhy(region, instanceType string) string {
	if _, ok := b.table.Type(instanceType); !ok {
		return fmt.Sprintf("%s is not in the price table", instanceType)
	}
	return fmt.Sprintf("no price for %s in region %s", instanceType, region)
}

// EBS is the storage price of volumeType in region per GB-month, and the
// table's entry for its IOPS and throughput rates (ok false: none).
func (b *Book) EBS(region, volumeType string) (Quote, pricing.EBSPrice, bool) {
	tp, tok := b.table.EBS(region, volumeType)
	if v, ok := b.fresh(ebsOf, region, volumeType); ok {
		return Quote{USD: v.USD, Unit: "GB-month", Known: true, Source: SourcePriceList, AsOf: v.Fetched}, tp, tok
	}
	if tok {
		return Quote{USD: tp.PerGBMonth, Unit: "GB-month", Known: true, Source: pricing.Source, AsOf: tp.AsOf, Note: b.Note()}, tp, true
	}
	return Quote{Unit: "GB-month", Note: fmt.Sprintf("no %s volume price for region %s", volumeType, region)}, tp, false
}

// IPv4 is the hourly charge of one public IPv4 address in region.
func (b *Book) IPv4(region string) Quote {
	if p, ok := b.table.PublicIPv4Hourly(region); ok {
		return Quote{USD: p.Hourly, Unit: "address-hour", Known: true, Source: p.Source, AsOf: p.AsOf}
	}
	return Quote{Unit: "address-hour", Note: "no public IPv4 price for region " + region}
}

// Default is the book over the built-in table and the cache in cacheDir
// ("" for none).
func Default(cacheDir string) (*Book, error) {
	t, err := pricing.Builtin()
	if err != nil {
		return nil, err
	}
	var c *Cache
	if cacheDir != "" {
		c = OpenCache(cacheDir)
	}
	return NewBook(t, c), nil
}
