package sandbox

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"cloudcontrol/backend/cloud"
	"github.com/jonboulle/clockwork"
)

// Options tune a sandbox.
type Options struct {
	// Speed divides every world duration: 10 runs the world ten times faster.
	// 0 means 1.
	Speed float64
	// Clock drives all simulated time; nil means the real clock.
	Clock clockwork.Clock
	// Logger receives warnings (e.g. a service port already taken); nil discards.
	Logger *slog.Logger
	// Seed makes probabilistic faults reproducible.
	Seed uint64
	// MaxRequests bounds the request log (oldest dropped); 0 means 10,000.
	MaxRequests int
	// OnListen, for Serve, receives the bound URL once listening.
	OnListen func(url string)
	// StackEventsPage is how many events one DescribeStackEvents returns;
	// 0 means 100.
	StackEventsPage int
	// AddressBlock places the instances' loopback addresses: private IPs are
	// 127.B.x.y and public ones 127.(B+1).x.y. 0 gives the documented
	// 127.0.0.10 and up. Sandboxes that run the same world side by side (tests
	// in parallel packages) each take their own block, or their services'
	// ports would clash; ClaimAddressBlock picks one no other process uses.
	AddressBlock int
}

// regionState is one region's instances in launch order (for stable
// paging), its network and images as the world says (read-only), and its
// CloudFormation stacks.
type regionState struct {
	order  []*instance
	runs   int // RunInstances calls and launched resources, for deterministic new ids
	world  Region
	stacks []*stack  // in creation order, deleted ones included
	vols   []*volume // standalone volumes (AWS::EC2::Volume)
}

// Sandbox is a simulated AWS account (EC2, STS and the rest the README
// lists). It implements http.Handler.
type Sandbox struct {
	account   string
	defaults  *Defaults // for RunInstances
	speed     float64
	clock     *shiftedClock // Options.Clock, moved on by Advance
	log       *slog.Logger
	faults    faultSet
	auth      authState // issued temporary keys, revoked keys, SSO sign-ins
	control   http.Handler
	pacing    time.Duration // delay before large responses; see serveAPI
	started   time.Time     // the clock when New ran
	eventPage int           // DescribeStackEvents page size

	mu      sync.Mutex // guards everything below
	regions map[string]*regionState
	byID    map[string]*instance
	private *addrPool
	public  *addrPool
	svcErr  map[string]serviceErr
	dns     dnsState // Route 53: global
	aws     awsState // SSM, Scheduler, IAM: agenda.go
	closed  bool

	reqMu    sync.Mutex
	requests []Request
	maxReqs  int
}

// Request is one entry of the request log.
type Request struct {
	Time        time.Time     `json:"time"`
	Region      string        `json:"region"`
	Service     string        `json:"service"` // ec2, sts, or sandbox for its own events
	Action      string        `json:"action"`
	InstanceIDs []string      `json:"instanceIds,omitempty"`
	Status      int           `json:"status,omitempty"`
	ErrorCode   string        `json:"errorCode,omitempty"`
	Message     string        `json:"message,omitempty"`
	Duration    time.Duration `json:"durationNs"`
	// Attempt is the SDK's attempt number (1 for a first try, 2+ for its
	// retries; 0 when the client did not say): a retry is not a new call.
	Attempt int `json:"attempt,omitempty"`
	// Via names who made a call the sandbox made itself: "automation ID
	// step NAME" or "schedule GROUP/NAME"; empty for a client's call.
	Via string `json:"via,omitempty"`
}

