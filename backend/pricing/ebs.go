package pricing

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// VolumeTypes are the EBS volume types the table can price.
var VolumeTypes = []string{"gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"}

// Rate is one optional charge. Known false means the table has no sourced
// figure (show "unknown"); Known true with USD 0 means the volume type does
// not charge for that dimension at all.
type Rate struct {
	USD   float64
	Known bool
}

// EBSPrice is what one EBS volume type costs in one region.
type EBSPrice struct {
	Region     string
	VolumeType string
	PerGBMonth float64 // USD per provisioned GB-month, always > 0
	// PerIOPSMonth is charged per provisioned IOPS above FreeIOPS
	// (gp3: above 3,000; io1/io2: all of them).
	PerIOPSMonth Rate
	FreeIOPS     int
	// PerMBpsMonth is charged per provisioned MB/s above FreeMBps (gp3: 125).
	PerMBpsMonth Rate
	FreeMBps     int
	Note         string // what the figures leave out (tiers, I/O requests)
	Currency     string
	Source       string // where the figures were read
	AsOf         time.Time
}

type ebsKey struct{ region, volumeType string }

// EBS returns the price of volumeType (gp2, gp3, io1, io2, st1, sc1,
// standard) in region. ok is false when the table has no sourced price for
// that region and type: the caller shows "unknown".
func (t *Table) EBS(region, volumeType string) (EBSPrice, bool) {
	p, ok := t.ebs[ebsKey{region, volumeType}]
	return p, ok
}

// EBSRegions lists the regions with at least one sourced EBS price.
func (t *Table) EBSRegions() []string {
	seen := map[string]bool{}
	var out []string
	for k := range t.ebs {
		if !seen[k.region] {
			seen[k.region] = true
			out = append(out, k.region)
		}
	}
	slices.Sort(out)
	return out
}

var ebsHeader = []string{"region", "volume_type", "per_gb_month", "per_iops_month", "free_iops",
	"per_mbps_month", "free_mbps", "as_of", "source", "note"}

// decodeEBS reads data/ebs.csv, a hand-kept file (see README.md): a header
// row, then one row per region and volume type; "unknown" in a rate column
// means no source was found for it.
func decodeEBS(r io.Reader, t *Table) error {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = len(ebsHeader)
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("ebs.csv header: %w", err)
	}
	if strings.Join(head, ",") != strings.Join(ebsHeader, ",") {
		return fmt.Errorf("ebs.csv header is %q, want %q", strings.Join(head, ","), strings.Join(ebsHeader, ","))
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ebs.csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		p, err := parseEBSRow(rec)
		if err != nil {
			return fmt.Errorf("ebs.csv line %d: %w", line, err)
		}
		k := ebsKey{p.Region, p.VolumeType}
		if _, dup := t.ebs[k]; dup {
			return fmt.Errorf("ebs.csv line %d: %s %s listed twice", line, p.Region, p.VolumeType)
		}
		t.ebs[k] = p
	}
}

func parseEBSRow(rec []string) (EBSPrice, error) {
	p := EBSPrice{Region: rec[0], VolumeType: rec[1], Source: rec[8], Note: rec[9], Currency: Currency}
	if !isVolumeType(p.VolumeType) {
		return p, fmt.Errorf("unknown volume type %q (want one of %s)", p.VolumeType, strings.Join(VolumeTypes, ", "))
	}
	if p.Region == "" || strings.TrimSpace(p.Source) == "" {
		return p, fmt.Errorf("region and source are required")
	}
	var err error
	if p.PerGBMonth, err = price(rec[2]); err != nil {
		return p, fmt.Errorf("per_gb_month: %w", err)
	}
	if p.PerIOPSMonth, err = rate(rec[3]); err != nil {
		return p, fmt.Errorf("per_iops_month: %w", err)
	}
	if p.PerMBpsMonth, err = rate(rec[5]); err != nil {
		return p, fmt.Errorf("per_mbps_month: %w", err)
	}
	if p.FreeIOPS, err = strconv.Atoi(rec[4]); err != nil || p.FreeIOPS < 0 {
		return p, fmt.Errorf("free_iops %q is not a whole number", rec[4])
	}
	if p.FreeMBps, err = strconv.Atoi(rec[6]); err != nil || p.FreeMBps < 0 {
		return p, fmt.Errorf("free_mbps %q is not a whole number", rec[6])
	}
	if p.AsOf, err = time.Parse(time.DateOnly, rec[7]); err != nil {
		return p, fmt.Errorf("as_of: %w", err)
	}
	return p, nil
}

// rate parses an optional charge: "unknown", "0" (not charged) or a price.
func rate(s string) (Rate, error) {
	switch s {
	case "unknown":
		return Rate{}, nil
	case "0":
		return Rate{Known: true}, nil
	}
	v, err := price(s)
	return Rate{USD: v, Known: err == nil}, err
}

func isVolumeType(s string) bool { return slices.Contains(VolumeTypes, s) }

// The public IPv4 charge: $0.005 per address-hour for every AWS-provided
// public IPv4 address (in use or idle) since 2024-02-01, the same in all
// commercial regions (AWS announcement of 2023-07-28, and the Amazon VPC
// pricing page's Public IPv4 Address tab). GovCloud and China are left out:
// no source was found for them, so they stay unknown.
const (
	ipv4Hourly = 0.005
	ipv4Source = "AWS public IPv4 address charge (Amazon VPC pricing, effective 2024-02-01)"
)

var ipv4From = time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)

// plainRegion reports whether s is a region code (us-east-1, ap-southeast-2)
// rather than a Local Zone or Wavelength id (us-east-1-bos-1), which the
// instance data also lists. Hand-written rather than a regexp: regexp alone
// would add ~300 KB to the binary.
func plainRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) != 3 || len(parts[0]) != 2 || parts[1] == "" || parts[2] == "" {
		return false
	}
	for _, c := range parts[2] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (t *Table) addIPv4() {
	t.ipv4AsOf = ipv4From
	for r := range t.regions {
		if plainRegion(r) && !strings.HasPrefix(r, "us-gov-") && !strings.HasPrefix(r, "cn-") {
			t.ipv4[r] = true
		}
	}
}

// IPv4Price is the hourly charge for one public IPv4 address.
type IPv4Price struct {
	Hourly   float64
	Currency string
	Source   string
	AsOf     time.Time
}

// PublicIPv4Hourly returns the charge for one public IPv4 address in region.
// ok is false for a region the table does not know as a commercial region.
func (t *Table) PublicIPv4Hourly(region string) (IPv4Price, bool) {
	if !t.ipv4[region] {
		return IPv4Price{}, false
	}
	return IPv4Price{Hourly: ipv4Hourly, Currency: Currency, Source: ipv4Source, AsOf: t.ipv4AsOf}, true
}
