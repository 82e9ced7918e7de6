package pricing

import (
	"bytes"
	"compress/gzip"
	"testing"
)

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The embedded files are what the table adds to the binary (plus the small
// decoder); the budget is 1 MB. binsize.sh measures the real binary growth.
func TestEmbeddedSize(t *testing.T) {
	total := len(instancesGz) + len(ebsCSV)
	t.Logf("embedded: instances.csv.gz %d bytes, ebs.csv %d bytes, total %d bytes", len(instancesGz), len(ebsCSV), total)
	if total >= 1<<20 {
		t.Errorf("embedded data is %d bytes, over the 1 MB budget", total)
	}
}

// A lookup is on the path of every price the UI draws: no allocations.
func TestLookupDoesNotAllocate(t *testing.T) {
	tab := builtinT(t)
	allocs := testing.AllocsPerRun(1000, func() {
		_, _ = tab.Instance("eu-west-1", "m5.large")
		_, _ = tab.Instance("eu-west-1", "m99.colossal")
		_, _ = tab.EBS("us-east-1", "gp3")
		_, _ = tab.PublicIPv4Hourly("us-east-1")
	})
	if allocs != 0 {
		t.Errorf("lookups allocate %.1f times per run, want 0", allocs)
	}
}

// BenchmarkLoad decodes the whole embedded table (budget: 20 ms).
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	b.ReportMetric(float64(len(instancesGz)+len(ebsCSV)), "embedded-bytes")
	for b.Loop() {
		if _, err := Load(bytes.NewReader(instancesGz), bytes.NewReader(ebsCSV)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/load")
}

// BenchmarkLookup is one instance price lookup (budget: 1 µs).
func BenchmarkLookup(b *testing.B) {
	tab := builtinT(b)
	regions := []string{"us-east-1", "eu-west-1", "ap-southeast-2", "mars-north-1"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_, _ = tab.Instance(regions[i&3], "m5.large")
		i++
	}
}
