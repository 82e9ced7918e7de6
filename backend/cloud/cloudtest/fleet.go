// Package cloudtest is an in-memory cloud.Fleet for the tests of the
// packages that drive EC2 (the orchestrator, control).
package cloudtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
)

// Fleet is an in-memory EC2 driven by a fake clock: Start and Stop
// schedule the transitions a real instance goes through, tests script others
// (termination, a failed start), and every Call is recorded with its time.
type Fleet struct {
	mu      sync.Mutex
	clock   clockwork.Clock
	regions []string
	insts   map[string]*Inst
	calls   []Call
	// DescribeErrs are returned by the next Describe calls, one each.
	DescribeErrs []error
	StartErr     error
	StopErr      error
	TagErr       error // returned by Tag and Untag (tags.go)
}

// Inst is one instance of a Fleet. Tests set its fields before a run.
type Inst struct {
	Instance cloud.Instance
	Checks   cloud.Checks
	steps    []Step // scripted transitions, applied when their time comes
	// How long the transitions take after Start/Stop.
	StartTook, StopTook, ChecksTook time.Duration
	// OnStart replaces the usual pending -> running schedule.
	OnStart func(now time.Time) []Step

	runningSince time.Time // when it last became running (tags.go)
}

// Step is a scripted transition of an instance, applied once its time comes.
type Step struct {
	At     time.Time
	State  string // "" keeps the state
	Reason string
	Checks *cloud.Checks
	Gone   bool // EC2 forgets the instance
}

// Call is one recorded call to the Fleet.
type Call struct {
	Method, Region string
	IDs            []string
	At             time.Time
}

// NewFleet is an empty fleet on clock that knows three regions.
func NewFleet(clock clockwork.Clock) *Fleet {
	return &Fleet{clock: clock, regions: []string{"eu-west-1", "eu-west-2", "us-east-1"}, insts: map[string]*Inst{}}
}

// Add creates an instance in eu-west-1 listening on 127.0.0.1 (for the TCP
// and HTTP gates) with a 10s start, 15s stop and 30s status checks.
func (f *Fleet) Add(id, name, state string, tags map[string]string) *Inst {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := map[string]string{"Name": name}
	maps.Copy(t, tags)
	fi := &Inst{Instance: cloud.Instance{ID: id, Region: "eu-west-1", Name: name, Type: "t3.micro", State: state,
		PrivateIP: "127.0.0.1", Tags: t}, StartTook: 10 * time.Second, StopTook: 15 * time.Second, ChecksTook: 30 * time.Second}
	if state == cloud.Running {
		fi.Checks = cloud.Checks{Instance: cloud.CheckOK, System: cloud.CheckOK}
		fi.runningSince = f.clock.Now()
	}
	f.insts[id] = fi
	return fi
}

// Script schedules a transition of id, after d from now.
func (f *Fleet) Script(id string, d time.Duration, s Step) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s.At = f.clock.Now().Add(d)
	f.insts[id].steps = append(f.insts[id].steps, s)
}

func (f *Fleet) settle(fi *Inst) {
	now := f.clock.Now()
	slices.SortStableFunc(fi.steps, func(a, b Step) int { return a.At.Compare(b.At) })
	for len(fi.steps) > 0 && !fi.steps[0].At.After(now) {
		s := fi.steps[0]
		fi.steps = fi.steps[1:]
		if s.Gone {
			delete(f.insts, fi.Instance.ID)
			return
		}
		if s.State != "" {
			if s.State == cloud.Running && fi.Instance.State != cloud.Running {
				fi.runningSince = s.At
			}
			fi.Instance.State, fi.Instance.StateReason = s.State, s.Reason
		}
		if s.Checks != nil {
			fi.Checks = *s.Checks
		}
	}
}

func (f *Fleet) record(method, region string, ids []string) {
	f.calls = append(f.calls, Call{Method: method, Region: region, IDs: slices.Clone(ids), At: f.clock.Now()})
}

func (f *Fleet) lookup(ids []string) ([]*Inst, error) {
	var out []*Inst
	var missing []string
	for _, id := range ids {
		fi, ok := f.insts[id]
		if !ok {
			missing = append(missing, id)
			continue
		}
		f.settle(fi)
		if _, ok := f.insts[id]; !ok {
			missing = append(missing, id)
			continue
		}
		out = append(out, fi)
	}
	if len(missing) > 0 {
		return out, &cloud.NotFoundError{IDs: missing}
	}
	return out, nil
}

// Find returns the instances matching q as of now. With IDs, any of them
// it does not know fails the call (cloud.NotFoundError), as EC2 does;
// without, it lists region's instances whose tags match, by ID.
func (f *Fleet) Find(ctx context.Context, region string, q cloud.Query) ([]cloud.Instance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Find", region, q.IDs)
	var out []cloud.Instance
	if len(q.IDs) > 0 {
		found, err := f.lookup(q.IDs)
		if err != nil {
			return nil, err
		}
		for _, fi := range found {
			if hasTags(fi.Instance.Tags, q.Tags) {
				out = append(out, cloud.Annotated(fi.Instance))
			}
		}
		return out, nil
	}
	for _, id := range slices.Sorted(maps.Keys(f.insts)) {
		fi := f.insts[id]
		f.settle(fi)
		if _, ok := f.insts[id]; ok && fi.Instance.Region == region && hasTags(fi.Instance.Tags, q.Tags) {
			out = append(out, cloud.Annotated(fi.Instance))
		}
	}
	return out, nil
}

