package sandbox

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"cloudcontrol/backend/cloud"
)

// ec2 dispatches one EC2 action.
func (sb *Sandbox) ec2(c *call) (any, *apiError) {
	if v := c.get("Version"); v != "" && v != ec2Version {
		return nil, clientErr("InvalidAction", "The action %s is not valid for API version %s.", c.action, v)
	}
	switch c.action {
	case "DescribeInstances":
		return sb.describeInstances(c)
	case "DescribeInstanceStatus":
		return sb.describeInstanceStatus(c)
	case "StartInstances":
		return sb.changeState(c, startTransition)
	case "StopInstances":
		return sb.changeState(c, stopTransition)
	case "TerminateInstances":
		return sb.changeState(c, terminateTransition)
	case "RebootInstances":
		return sb.reboot(c)
	case "CreateTags":
		return sb.createTags(c)
	case "DeleteTags":
		return sb.deleteTags(c)
	case "RunInstances":
		return sb.runInstances(c)
	case "DescribeRegions":
		return sb.describeRegions(c)
	}
	if h := costActions[c.action]; h != nil { // volumes.go, spot.go
		return h(sb, c)
	}
	if h := netActions[c.action]; h != nil { // ec2net.go
		return h(sb, c)
	}
	return nil, clientErr("InvalidAction", "The action %s is not valid for this web service.", c.action)
}

var dryRunOK = &apiError{http.StatusPreconditionFailed, "DryRunOperation", "Request would have succeeded, but DryRun flag is set."}

// lookup resolves ids in the call's region: malformed ids first, then every
// missing id in one InvalidInstanceID.NotFound, as EC2 answers.
// Called with sb.mu held.
func (sb *Sandbox) lookup(c *call, ids []string, now time.Time) ([]*instance, *apiError) {
	for _, id := range ids {
		if !instanceRe.MatchString(id) {
			return nil, clientErr("InvalidInstanceID.Malformed", "Invalid id: %q (expecting \"i-...\")", id)
		}
	}
	out := make([]*instance, 0, len(ids))
	var missing []string
	for _, id := range ids {
		in := sb.byID[id]
		if in == nil || in.region != c.region {
			if !slices.Contains(missing, id) {
				missing = append(missing, id)
			}
			continue
		}
		in.advance(now)
		out = append(out, in)
	}
	switch len(missing) {
	case 0:
		return out, nil
	case 1:
		return nil, clientErr("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", missing[0])
	default:
		return nil, clientErr("InvalidInstanceID.NotFound", "The instance IDs '%s' do not exist", strings.Join(missing, ", "))
	}
}

// pageParams validates MaxResults/NextToken as EC2 does for describe calls.
func pageParams(c *call, withIDs bool) (limit, start int, err *apiError) {
	if s := c.get("MaxResults"); s != "" {
		if withIDs {
			return 0, 0, clientErr("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults")
		}
		n, e := strconv.Atoi(s)
		if e != nil || n < 5 || n > 1000 {
			return 0, 0, clientErr("InvalidParameterValue", "Value ( %s ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", s)
		}
		limit = n
	}
	if tok := c.get("NextToken"); tok != "" {
		raw, e := base64.RawURLEncoding.DecodeString(tok)
		n, e2 := strconv.Atoi(strings.TrimPrefix(string(raw), "sandbox:"))
		if e != nil || e2 != nil || !strings.HasPrefix(string(raw), "sandbox:") || n < 0 {
			return 0, 0, clientErr("InvalidParameterValue", "The NextToken %q is not valid; pass back the token a previous call returned", tok)
		}
		start = n
	}
	return limit, start, nil
}

func pageToken(next int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("sandbox:" + strconv.Itoa(next)))
}

// selection is the set of instances a describe call covers, in launch order.
// With ids it is those instances; otherwise the region from start on.
func (sb *Sandbox) selection(c *call, ids []string, start int, now time.Time) ([]*instance, *apiError) {
	if len(ids) > 0 {
		list, err := sb.lookup(c, ids, now)
		if err != nil {
			return nil, err
		}
		seen := map[*instance]bool{}
		return slices.DeleteFunc(list, func(in *instance) bool {
			dup := seen[in]
			seen[in] = true
			return dup
		}), nil
	}
	rs := sb.regions[c.region]
	if rs == nil || start >= len(rs.order) {
		return nil, nil
	}
	return rs.order[start:], nil
}

func (sb *Sandbox) describeInstances(c *call) (any, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return answer(sb.describeInstancesAt(c, sb.clock.Now()))
}

// describeInstancesAt is DescribeInstances as of now, with sb.mu held (an
// automation's aws:executeAwsApi calls it at its own step's time).
func (sb *Sandbox) describeInstancesAt(c *call, now time.Time) (*xDescribeInstances, *apiError) {
	ids := c.list("InstanceId")
	c.ids = ids
	limit, start, err := pageParams(c, len(ids) > 0)
	if err != nil {
		return nil, err
	}
	match, err := parseFilters(c, instanceFilters)
	if err != nil {
		return nil, err
	}
	resp := &xDescribeInstances{Xmlns: ec2NS, RequestID: requestID()}
	list, err := sb.selection(c, ids, start, now)
	if err != nil {
		return nil, err
	}
	count := 0
	for i, in := range list {
		in.advance(now)
		if !match(in) {
			continue
		}
		if limit > 0 && count == limit {
			resp.NextToken = pageToken(start + i)
			break
		}
		count++
		x := xmlInstance(in)
		if n := len(resp.Reservations); n > 0 && resp.Reservations[n-1].ReservationID == in.reservation {
			r := &resp.Reservations[n-1]
			r.Instances = append(r.Instances, x)
			continue
		}
		resp.Reservations = append(resp.Reservations, xReservation{
			ReservationID: in.reservation, OwnerID: sb.account, Instances: []xInstance{x},
		})
	}
	if c.flag("DryRun") {
		return nil, dryRunOK
	}
	return resp, nil
}

