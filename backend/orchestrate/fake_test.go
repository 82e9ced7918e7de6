package orchestrate

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

// fakeFleet is an in-memory EC2 driven by a fake clock: Start and Stop
// schedule the transitions a real instance goes through, tests script others
// (termination, a failed start), and every call is recorded with its time.
type fakeFleet struct {
	mu      sync.Mutex
	clock   clockwork.Clock
	regions []string
	insts   map[string]*fakeInst
	calls   []call
	// describeErrs are returned by the next Describe calls, one each.
	describeErrs []error
	startErr     error
	stopErr      error
}

type fakeInst struct {
	inst   cloud.Instance
	checks cloud.Checks
	steps  []step // scripted transitions, applied when their time comes
	// How long the transitions take after Start/Stop.
	startTook, stopTook, checksTook time.Duration
	// onStart replaces the usual pending -> running schedule.
	onStart func(now time.Time) []step
}

type step struct {
	at     time.Time
	state  string // "" keeps the state
	reason string
	checks *cloud.Checks
	gone   bool // EC2 forgets the instance
}

type call struct {
	Method, Region string
	IDs            []string
	At             time.Time
}

func newFakeFleet(clock clockwork.Clock) *fakeFleet {
	return &fakeFleet{clock: clock, regions: []string{"eu-west-1", "eu-west-2", "us-east-1"}, insts: map[string]*fakeInst{}}
}

// add creates an instance in eu-west-1 listening on 127.0.0.1 (for the TCP
// and HTTP gates) with a 10s start, 15s stop and 30s status checks.
func (f *fakeFleet) add(id, name, state string, tags map[string]string) *fakeInst {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := map[string]string{"Name": name}
	maps.Copy(t, tags)
	fi := &fakeInst{inst: cloud.Instance{ID: id, Region: "eu-west-1", Name: name, Type: "t3.micro", State: state,
		PrivateIP: "127.0.0.1", Tags: t}, startTook: 10 * time.Second, stopTook: 15 * time.Second, checksTook: 30 * time.Second}
	if state == cloud.Running {
		fi.checks = cloud.Checks{Instance: cloud.CheckOK, System: cloud.CheckOK}
	}
	f.insts[id] = fi
	return fi
}

// script schedules a transition of id, after d from now.
func (f *fakeFleet) script(id string, d time.Duration, s step) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s.at = f.clock.Now().Add(d)
	f.insts[id].steps = append(f.insts[id].steps, s)
}

func (f *fakeFleet) settle(fi *fakeInst) {
	now := f.clock.Now()
	slices.SortStableFunc(fi.steps, func(a, b step) int { return a.at.Compare(b.at) })
	for len(fi.steps) > 0 && !fi.steps[0].at.After(now) {
		s := fi.steps[0]
		fi.steps = fi.steps[1:]
		if s.gone {
			delete(f.insts, fi.inst.ID)
			return
		}
		if s.state != "" {
			fi.inst.State, fi.inst.StateReason = s.state, s.reason
		}
		if s.checks != nil {
			fi.checks = *s.checks
		}
	}
}

func (f *fakeFleet) record(method, region string, ids []string) {
	f.calls = append(f.calls, call{Method: method, Region: region, IDs: slices.Clone(ids), At: f.clock.Now()})
}

func (f *fakeFleet) lookup(ids []string) ([]*fakeInst, error) {
	var out []*fakeInst
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

func (f *fakeFleet) Find(ctx context.Context, region string, q cloud.Query) ([]cloud.Instance, error) {
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
			if hasTags(fi.inst.Tags, q.Tags) {
				out = append(out, fi.inst)
			}
		}
		return out, nil
	}
	for _, id := range slices.Sorted(maps.Keys(f.insts)) {
		fi := f.insts[id]
		f.settle(fi)
		if _, ok := f.insts[id]; ok && fi.inst.Region == region && hasTags(fi.inst.Tags, q.Tags) {
			out = append(out, fi.inst)
		}
	}
	return out, nil
}

func (f *fakeFleet) Describe(ctx context.Context, region string, ids []string) ([]cloud.Instance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Describe", region, ids)
	if len(f.describeErrs) > 0 {
		err := f.describeErrs[0]
		f.describeErrs = f.describeErrs[1:]
		return nil, err
	}
	found, _ := f.lookup(ids) // Describe leaves unknown ids out
	out := make([]cloud.Instance, len(found))
	for i, fi := range found {
		out[i] = fi.inst
	}
	return out, nil
}

func (f *fakeFleet) StatusChecks(ctx context.Context, region string, ids []string) (map[string]cloud.Checks, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("StatusChecks", region, ids)
	found, _ := f.lookup(ids)
	out := map[string]cloud.Checks{}
	for _, fi := range found {
		out[fi.inst.ID] = fi.checks
	}
	return out, nil
}

func (f *fakeFleet) Start(ctx context.Context, region string, ids []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Start", region, ids)
	if f.startErr != nil {
		return f.startErr
	}
	found, err := f.lookup(ids)
	if err != nil {
		return err
	}
	now := f.clock.Now()
	for _, fi := range found {
		switch fi.inst.State {
		case cloud.Running, cloud.Pending:
			continue
		case cloud.Stopped:
		default:
			return fmt.Errorf("start %s: %w", fi.inst.ID, cloud.ErrStateConflict)
		}
		fi.inst.State, fi.inst.StateReason = cloud.Pending, ""
		fi.checks = cloud.Checks{Instance: cloud.CheckInitializing, System: cloud.CheckInitializing}
		if fi.onStart != nil {
			fi.steps = append(fi.steps, fi.onStart(now)...)
			continue
		}
		ok := cloud.Checks{Instance: cloud.CheckOK, System: cloud.CheckOK}
		fi.steps = append(fi.steps, step{at: now.Add(fi.startTook), state: cloud.Running},
			step{at: now.Add(fi.startTook + fi.checksTook), checks: &ok})
	}
	return nil
}

func (f *fakeFleet) Stop(ctx context.Context, region string, ids []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Stop", region, ids)
	if f.stopErr != nil {
		return f.stopErr
	}
	found, err := f.lookup(ids)
	if err != nil {
		return err
	}
	now := f.clock.Now()
	for _, fi := range found {
		switch fi.inst.State {
		case cloud.Stopped, cloud.Stopping:
			continue
		case cloud.Running:
		default: // EC2 refuses to stop a pending instance
			return fmt.Errorf("stop %s (%s): %w", fi.inst.ID, fi.inst.State, cloud.ErrStateConflict)
		}
		fi.inst.State, fi.checks = cloud.Stopping, cloud.Checks{}
		fi.steps = append(fi.steps, step{at: now.Add(fi.stopTook), state: cloud.Stopped, reason: "User initiated"})
	}
	return nil
}

func (f *fakeFleet) Reboot(ctx context.Context, region string, ids []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Reboot", region, ids)
	return nil
}

func (f *fakeFleet) Regions(ctx context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Regions", "", nil)
	return slices.Clone(f.regions), nil
}

// callsOf returns the recorded calls of one method.
func (f *fakeFleet) callsOf(method string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// perTick counts one method's calls per (time, region): a poller that keeps
// its promise never exceeds 1.
func (f *fakeFleet) perTick(method string) map[string]int {
	out := map[string]int{}
	for _, c := range f.callsOf(method) {
		out[c.At.Format(time.RFC3339Nano)+" "+c.Region]++
	}
	return out
}

func (f *fakeFleet) state(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	fi, ok := f.insts[id]
	if !ok {
		return "missing"
	}
	f.settle(fi)
	return fi.inst.State
}
