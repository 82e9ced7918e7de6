package sandbox

import (
	"slices"
	"strings"
	"time"

	"cloudcontrol/backend/cloud"
)

// An SSM-managed instance's agent registers its spec's Register time after
// the instance is running (after each boot), shows Online while it runs and
// ConnectionLost once it stops; an instance whose agent never registered is
// not in SSM's inventory at all (DescribeInstanceInformation leaves it out,
// SendCommand refuses it), as in AWS.

// PingStatus values, as SSM spells them.
const (
	pingOnline = "Online"
	pingLost   = "ConnectionLost"
)

// scaleSSM divides an SSM spec's durations by the speed.
func (sb *Sandbox) scaleSSM(s *SSMSpec) *SSMSpec {
	if s == nil {
		return nil
	}
	out := *s
	out.Register = sb.scale(s.Register)
	out.Commands = make([]CommandSpec, len(s.Commands))
	for i, c := range s.Commands {
		c.Takes = sb.scale(c.Takes)
		out.Commands[i] = c
	}
	return &out
}

// onlineAt is when the agent of the current boot registers (zero when the
// instance is not managed or not running).
func (in *instance) onlineAt() time.Time {
	if in.ssm == nil || in.state != cloud.Running {
		return time.Time{}
	}
	return in.bootAt.Add(in.ssm.Register)
}

// agentDown records, as the instance leaves its boot (stop, terminate,
// reboot), whether its agent had registered, and when it went offline.
func (in *instance) agentDown(now time.Time) {
	if on := in.onlineAt(); !on.IsZero() && !now.Before(on) {
		if in.ssmFirst.IsZero() {
			in.ssmFirst = on
		}
		in.ssmLost = now
	}
}

// agentKnown marks a managed world instance that is stopped as one SSM
// saw before, at t.
func (in *instance) agentKnown(t time.Time) {
	if in.ssm != nil {
		in.ssmFirst, in.ssmLost = t, t
	}
}

// ping is the instance as SSM's inventory shows it at t: its PingStatus
// and last ping; listed is false for an instance SSM does not know. The
// instance must have been advanced to t.
func (in *instance) ping(t time.Time) (status string, last time.Time, listed bool) {
	if in.ssm == nil {
		return "", time.Time{}, false
	}
	if on := in.onlineAt(); !on.IsZero() && !t.Before(on) {
		if in.ssmFirst.IsZero() {
			in.ssmFirst = on
		}
		return pingOnline, t, true
	}
	if in.ssmFirst.IsZero() {
		return "", time.Time{}, false
	}
	return pingLost, in.ssmLost, true
}

// online reports whether Run Command can reach the instance at t.
func (in *instance) online(t time.Time) bool {
	s, _, _ := in.ping(t)
	return s == pingOnline
}

type ssmFilter struct {
	Key    string   `json:"key"`
	Values []string `json:"valueSet"`
}

type ssmStringFilter struct {
	Key    string
	Values []string
}

// instanceInformation is one entry of DescribeInstanceInformation.
type instanceInformation struct {
	InstanceID       string  `json:"InstanceId"`
	PingStatus       string  `json:"PingStatus"`
	LastPingDateTime float64 `json:"LastPingDateTime"`
	AgentVersion     string  `json:"AgentVersion"`
	IsLatestVersion  bool    `json:"IsLatestVersion"`
	PlatformType     string  `json:"PlatformType"`
	PlatformName     string  `json:"PlatformName"`
	PlatformVersion  string  `json:"PlatformVersion"`
	ResourceType     string  `json:"ResourceType"`
	IPAddress        string  `json:"IPAddress"`
	ComputerName     string  `json:"ComputerName"`
	RegistrationDate float64 `json:"RegistrationDate"`
	SourceID         string  `json:"SourceId"`
	SourceType       string  `json:"SourceType"`
}

// unixSeconds writes a time as the JSON protocols do: seconds since 1970 with
// milliseconds.
func unixSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixMilli()) / 1000
}

var infoFilterKeys = []string{"InstanceIds", "AgentVersion", "PingStatus", "PlatformTypes", "ActivationIds", "IamRole", "ResourceType", "AssociationStatus"}

