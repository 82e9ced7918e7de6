package sandbox

import (
	"slices"
	"strings"
)

// awsRegions are the AWS commercial regions. DescribeRegions answers these
// plus the world's own, so an app can tell a region that does not exist.
// optIn marks regions that are disabled until the account opts in.
var awsRegions = []struct {
	name  string
	optIn bool
}{
	{"af-south-1", true}, {"ap-east-1", true}, {"ap-east-2", true}, {"ap-northeast-1", false},
	{"ap-northeast-2", false}, {"ap-northeast-3", false}, {"ap-south-1", false}, {"ap-south-2", true},
	{"ap-southeast-1", false}, {"ap-southeast-2", false}, {"ap-southeast-3", true}, {"ap-southeast-4", true},
	{"ap-southeast-5", true}, {"ap-southeast-6", true}, {"ap-southeast-7", true}, {"ca-central-1", false},
	{"ca-west-1", true}, {"eu-central-1", false}, {"eu-central-2", true}, {"eu-north-1", false},
	{"eu-south-1", true}, {"eu-south-2", true}, {"eu-west-1", false}, {"eu-west-2", false},
	{"eu-west-3", false}, {"il-central-1", true}, {"me-central-1", true}, {"me-south-1", true},
	{"mx-central-1", true}, {"sa-east-1", false}, {"us-east-1", false}, {"us-east-2", false},
	{"us-west-1", false}, {"us-west-2", false},
}

// describeRegions lists enabled regions (every region with AllRegions),
// optionally only the RegionName.N asked for. World regions count as enabled.
func (sb *Sandbox) describeRegions(c *call) (any, *apiError) {
	all := c.flag("AllRegions")
	resp := &xDescribeRegions{Xmlns: ec2NS, RequestID: requestID()}
	add := func(name, optIn string) {
		resp.Regions = append(resp.Regions, xRegion{name, "ec2." + name + ".amazonaws.com", optIn})
	}
	known := map[string]bool{}
	for _, r := range awsRegions {
		known[r.name] = true
		switch {
		case !r.optIn:
			add(r.name, "opt-in-not-required")
		case sb.hasRegion(r.name):
			add(r.name, "opted-in")
		case all:
			add(r.name, "not-opted-in")
		}
	}
	sb.mu.Lock()
	var extra []string
	for name := range sb.regions {
		if !known[name] {
			extra = append(extra, name)
		}
	}
	sb.mu.Unlock()
	slices.Sort(extra)
	for _, name := range extra {
		add(name, "opt-in-not-required")
	}
	if want := c.list("RegionName"); len(want) > 0 {
		kept := resp.Regions[:0]
		for _, w := range want {
			i := slices.IndexFunc(resp.Regions, func(r xRegion) bool { return r.Name == w })
			if i < 0 {
				return nil, clientErr("InvalidParameterValue", "Invalid region: %s", w)
			}
			kept = append(kept, resp.Regions[i])
		}
		resp.Regions = kept
	}
	slices.SortStableFunc(resp.Regions, func(a, b xRegion) int { return strings.Compare(a.Name, b.Name) })
	if c.flag("DryRun") {
		return nil, dryRunOK
	}
	return resp, nil
}

func (sb *Sandbox) hasRegion(name string) bool {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.regions[name] != nil
}
