package cloud

import (
	"strconv"
	"strings"
	"time"
)

// The tags Cloud Control writes on the stacks and instances it acts on and
// reads back from DescribeInstances: who started or launched an instance,
// its lease, its boot progress. They come with the Describe call every poll
// already makes, so knowing them costs no extra API call.
const (
	TagLaunch     = "cloudcontrol:launch"      // the launch id of an instance Cloud Control launched
	TagEnv        = "cloudcontrol:env"         // the environment it was launched into
	TagTemplate   = "cloudcontrol:template"    // the template it was launched from
	TagLaunchedBy = "cloudcontrol:launched-by" // the caller's ARN
	TagProgress   = "cloudcontrol:progress"    // "PERCENT MESSAGE", set by the instance itself while it boots
	TagDNS        = "cloudcontrol:dns"         // the DNS name Cloud Control keeps pointing at it
	TagStartedBy  = "cloudcontrol:started-by"  // the ARN of whoever last started it
	TagStartedAt  = "cloudcontrol:started-at"  // RFC 3339
	TagLeaseUntil = "cloudcontrol:lease-until" // RFC 3339
	TagLeaseBy    = "cloudcontrol:lease-by"    // ARN
)

// BootProgress is what an instance last said of its own boot.
type BootProgress struct {
	Percent int    `json:"percent"`
	Message string `json:"message,omitempty"`
}

// ParseProgress reads a TagProgress value ("40 installing packages"); ok is
// false for anything else, which is then shown as no progress at all.
func ParseProgress(v string) (BootProgress, bool) {
	num, msg, _ := strings.Cut(strings.TrimSpace(v), " ")
	n, err := strconv.Atoi(strings.TrimSuffix(num, "%"))
	if err != nil || n < 0 || n > 100 {
		return BootProgress{}, false
	}
	return BootProgress{Percent: n, Message: strings.TrimSpace(msg)}, true
}

// annotate fills the fields that Cloud Control's own tags carry. Values
// that do not parse are left out rather than guessed.
func (in *Instance) annotate() {
	t := in.Tags
	if p, ok := ParseProgress(t[TagProgress]); ok {
		in.Progress = &p
	}
	in.Launch, in.DNSName = t[TagLaunch], t[TagDNS]
	in.StartedBy, in.LeaseBy = t[TagStartedBy], t[TagLeaseBy]
	in.StartedAt, in.LeaseUntil = tagTime(t[TagStartedAt]), tagTime(t[TagLeaseUntil])
}

// automationTime is how an Automation runbook writes a time
// ({{ global:DATE_TIME }}, UTC): the exported start runbook's started-at.
const automationTime = "2006-01-02_15.04.05"

func tagTime(v string) *time.Time {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		if t, err = time.Parse(automationTime, v); err != nil {
			return nil
		}
	}
	t = t.UTC()
	return &t
}

// Annotated returns in with the fields its Cloud Control tags carry filled
// in (Progress, Launch, DNSName, StartedBy/At, LeaseUntil/By). Every adapter
// that builds an Instance from a cloud's answer calls it.
func Annotated(in Instance) Instance {
	in.annotate()
	return in
}
