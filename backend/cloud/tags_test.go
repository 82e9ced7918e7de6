package cloud

import (
	"testing"
	"time"
)

func TestParseProgress(t *testing.T) {
	for _, c := range []struct {
		in   string
		want BootProgress
		ok   bool
	}{
		{"40 installing packages", BootProgress{40, "installing packages"}, true},
		{"100", BootProgress{100, ""}, true},
		{" 7%  warming up ", BootProgress{7, "warming up"}, true},
		{"", BootProgress{}, false},
		{"101 too far", BootProgress{}, false},
		{"-1 before", BootProgress{}, false},
		{"half done", BootProgress{}, false},
	} {
		got, ok := ParseProgress(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseProgress(%q) = %+v, %v; want %+v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestAnnotatedReadsCloudControlTags(t *testing.T) {
	in := Annotated(Instance{ID: "i-1", Tags: map[string]string{
		TagProgress: "60 compiling", TagLaunch: "L1", TagDNS: "api.test.example.com",
		TagStartedBy: "arn:aws:iam::1:user/ann", TagStartedAt: "2026-12-01T08:00:00+01:00",
		TagLeaseUntil: "2026-12-01T17:00:00Z", TagLeaseBy: "arn:aws:iam::1:user/bob",
	}})
	if in.Progress == nil || *in.Progress != (BootProgress{60, "compiling"}) {
		t.Errorf("progress %+v", in.Progress)
	}
	if in.Launch != "L1" || in.DNSName != "api.test.example.com" || in.StartedBy != "arn:aws:iam::1:user/ann" || in.LeaseBy != "arn:aws:iam::1:user/bob" {
		t.Errorf("annotated %+v", in)
	}
	if want := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC); in.StartedAt == nil || !in.StartedAt.Equal(want) || in.StartedAt.Location() != time.UTC {
		t.Errorf("started at %v, want %v in UTC", in.StartedAt, want)
	}
	if in.LeaseUntil == nil || !in.LeaseUntil.Equal(time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)) {
		t.Errorf("lease until %v", in.LeaseUntil)
	}
	bad := Annotated(Instance{Tags: map[string]string{TagProgress: "soon", TagStartedAt: "yesterday"}})
	if bad.Progress != nil || bad.StartedAt != nil {
		t.Errorf("unparsable tags were guessed: %+v", bad)
	}
}

// The exported start runbook writes started-at with Automation's own
// {{ global:DATE_TIME }} (UTC, yyyy-MM-dd_HH.mm.ss): it reads the same.
func TestStartedAtFromARunbook(t *testing.T) {
	in := Annotated(Instance{Tags: map[string]string{TagStartedAt: "2026-12-01_07.30.05"}})
	if want := time.Date(2026, 12, 1, 7, 30, 5, 0, time.UTC); in.StartedAt == nil || !in.StartedAt.Equal(want) {
		t.Errorf("started at %v, want %v", in.StartedAt, want)
	}
}
