package launch

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

// The launch's performance targets, each printed as a "figure:" line:
//   - from the sandbox reporting CREATE_COMPLETE to the launch reporting
//     ready: at most one poll interval;
//   - while launches are followed, at most one DescribeStackEvents per
//     stack still being created and one DescribeInstances per tick,
//     whatever the number of events (ten launches at once in one
//     environment);
//   - the preview (preflight included) in under 200 ms, with its calls.
// Run: go test -run '^$' -bench . -benchtime 1x ./backend/launch
// (scripts/bench runs them).

// calls counts API calls by action, per tick of a launcher's clock.
type calls struct {
	mu    sync.Mutex
	now   map[string]int   // this tick's
	ticks []map[string]int // every ended tick's
	total map[string]int
}

func newCalls() *calls { return &calls{now: map[string]int{}, total: map[string]int{}} }

func (c *calls) add(_, action, _ string) {
	c.mu.Lock()
	c.now[action]++
	c.total[action]++
	c.mu.Unlock()
}

func (c *calls) tick() {
	c.mu.Lock()
	c.ticks = append(c.ticks, c.now)
	c.now = map[string]int{}
	c.mu.Unlock()
}

func (c *calls) reset() {
	c.mu.Lock()
	c.now, c.ticks, c.total = map[string]int{}, nil, map[string]int{}
	c.mu.Unlock()
}

// tickClock is a real clock whose After marks the end of a launcher's tick.
type tickClock struct {
	clockwork.Clock
	c *calls
}

func (t tickClock) After(d time.Duration) <-chan time.Time {
	t.c.tick()
	return t.Clock.After(d)
}

// BenchmarkReadyLatency: five launches at once at sandbox speed 10, the
// launch polling every 250 ms; for each, the time from the stack's
// CREATE_COMPLETE (its event's own time) to the launch-done event.
func BenchmarkReadyLatency(b *testing.B) {
	// callSlack is what the calls of the poll that sees the stack complete
	// (its events, one DescribeInstances, the DNS record) may add.
	const tick, callSlack = 250 * time.Millisecond, 50 * time.Millisecond
	r := newRigAt(b, nil, 10, aws.Options{})
	e := r.env("shop.yaml")
	var worst, sum time.Duration
	n := 0
	for i := range b.N {
		// A script of a random length, so CREATE_COMPLETE falls anywhere
		// between two polls (the sandbox's timings would else line up).
		r.write("api.sh", fmt.Sprintf("echo {{{BRANCH}}}\ncc_progress 50 half\nsleep %.3f\ncc_progress 100 done\n", 3+rand.Float64()*4))
		plan, err := r.prepare(e, Request{Template: "api", Name: fmt.Sprintf("lat%d", i), Count: 5})
		if err != nil {
			b.Fatal(err)
		}
		r.events = nil
		l := r.launcher(e, op.Launch)
		l.Tick = tick
		res, err := l.Run(context.Background(), plan)
		if err != nil || len(res.Launched) != 5 {
			b.Fatalf("launch: %v", err)
		}
		b.StopTimer()
		for _, x := range res.Launched {
			complete := stackCompleted(b, r, x.StackID)
			var done time.Time
			for _, ev := range r.all() {
				if ev.Type == op.EventLaunchDone && ev.Stack == x.Stack {
					done = ev.Time
				}
			}
			lat := done.Sub(complete)
			worst, sum, n = max(worst, lat), sum+lat, n+1
		}
		r.terminateAll(e, res)
		b.StartTimer()
	}
	b.ReportMetric(worst.Seconds()*1000, "worst-ms")
	fmt.Printf("figure: CREATE_COMPLETE to ready: worst %.0f ms, mean %.0f ms over %d launches, polls beginning every %s (target: at most one poll interval, plus the poll's own calls)\n",
		worst.Seconds()*1000, (sum/time.Duration(n)).Seconds()*1000, n, tick)
	if worst > tick+callSlack {
		b.Errorf("a launch reported ready %s after CREATE_COMPLETE, more than the %s poll interval (and %s for its calls)", worst, tick, callSlack)
	}
}

