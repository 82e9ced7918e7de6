package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"cloudcontrol/backend/cloud"
)

func xmlName(local string) xml.Name { return xml.Name{Local: local} }

// filterFunc builds the test for one filter name from its values (ORed).
type filterFunc func(name string, values []string) (func(*instance) bool, bool)

// instanceFilters are the DescribeInstances filters the sandbox understands.
func instanceFilters(name string, values []string) (func(*instance) bool, bool) {
	switch {
	case name == "instance-id":
		return func(in *instance) bool { return anyGlob(values, in.id) }, true
	case name == "instance-state-name":
		return func(in *instance) bool { return anyGlob(values, in.state) }, true
	case name == "tag-key":
		return func(in *instance) bool {
			for k := range in.tags {
				if anyGlob(values, k) {
					return true
				}
			}
			return false
		}, true
	case strings.HasPrefix(name, "tag:") && len(name) > 4:
		key := name[4:]
		return func(in *instance) bool {
			v, ok := in.tags[key]
			return ok && anyGlob(values, v)
		}, true
	}
	return nil, false
}

// statusFilters are the DescribeInstanceStatus filters the sandbox understands.
func statusFilters(name string, values []string) (func(*instance) bool, bool) {
	if name == "instance-state-name" {
		return instanceFilters(name, values)
	}
	return nil, false
}

// parseFilters reads Filter.N.Name / Filter.N.Value.M into one predicate
// (filters ANDed, values ORed). An unknown filter is an error naming it.
func parseFilters(c *call, known filterFunc) (func(*instance) bool, *apiError) {
	var tests []func(*instance) bool
	for i := 1; ; i++ {
		p := "Filter." + strconv.Itoa(i)
		name, ok := c.form[p+".Name"]
		if !ok {
			break
		}
		values := c.list(p + ".Value")
		test, ok := known(name[0], values)
		if !ok {
			return nil, clientErr("InvalidParameterValue", "The filter '%s' is invalid", name[0])
		}
		tests = append(tests, test)
	}
	return func(in *instance) bool {
		for _, t := range tests {
			if !t(in) {
				return false
			}
		}
		return true
	}, nil
}

func anyGlob(patterns []string, s string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return glob(p, s) })
}

