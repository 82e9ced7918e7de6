package launch

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cost"
)

// Request is what the person asks to launch.
type Request struct {
	Template string `json:"template"`
	// Type is the instance type; "" is the template's first.
	Type string `json:"type,omitempty"`
	// Name is the instance's Name; "" picks TEMPLATE-N, the first N not in
	// use. With Count above 1 each gets -1, -2, ...
	Name string `json:"name,omitempty"`
	// Tokens override the template's {{{TOKEN}}} defaults.
	Tokens map[string]string `json:"tokens,omitempty"`
	// Count is how many instances (default 1, at most MaxCount).
	Count int `json:"count,omitempty"`
	// IDs are the launch ids to give the instances, one each: the ones a
	// preview showed, so what is launched carries what was confirmed
	// (empty: new ones).
	IDs []string `json:"ids,omitempty"`
}

// IDs are the launch ids a preview gives its instances, to launch with.
func (p *Preview) IDs() []string {
	out := make([]string, len(p.Instances))
	for i, in := range p.Instances {
		out[i] = in.Launch
	}
	return out
}

// Preview is what a launch will do, as data: the plan's twin, shown before
// anything is created and sent as the launch-preview events.
type Preview struct {
	Env         string `json:"env"`
	Template    string `json:"template"`
	Description string `json:"description,omitempty"`
	Stage       string `json:"stage"`
	Account     string `json:"account"`
	Region      string `json:"region"`
	Profile     string `json:"profile,omitempty"`
	// Caller is the ARN the instances are tagged as launched by.
	Caller string `json:"caller"`
	// Instances are one per instance to launch.
	Instances []PreviewInstance `json:"instances"`
	Image     Image             `json:"image"`
	Type      string            `json:"type"`
	// Types are the template's allowed types, each with its price.
	Types           []TypePrice  `json:"types"`
	Subnet          string       `json:"subnet"`
	VPC             string       `json:"vpc"`
	Zone            string       `json:"zone"`
	SecurityGroups  []string     `json:"securityGroups"`
	KeyPair         string       `json:"keyPair,omitempty"`
	InstanceProfile string       `json:"instanceProfile,omitempty"`
	Volume          *VolumeSpec  `json:"volume,omitempty"`
	DNSZone         string       `json:"dnsZone,omitempty"`
	Lease           *Lease       `json:"lease,omitempty"`
	Tokens          []TokenValue `json:"tokens,omitempty"`
	// Template source: "built-in" or the own template's file.
	CloudFormation string `json:"cloudformation"`
	// UserDataBytes is the user data's size as the instance gets it
	// (EC2 takes at most MaxUserData).
	UserDataBytes  int     `json:"userDataBytes"`
	TimeoutSeconds float64 `json:"timeoutSeconds"`
	// Hourly is one instance's price; VolumeMonthly the extra volume's;
	// HourlyTotal and MonthlyTotal every instance's (a month of 730 hours
	// running, plus the volumes). Unknown prices are said, never $0.
	Hourly        cost.Quote `json:"hourly"`
	VolumeMonthly cost.Money `json:"volumeMonthly"`
	HourlyTotal   cost.Money `json:"hourlyTotal"`
	MonthlyTotal  cost.Money `json:"monthlyTotal"`
	Warnings      []string   `json:"warnings,omitempty"`
}

// PreviewInstance is one instance a launch makes.
type PreviewInstance struct {
	Name  string `json:"name"`
	Stack string `json:"stack"`
	// Launch is the cloudcontrol:launch id it gets.
	Launch string `json:"launch"`
	// DNS is the record's name ("" without dns:).
	DNS  string            `json:"dns,omitempty"`
	Tags map[string]string `json:"tags"`
}

// Image is the AMI, with the alias it was resolved from.
type Image struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	// Alias is the resolve:ssm: parameter it came from ("" for an id).
	Alias string `json:"alias,omitempty"`
}

// TypePrice is an instance type with its hourly price in the region.
type TypePrice struct {
	Type   string     `json:"type"`
	Hourly cost.Quote `json:"hourly"`
}

