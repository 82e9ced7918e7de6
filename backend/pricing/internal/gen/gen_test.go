package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/pricing"
)

func generate(t *testing.T) (string, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "instances.csv.gz")
	var log bytes.Buffer
	err := run([]string{"-in", "testdata/instances.json", "-out", out, "-asof", "2025-05-28", "-source", "fixture"}, &log)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return out, log.String()
}

func TestGeneratedTableLoads(t *testing.T) {
	out, log := generate(t)
	// 4 types; prices: m5.large x3 usable, a1.medium x1; skipped: m5.large
	// us-west-2 (zero), sa-east-1 (empty), me-south-1 (no linux), mac2.metal.
	for _, want := range []string{"4 types", "4 prices", "2 without spot average", "4 pairs skipped"} {
		if !strings.Contains(log, want) {
			t.Errorf("summary %q lacks %q", log, want)
		}
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := pricing.Load(f, nil)
	if err != nil {
		t.Fatalf("the runtime cannot read what the generator wrote: %v", err)
	}
	if !tab.AsOf().Equal(time.Date(2025, 5, 28, 0, 0, 0, 0, time.UTC)) || tab.Origin() != "fixture" {
		t.Errorf("meta = %v %q", tab.AsOf(), tab.Origin())
	}
	checks := []struct {
		region, typ string
		od, spot    float64
		hasSpot     bool
	}{
		{"us-east-1", "m5.large", 0.096, 0.03168, true},
		{"eu-west-1", "m5.large", 0.107, 0, false},
		{"ap-southeast-2", "m5.large", 0.12, 0.042, true}, // numbers, not strings, in the JSON
		{"us-east-1", "a1.medium", 0.0255, 0, false},
	}
	for _, c := range checks {
		p, ok := tab.Instance(c.region, c.typ)
		if !ok || p.OnDemandHourly != c.od || p.SpotAvgHourly != c.spot || p.HasSpot != c.hasSpot {
			t.Errorf("%s %s = %+v, %v; want %v / %v (%v)", c.typ, c.region, p, ok, c.od, c.spot, c.hasSpot)
		}
	}
	for _, c := range [][2]string{{"us-west-2", "m5.large"}, {"sa-east-1", "m5.large"}, {"me-south-1", "m5.large"}, {"us-east-1", "mac2.metal"}} {
		if p, ok := tab.Instance(c[0], c[1]); ok {
			t.Errorf("%s in %s should be unknown (no usable Linux on-demand price), got %+v", c[1], c[0], p)
		}
	}
	if ti, ok := tab.Type("t1.micro"); !ok || ti.VCPU != 1 || ti.MemoryGiB != 0.613 || strings.Join(ti.Arch, " ") != "i386 x86_64" {
		t.Errorf("t1.micro = %+v, %v", ti, ok)
	}
}

func TestGeneratorIsReproducible(t *testing.T) {
	a, _ := generate(t)
	b, _ := generate(t)
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if len(da) == 0 || !bytes.Equal(da, db) {
		t.Error("two runs on the same data must write identical bytes (clean diffs)")
	}
}

func TestConvertRejectsBadData(t *testing.T) {
	meta := Meta{AsOf: time.Date(2025, 5, 28, 0, 0, 0, 0, time.UTC), Source: "x"}
	cases := map[string]string{
		"not an array":    `{"instance_type": "m5.large"}`,
		"empty array":     `[]`,
		"broken JSON":     `[{"instance_type": "m5.large", `,
		"duplicate type":  `[{"instance_type":"a.b","vCPU":1,"memory":1},{"instance_type":"a.b","vCPU":1,"memory":1}]`,
		"bad vCPU":        `[{"instance_type":"a.b","vCPU":1.5,"memory":1}]`,
		"no memory":       `[{"instance_type":"a.b","vCPU":1}]`,
		"comma in a name": `[{"instance_type":"a,b","vCPU":1,"memory":1}]`,
	}
	for name, in := range cases {
		if _, err := Convert(strings.NewReader(in), &bytes.Buffer{}, meta); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Convert(strings.NewReader(`[]`), &bytes.Buffer{}, Meta{}); err == nil || !strings.Contains(err.Error(), "-asof") {
		t.Errorf("missing date/source: %v", err)
	}
}

func TestRunFlags(t *testing.T) {
	dir := t.TempDir()
	cases := map[string][]string{
		"no -in":      {"-asof", "2025-05-28", "-source", "s", "-out", filepath.Join(dir, "o")},
		"bad -asof":   {"-in", "testdata/instances.json", "-asof", "May 2025", "-source", "s", "-out", filepath.Join(dir, "o")},
		"missing -in": {"-in", filepath.Join(dir, "nope.json"), "-asof", "2025-05-28", "-source", "s", "-out", filepath.Join(dir, "o")},
	}
	for name, args := range cases {
		if err := run(args, &bytes.Buffer{}); err == nil {
			t.Errorf("%s: run succeeded", name)
		}
	}
	// A failed run leaves nothing behind for the build to embed.
	if err := run([]string{"-in", "testdata/instances.json", "-asof", "2025-05-28", "-out", filepath.Join(dir, "o")}, &bytes.Buffer{}); err == nil {
		t.Error("run without -source succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed runs left files: %v", entries)
	}
}