// New builds a sandbox from a world. Instances the world says are running
// have been running long enough for their checks and services to be up.
func New(w *World, opts Options) (*Sandbox, error) {
	if w == nil {
		return nil, fmt.Errorf("sandbox: no world given")
	}
	if opts.AddressBlock < 0 || opts.AddressBlock > 253 {
		return nil, fmt.Errorf("sandbox: address block %d is outside 0..253", opts.AddressBlock)
	}
	sb := &Sandbox{
		account:  w.Account,
		defaults: &w.Defaults,
		speed:    opts.Speed,
		log:      opts.Logger,
		regions:  map[string]*regionState{},
		byID:     map[string]*instance{},
		private:  newAddrPool(fmt.Sprintf("127.%d.0.10", opts.AddressBlock), fmt.Sprintf("127.%d.0.0", opts.AddressBlock+1)),
		public:   newAddrPool(fmt.Sprintf("127.%d.0.10", opts.AddressBlock+1), fmt.Sprintf("127.%d.0.0", opts.AddressBlock+2)),
		svcErr:   map[string]serviceErr{},
		maxReqs:  opts.MaxRequests,
		pacing:   largeResponseDelay,
	}
	if sb.speed <= 0 {
		sb.speed = 1
	}
	base := opts.Clock
	if base == nil {
		base = clockwork.NewRealClock()
	}
	sb.clock = newShiftedClock(base)
	if sb.log == nil {
		sb.log = slog.New(slog.DiscardHandler)
	}
	if sb.maxReqs <= 0 {
		sb.maxReqs = 10000
	}
	if sb.eventPage = opts.StackEventsPage; sb.eventPage <= 0 {
		sb.eventPage = defaultEventPage
	}
	sb.faults.rng = rand.New(rand.NewPCG(opts.Seed, 0x5a4db0c5))
	for _, f := range w.Faults {
		if err := sb.faults.add(f); err != nil {
			return nil, fmt.Errorf("sandbox world %s: %w", w.File, err)
		}
	}
	sb.control = sb.controlHandler()

	now := sb.clock.Now()
	sb.started = now
	long := now.Add(-24 * time.Hour)
	sb.mu.Lock()
	defer sb.mu.Unlock()
	for _, r := range w.Regions {
		rs := sb.region(r.Name)
		rs.world = r
		for _, z := range r.HostedZones {
			sb.dns.add(z)
		}
		for _, spec := range r.Instances {
			in, err := sb.newInstance(r.Name, spec, now)
			if err != nil {
				return nil, err
			}
			in.reservation = "r-" + in.id[2:]
			in.launch = long
			if spec.State == cloud.Stopped {
				in.setState(cloud.Stopping, long)
				in.state = cloud.Stopped
				in.agentKnown(long) // it ran before, so SSM knows it, offline
			} else {
				in.state, in.since, in.runSince, in.bootAt = cloud.Running, long, long, long
			}
			rs.order = append(rs.order, in)
			sb.byID[in.id] = in
		}
	}
	for _, in := range sb.byID {
		sb.touch(in, now)
	}
	return sb, nil
}

func (sb *Sandbox) scale(d time.Duration) time.Duration {
	return time.Duration(float64(d) / sb.speed)
}

// newInstance builds the runtime instance for a spec (state not yet set).
func (sb *Sandbox) newInstance(region string, spec InstanceSpec, now time.Time) (*instance, error) {
	ip, err := sb.private.take()
	if err != nil {
		return nil, err
	}
	in := &instance{
		id: spec.ID, region: region, typ: spec.Type, az: spec.AZ, image: spec.Image,
		subnet: spec.Subnet, vpc: spec.VPC, groups: spec.Groups,
		tags: spec.Tags, privateIP: ip, failStart: spec.FailStart, volumes: spec.Volumes, ssm: sb.scaleSSM(spec.SSM),
		timing: Timing{
			Start: sb.scale(spec.Timing.Start), Stop: sb.scale(spec.Timing.Stop),
			Checks: sb.scale(spec.Timing.Checks), Terminate: sb.scale(spec.Timing.Terminate),
		},
	}
	if in.tags == nil {
		in.tags = map[string]string{}
	}
	for _, g := range in.groups {
		name := g
		if rs := sb.regions[region]; rs != nil {
			for _, x := range rs.world.groups() {
				if x.ID == g {
					name = x.Name
				}
			}
		}
		in.groupNames = append(in.groupNames, name)
	}
	for _, s := range spec.Services {
		s.After = sb.scale(s.After)
		in.services = append(in.services, s)
	}
	if spec.Public {
		if in.publicIP, err = sb.public.take(); err != nil {
			return nil, err
		}
	}
	return in, nil
}

func (sb *Sandbox) region(name string) *regionState {
	rs := sb.regions[name]
	if rs == nil {
		// A region the world does not list has the default sets.
		rs = &regionState{world: rawRegion{name: name}.finish(*sb.defaults)}
		sb.regions[name] = rs
	}
	return rs
}