// glob matches EC2 filter wildcards: * any run, ? any one character.
func glob(p, s string) bool {
	if !strings.ContainsAny(p, "*?") {
		return p == s
	}
	star, mark := -1, 0
	i, j := 0, 0
	for j < len(s) {
		switch {
		case i < len(p) && (p[i] == '?' || p[i] == s[j]):
			i++
			j++
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case star >= 0:
			i, mark = star+1, mark+1
			j = mark
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}

// tagPairs reads PREFIX.N.Key / PREFIX.N.Value.
func tagPairs(c *call, prefix string) (map[string]string, *apiError) {
	tags := map[string]string{}
	for i := 1; ; i++ {
		p := prefix + "." + strconv.Itoa(i)
		k, ok := c.form[p+".Key"]
		if !ok {
			return tags, nil
		}
		if k[0] == "" || strings.HasPrefix(strings.ToLower(k[0]), "aws:") {
			return nil, clientErr("InvalidParameterValue", "Tag key %q is not allowed: it must be non-empty and not start with aws:", k[0])
		}
		tags[k[0]] = c.get(p + ".Value")
	}
}

func (sb *Sandbox) createTags(c *call) (any, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return answer(sb.createTagsAt(c, sb.clock.Now()))
}

// createTagsAt is CreateTags as of now, with sb.mu held.
func (sb *Sandbox) createTagsAt(c *call, now time.Time) (*xReturn, *apiError) {
	tags, err := tagPairs(c, "Tag")
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, clientErr("MissingParameter", "The request must contain the parameter Tag")
	}
	list, err := sb.tagged(c, now)
	if err != nil {
		return nil, err
	}
	for _, in := range list {
		maps.Copy(in.tags, tags)
	}
	return &xReturn{XMLName: xmlName("CreateTagsResponse"), Xmlns: ec2NS, RequestID: requestID(), Return: true}, nil
}

// tagged finds the instances a CreateTags or DeleteTags names (the SDK
// sends ResourceId.N; the API reference documents Resource.N), each
// checked as EC2 does, DryRun answered.
func (sb *Sandbox) tagged(c *call, now time.Time) ([]*instance, *apiError) {
	ids := append(c.list("ResourceId"), c.list("Resource")...)
	c.ids = ids
	if len(ids) == 0 {
		return nil, clientErr("MissingParameter", "The request must contain the parameter resourceIdSet")
	}
	for _, id := range ids {
		if !strings.HasPrefix(id, "i-") {
			return nil, clientErr("InvalidID", "The ID '%s' is not valid; the sandbox only has instances", id)
		}
	}
	list, err := sb.lookup(c, ids, now)
	if err != nil {
		return nil, err
	}
	if c.flag("DryRun") {
		return nil, dryRunOK
	}
	return list, nil
}

func (sb *Sandbox) runInstances(c *call) (any, *apiError) {
	image := c.get("ImageId")
	if image == "" {
		return nil, clientErr("MissingParameter", "The request must contain the parameter ImageId")
	}
	minN, e1 := strconv.Atoi(c.get("MinCount"))
	maxN, e2 := strconv.Atoi(c.get("MaxCount"))
	if e1 != nil || e2 != nil || minN < 1 || maxN < minN || maxN > 1000 {
		return nil, clientErr("InvalidParameterValue", "MinCount and MaxCount must be whole numbers with 1 <= MinCount <= MaxCount <= 1000 (got %q, %q)", c.get("MinCount"), c.get("MaxCount"))
	}
	typ := c.get("InstanceType")
	if typ == "" {
		typ = "m1.small" // EC2's own default
	}
	tags := map[string]string{}
	for i := 1; ; i++ {
		p := "TagSpecification." + strconv.Itoa(i)
		rt, ok := c.form[p+".ResourceType"]
		if !ok {
			break
		}
		t, err := tagPairs(c, p+".Tag")
		if err != nil {
			return nil, err
		}
		if rt[0] == "instance" {
			maps.Copy(tags, t)
		}
	}
	var userData []byte
	if ud := c.get("UserData"); ud != "" {
		var err error
		if userData, err = base64.StdEncoding.DecodeString(ud); err != nil {
			return nil, clientErr("InvalidParameterValue", "Invalid BASE64 encoding of user data.")
		}
		if len(userData) > MaxUserData {
			return nil, clientErr("InvalidParameterValue", "User data is limited to %d bytes", MaxUserData)
		}
	}
	if c.flag("DryRun") {
		return nil, dryRunOK
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	now := sb.clock.Now()
	rs := sb.region(c.region)
	rs.runs++
	seed := fmt.Sprintf("run/%s/%d", c.region, rs.runs)
	sum := sha256.Sum256([]byte(seed))
	resp := &xRunInstances{Xmlns: ec2NS, RequestID: requestID()}
	resp.ReservationID = "r-0" + hex.EncodeToString(sum[:])[:16]
	resp.OwnerID = sb.account
	az := c.get("Placement.AvailabilityZone")
	if az == "" {
		az = c.region + "a"
	}
	used := map[string]bool{}
	for id := range sb.byID {
		used[id] = true
	}
	for n := range maxN {
		spec := InstanceSpec{
			ID: generatedID(seed, n, used), Type: typ, Tags: maps.Clone(tags), AZ: az, SSM: sb.defaults.SSM,
			Timing:   Timing{DefaultStart, DefaultStop, DefaultChecks, DefaultTerminate},
			Services: sb.region(c.region).world.servicesFor(tags),
		}
		if t := sb.defaults; t != nil {
			spec.Timing, spec.Public = t.Timing, t.Public
		}
		in, err := sb.newInstance(c.region, spec, now)
		if err != nil {
			return nil, &apiError{500, "InsufficientInstanceCapacity", err.Error()}
		}
		used[in.id] = true
		in.image, in.reservation, in.launchIndex = image, resp.ReservationID, n
		in.setState(cloud.Pending, now)
		if len(userData) > 0 {
			in.userData = userData
			failed := sb.faults.take(FaultUserDataFail, c.region, "", "AWS::EC2::Instance") != nil
			in.script = &script{base: now.Add(in.timing.Start), steps: parseScript(userData, failed, sb.speed)}
		}
		rs.order = append(rs.order, in)
		sb.byID[in.id] = in
		sb.touch(in, now)
		c.ids = append(c.ids, in.id)
		resp.Instances = append(resp.Instances, xmlInstance(in))
	}
	return resp, nil
}
