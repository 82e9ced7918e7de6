package sandbox

import (
	"fmt"
	"maps"
	"net/netip"
	"time"

	"cloudcontrol/backend/cloud"
	"github.com/jonboulle/clockwork"
)

// stateCodes are EC2's numeric codes for instance states.
var stateCodes = map[string]int{
	cloud.Pending: 0, cloud.Running: 16, cloud.ShuttingDown: 32,
	cloud.Terminated: 48, cloud.Stopping: 64, cloud.Stopped: 80,
}

// reason is an EC2 StateReason.
type reason struct{ code, message string }

var (
	userShutdown = reason{"Client.UserInitiatedShutdown", "Client.UserInitiatedShutdown: User initiated shutdown"}
	launchFailed = reason{"Server.InternalError", "Server.InternalError: Internal error on launch"}
)

// instance is one simulated instance. Its fields are guarded by Sandbox.mu.
// The stored state is advanced lazily from the clock (advance), so a reader
// always sees the state as a function of time whatever timers have done.
type instance struct {
	id, region, typ, az, image, reservation string
	tags                                    map[string]string
	privateIP                               string
	publicIP                                string // assigned if the world says public; shown only when running
	timing                                  Timing // already divided by Speed
	services                                []Service
	failStart                               bool
	launchIndex                             int
	volumes                                 []VolumeSpec // none: the default root volume
	subnet, vpc, keyName, profile           string
	groups, groupNames                      []string
	userData                                []byte    // as launched (decoded from base64)
	script                                  *script   // the replay of its user data, once it runs
	stackID, logicalID                      string    // the CloudFormation resource that made it
	ssm                                     *SSMSpec  // nil: not SSM-managed; durations divided by Speed
	ssmFirst, ssmLost                       time.Time // its agent first registered, last went offline

	state      string
	since      time.Time // when state was entered
	launch     time.Time // last pending
	runSince   time.Time // when it became running (status checks count from here)
	bootAt     time.Time // when the OS last booted (services count from here)
	why        reason
	transition string // stateTransitionReason

	svc   map[int]*listener // open service listeners by port
	timer clockwork.Timer
}

// advance moves the instance through every transition due by now, and
// its user data's replay with it.
func (in *instance) advance(now time.Time) {
	in.advanceState(now)
	if in.script != nil {
		in.script.replay(in.tags, now)
	}
}

func (in *instance) advanceState(now time.Time) {
	for {
		var next string
		var d time.Duration
		switch in.state {
		case cloud.Pending:
			next, d = cloud.Running, in.timing.Start
		case cloud.Stopping:
			next, d = cloud.Stopped, in.timing.Stop
		case cloud.ShuttingDown:
			next, d = cloud.Terminated, in.timing.Terminate
		default:
			return
		}
		at := in.since.Add(d)
		if now.Before(at) {
			return
		}
		in.state, in.since = next, at
		switch {
		case next == cloud.Running && in.failStart:
			in.state, in.why, in.transition = cloud.Stopped, launchFailed, "Server.InternalError"
		case next == cloud.Running:
			in.runSince, in.bootAt, in.why, in.transition = at, at, reason{}, ""
		}
	}
}

// setState enters a new state now, with the reason EC2 would give.
func (in *instance) setState(state string, now time.Time) {
	in.agentDown(now)
	in.state, in.since = state, now
	switch state {
	case cloud.Pending:
		in.launch, in.why, in.transition = now, reason{}, ""
	case cloud.Stopping, cloud.ShuttingDown:
		if in.script != nil && in.script.cut.IsZero() {
			in.script.replay(in.tags, now)
			in.script.cut = now // its user data stops running with it
		}
		in.why = userShutdown
		in.transition = "User initiated (" + now.UTC().Format("2006-01-02 15:04:05 MST") + ")"
	}
}

// nextEvent is the earliest future time at which a transition or a service
// start is due (zero if none), so one timer per instance suffices.
func (in *instance) nextEvent(now time.Time) time.Time {
	var next time.Time
	consider := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	switch in.state {
	case cloud.Pending:
		consider(in.since.Add(in.timing.Start))
	case cloud.Stopping:
		consider(in.since.Add(in.timing.Stop))
	case cloud.ShuttingDown:
		consider(in.since.Add(in.timing.Terminate))
	case cloud.Running:
		for _, s := range in.services {
			consider(in.bootAt.Add(s.After))
		}
	}
	return next
}

// checks are the status checks as EC2 would report them now.
func (in *instance) checks(now time.Time) cloud.Checks {
	switch {
	case in.state != cloud.Running:
		return cloud.Checks{Instance: cloud.CheckNA, System: cloud.CheckNA}
	case now.Before(in.runSince.Add(in.timing.Checks)):
		return cloud.Checks{Instance: cloud.CheckInitializing, System: cloud.CheckInitializing}
	default:
		return cloud.Checks{Instance: cloud.CheckOK, System: cloud.CheckOK}
	}
}

func (in *instance) name() string { return in.tags["Name"] }

// shownPublicIP is the public address EC2 shows: only while running.
func (in *instance) shownPublicIP() string {
	if in.state == cloud.Running {
		return in.publicIP
	}
	return ""
}

func (in *instance) snapshot() cloud.Instance {
	return cloud.Instance{
		ID: in.id, Region: in.region, Name: in.name(), Type: in.typ, State: in.state,
		StateReason: in.why.message, AZ: in.az, PrivateIP: in.privateIP, PublicIP: in.shownPublicIP(),
		Tags: maps.Clone(in.tags), LaunchTime: in.launch,
	}
}

// addrPool hands out distinct loopback addresses upward from a start,
// skipping .0 and .255 so each looks like an ordinary host address.
type addrPool struct{ next, limit netip.Addr }

func newAddrPool(from, limit string) *addrPool {
	return &addrPool{next: netip.MustParseAddr(from), limit: netip.MustParseAddr(limit)}
}

func (p *addrPool) take() (string, error) {
	for {
		a := p.next
		if !a.Less(p.limit) {
			return "", fmt.Errorf("the sandbox ran out of loopback addresses (below %s)", p.limit)
		}
		p.next = a.Next()
		if b := a.As4(); b[3] != 0 && b[3] != 255 {
			return a.String(), nil
		}
	}
}