// infoTest builds the test of one DescribeInstanceInformation filter.
func infoTest(key string, values []string) (func(in *instance, info instanceInformation) bool, *apiError) {
	has := func(v string) bool { return slices.Contains(values, v) }
	switch {
	case key == "InstanceIds":
		for _, v := range values {
			if !instanceRe.MatchString(v) {
				return nil, clientErr("InvalidInstanceInformationFilterValue", "%s is not a valid instance ID", v)
			}
		}
		return func(in *instance, _ instanceInformation) bool { return has(in.id) }, nil
	case key == "PingStatus":
		return func(_ *instance, i instanceInformation) bool { return has(i.PingStatus) }, nil
	case key == "PlatformTypes":
		return func(_ *instance, i instanceInformation) bool { return has(i.PlatformType) }, nil
	case key == "ResourceType":
		return func(_ *instance, i instanceInformation) bool { return has(i.ResourceType) }, nil
	case key == "AgentVersion":
		return func(_ *instance, i instanceInformation) bool { return has(i.AgentVersion) }, nil
	case key == "tag-key":
		return func(in *instance, _ instanceInformation) bool {
			for k := range in.tags {
				if has(k) {
					return true
				}
			}
			return false
		}, nil
	case strings.HasPrefix(key, "tag:") && len(key) > 4:
		return func(in *instance, _ instanceInformation) bool {
			v, ok := in.tags[key[4:]]
			return ok && has(v)
		}, nil
	case slices.Contains(infoFilterKeys, key):
		// Activations, IAM roles and associations: none in the sandbox.
		return func(*instance, instanceInformation) bool { return false }, nil
	}
	return nil, clientErr("InvalidFilterKey", "The filter key %s is not valid; use one of %s, tag-key or tag:KEY", key, strings.Join(infoFilterKeys, ", "))
}

func (sb *Sandbox) ssmDescribeInstanceInformation(c *jsonCall, now time.Time) (any, *apiError) {
	var in struct {
		InstanceInformationFilterList []ssmFilter
		Filters                       []ssmStringFilter
		MaxResults                    *int
		NextToken                     string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	limit, start, err := jsonPage(in.MaxResults, in.NextToken, 5, 50, 10)
	if err != nil {
		return nil, err
	}
	var tests []func(*instance, instanceInformation) bool
	for _, f := range in.InstanceInformationFilterList {
		t, err := infoTest(f.Key, f.Values)
		if err != nil {
			return nil, err
		}
		if f.Key == "InstanceIds" {
			c.ids = append(c.ids, f.Values...)
		}
		tests = append(tests, t)
	}
	for _, f := range in.Filters {
		t, err := infoTest(f.Key, f.Values)
		if err != nil {
			return nil, err
		}
		tests = append(tests, t)
	}
	var list []instanceInformation
	rs := sb.regions[c.region]
	if rs != nil {
		for _, x := range rs.order {
			x.advance(now)
			info, ok := x.information(now)
			if !ok || slices.ContainsFunc(tests, func(t func(*instance, instanceInformation) bool) bool { return !t(x, info) }) {
				continue
			}
			list = append(list, info)
		}
	}
	return pageAnswer("InstanceInformationList", list, start, limit), nil
}

// information is the instance's DescribeInstanceInformation entry at t.
func (in *instance) information(t time.Time) (instanceInformation, bool) {
	status, last, ok := in.ping(t)
	if !ok {
		return instanceInformation{}, false
	}
	return instanceInformation{InstanceID: in.id, PingStatus: status, LastPingDateTime: unixSeconds(last),
		AgentVersion: "3.3.1142.0", IsLatestVersion: true, PlatformType: "Linux", PlatformName: "Amazon Linux",
		PlatformVersion: "2023", ResourceType: "EC2Instance", IPAddress: in.privateIP,
		ComputerName:     "ip-" + strings.ReplaceAll(in.privateIP, ".", "-") + ".ec2.internal",
		RegistrationDate: unixSeconds(in.ssmFirst), SourceID: in.id, SourceType: "AWS::EC2::Instance"}, true
}

// jsonPage reads a JSON service's MaxResults (lo..hi, default def) and
// NextToken (the sandbox's own: an offset).
func jsonPage(maxResults *int, token string, lo, hi, def int) (limit, start int, err *apiError) {
	limit = def
	if maxResults != nil {
		if *maxResults < lo || *maxResults > hi {
			return 0, 0, clientErr("ValidationException", "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between %d and %d", *maxResults, lo, hi)
		}
		limit = *maxResults
	}
	if token != "" {
		c := &call{form: map[string][]string{"NextToken": {token}}}
		_, start, err = pageParams(c, false)
		if err != nil {
			return 0, 0, clientErr("InvalidNextToken", "The specified token is not valid.")
		}
	}
	return limit, start, nil
}

// pageAnswer is a listing's answer: one page of list under key, and the
// NextToken of the next when there is one.
func pageAnswer[T any](key string, list []T, start, limit int) map[string]any {
	page, next := onePage(list, start, limit)
	out := map[string]any{key: page}
	if next != "" {
		out["NextToken"] = next
	}
	return out
}

// onePage cuts one page from list and returns the token of the next (""
// at the end).
func onePage[T any](list []T, start, limit int) ([]T, string) {
	if start > len(list) {
		start = len(list)
	}
	page := list[start:]
	if len(page) > limit {
		return page[:limit], pageToken(start + limit)
	}
	if page == nil {
		page = []T{}
	}
	return page, ""
}
