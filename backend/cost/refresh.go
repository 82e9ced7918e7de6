package cost

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"cloudcontrol/backend/cloud"
)

// PriceLister is the AWS Price List API (backend/aws.PriceList).
type PriceLister interface {
	OnDemandHourly(ctx context.Context, region, instanceType string) (float64, error)
	EBSGBMonth(ctx context.Context, region, volumeType string) (float64, error)
}

// SpotLister is EC2's spot price history (backend/aws.Session).
type SpotLister interface {
	SpotPrices(ctx context.Context, region string, instanceTypes []string) ([]cloud.SpotPrice, error)
}

// How long fetched prices are trusted before they are asked again.
const (
	OnDemandMaxAge = 7 * 24 * time.Hour
	SpotMaxAge     = 6 * time.Hour
)

// Wants are the prices a screen needs.
type Wants struct {
	Instances []Want              // on-demand (Spot false) or spot prices
	Volumes   map[string][]string // region -> volume types
}

// Want is one instance type in one region.
type Want struct {
	Region, Type string
	Spot         bool
}

// WantsOf lists the prices needed to cost these instances and volumes.
func WantsOf(insts []cloud.Instance, vols []cloud.Volume) Wants {
	w := Wants{Volumes: map[string][]string{}}
	region := map[string]string{}
	for _, in := range insts {
		region[in.ID] = in.Region
		if in.Type == "" {
			continue
		}
		want := Want{Region: in.Region, Type: in.Type, Spot: in.Lifecycle == "spot"}
		if !slices.Contains(w.Instances, want) {
			w.Instances = append(w.Instances, want)
		}
	}
	for _, v := range vols {
		r := region[v.InstanceID]
		if v.Type != "" && r != "" && !slices.Contains(w.Volumes[r], v.Type) {
			w.Volumes[r] = append(w.Volumes[r], v.Type)
		}
	}
	return w
}

// RefreshReport says what a refresh did.
type RefreshReport struct {
	Fetched int    `json:"fetched"` // prices asked for and stored
	Fresh   int    `json:"fresh"`   // prices the cache already held, not asked again
	Problem string `json:"problem,omitempty"`
}

// FailureMemory is how long a source that failed (throttled, refused,
// answered an error, unreachable) is not asked again: the cache or the
// built-in table answers at once meanwhile, in this command and the next.
const FailureMemory = 10 * time.Minute

// The sources a failure is remembered for.
const (
	sourcePriceList = "pricelist"
	sourceSpot      = "spot"
)

// Refresh asks the Price List API and the spot price history for every
// wanted price the cache lacks or holds for longer than its max age (all of
// them when force), and saves the cache. The first failure (throttled,
// denied, an error answered, unreachable) stops further asking of that
// source and is remembered for FailureMemory, in which the source is not
// asked (unless force): the book then shows table prices and says why.
// prices or spot may be nil to skip that source.
func (b *Book) Refresh(ctx context.Context, prices PriceLister, spot SpotLister, w Wants, now time.Time, force bool) RefreshReport {
	var rep RefreshReport
	if b.cache == nil {
		return rep
	}
	stale := func(m func(*cacheDoc) map[string]cached, region, name string, maxAge time.Duration) bool {
		v, ok := b.cache.get(m, region, name)
		if force || !ok || now.Sub(v.Fetched) > maxAge {
			return true
		}
		rep.Fresh++
		return false
	}
	var problems []string
	// ask runs one source's calls unless a recent failure holds it back,
	// and remembers how it went.
	ask := func(source string, calls func() error) {
		if f, ok := b.cache.failed(source); ok && !force && now.Sub(f.At) < FailureMemory {
			loc := now.Location()
			problems = append(problems, fmt.Sprintf("%s at %s; not asked again until %s (a forced refresh asks now)",
				f.Problem, f.At.In(loc).Format("15:04 MST"), f.At.Add(FailureMemory).In(loc).Format("15:04 MST")))
			return
		}
		err := calls()
		switch {
		case err == nil:
			b.cache.setFailed(source, failure{})
		case errors.Is(err, errNothingAsked):
		case errors.Is(err, context.Canceled) || ctx.Err() != nil: // the caller gave up: not the source's fault
			problems = append(problems, err.Error())
		default:
			problems = append(problems, err.Error())
			b.cache.setFailed(source, failure{At: now, Problem: err.Error()})
		}
	}
	store := func(m func(*cacheDoc) map[string]cached, region, name string, v float64, err error) error {
		switch {
		case err == nil:
			b.cache.put(m, region, name, cached{USD: v, Fetched: now})
		case errors.Is(err, cloud.ErrNoPrice):
			b.cache.put(m, region, name, cached{Absent: true, Fetched: now})
		default:
			return err
		}
		rep.Fetched++
		return nil
	}
	if prices != nil {
		ask(sourcePriceList, func() error {
			asked := false
			for _, want := range w.Instances {
				if want.Spot || !stale(instancesOf, want.Region, want.Type, OnDemandMaxAge) {
					continue
				}
				asked = true
				v, err := prices.OnDemandHourly(ctx, want.Region, want.Type)
				if err := store(instancesOf, want.Region, want.Type, v, err); err != nil {
					return err
				}
			}
			for _, region := range sortedKeys(w.Volumes) {
				for _, vt := range w.Volumes[region] {
					if !stale(ebsOf, region, vt, OnDemandMaxAge) {
						continue
					}
					asked = true
					v, err := prices.EBSGBMonth(ctx, region, vt)
					if err := store(ebsOf, region, vt, v, err); err != nil {
						return err
					}
				}
			}
			if !asked {
				return errNothingAsked
			}
			return nil
		})
	}
	if spot != nil {
		ask(sourceSpot, func() error { return b.refreshSpot(ctx, spot, w, now, stale, &rep) })
	}
	if err := b.cache.Save(); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		rep.Problem = problems[0] + "; showing the built-in table's prices where no fresher one is cached"
		b.setNote(rep.Problem)
	} else {
		b.setNote("")
	}
	return rep
}

// errNothingAsked: every price was fresh, so the source said nothing,
// good or bad.
var errNothingAsked = errors.New("nothing asked")

func (b *Book) refreshSpot(ctx context.Context, spot SpotLister, w Wants, now time.Time,
	stale func(func(*cacheDoc) map[string]cached, string, string, time.Duration) bool, rep *RefreshReport) error {
	byRegion := map[string][]string{}
	for _, want := range w.Instances {
		if want.Spot && stale(spotOf, want.Region, want.Type, SpotMaxAge) {
			byRegion[want.Region] = append(byRegion[want.Region], want.Type)
		}
	}
	if len(byRegion) == 0 {
		return errNothingAsked
	}
	for _, region := range sortedKeys(byRegion) {
		got, err := spot.SpotPrices(ctx, region, byRegion[region])
		if err != nil {
			return err
		}
		// The zone an instance runs in is not always known when pricing a
		// plan; the lowest current zone price is the figure shown, named.
		low := map[string]cloud.SpotPrice{}
		for _, p := range got {
			if old, ok := low[p.InstanceType]; !ok || p.Hourly < old.Hourly {
				low[p.InstanceType] = p
			}
		}
		for _, t := range byRegion[region] {
			if p, ok := low[t]; ok {
				b.cache.put(spotOf, region, t, cached{USD: p.Hourly, Fetched: now, Detail: p.AZ})
			} else {
				b.cache.put(spotOf, region, t, cached{Absent: true, Fetched: now})
			}
			rep.Fetched++
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