// stackCompleted is the time of the stack's own CREATE_COMPLETE event.
func stackCompleted(b *testing.B, r *rig, stackID string) time.Time {
	b.Helper()
	evs, err := r.sess.Stacks().StackEvents(context.Background(), region, stackID, "")
	if err != nil {
		b.Fatal(err)
	}
	for _, ev := range evs {
		if ev.ResourceType == stackType && ev.Status == cloud.StackCreateComplete {
			return ev.Time
		}
	}
	b.Fatalf("stack %s has no CREATE_COMPLETE event", stackID)
	return time.Time{}
}

// BenchmarkFollowTenLaunches: ten launches at once in one environment
// (sandbox speed 10, a tick of 100 ms): the calls of every tick.
func BenchmarkFollowTenLaunches(b *testing.B) {
	c := newCalls()
	r := newRigAt(b, nil, 10, aws.Options{OnCall: c.add})
	e := r.env("shop.yaml")
	worstEvents, worstDescribe, ticks, events := 0, 0, 0, 0
	for i := range b.N {
		plan, err := r.prepare(e, Request{Template: "api", Name: fmt.Sprintf("ten%d", i), Count: 10})
		if err != nil {
			b.Fatal(err)
		}
		r.events = nil
		l := r.launcher(e, op.Launch)
		l.Tick, l.Clock = 100*time.Millisecond, tickClock{clockwork.NewRealClock(), c}
		c.reset()
		res, err := l.Run(context.Background(), plan)
		if err != nil || len(res.Launched) != 10 {
			b.Fatalf("launch: %v", err)
		}
		b.StopTimer()
		c.tick()
		// The stacks still being created at the start of each tick.
		creating := 10
		byTick := slices.Clone(c.ticks)
		for _, calls := range byTick {
			worstEvents = max(worstEvents, calls["DescribeStackEvents"])
			worstDescribe = max(worstDescribe, calls["DescribeInstances"])
			if calls["DescribeStackEvents"] > creating || calls["DescribeInstances"] > 1 {
				b.Errorf("a tick made %d DescribeStackEvents for %d stacks and %d DescribeInstances", calls["DescribeStackEvents"], creating, calls["DescribeInstances"])
			}
		}
		ticks += len(byTick)
		for _, ev := range r.all() {
			if ev.Type == op.EventStackEvent {
				events++
			}
		}
		r.terminateAll(e, res)
		b.StartTimer()
	}
	fmt.Printf("figure: ten launches at once: %d ticks, %d stack events reported; at most %d DescribeStackEvents (10 stacks) and %d DescribeInstances in a tick (target: <= 1 per stack being created, <= 1 per region)\n",
		ticks, events, worstEvents, worstDescribe)
}

// BenchmarkPreview: the whole preview (template, tokens, the script, then
// the SSM alias, image, subnet and its zone's offer, security groups, key
// pair, DNS zone and name, stack name) against the sandbox.
func BenchmarkPreview(b *testing.B) {
	c := newCalls()
	r := newRigAt(b, nil, 100, aws.Options{OnCall: c.add})
	e := r.env("shop.yaml")
	if _, err := r.prepare(e, Request{Template: "api"}); err != nil { // warm the connections
		b.Fatal(err)
	}
	c.reset()
	var worst time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if _, err := r.prepare(e, Request{Template: "api"}); err != nil {
			b.Fatal(err)
		}
		worst = max(worst, time.Since(t0))
	}
	b.StopTimer()
	total := 0
	for _, n := range c.total {
		total += n
	}
	per := float64(total) / float64(b.N)
	b.ReportMetric(per, "calls/op")
	fmt.Printf("figure: preview in %.1f ms per op, worst %.1f ms (target: under 200 ms), %.0f AWS calls each: %v\n",
		float64(b.Elapsed().Microseconds())/1000/float64(b.N), float64(worst.Microseconds())/1000, per, perOp(c.total, b.N))
	if worst > 200*time.Millisecond {
		b.Errorf("a preview took %s", worst)
	}
}

func perOp(total map[string]int, n int) map[string]int {
	out := map[string]int{}
	for k, v := range total {
		out[k] = v / n
	}
	return out
}

// terminateAll terminates what a launch made.
func (r *rig) terminateAll(e *env.Environment, res *Result) {
	r.t.Helper()
	for _, x := range res.Launched {
		l := r.launcher(e, op.Terminate)
		tg, err := l.FindTarget(context.Background(), e.Name, x.Instance)
		if err == nil {
			err = l.Terminate(context.Background(), tg)
		}
		if err != nil {
			r.t.Fatal(err)
		}
	}
}
