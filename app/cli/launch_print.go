package cli

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/launch"
	"cloudcontrol/backend/op"
)

// describeLaunch words the events of a launch, terminate or clean-up for
// the text printer (run.go's describe asks it first); ok is false for the
// events every operation shares.
func describeLaunch(e op.Event) (string, bool) {
	who := e.Stack
	if e.Name != "" {
		who = e.Name
	}
	switch e.Type {
	case op.EventLaunchPreview:
		return "will launch " + e.Message, true
	case op.EventLaunchStarted:
		return fmt.Sprintf("%s: %s", e.Stack, e.Message), true
	case op.EventStackEvent:
		what := e.Stack
		if e.Resource != "" {
			what += " " + e.Resource
			if e.ResourceType != "" {
				what += " (" + e.ResourceType + ")"
			}
		}
		line := fmt.Sprintf("  %s %s", what, e.Status)
		if e.Reason != "" {
			line += ": " + e.Reason
		}
		return line, true
	case op.EventInstanceState:
		if e.Stack == "" {
			return "", false // a start's or stop's
		}
		line := fmt.Sprintf("  %s is %s", instanceLabel(e), e.State)
		if e.Message != "" {
			line += " (" + e.Message + ")"
		}
		return line, true
	case op.EventBootProgress:
		pct := "?"
		if e.Percent != nil {
			pct = fmt.Sprintf("%d%%", *e.Percent)
		}
		return strings.TrimSpace(fmt.Sprintf("  %s boot %s %s %s", who, progressBar(e.Percent), pct, e.Message)), true
	case op.EventDNSUpdated:
		return fmt.Sprintf("  DNS %s %s", strings.ToLower(e.Status), e.Message), true
	case op.EventLaunchDone:
		return e.Message, true
	case op.EventLaunchFailed:
		line := fmt.Sprintf("%s FAILED: %s", who, e.Reason)
		if e.Message != "" {
			line += " (" + e.Message + ")"
		}
		return line, true
	case op.EventCleanupDone:
		return "  " + e.Message, true
	}
	return "", false
}

// progressBar draws a boot percentage in ten cells.
func progressBar(p *int) string {
	if p == nil {
		return ""
	}
	n := min(max(*p, 0), 100) / 10
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", 10-n) + "]"
}

// previewLine is the first line of launch --json: a launch-preview event
// carrying the whole preview.
type previewLine struct {
	op.Event
	Preview *launch.Preview `json:"preview"`
}

// writePreview prints the preview for people, every value escaped.
func writePreview(w io.Writer, p *launch.Preview) {
	out := func(key, format string, args ...any) {
		fmt.Fprintf(w, "  %-10s %s\n", key, termSafe(fmt.Sprintf(format, args...)))
	}
	fmt.Fprintln(w, termSafe(fmt.Sprintf("Launch into %s (account %s, %s, as %s):", p.Env, p.Account, p.Region, p.Caller)))
	desc := ""
	if p.Description != "" {
		desc = " (" + p.Description + ")"
	}
	out("template", "%s%s into stage %s; %s template", p.Template, desc, p.Stage, p.CloudFormation)
	for _, in := range p.Instances {
		line := fmt.Sprintf("%s, stack %s", in.Name, in.Stack)
		if in.DNS != "" {
			line += ", DNS " + in.DNS
		}
		out("instance", "%s", line)
	}
	img := p.Image.ID
	if p.Image.Name != "" {
		img += " (" + p.Image.Name + ")"
	}
	if p.Image.Alias != "" {
		img += " from " + p.Image.Alias
	}
	out("image", "%s", img)
	var others []string
	for _, t := range p.Types {
		others = append(others, t.Type+" "+quote(t.Hourly))
	}
	out("type", "%s at %s; allowed: %s", p.Type, quote(p.Hourly), strings.Join(others, ", "))
	net := fmt.Sprintf("%s (%s) in %s, security groups %s", p.Subnet, p.Zone, p.VPC, strings.Join(p.SecurityGroups, ", "))
	if p.KeyPair != "" {
		net += ", key pair " + p.KeyPair
	}
	if p.InstanceProfile != "" {
		net += ", instance profile " + p.InstanceProfile
	}
	out("network", "%s", net)
	if v := p.Volume; v != nil {
		enc := ""
		if v.Encrypted {
			enc = ", encrypted"
			if v.KMSKey != "" {
				enc += " with " + v.KMSKey
			}
		}
		out("volume", "%d GiB %s at %s%s, %s/month", v.SizeGiB, v.Type, v.Device, enc, p.VolumeMonthly)
	}
	if l := p.Lease; l != nil {
		out("lease", "%s from when it is ready (not before %s), then it is stopped", l.TTL(), l.Until.Format(time.RFC3339))
	}
	if len(p.Tokens) > 0 {
		var ts []string
		for _, t := range p.Tokens {
			ts = append(ts, t.Name+"="+t.Value)
		}
		out("tokens", "%s", strings.Join(ts, ", "))
	}
	out("user data", "%d of %d bytes; ready within %s", p.UserDataBytes, 16384, time.Duration(p.TimeoutSeconds*float64(time.Second)))
	if len(p.Instances) > 0 {
		tags := p.Instances[0].Tags
		var ts []string
		for _, k := range slices.Sorted(maps.Keys(tags)) {
			ts = append(ts, k+"="+tags[k])
		}
		out("tags", "%s", strings.Join(ts, ", "))
	}
	hourly := p.HourlyTotal.String()
	if p.HourlyTotal.Complete() {
		hourly = fmt.Sprintf("$%.4f", p.HourlyTotal.USD) // an hourly price needs its fourth decimal
	}
	out("cost", "%s/hour, %s/month running around the clock", hourly, p.MonthlyTotal)
	for _, warn := range p.Warnings {
		out("warning", "%s", warn)
	}
}

// quote is a unit price, or "price unknown".
func quote(q cost.Quote) string {
	if !q.Known {
		return "price unknown"
	}
	return fmt.Sprintf("$%.4f/hour", q.USD)
}

// write prints one value as a JSON line, between the events.
func (p *jsonPrinter) write(v any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.enc.Encode(v)
}
