package cost

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"cloudcontrol/backend/atomicfile"
	"cloudcontrol/backend/userfile"
)

// cacheVersion is the layout of prices.json; another version is ignored
// (it is only a cache: the next refresh rewrites it).
const cacheVersion = 1

// CacheFile is the name of the price cache in the user's cache folder.
const CacheFile = "prices.json"

// maxCacheSize bounds what is read of the cache (16 MiB): every instance
// type of every region, on-demand and spot, takes under 8 MiB, and a stray
// file (a named pipe, /dev/zero behind a link) is refused, not read.
const maxCacheSize = 16 << 20

// cached is one fetched price. Absent means the source had no such product
// (asked, answered "none"), so it is not asked again until it is stale.
type cached struct {
	USD     float64   `json:"usd,omitempty"`
	Absent  bool      `json:"absent,omitempty"`
	Fetched time.Time `json:"fetched"`
	Detail  string    `json:"detail,omitempty"` // e.g. the spot zone
}

type cacheDoc struct {
	Version   int               `json:"version"`
	Instances map[string]cached `json:"instances"` // "region/type": on-demand USD/hour
	Spot      map[string]cached `json:"spot"`      // "region/type": lowest zone's spot USD/hour
	EBS       map[string]cached `json:"ebs"`       // "region/volumeType": USD/GB-month
	// Failures are the sources that failed lately (see FailureMemory), by
	// source: kept in the file so the next command does not ask again.
	Failures map[string]failure `json:"failures,omitempty"`
}

// failure is a source's last failed answer.
type failure struct {
	At      time.Time `json:"at"`
	Problem string    `json:"problem"`
}

// Cache is the price cache file; safe for concurrent use. A missing or
// unreadable file is an empty cache: prices then come from the table.
type Cache struct {
	path string
	mu   sync.Mutex
	doc  cacheDoc
	// Problem says why the file could not be read (shown, never fatal).
	Problem string
}

// OpenCache reads dir/prices.json if it is there.
func OpenCache(dir string) *Cache {
	c := &Cache{path: filepath.Join(dir, CacheFile)}
	c.doc = emptyDoc()
	data, err := userfile.Read(c.path, maxCacheSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the message names the file
		}
		c.Problem = fmt.Sprintf("cannot read the price cache %s (%v); using the built-in table", c.path, err)
	default:
		var d cacheDoc
		if err := json.Unmarshal(data, &d); err != nil || d.Version != cacheVersion {
			c.Problem = fmt.Sprintf("ignoring the price cache %s: not a version-%d cache; it is rebuilt on the next refresh", c.path, cacheVersion)
			break
		}
		for _, m := range []*map[string]cached{&d.Instances, &d.Spot, &d.EBS} {
			if *m == nil {
				*m = map[string]cached{}
			}
		}
		c.doc = d
	}
	return c
}

func emptyDoc() cacheDoc {
	return cacheDoc{Version: cacheVersion, Instances: map[string]cached{}, Spot: map[string]cached{}, EBS: map[string]cached{}}
}

// Path is the cache file's location.
func (c *Cache) Path() string { return c.path }

func key(region, name string) string { return region + "/" + name }

func (c *Cache) get(m func(*cacheDoc) map[string]cached, region, name string) (cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := m(&c.doc)[key(region, name)]
	return v, ok
}

func (c *Cache) put(m func(*cacheDoc) map[string]cached, region, name string, v cached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m(&c.doc)[key(region, name)] = v
}

// failed returns the source's remembered failure.
func (c *Cache) failed(source string) (failure, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.doc.Failures[source]
	return f, ok
}

// setFailed remembers a failure of source, or forgets it (f zero).
func (c *Cache) setFailed(source string, f failure) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.At.IsZero() {
		delete(c.doc.Failures, source)
		return
	}
	if c.doc.Failures == nil {
		c.doc.Failures = map[string]failure{}
	}
	c.doc.Failures[source] = f
}

func instancesOf(d *cacheDoc) map[string]cached { return d.Instances }
func spotOf(d *cacheDoc) map[string]cached      { return d.Spot }
func ebsOf(d *cacheDoc) map[string]cached       { return d.EBS }

// Save writes the cache atomically (a temporary file renamed over the old).
func (c *Cache) Save() error {
	c.mu.Lock()
	data, err := json.MarshalIndent(c.doc, "", " ")
	c.mu.Unlock()
	if err != nil {
		return fmt.Errorf("encoding the price cache: %w", err)
	}
	if err := atomicfile.Write(c.path, data, 0o600); err != nil {
		return fmt.Errorf("saving the price cache: %w", err)
	}
	return nil
}
