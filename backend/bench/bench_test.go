package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
)

// counter counts API calls by action.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) add(_, action, _ string) {
	c.mu.Lock()
	c.n[action]++
	c.mu.Unlock()
}

func (c *counter) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.n
	c.n = map[string]int{}
	return old
}

func total(m map[string]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
}

// prepare connects to the sandbox, resolves the environment and plans action.
func prepare(b *testing.B, url, doc string, action op.Action) (*aws.Session, *orchestrate.Plan, *counter) {
	b.Helper()
	dir := b.TempDir()
	for _, f := range []string{"config", "credentials"} {
		if err := os.WriteFile(dir+"/"+f, nil, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": dir + "/config", "AWS_SHARED_CREDENTIALS_FILE": dir + "/credentials",
		"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_CA_BUNDLE": "", "AWS_ENDPOINT_URL": "",
	} {
		b.Setenv(k, v)
	}
	c := &counter{n: map[string]int{}}
	s, err := aws.Load(context.Background(), aws.Options{EndpointURL: url, Region: "eu-west-1", OnCall: c.add})
	if err != nil {
		b.Fatal(err)
	}
	e, problems := env.Parse("bench.yaml", []byte(doc))
	if len(problems) > 0 {
		b.Fatal(problems)
	}
	return s, plan(b, s, e, action), c
}

func plan(b *testing.B, s *aws.Session, e *env.Environment, action op.Action) *orchestrate.Plan {
	b.Helper()
	res, err := orchestrate.Resolve(context.Background(), e, s.Fleet(), "eu-west-1")
	if err != nil {
		b.Fatal(err)
	}
	p, err := orchestrate.NewPlan(e, action, res, orchestrate.PlanOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func run(b *testing.B, s *aws.Session, p *orchestrate.Plan) orchestrate.Result {
	b.Helper()
	r := &orchestrate.Runner{Fleet: s.Fleet(), Sink: op.SinkFunc(func(op.Event) {})}
	res, err := r.Run(context.Background(), p)
	if err != nil {
		b.Fatalf("%s: %v", p.Action, err)
	}
	return res
}

// BenchmarkStartOverhead: three stages that each take 10 s to become ready
// in the sandbox at speed 1 (EC2 start alone; start + a TCP service; start +
// status checks). Target: the whole start within 30 s + 1 s per stage.
func BenchmarkStartOverhead(b *testing.B) {
	port := 40000 + rand.IntN(20000)
	world := fmt.Sprintf(`account: "123456789012"
regions:
  eu-west-1:
    instances:
      - {id: i-0be000000000000a1, state: stopped, tags: {Name: one}, timing: {start: 10s, stop: 1s}}
      - {id: i-0be000000000000a2, state: stopped, tags: {Name: two}, timing: {start: 6s, stop: 1s}, services: [{port: %d, after: 4s}]}
      - {id: i-0be000000000000a3, state: stopped, tags: {Name: three}, timing: {start: 4s, checks: 6s, stop: 1s}}
`, port)
	doc := fmt.Sprintf(`region: eu-west-1
stages:
  - {name: one, instances: [{name: one}]}
  - {name: two, instances: [{name: two}], ready: {tcp: %d}}
  - {name: three, instances: [{name: three}], ready: {status-checks: true}}
`, port)
	url := startSandbox(b, world, 1)
	s, p, _ := prepare(b, url, doc, op.Start)
	var elapsed time.Duration
	var res orchestrate.Result
	for i := range b.N {
		if i > 0 {
			b.StopTimer()
			e, _ := env.Parse("bench.yaml", []byte(doc))
			run(b, s, plan(b, s, e, op.Stop))
			p = plan(b, s, e, op.Start)
			b.StartTimer()
		}
		t0 := time.Now()
		res = run(b, s, p)
		elapsed += time.Since(t0)
	}
	per := elapsed.Seconds() / float64(b.N)
	b.ReportMetric(per, "s/start")
	b.ReportMetric((per-30)/3, "overhead-s/stage")
	var stages []string
	for _, st := range res.Stages {
		stages = append(stages, fmt.Sprintf("%s %.2fs", st.Name, st.Elapsed.D().Seconds()))
	}
	fmt.Printf("overhead: start took %.2fs for 3 stages of 10s (target <= 33s): overhead %.2fs per stage (target <= 1s); %s\n",
		per, (per-30)/3, strings.Join(stages, ", "))
}

// BenchmarkStartEconomy1000: 1,000 instances in 5 stages, the sandbox at
// speed 100. Prints the DescribeInstances calls per poll (target: 1 per
// region), every API call of the start, and the client's peak memory.
func BenchmarkStartEconomy1000(b *testing.B) {
	var world, doc strings.Builder
	world.WriteString("account: \"123456789012\"\nregions:\n  eu-west-1:\n    instances:\n")
	doc.WriteString("region: eu-west-1\nstages:\n")
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&world, "      - {count: 200, state: stopped, tags: {Name: s%d, Stage: s%d}}\n", i, i)
		fmt.Fprintf(&doc, "  - {name: s%d, instances: [{tags: {Stage: s%d}}], ready: {status-checks: true}}\n", i, i)
	}
	url := startSandbox(b, world.String(), 100)
	s, p, calls := prepare(b, url, doc.String(), op.Start)
	resolveCalls := calls.reset()
	var res orchestrate.Result
	var runCalls map[string]int
	for i := range b.N {
		if i > 0 {
			b.StopTimer()
			e, _ := env.Parse("bench.yaml", []byte(doc.String()))
			run(b, s, plan(b, s, e, op.Stop))
			p = plan(b, s, e, op.Start)
			calls.reset()
			b.StartTimer()
		}
		res = run(b, s, p)
		runCalls = calls.reset()
	}
	perPoll := float64(runCalls["DescribeInstances"]) / float64(res.Polls)
	b.ReportMetric(perPoll, "describes/poll")
	b.ReportMetric(float64(total(runCalls)), "api-calls/start")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-MB")
	fmt.Printf("economy: 1000 instances, 5 stages, %d polls: %d DescribeInstances (%.2f per poll, target 1 per region), "+
		"%d DescribeInstanceStatus, %d StartInstances; %d API calls in the run (+%d to resolve the selectors: %v); peak RSS %.1f MB (target < 100 MB)\n",
		res.Polls, runCalls["DescribeInstances"], perPoll, runCalls["DescribeInstanceStatus"], runCalls["StartInstances"],
		total(runCalls), total(resolveCalls), resolveCalls, float64(peakRSS())/(1<<20))
	if perPoll > 1 {
		b.Errorf("%.2f DescribeInstances per poll, want at most 1 per region", perPoll)
	}
}