// VolumeSpec is the extra volume.
type VolumeSpec struct {
	SizeGiB   int    `json:"sizeGiB"`
	Type      string `json:"type"`
	Device    string `json:"device"`
	Encrypted bool   `json:"encrypted"`
	KMSKey    string `json:"kmsKey,omitempty"`
}

// Lease is the template's ttl: once an instance is ready it is leased
// for that long (control sets it, as env lease does for one instance),
// and stopped at the end.
type Lease struct {
	TTLSeconds float64 `json:"ttlSeconds"`
	// Until is the earliest the lease can end: the ttl from the preview
	// (it counts from when the instance is ready).
	Until time.Time `json:"until"`
	By    string    `json:"by"`
}

// TokenValue is one {{{TOKEN}}} and what replaces it.
type TokenValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Given: from --token rather than the template's default.
	Given bool `json:"given,omitempty"`
}

// HoursPerMonth is how a monthly running cost is counted.
const HoursPerMonth = 730

// Summary is the preview in one line: "2 x t3.small (api) into stage api of
// shop, eu-west-1, $0.0208/hour each".
func (p *Preview) Summary() string {
	names := make([]string, len(p.Instances))
	for i, in := range p.Instances {
		names[i] = in.Name
	}
	return fmt.Sprintf("%s: %s from template %s into stage %s of %s (account %s, %s), %s",
		strings.Join(names, ", "), p.Type, p.Template, p.Stage, p.Env, p.Account, p.Region, priceText(p.Hourly))
}

func priceText(q cost.Quote) string {
	if !q.Known {
		return "price unknown"
	}
	return fmt.Sprintf("$%.4f/hour", q.USD)
}

// prices fills the preview's prices from the book (no AWS call).
func (p *Preview) prices(b *cost.Book, types []string) {
	if b == nil {
		p.HourlyTotal.Missing("prices (no price book)")
		p.MonthlyTotal.Missing("prices (no price book)")
		return
	}
	for _, t := range types {
		p.Types = append(p.Types, TypePrice{Type: t, Hourly: b.Instance(p.Region, t, false)})
	}
	p.Hourly = b.Instance(p.Region, p.Type, false)
	n := float64(len(p.Instances))
	what := fmt.Sprintf("%s in %s", p.Type, p.Region)
	if p.Hourly.Known {
		p.HourlyTotal.Add(p.Hourly.USD * n)
		p.MonthlyTotal.Add(p.Hourly.USD * n * HoursPerMonth)
	} else {
		p.HourlyTotal.Missing(what)
		p.MonthlyTotal.Missing(what)
	}
	if v := p.Volume; v != nil {
		q, _, ok := b.EBS(p.Region, v.Type)
		if ok || q.Known {
			p.VolumeMonthly.Add(q.USD * float64(v.SizeGiB))
			p.MonthlyTotal.Add(q.USD * float64(v.SizeGiB) * n)
		} else {
			vwhat := fmt.Sprintf("%s volume in %s", v.Type, p.Region)
			p.VolumeMonthly.Missing(vwhat)
			p.MonthlyTotal.Missing(vwhat)
		}
	}
}

// problems collects every reason a launch cannot go ahead, so the person
// fixes them all at once.
type problems []string

func (ps *problems) add(format string, args ...any) { *ps = append(*ps, fmt.Sprintf(format, args...)) }

// InputError is a launch that cannot go ahead as asked: nothing was created.
type InputError struct {
	Env, Template string
	Problems      []string
}

func (e *InputError) Error() string {
	what := "cannot launch"
	if e.Template != "" {
		what += " " + e.Template
	}
	if e.Env != "" {
		what += " into " + e.Env
	}
	if len(e.Problems) == 1 {
		return what + ": " + e.Problems[0]
	}
	return what + ":\n  - " + strings.Join(e.Problems, "\n  - ")
}

// notFoundText words an AWS "does not exist" for the preflight.
func notFoundText(err error, region string) (string, bool) {
	var nf *cloud.NotFoundError
	if !errors.As(err, &nf) {
		return "", false
	}
	return fmt.Sprintf("%s in %s", nf.Error(), region), true
}

// TTL is the lease's length.
func (l *Lease) TTL() time.Duration { return time.Duration(l.TTLSeconds * float64(time.Second)) }
