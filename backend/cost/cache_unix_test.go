//go:build unix

package cost

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAStrayPriceCacheIsNotRead: a named pipe or /dev/zero as prices.json,
// or a file past maxCacheSize, is not read (a read would never end or
// never stop growing): the cache is empty, the prices come from the table
// and the note says why.
func TestAStrayPriceCacheIsNotRead(t *testing.T) {
	for want, create := range map[string]func(path string) error{
		"it is a named pipe, not a regular file": func(path string) error { return syscall.Mkfifo(path, 0o600) },
		"it is a device, not a regular file":     func(path string) error { return os.Symlink("/dev/zero", path) },
		"the file has 16777217 bytes; the limit is 16777216": func(path string) error {
			return os.WriteFile(path, make([]byte, maxCacheSize+1), 0o600)
		},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, CacheFile)
		if err := create(path); err != nil {
			t.Skipf("cannot make %q here: %v", want, err)
		}
		t.Cleanup(func() { // a reader stuck on the pipe after all is let go
			if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		})
		done := make(chan *Cache, 1)
		go func() { done <- OpenCache(dir) }()
		var c *Cache
		select {
		case c = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("OpenCache over a file where %s did not return within 5s", want)
		}
		if !strings.Contains(c.Problem, "cannot read the price cache "+path+" ("+want+"); using the built-in table") {
			t.Errorf("problem %q, want it to say %q", c.Problem, want)
		}
		if q := NewBook(table(t), c).Instance("us-east-1", "m5.large", false); !near(q.USD, 0.096) || !strings.Contains(q.Note, want) {
			t.Errorf("priced %v, note %q; want the table's price and the note saying %q", q, q.Note, want)
		}
	}
}
