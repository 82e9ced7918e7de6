package aws

import (
	"maps"
	"slices"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"cloudcontrol/backend/cloud"
)

// toInstance maps EC2's view of an instance to the core's.
func toInstance(region string, in types.Instance) cloud.Instance {
	out := cloud.Instance{
		ID:        sdkaws.ToString(in.InstanceId),
		Region:    region,
		Type:      string(in.InstanceType),
		PrivateIP: sdkaws.ToString(in.PrivateIpAddress),
		PublicIP:  sdkaws.ToString(in.PublicIpAddress),
		Tags:      tagMap(in.Tags),
	}
	if in.State != nil {
		out.State = string(in.State.Name)
	}
	if in.StateReason != nil {
		out.StateReason = sdkaws.ToString(in.StateReason.Message)
	}
	if in.Placement != nil {
		out.AZ = sdkaws.ToString(in.Placement.AvailabilityZone)
	}
	if in.LaunchTime != nil {
		out.LaunchTime = in.LaunchTime.UTC()
	}
	out.StateChanged = transitionTime(sdkaws.ToString(in.StateTransitionReason))
	out.Lifecycle = string(in.InstanceLifecycle)
	out.Name = out.Tags["Name"]
	return cloud.Annotated(out)
}

func tagMap(tags []types.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
	}
	return m
}

// instancesOf flattens reservations, keeping only wanted ids when wanted is
// not nil (the client-side filter of the large-request path).
func instancesOf(region string, rs []types.Reservation, wanted map[string]bool) []cloud.Instance {
	var out []cloud.Instance
	for _, r := range rs {
		for _, in := range r.Instances {
			if wanted != nil && !wanted[sdkaws.ToString(in.InstanceId)] {
				continue
			}
			out = append(out, toInstance(region, in))
		}
	}
	return out
}

// toChecks maps one DescribeInstanceStatus entry. EC2 omits the summaries
// for instances that are not running; they count as not applicable.
func toChecks(s types.InstanceStatus) cloud.Checks {
	c := cloud.Checks{Instance: cloud.CheckNA, System: cloud.CheckNA}
	if s.InstanceStatus != nil && s.InstanceStatus.Status != "" {
		c.Instance = string(s.InstanceStatus.Status)
	}
	if s.SystemStatus != nil && s.SystemStatus.Status != "" {
		c.System = string(s.SystemStatus.Status)
	}
	return c
}

// tagFilters turns a tag query into EC2 "tag:KEY" filters (EC2 ANDs them),
// in key order so requests are reproducible.
func tagFilters(tags map[string]string) []types.Filter {
	var fs []types.Filter
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		fs = append(fs, types.Filter{Name: sdkaws.String("tag:" + k), Values: []string{tags[k]}})
	}
	return fs
}

// chunks splits ids into batches of at most n, none for an empty list.
func chunks(ids []string, n int) [][]string {
	var out [][]string
	for len(ids) > n {
		out = append(out, ids[:n:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

func idSet(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