func (sb *Sandbox) describeInstanceStatus(c *call) (any, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return answer(sb.describeInstanceStatusAt(c, sb.clock.Now()))
}

// describeInstanceStatusAt is DescribeInstanceStatus as of now, with sb.mu held.
func (sb *Sandbox) describeInstanceStatusAt(c *call, now time.Time) (*xDescribeInstanceStatus, *apiError) {
	ids := c.list("InstanceId")
	c.ids = ids
	limit, start, err := pageParams(c, len(ids) > 0)
	if err != nil {
		return nil, err
	}
	match, err := parseFilters(c, statusFilters)
	if err != nil {
		return nil, err
	}
	all := c.flag("IncludeAllInstances")
	resp := &xDescribeInstanceStatus{Xmlns: ec2NS, RequestID: requestID()}
	list, err := sb.selection(c, ids, start, now)
	if err != nil {
		return nil, err
	}
	count := 0
	for i, in := range list {
		in.advance(now)
		if (!all && in.state != cloud.Running) || !match(in) {
			continue
		}
		if limit > 0 && count == limit {
			resp.NextToken = pageToken(start + i)
			break
		}
		count++
		ch := in.checks(now)
		resp.Statuses = append(resp.Statuses, xInstanceStatus{
			InstanceID: in.id, AZ: in.az, State: stateOf(in.state),
			System: xmlCheck(ch.System), Instance: xmlCheck(ch.Instance),
		})
	}
	if c.flag("DryRun") {
		return nil, dryRunOK
	}
	return resp, nil
}

// transition says what an action does to an instance in a given state:
// the new state, "" for an accepted no-op, or refused.
type transition struct {
	verb     string // for messages: started, stopped, terminated
	response string // StartInstancesResponse, ...
	next     func(state string) (string, bool)
}

var (
	startTransition = transition{"started", "StartInstancesResponse", func(s string) (string, bool) {
		switch s {
		case cloud.Stopped:
			return cloud.Pending, true
		case cloud.Running, cloud.Pending:
			return "", true
		}
		return "", false
	}}
	stopTransition = transition{"stopped", "StopInstancesResponse", func(s string) (string, bool) {
		switch s {
		case cloud.Running:
			return cloud.Stopping, true
		case cloud.Stopped, cloud.Stopping:
			return "", true
		}
		return "", false
	}}
	terminateTransition = transition{"terminated", "TerminateInstancesResponse", func(s string) (string, bool) {
		switch s {
		case cloud.Terminated, cloud.ShuttingDown:
			return "", true
		}
		return cloud.ShuttingDown, true
	}}
)

// act runs an instance action as EC2 does: every id is checked first (it
// exists, and can do verb from its state), so a refused or unknown id fails
// the whole call and nothing changes; then apply runs once per instance.
func (sb *Sandbox) act(c *call, verb string, can func(state string) bool, apply func(in *instance, now time.Time)) *apiError {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.actAt(c, sb.clock.Now(), verb, can, apply)
}

// actAt is act as of now, with sb.mu held.
func (sb *Sandbox) actAt(c *call, now time.Time, verb string, can func(state string) bool, apply func(in *instance, now time.Time)) *apiError {
	ids := c.list("InstanceId")
	c.ids = ids
	if len(ids) == 0 {
		return clientErr("MissingParameter", "The request must contain the parameter InstanceId")
	}
	list, err := sb.lookup(c, ids, now)
	if err != nil {
		return err
	}
	for _, in := range list {
		if !can(in.state) {
			return clientErr("IncorrectInstanceState", "The instance '%s' is not in a state from which it can be %s.", in.id, verb)
		}
	}
	if c.flag("DryRun") {
		return dryRunOK
	}
	done := map[*instance]bool{}
	for _, in := range list {
		if !done[in] {
			done[in] = true
			apply(in, now)
		}
	}
	return nil
}

// changeState runs Start/Stop/TerminateInstances.
func (sb *Sandbox) changeState(c *call, t transition) (any, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return answer(sb.changeStateAt(c, sb.clock.Now(), t))
}

// changeStateAt is changeState as of now, with sb.mu held.
func (sb *Sandbox) changeStateAt(c *call, now time.Time, t transition) (*xStateChanges, *apiError) {
	resp := &xStateChanges{Xmlns: ec2NS, RequestID: requestID()}
	resp.XMLName.Local = t.response
	err := sb.actAt(c, now, t.verb, func(state string) bool { _, ok := t.next(state); return ok }, func(in *instance, now time.Time) {
		prev := in.state
		if next, _ := t.next(prev); next != "" {
			in.setState(next, now)
			sb.touch(in, now)
		}
		resp.Changes = append(resp.Changes, xStateChange{in.id, stateOf(in.state), stateOf(prev)})
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

func (sb *Sandbox) reboot(c *call) (any, *apiError) {
	err := sb.act(c, "rebooted", func(state string) bool { return state == cloud.Running }, func(in *instance, now time.Time) {
		// The OS restarts: services go down and come back after their delay.
		sb.closeServices(in)
		in.agentDown(now)
		in.bootAt = now
		sb.touch(in, now)
	})
	if err != nil {
		return nil, err
	}
	return &xReturn{XMLName: xmlName("RebootInstancesResponse"), Xmlns: ec2NS, RequestID: requestID(), Return: true}, nil
}

// answer hands a handler's typed answer on as any, keeping a failed call's
// answer a nil interface.
func answer[T any](v *T, err *apiError) (any, *apiError) {
	if err != nil {
		return nil, err
	}
	return v, nil
}