// touch brings an instance up to date (state and services) and arms its
// timer for the next due event. Called with sb.mu held.
func (sb *Sandbox) touch(in *instance, now time.Time) {
	in.advance(now)
	if sb.closed {
		return
	}
	sb.reconcile(in, now)
	if in.timer != nil {
		in.timer.Stop()
		in.timer = nil
	}
	if next := in.nextEvent(now); !next.IsZero() {
		in.timer = sb.clock.AfterFunc(next.Sub(now), func() {
			sb.mu.Lock()
			defer sb.mu.Unlock()
			sb.touch(in, sb.clock.Now())
		})
	}
}

// Close stops every timer and service listener. The sandbox keeps answering
// API calls, but time-driven side effects stop.
func (sb *Sandbox) Close() {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	sb.closed = true
	if sb.aws.timer != nil {
		sb.aws.timer.Stop()
	}
	for _, in := range sb.byID {
		if in.timer != nil {
			in.timer.Stop()
		}
		sb.closeServices(in)
	}
}

// Instances is a snapshot of one region's instances, in launch order.
func (sb *Sandbox) Instances(region string) []cloud.Instance {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	now := sb.clock.Now()
	rs := sb.regions[region]
	if rs == nil {
		return nil
	}
	sb.runAgenda(now)
	sb.advanceStacks(now)
	out := make([]cloud.Instance, 0, len(rs.order))
	for _, in := range rs.order {
		in.advance(now)
		out = append(out, in.snapshot())
	}
	return out
}

// SetFailStart makes every later start of the instance fail (or stop failing).
func (sb *Sandbox) SetFailStart(id string, fail bool) error {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	in := sb.byID[id]
	if in == nil {
		return &cloud.NotFoundError{IDs: []string{id}}
	}
	in.advance(sb.clock.Now())
	in.failStart = fail
	return nil
}

// AddFault activates a fault; it fails when the fault is not valid.
func (sb *Sandbox) AddFault(f Fault) error { return sb.faults.add(f) }

// ClearFaults removes every active fault (not fail-start flags).
func (sb *Sandbox) ClearFaults() { sb.faults.clear() }

// Faults lists the active faults with their remaining counts.
func (sb *Sandbox) Faults() []Fault { return sb.faults.list() }

func (sb *Sandbox) record(r Request) {
	sb.reqMu.Lock()
	defer sb.reqMu.Unlock()
	if len(sb.requests) >= sb.maxReqs {
		n := copy(sb.requests, sb.requests[len(sb.requests)-sb.maxReqs+1:])
		sb.requests = sb.requests[:n]
	}
	sb.requests = append(sb.requests, r)
}

// Requests is a copy of the request log, oldest first, with what ran in
// AWS (automations, schedules) up to the clock.
func (sb *Sandbox) Requests() []Request {
	sb.syncAgenda()
	sb.reqMu.Lock()
	defer sb.reqMu.Unlock()
	out := make([]Request, len(sb.requests))
	copy(out, sb.requests)
	return out
}

// ResetRequests empties the request log.
func (sb *Sandbox) ResetRequests() {
	sb.reqMu.Lock()
	defer sb.reqMu.Unlock()
	sb.requests = nil
}

// ServeHTTP answers AWS query-protocol calls on POST / and the control
// endpoint under /_sandbox/, to loopback clients that are not web pages of
// another origin (origin.go).
func (sb *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if why := refusal(r); why != "" {
		sb.refuse(w, r, why)
		return
	}
	if sb.serveSSO(w, r) {
		return
	}
	sb.syncAgenda() // what ran in AWS meanwhile happened before this request
	if strings.HasPrefix(r.URL.Path, "/_sandbox/") {
		sb.control.ServeHTTP(w, r)
		return
	}
	if isSchedulerPath(r.URL.Path) {
		sb.serveScheduler(w, r) // REST-JSON: scheduler.go
		return
	}
	if strings.HasPrefix(r.URL.Path, route53Prefix) {
		sb.serveRoute53(w, r) // REST-XML: route53.go
		return
	}
	if r.Header.Get("X-Amz-Target") != "" {
		sb.serveJSON(w, r) // JSON 1.1: jsonapi.go
		return
	}
	sb.serveAPI(w, r)
}
