package pricing

import (
	"slices"
	"sync"
	"testing"
	"time"
)

func builtinT(t testing.TB) *Table {
	t.Helper()
	tab, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	return tab
}

// The figures below were read by hand from data/instances.json of
// github.com/LeanerCloud/ec2-instances-info@v0.0.0-20250528091325-32acf84f42eb.
func TestInstancePriceIsPerRegion(t *testing.T) {
	tab := builtinT(t)
	want := map[string][2]float64{
		"us-east-1":      {0.096, 0.031680},
		"eu-west-1":      {0.107, 0.047080},
		"ap-southeast-2": {0.12, 0.042000},
	}
	seen := map[float64]string{}
	for region, w := range want {
		p, ok := tab.Instance(region, "m5.large")
		if !ok {
			t.Fatalf("m5.large in %s: unknown, want %v", region, w[0])
		}
		if p.OnDemandHourly != w[0] || !p.HasSpot || p.SpotAvgHourly != w[1] {
			t.Errorf("m5.large in %s = %v / spot %v (has %v), want %v / %v", region, p.OnDemandHourly, p.SpotAvgHourly, p.HasSpot, w[0], w[1])
		}
		if p.Region != region || p.InstanceType != "m5.large" || p.Currency != "USD" || p.Source != Source {
			t.Errorf("m5.large in %s: labels %+v", region, p)
		}
		if !p.AsOf.Equal(time.Date(2025, 5, 28, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("AsOf = %v, want 2025-05-28", p.AsOf)
		}
		if other, dup := seen[p.OnDemandHourly]; dup {
			t.Errorf("m5.large costs the same in %s and %s: the table must not flatten regions", region, other)
		}
		seen[p.OnDemandHourly] = region
	}
	if p, ok := tab.Instance("us-east-1", "p5.48xlarge"); !ok || p.OnDemandHourly != 98.32 {
		t.Errorf("p5.48xlarge in us-east-1 = %v, %v; want 98.32", p.OnDemandHourly, ok)
	}
}

func TestUnknownIsNeverZero(t *testing.T) {
	tab := builtinT(t)
	cases := []struct{ name, region, typ string }{
		{"type not in the table", "us-east-1", "m99.colossal"},
		{"region not in the table", "mars-north-1", "m5.large"},
		{"empty input", "", ""},
		{"type not sold in that region", "eu-west-1", "p5.48xlarge"},
		{"type with only dedicated/Windows prices there", "us-east-1", "mac2.metal"},
		{"type names are exact", "us-east-1", "M5.Large"},
	}
	for _, c := range cases {
		if p, ok := tab.Instance(c.region, c.typ); ok || p != (Price{}) {
			t.Errorf("%s: Instance(%q, %q) = %+v, %v; want unknown", c.name, c.region, c.typ, p, ok)
		}
	}
	// The type itself is known even where it has no price.
	if ti, ok := tab.Type("mac2.metal"); !ok || ti.VCPU != 8 || ti.MemoryGiB != 16 {
		t.Errorf("Type(mac2.metal) = %+v, %v", ti, ok)
	}
	if _, ok := tab.Type("m99.colossal"); ok {
		t.Error("Type of an unknown type should be unknown")
	}
}

func TestSpotMissingIsFlagged(t *testing.T) {
	p, ok := builtinT(t).Instance("us-east-1", "u-6tb1.112xlarge")
	if !ok || p.OnDemandHourly != 54.6 {
		t.Fatalf("u-6tb1.112xlarge = %+v, %v; want on-demand 54.6", p, ok)
	}
	if p.HasSpot || p.SpotAvgHourly != 0 {
		t.Errorf("u-6tb1.112xlarge has no spot average in the data, got %v (has %v)", p.SpotAvgHourly, p.HasSpot)
	}
}

func TestTypeInfo(t *testing.T) {
	tab := builtinT(t)
	cases := map[string]TypeInfo{
		"m5.large":    {VCPU: 2, MemoryGiB: 8, Arch: []string{"x86_64"}},
		"t4g.nano":    {VCPU: 2, MemoryGiB: 0.5, Arch: []string{"arm64"}},
		"p5.48xlarge": {VCPU: 192, MemoryGiB: 2048, Arch: []string{"x86_64"}},
	}
	for typ, want := range cases {
		got, ok := tab.Type(typ)
		if !ok || got.VCPU != want.VCPU || got.MemoryGiB != want.MemoryGiB || !slices.Equal(got.Arch, want.Arch) {
			t.Errorf("Type(%s) = %+v, %v; want %+v", typ, got, ok, want)
		}
	}
	// Callers get their own Arch slice: changing it must not change the table.
	a, _ := tab.Type("m5.large")
	a.Arch[0] = "changed"
	if b, _ := tab.Type("m5.large"); b.Arch[0] != "x86_64" {
		t.Errorf("Type leaked the table's slice: now %v", b.Arch)
	}
}

func TestBuiltinConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	tables := make([]*Table, 32)
	for i := range tables {
		wg.Go(func() {
			tab, err := Builtin()
			if err != nil {
				t.Error(err)
				return
			}
			tables[i] = tab
			for range 200 {
				if p, ok := tab.Instance("eu-west-1", "m5.large"); !ok || p.OnDemandHourly != 0.107 {
					t.Errorf("concurrent lookup = %v, %v", p.OnDemandHourly, ok)
					return
				}
				if _, ok := tab.EBS("us-east-1", "gp3"); !ok {
					t.Error("concurrent EBS lookup failed")
					return
				}
			}
		})
	}
	wg.Wait()
	for _, tab := range tables[1:] {
		if tab != tables[0] {
			t.Fatal("Builtin must decode once and hand every caller the same table")
		}
	}
}

func TestInstanceTypesOfARegion(t *testing.T) {
	tb, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	types := tb.InstanceTypes("eu-west-1")
	if len(types) < 100 || !slices.IsSorted(types) || !slices.Contains(types, "m5.large") {
		t.Fatalf("eu-west-1 has %d types (m5.large: %v)", len(types), slices.Contains(types, "m5.large"))
	}
	if got := tb.InstanceTypes("mars-north-1"); len(got) != 0 {
		t.Fatalf("an unknown region has types %v", got)
	}
}
