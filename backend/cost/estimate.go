package cost

import (
	"fmt"
	"time"

	"cloudcontrol/backend/cloud"
)

// VolumeCost is one EBS volume with its price.
type VolumeCost struct {
	cloud.Volume
	Price   Quote `json:"price"`   // storage, per GB-month
	Monthly Money `json:"monthly"` // storage plus provisioned IOPS/throughput
}

// InstanceCost is one instance with its prices.
type InstanceCost struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	Region    string `json:"region"`
	Type      string `json:"type"`
	State     string `json:"state"`
	Lifecycle string `json:"lifecycle,omitempty"`
	// Hourly is the instance's own price in its own region.
	Hourly     Quote        `json:"hourly"`
	PublicIPv4 *Quote       `json:"publicIpv4,omitempty"`
	Volumes    []VolumeCost `json:"volumes,omitempty"`
	// RunningSince is AWS's launch time of the current run (running only).
	RunningSince       time.Time `json:"runningSince,omitzero"`
	HourlyWhileRunning Money     `json:"hourlyWhileRunning"`
	RunSoFar           Money     `json:"runSoFar"`
	StoppedMonthly     Money     `json:"stoppedMonthly"`
}

// Period is what leaving the environment up over a window costs.
// Its fields are spelled out rather than embedding Window because Wails'
// TypeScript generator drops structs with embedded fields.
type Period struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Hours float64   `json:"hours"`
	Cost  Money     `json:"cost"`
}

// EnvCost is an environment's cost figures at one moment.
type EnvCost struct {
	Env       string         `json:"env"`
	At        time.Time      `json:"at"`
	Instances []InstanceCost `json:"instances"`
	// HourlyWhileRunning: all instances up. What starting will cost per hour.
	HourlyWhileRunning Money `json:"hourlyWhileRunning"`
	// HourlyNow is what the environment costs per hour now: the running
	// instances as HourlyWhileRunning counts them, plus the storage and kept
	// addresses of the stopped ones (a stopped environment costs its
	// storage, a known figure, never "unknown").
	HourlyNow      Money     `json:"hourlyNow"`
	RunSoFar       Money     `json:"runSoFar"`
	RunSince       time.Time `json:"runSince,omitzero"`
	Overnight      Period    `json:"overnight"`
	Weekend        Period    `json:"weekend"`
	StoppedMonthly Money     `json:"stoppedMonthly"`
	// PriceNote says why fresh prices are missing, when they are.
	PriceNote string `json:"priceNote,omitempty"`
	// Basis says in one line what the figures include (Basis, the same
	// words every front end shows beside them).
	Basis       string   `json:"basis"`
	Definitions []string `json:"definitions"`
}

func running(state string) bool { return state == cloud.Running || state == cloud.Pending }

// Estimate prices an environment's instances (with their attached volumes)
// at now; now's location is the local time for the overnight and weekend
// windows. Terminated instances cost nothing and are listed as such.
func Estimate(b *Book, env string, insts []cloud.Instance, vols []cloud.Volume, now time.Time) EnvCost {
	byInst := map[string][]cloud.Volume{}
	for _, v := range vols {
		byInst[v.InstanceID] = append(byInst[v.InstanceID], v)
	}
	ec := EnvCost{Env: env, At: now, PriceNote: b.Note(), Basis: Basis, Definitions: Definitions, HourlyNow: Money{Any: true}}
	for _, in := range insts {
		ic := instanceCost(b, in, byInst[in.ID], now)
		ec.Instances = append(ec.Instances, ic)
		if in.State == cloud.Terminated || in.State == cloud.ShuttingDown {
			continue
		}
		addMoney(&ec.HourlyWhileRunning, ic.HourlyWhileRunning)
		addMoney(&ec.StoppedMonthly, ic.StoppedMonthly)
		if !running(in.State) {
			addMoney(&ec.HourlyNow, scale(ic.StoppedMonthly, 1.0/HoursPerMonth))
		}
		if running(in.State) {
			addMoney(&ec.HourlyNow, ic.HourlyWhileRunning)
			addMoney(&ec.RunSoFar, ic.RunSoFar)
			if !ic.RunningSince.IsZero() && (ec.RunSince.IsZero() || ic.RunningSince.Before(ec.RunSince)) {
				ec.RunSince = ic.RunningSince
			}
		}
	}
	if !ec.RunSoFar.Any && ec.RunSoFar.Complete() {
		ec.RunSoFar.Any = true // nothing running: a known zero
	}
	ec.Overnight = period(Overnight(now), ec.HourlyWhileRunning)
	ec.Weekend = period(Weekend(now), ec.HourlyWhileRunning)
	return ec
}

