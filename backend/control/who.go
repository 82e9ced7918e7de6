package control

import (
	"fmt"
	"strings"
	"time"

	"cloudcontrol/backend/cloud"
)

// Who is who has an environment, as its instances' own tags say: who last
// started it and when, and its lease. Every Cloud Control of the team, and
// the exported start runbook, writes those tags, and they come with the
// DescribeInstances every status and refresh makes: knowing them costs no
// extra call, and nothing of it is kept in a local file.
type Who struct {
	// StartedBy is the ARN that last started the environment's running
	// instances (the latest start among them); StartedByName its short
	// name (the user, the session or the role).
	StartedBy     string     `json:"startedBy,omitempty"`
	StartedByName string     `json:"startedByName,omitempty"`
	StartedAt     *time.Time `json:"startedAt,omitempty"`
	// LeaseUntil is the earliest lease end among the running instances,
	// LeaseBy who set it.
	LeaseUntil  *time.Time `json:"leaseUntil,omitempty"`
	LeaseBy     string     `json:"leaseBy,omitempty"`
	LeaseByName string     `json:"leaseByName,omitempty"`
	// LeasedInstances of UpInstances (pending or running) carry a lease;
	// fewer than all when a launch's ttl leased only its new instance.
	LeasedInstances int `json:"leasedInstances,omitempty"`
	UpInstances     int `json:"upInstances,omitempty"`
}

// up reports whether an instance runs or is starting (and so costs).
func up(in cloud.Instance) bool { return in.State == cloud.Running || in.State == cloud.Pending }

// WhoOf reads Who from the instances' tags (cloud.Instance carries them).
// Only running and pending instances count: a stopped environment has
// nobody.
func WhoOf(insts []cloud.Instance) Who {
	var w Who
	var startedAt time.Time
	for _, in := range insts {
		if !up(in) {
			continue
		}
		w.UpInstances++
		if in.StartedBy != "" && (w.StartedBy == "" || in.StartedAt != nil && in.StartedAt.After(startedAt)) {
			w.StartedBy, w.StartedAt = in.StartedBy, in.StartedAt
			if in.StartedAt != nil {
				startedAt = *in.StartedAt
			}
		}
		if in.LeaseUntil != nil {
			w.LeasedInstances++
			if w.LeaseUntil == nil || in.LeaseUntil.Before(*w.LeaseUntil) {
				w.LeaseUntil, w.LeaseBy = in.LeaseUntil, in.LeaseBy
			}
		}
	}
	w.StartedByName, w.LeaseByName = ShortName(w.StartedBy), ShortName(w.LeaseBy)
	return w
}

// ShortName is the name people know an ARN by: the session of an assumed
// role (often the person's e-mail or user name), the user, the role.
//
//	arn:aws:sts::1:assumed-role/Testers/alice@example.com -> alice@example.com
//	arn:aws:iam::1:user/teams/bob                         -> bob
//	arn:aws:iam::1:role/CloudControl-shop-automation      -> CloudControl-shop-automation
//	arn:aws:iam::1:root                                   -> root (account 1)
func ShortName(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return arn
	}
	res := parts[5]
	if res == "root" {
		return "root (account " + parts[4] + ")"
	}
	segs := strings.Split(res, "/")
	if segs[0] == "assumed-role" && len(segs) >= 3 {
		return segs[len(segs)-1]
	}
	return segs[len(segs)-1]
}

// Text says it for people: "started by alice 2 h ago; lease ends in 1 h 12
// min (19:00) by bob", "" when nobody has it. Times are in loc.
func (w Who) Text(now time.Time, loc *time.Location) string {
	var parts []string
	if w.StartedBy != "" {
		s := "started by " + w.StartedByName
		if w.StartedAt != nil {
			s += " " + Ago(now.Sub(*w.StartedAt))
		}
		parts = append(parts, s)
	}
	if l := w.LeaseText(now, loc); l != "" {
		parts = append(parts, l)
	}
	return strings.Join(parts, "; ")
}

// LeaseText says the lease: "lease ends in 1 h 12 min (19:00) by bob", or
// that it ended; "" without one.
func (w Who) LeaseText(now time.Time, loc *time.Location) string {
	if w.LeaseUntil == nil {
		return ""
	}
	at := clockText(*w.LeaseUntil, now, loc)
	left := w.LeaseUntil.Sub(now)
	s := fmt.Sprintf("lease ends in %s (%s)", Span(left), at)
	if left <= 0 {
		s = fmt.Sprintf("lease ended %s (%s)", Ago(-left), at)
	}
	if w.LeaseByName != "" {
		s += " by " + w.LeaseByName
	}
	if w.LeasedInstances < w.UpInstances {
		s += fmt.Sprintf(", on %d of %d running instances", w.LeasedInstances, w.UpInstances)
	}
	return s
}

// Ago says how long ago: "just now", "5 min ago", "2 h ago", "3 days ago".
func Ago(d time.Duration) string {
	if d < time.Minute {
		return "just now"
	}
	return Span(d) + " ago"
}

// Span says a duration the way the tray and the terminal show it:
// "45 s", "12 min", "1 h 12 min", "2 h", "3 days".
func Span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 || h >= 10 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

// clockText is a time of day, with the date when it is not today.
func clockText(t, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("Mon 2 Jan 15:04")
}
