package pricing

import (
	"bytes"
	"strings"
	"testing"
)

func TestEBSPerRegion(t *testing.T) {
	tab := builtinT(t)
	us, ok := tab.EBS("us-east-1", "gp3")
	if !ok {
		t.Fatal("gp3 in us-east-1 unknown")
	}
	if us.PerGBMonth != 0.08 || us.PerIOPSMonth != (Rate{0.005, true}) || us.FreeIOPS != 3000 ||
		us.PerMBpsMonth != (Rate{0.04, true}) || us.FreeMBps != 125 || us.Currency != "USD" || us.AsOf.IsZero() || us.Source == "" {
		t.Errorf("gp3 us-east-1 = %+v", us)
	}
	eu, ok := tab.EBS("eu-west-1", "gp3")
	if !ok || eu.PerGBMonth != 0.088 {
		t.Fatalf("gp3 eu-west-1 = %+v, %v; want 0.088/GB-month", eu, ok)
	}
	// No sourced IOPS/throughput rate for eu-west-1: unknown, not free.
	if eu.PerIOPSMonth.Known || eu.PerMBpsMonth.Known {
		t.Errorf("gp3 eu-west-1 IOPS/throughput rates should be unknown, got %+v / %+v", eu.PerIOPSMonth, eu.PerMBpsMonth)
	}
	// gp2 does not charge for IOPS at all: known zero.
	if gp2, ok := tab.EBS("us-east-1", "gp2"); !ok || gp2.PerGBMonth != 0.10 || gp2.PerIOPSMonth != (Rate{0, true}) {
		t.Errorf("gp2 us-east-1 = %+v, %v", gp2, ok)
	}
	for _, vt := range VolumeTypes {
		if _, ok := tab.EBS("us-east-1", vt); !ok {
			t.Errorf("%s in us-east-1 missing", vt)
		}
	}
	if p, ok := tab.EBS("ap-southeast-2", "gp3"); ok {
		t.Errorf("gp3 in ap-southeast-2 has no source and must be unknown, got %+v", p)
	}
	if _, ok := tab.EBS("us-east-1", "gp9"); ok {
		t.Error("unknown volume type must be unknown")
	}
	if got := tab.EBSRegions(); strings.Join(got, ",") != "eu-west-1,us-east-1" {
		t.Errorf("EBSRegions = %v", got)
	}
}

func TestPublicIPv4(t *testing.T) {
	tab := builtinT(t)
	for _, r := range []string{"us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"} {
		p, ok := tab.PublicIPv4Hourly(r)
		if !ok || p.Hourly != 0.005 || p.AsOf.Format("2006-01-02") != "2024-02-01" || p.Source == "" {
			t.Errorf("PublicIPv4Hourly(%s) = %+v, %v", r, p, ok)
		}
	}
	for _, r := range []string{"us-gov-west-1", "us-east-1-bos-1", "mars-north-1", ""} {
		if p, ok := tab.PublicIPv4Hourly(r); ok {
			t.Errorf("PublicIPv4Hourly(%q) = %+v; want unknown", r, p)
		}
	}
}

func TestEBSRejectsBadRows(t *testing.T) {
	head := strings.Join(ebsHeader, ",") + "\n"
	cases := map[string]string{
		"zero storage price":  "us-east-1,gp3,0,0,0,0,0,2026-01-01,src,\n",
		"bad volume type":     "us-east-1,gp9,0.1,0,0,0,0,2026-01-01,src,\n",
		"bad rate":            "us-east-1,gp3,0.1,cheap,0,0,0,2026-01-01,src,\n",
		"missing source":      "us-east-1,gp3,0.1,0,0,0,0,2026-01-01,,\n",
		"bad date":            "us-east-1,gp3,0.1,0,0,0,0,yesterday,src,\n",
		"duplicate":           "us-east-1,gp3,0.1,0,0,0,0,2026-01-01,src,\nus-east-1,gp3,0.1,0,0,0,0,2026-01-01,src,\n",
		"short row":           "us-east-1,gp3,0.1\n",
		"negative free iops":  "us-east-1,gp3,0.1,0,-1,0,0,2026-01-01,src,\n",
		"wrong header (none)": "",
	}
	for name, body := range cases {
		in := head + body
		if name == "wrong header (none)" {
			in = "region,type\n"
		}
		err := decodeEBS(strings.NewReader(in), &Table{ebs: map[ebsKey]EBSPrice{}})
		if err == nil {
			t.Errorf("%s: accepted %q", name, body)
		}
	}
}

func TestLoadRejectsBadTables(t *testing.T) {
	cases := map[string][]byte{
		"not gzip":      []byte("M,format,1\n"),
		"wrong format":  gz(t, "M,format,9\nM,as_of,2025-05-28\nT,a.b,1,1,x\nP,a.b,r,0.1,\n"),
		"no date":       gz(t, "M,format,1\nT,a.b,1,1,x\nP,a.b,r,0.1,\n"),
		"no prices":     gz(t, "M,format,1\nM,as_of,2025-05-28\nT,a.b,1,1,x\n"),
		"zero price":    gz(t, "M,format,1\nM,as_of,2025-05-28\nT,a.b,1,1,x\nP,a.b,r,0,\n"),
		"orphan price":  gz(t, "M,format,1\nM,as_of,2025-05-28\nP,a.b,r,0.1,\n"),
		"bad vcpu":      gz(t, "M,format,1\nM,as_of,2025-05-28\nT,a.b,x,1,x\nP,a.b,r,0.1,\n"),
		"short record":  gz(t, "M,format,1\nM,as_of,2025-05-28\nT,a.b,1\n"),
		"priced twice":  gz(t, "M,format,1\nM,as_of,2025-05-28\nT,a.b,1,1,x\nP,a.b,r,0.1,\nP,a.b,r,0.2,\n"),
		"no format row": gz(t, "M,as_of,2025-05-28\nT,a.b,1,1,x\nP,a.b,r,0.1,\n"),
	}
	for name, data := range cases {
		if _, err := Load(bytes.NewReader(data), nil); err == nil {
			t.Errorf("%s: Load accepted it", name)
		} else if !strings.Contains(err.Error(), "price table") {
			t.Errorf("%s: error should say which table failed: %v", name, err)
		}
	}
	ok := gz(t, "M,format,1\nM,as_of,2025-05-28\nT,a.b,1,1,x\nP,a.b,r,0.1,\n")
	if _, err := Load(bytes.NewReader(ok), nil); err != nil {
		t.Errorf("minimal valid table rejected: %v", err)
	}
}
