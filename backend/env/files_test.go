package env

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// bigEnv is a legal environment file of about size bytes: one stage whose
// instances are tag selectors (five YAML values each), and no alias.
func bigEnv(size int) []byte {
	var b strings.Builder
	b.WriteString("stages:\n  - name: app\n    instances:\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "      - tags: {Role: r%d}\n", i)
	}
	return []byte(b.String())
}

func TestLoadFileRefusesAFileOverTheCap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.yaml")
	data := append(bigEnv(MaxFileSize), "# one byte too many\n"...)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	e, problems := LoadFile(path)
	want := fmt.Sprintf("%s:1:1: the file has %d bytes; an environment file may have at most 1 MiB (1048576 bytes)", path, len(data))
	if e != nil || len(problems) != 1 || problems[0].Error() != want {
		t.Errorf("LoadFile(over the cap) = %v, %q; want %q", e, problems, want)
	}
}

func TestLargeFileWithoutAliasesIsNotAnAliasBomb(t *testing.T) {
	data := bigEnv(MaxFileSize - 1024) // about 190,000 values, none through an alias
	e, problems := Parse("big.yaml", data)
	if len(problems) > 0 {
		t.Fatalf("a legal %d-byte file without aliases: %v", len(data), problems[0])
	}
	if n := len(e.Stages[0].Instances); n < 30_000 {
		t.Fatalf("%d selectors read, want the whole file's", n)
	}
}

func TestAliasBombIsStillRefused(t *testing.T) {
	doc := "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nstages: [*e]\n"
	_, problems := Parse("f.yaml", []byte(doc))
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "aliases") {
		t.Fatalf("problems = %v, want the alias-expansion refusal", problems)
	}
}

func TestLoadFileDanglingLinkIsAtLineOne(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dangling.yaml")
	if err := os.Symlink(filepath.Join(dir, "gone.yaml"), path); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	_, problems := LoadFile(path)
	want := path + ":1:1: cannot read the environment file: no such file or directory"
	if len(problems) != 1 || problems[0].Error() != want {
		t.Errorf("problems = %q, want %q", problems, want)
	}
}

// BenchmarkParseLargeFile reads a legal file just under the size cap and
// prints the memory it takes per byte of file: it must stay a small,
// constant factor (a 27 MB file once took 641 MB).
func BenchmarkParseLargeFile(b *testing.B) {
	data := bigEnv(MaxFileSize - 1024)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if _, problems := Parse("big.yaml", data); len(problems) > 0 {
			b.Fatal(problems[0])
		}
		runtime.ReadMemStats(&after)
		peak = max(peak, after.TotalAlloc-before.TotalAlloc)
	}
	b.ReportMetric(float64(peak)/float64(len(data)), "alloc-bytes/file-byte")
	b.ReportMetric(float64(peak)/(1<<20), "alloc-MiB")
}