// Describe returns the ids' instances as of now, leaving unknown ones out;
// the next of DescribeErrs, if any, is returned instead.
func (f *Fleet) Describe(ctx context.Context, region string, ids []string) ([]cloud.Instance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Describe", region, ids)
	if len(f.DescribeErrs) > 0 {
		err := f.DescribeErrs[0]
		f.DescribeErrs = f.DescribeErrs[1:]
		return nil, err
	}
	found, _ := f.lookup(ids) // Describe leaves unknown ids out
	out := make([]cloud.Instance, len(found))
	for i, fi := range found {
		out[i] = cloud.Annotated(fi.Instance)
	}
	return out, nil
}

// StatusChecks returns the known ids' checks as of now.
func (f *Fleet) StatusChecks(ctx context.Context, region string, ids []string) (map[string]cloud.Checks, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("StatusChecks", region, ids)
	found, _ := f.lookup(ids)
	out := map[string]cloud.Checks{}
	for _, fi := range found {
		out[fi.Instance.ID] = fi.Checks
	}
	return out, nil
}

// Start starts stopped instances: pending, then running after StartTook,
// then both checks ok after ChecksTook (or OnStart's own schedule).
func (f *Fleet) Start(ctx context.Context, region string, ids []string) error {
	return f.act("Start", region, ids, f.StartErr, func(fi *Inst, now time.Time) error {
		switch fi.Instance.State {
		case cloud.Running, cloud.Pending:
			return nil
		case cloud.Stopped:
		default:
			return fmt.Errorf("start %s: %w", fi.Instance.ID, cloud.ErrStateConflict)
		}
		fi.Instance.State, fi.Instance.StateReason = cloud.Pending, ""
		fi.Checks = cloud.Checks{Instance: cloud.CheckInitializing, System: cloud.CheckInitializing}
		if fi.OnStart != nil {
			fi.steps = append(fi.steps, fi.OnStart(now)...)
			return nil
		}
		ok := cloud.Checks{Instance: cloud.CheckOK, System: cloud.CheckOK}
		fi.steps = append(fi.steps, Step{At: now.Add(fi.StartTook), State: cloud.Running},
			Step{At: now.Add(fi.StartTook + fi.ChecksTook), Checks: &ok})
		return nil
	})
}

// Stop stops running instances: stopping, then stopped after StopTook.
func (f *Fleet) Stop(ctx context.Context, region string, ids []string) error {
	return f.act("Stop", region, ids, f.StopErr, func(fi *Inst, now time.Time) error {
		switch fi.Instance.State {
		case cloud.Stopped, cloud.Stopping:
			return nil
		case cloud.Running:
		default: // EC2 refuses to stop a pending instance
			return fmt.Errorf("stop %s (%s): %w", fi.Instance.ID, fi.Instance.State, cloud.ErrStateConflict)
		}
		fi.Instance.State, fi.Checks = cloud.Stopping, cloud.Checks{}
		fi.steps = append(fi.steps, Step{At: now.Add(fi.StopTook), State: cloud.Stopped, Reason: "User initiated"})
		return nil
	})
}

// act records a Start or Stop call and, unless fail is set, applies change
// to each instance (all of them known, as EC2 insists); change says why
// EC2 refuses, if it does.
func (f *Fleet) act(method, region string, ids []string, fail error, change func(*Inst, time.Time) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record(method, region, ids)
	if fail != nil {
		return fail
	}
	found, err := f.lookup(ids)
	if err != nil {
		return err
	}
	now := f.clock.Now()
	for _, fi := range found {
		if err := change(fi, now); err != nil {
			return err
		}
	}
	return nil
}

// Reboot only records the call: a rebooted instance stays running.
func (f *Fleet) Reboot(ctx context.Context, region string, ids []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Reboot", region, ids)
	return nil
}

// Regions returns the regions the fleet knows (NewFleet's three).
func (f *Fleet) Regions(ctx context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Regions", "", nil)
	return slices.Clone(f.regions), nil
}

// CallsOf returns the recorded calls of one method.
func (f *Fleet) CallsOf(method string) []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Call
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// PerTick counts one method's calls per (time, region): a poller that keeps
// its promise never exceeds 1.
func (f *Fleet) PerTick(method string) map[string]int {
	out := map[string]int{}
	for _, c := range f.CallsOf(method) {
		out[c.At.Format(time.RFC3339Nano)+" "+c.Region]++
	}
	return out
}

// State is the instance's state now ("missing" once EC2 forgot it).
func (f *Fleet) State(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	fi, ok := f.insts[id]
	if !ok {
		return "missing"
	}
	f.settle(fi)
	return fi.Instance.State
}

// Inst returns the instance with this id (nil if there is none).
func (f *Fleet) Inst(id string) *Inst {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.insts[id]
}

// Insts returns every instance, by id.
func (f *Fleet) Insts() []*Inst {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]*Inst, 0, len(f.insts))
	for _, id := range slices.Sorted(maps.Keys(f.insts)) {
		out = append(out, f.insts[id])
	}
	return out
}

// hasTags: every wanted tag is present with its value.
func hasTags(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}