func period(w Window, hourly Money) Period {
	return Period{From: w.From, To: w.To, Hours: w.Hours, Cost: scale(hourly, w.Hours)}
}

func scale(m Money, f float64) Money {
	m.USD *= f
	return m
}

func addMoney(dst *Money, m Money) {
	if m.Any {
		dst.Add(m.USD)
	}
	for _, u := range m.Unknown {
		dst.Missing(u)
	}
}

func instanceCost(b *Book, in cloud.Instance, vols []cloud.Volume, now time.Time) InstanceCost {
	ic := InstanceCost{ID: in.ID, Name: in.Name, Region: in.Region, Type: in.Type, State: in.State, Lifecycle: in.Lifecycle}
	label := in.ID
	if in.Name != "" {
		label = in.Name
	}
	if in.State == cloud.Terminated || in.State == cloud.ShuttingDown {
		ic.Hourly = b.Instance(in.Region, in.Type, in.Lifecycle == "spot")
		ic.HourlyWhileRunning.Any, ic.RunSoFar.Any, ic.StoppedMonthly.Any = true, true, true
		return ic
	}
	ic.Hourly = b.Instance(in.Region, in.Type, in.Lifecycle == "spot")
	var compute Money // instance + address: what running adds
	if ic.Hourly.Known {
		compute.Add(ic.Hourly.USD)
	} else {
		compute.Missing(fmt.Sprintf("%s (%s in %s)", label, typeOrUnknown(in.Type), in.Region))
	}
	if in.PublicIP != "" {
		q := b.IPv4(in.Region)
		ic.PublicIPv4 = &q
		if q.Known {
			compute.Add(q.USD)
			if !running(in.State) { // an address kept while stopped is an Elastic IP
				ic.StoppedMonthly.Add(q.USD * HoursPerMonth)
			}
		} else {
			compute.Missing(label + " public IPv4 in " + in.Region)
		}
	}
	storage := Money{Any: true}
	for _, v := range vols {
		vc := volumeCost(b, in.Region, v)
		ic.Volumes = append(ic.Volumes, vc)
		addMoney(&storage, vc.Monthly)
	}
	addMoney(&ic.StoppedMonthly, storage)
	ic.HourlyWhileRunning = compute
	if len(vols) > 0 {
		addMoney(&ic.HourlyWhileRunning, scale(storage, 1.0/HoursPerMonth))
	}
	if !ic.StoppedMonthly.Any && ic.StoppedMonthly.Complete() {
		ic.StoppedMonthly.Any = true
	}
	if running(in.State) && !in.LaunchTime.IsZero() {
		ic.RunningSince = in.LaunchTime
		hours := max(now.Sub(in.LaunchTime).Hours(), 0)
		ic.RunSoFar = scale(compute, hours)
	} else {
		ic.RunSoFar = Money{Any: true}
	}
	return ic
}

func typeOrUnknown(t string) string {
	if t == "" {
		return "type unknown"
	}
	return t
}

// volumeCost prices storage plus, where the volume is provisioned above the
// free baseline, IOPS and throughput at the table's rates.
func volumeCost(b *Book, region string, v cloud.Volume) VolumeCost {
	q, tp, ok := b.EBS(region, v.Type)
	vc := VolumeCost{Volume: v, Price: q}
	what := fmt.Sprintf("%s %s volume in %s", v.ID, v.Type, region)
	if !q.Known {
		vc.Monthly.Missing(what)
		return vc
	}
	vc.Monthly.Add(q.USD * float64(v.SizeGiB))
	if !ok {
		return vc
	}
	if extra := v.IOPS - tp.FreeIOPS; extra > 0 && v.Type != "gp2" && v.Type != "st1" && v.Type != "sc1" && v.Type != "standard" {
		if tp.PerIOPSMonth.Known {
			vc.Monthly.Add(tp.PerIOPSMonth.USD * float64(extra))
		} else {
			vc.Monthly.Missing(what + " provisioned IOPS")
		}
	}
	if extra := v.Throughput - tp.FreeMBps; extra > 0 && v.Type == "gp3" {
		if tp.PerMBpsMonth.Known {
			vc.Monthly.Add(tp.PerMBpsMonth.USD * float64(extra))
		} else {
			vc.Monthly.Missing(what + " provisioned throughput")
		}
	}
	return vc
}
