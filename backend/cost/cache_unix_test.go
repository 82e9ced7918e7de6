//go:build unix

package cost

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cloudcontrol/internal/fifo"
)

// TestAStrayPriceCacheIsNotRead: a named pipe or /dev/zero as prices.json,
// or a file past maxCacheSize, is not read (a read would never end or
// never stop growing): the cache is empty, the prices come from the table
// and the note says why.
func TestAStrayPriceCacheIsNotRead(t *testing.T) {
	for want, create := range map[string]func(path string){
		"it is a named pipe, not a regular file": func(path string) { fifo.Make(t, path) },
		"it is a device, not a regular file": func(path string) {
			if err := os.Symlink("/dev/zero", path); err != nil {
				t.Fatal(err)
			}
		},
		"the file has 16777217 bytes; the limit is 16777216": func(path string) {
			if err := os.WriteFile(path, make([]byte, maxCacheSize+1), 0o600); err != nil {
				t.Fatal(err)
			}
		},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, CacheFile)
		create(path)
		c := fifo.Within(t, "OpenCache over a file where "+want, func() *Cache { return OpenCache(dir) })
		if !strings.Contains(c.Problem, "cannot read the price cache "+path+" ("+want+"); using the built-in table") {
			t.Errorf("problem %q, want it to say %q", c.Problem, want)
		}
		if q := NewBook(table(t), c).Instance("us-east-1", "m5.large", false); !near(q.USD, 0.096) || !strings.Contains(q.Note, want) {
			t.Errorf("priced %v, note %q; want the table's price and the note saying %q", q, q.Note, want)
		}
	}
}
