package sandbox

import (
	"fmt"
	"slices"
	"strings"

	"cloudcontrol/backend/pricing"
)

// The EC2 describes a launch preflight makes: images, subnets, security
// groups, key pairs, VPCs and instance type offerings, answered from the
// world's read-only launch sections with EC2's filters, paging and error
// codes.

// netActions are served by the EC2 dispatch after its own switch.
var netActions = map[string]func(*Sandbox, *call) (any, *apiError){
	"DescribeImages":                (*Sandbox).describeImages,
	"DescribeSubnets":               (*Sandbox).describeSubnets,
	"DescribeSecurityGroups":        (*Sandbox).describeSecurityGroups,
	"DescribeKeyPairs":              (*Sandbox).describeKeyPairs,
	"DescribeVpcs":                  (*Sandbox).describeVpcs,
	"DescribeInstanceTypeOfferings": (*Sandbox).describeOfferings,
	"DescribeInstanceAttribute":     (*Sandbox).describeInstanceAttribute,
	"DescribeAvailabilityZones":     (*Sandbox).describeZones,
}

// filtered keeps the items every Filter.N matches (values ORed, with EC2's
// * and ? wildcards); fields gives an item's values for each filter name
// the call supports. An unknown filter is InvalidParameterValue.
func filtered[T any](c *call, items []T, fields map[string]func(T) []string) ([]T, *apiError) {
	for name, values := range c.filters() {
		get, ok := fields[name]
		if !ok {
			known := make([]string, 0, len(fields))
			for k := range fields {
				known = append(known, k)
			}
			slices.Sort(known)
			return nil, clientErr("InvalidParameterValue", "The filter '%s' is invalid (the sandbox's %s filters are %s)", name, c.action, strings.Join(known, ", "))
		}
		items = slices.DeleteFunc(slices.Clone(items), func(it T) bool {
			return !slices.ContainsFunc(get(it), func(v string) bool { return anyGlob(values, v) })
		})
	}
	return items, nil
}

// paged applies MaxResults/NextToken (not allowed together with ids).
func paged[T any](c *call, items []T, withIDs bool) ([]T, string, *apiError) {
	limit, start, err := pageParams(c, withIDs)
	if err != nil {
		return nil, "", err
	}
	if start >= len(items) {
		return nil, "", nil
	}
	items = items[start:]
	if limit > 0 && len(items) > limit {
		return items[:limit], pageToken(start + limit), nil
	}
	return items, "", nil
}

// notFound is EC2's error for ids it does not know, naming every one.
func notFound(code, one, many string, missing []string) *apiError {
	if len(missing) == 1 {
		return clientErr(code, one, missing[0])
	}
	return clientErr(code, many, strings.Join(missing, ", "))
}

// pick returns the items whose key is in ids (all items when ids is
// empty); malformed ids and missing ones are errors, as EC2 gives them.
func pick[T any](items []T, key func(T) string, ids []string, valid func(string) bool, malformed, missingErr func([]string) *apiError) ([]T, *apiError) {
	if len(ids) == 0 {
		return items, nil
	}
	for _, id := range ids {
		if valid != nil && !valid(id) {
			return nil, malformed([]string{id})
		}
	}
	var out []T
	var missing []string
	for _, id := range ids {
		i := slices.IndexFunc(items, func(it T) bool { return key(it) == id })
		switch {
		case i < 0 && !slices.Contains(missing, id):
			missing = append(missing, id)
		case i >= 0 && !slices.ContainsFunc(out, func(it T) bool { return key(it) == id }):
			out = append(out, items[i])
		}
	}
	if len(missing) > 0 {
		return nil, missingErr(missing)
	}
	return out, nil
}

func malformedID(prefix string) func([]string) *apiError {
	code := map[string]string{"ami": "InvalidAMIID.Malformed", "subnet": "InvalidSubnetID.Malformed",
		"sg": "InvalidGroupId.Malformed", "vpc": "InvalidVpcID.Malformed"}[prefix]
	return func(ids []string) *apiError {
		return clientErr(code, "Invalid id: %q (expecting %q)", ids[0], prefix+"-...")
	}
}

// world returns the call's region as the world describes it.
func (sb *Sandbox) world(c *call) Region {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.region(c.region).world
}

func (sb *Sandbox) describeImages(c *call) (any, *apiError) {
	w := sb.world(c)
	imgs, err := pick(w.Images, func(i Image) string { return i.ID }, c.list("ImageId"), amiRe.MatchString,
		malformedID("ami"), func(m []string) *apiError {
			return notFound("InvalidAMIID.NotFound", "The image id '[%s]' does not exist", "The image ids '[%s]' do not exist", m)
		})
	if err != nil {
		return nil, err
	}
	if owners := c.list("Owner"); len(owners) > 0 {
		imgs = slices.DeleteFunc(slices.Clone(imgs), func(i Image) bool {
			return !slices.Contains(owners, i.Owner) && !slices.Contains(owners, sb.ownerID(i)) &&
				!(slices.Contains(owners, "self") && sb.ownerID(i) == sb.account)
		})
	}
	imgs, err = filtered(c, imgs, map[string]func(Image) []string{
		"name": func(i Image) []string { return []string{i.Name} }, "image-id": func(i Image) []string { return []string{i.ID} },
		"architecture": func(i Image) []string { return []string{i.Architecture} },
		"state":        func(Image) []string { return []string{"available"} },
		"owner-id":     func(i Image) []string { return []string{sb.ownerID(i)} },
		"owner-alias":  func(i Image) []string { return []string{i.Owner} },
	})
	if err != nil {
		return nil, err
	}
	resp := &xDescribeImages{Xmlns: ec2NS, RequestID: requestID()}
	for _, i := range imgs {
		resp.Images = append(resp.Images, sb.xmlImage(i))
	}
	return dryRun(c, resp)
}

// ownerID is the account an image belongs to: Amazon's own for "amazon".
func (sb *Sandbox) ownerID(i Image) string {
	switch i.Owner {
	case "amazon":
		return amazonOwner
	case "self":
		return sb.account
	}
	return i.Owner
}

const amazonOwner = "137112412989"

type subnetIn struct {
	Subnet
	vpc VPC
}

func (w Region) subnets() []subnetIn {
	var out []subnetIn
	for _, v := range w.VPCs {
		for _, s := range v.Subnets {
			out = append(out, subnetIn{s, v})
		}
	}
	return out
}

type groupIn struct {
	SecurityGroup
	vpc VPC
}

func (w Region) groups() []groupIn {
	var out []groupIn
	for _, v := range w.VPCs {
		for _, g := range v.SecurityGroups {
			out = append(out, groupIn{g, v})
		}
	}
	return out
}

func (sb *Sandbox) describeSubnets(c *call) (any, *apiError) {
	ids := c.list("SubnetId")
	subs, err := pick(sb.world(c).subnets(), func(s subnetIn) string { return s.ID }, ids, subnetRe.MatchString,
		malformedID("subnet"), func(m []string) *apiError {
			return notFound("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", "The subnet IDs '%s' do not exist", m)
		})
	if err == nil {
		subs, err = filtered(c, subs, map[string]func(subnetIn) []string{
			"vpc-id": func(s subnetIn) []string { return []string{s.vpc.ID} }, "subnet-id": func(s subnetIn) []string { return []string{s.ID} },
			"availability-zone": func(s subnetIn) []string { return []string{s.Zone} },
			"default-for-az":    func(s subnetIn) []string { return []string{fmt.Sprint(s.vpc.Default)} },
		})
	}
	var next string
	if err == nil {
		subs, next, err = paged(c, subs, len(ids) > 0)
	}
	if err != nil {
		return nil, err
	}
	resp := &xDescribeSubnets{Xmlns: ec2NS, RequestID: requestID(), NextToken: next}
	for _, s := range subs {
		resp.Subnets = append(resp.Subnets, xSubnet{ID: s.ID, State: "available", VPCID: s.vpc.ID, CIDR: s.CIDR,
			Free: 4091, AZ: s.Zone, AZID: zoneID(c.region, s.Zone), Default: s.vpc.Default, Owner: sb.account,
			ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:subnet/%s", c.region, sb.account, s.ID)})
	}
	return dryRun(c, resp)
}

func (sb *Sandbox) describeSecurityGroups(c *call) (any, *apiError) {
	w := sb.world(c)
	ids, names := c.list("GroupId"), c.list("GroupName")
	groups, err := pick(w.groups(), func(g groupIn) string { return g.ID }, ids, groupRe.MatchString, malformedID("sg"),
		func(m []string) *apiError {
			return notFound("InvalidGroup.NotFound", "The security group '%s' does not exist", "The security groups '%s' do not exist", m)
		})
	if err == nil && len(names) > 0 {
		// By name, EC2 looks in the default VPC only.
		inDefault := slices.DeleteFunc(w.groups(), func(g groupIn) bool { return !g.vpc.Default })
		def := "(none)"
		if i := slices.IndexFunc(w.VPCs, func(v VPC) bool { return v.Default }); i >= 0 {
			def = w.VPCs[i].ID
		}
		var byName []groupIn
		byName, err = pick(inDefault, func(g groupIn) string { return g.Name }, names, nil, nil, func(m []string) *apiError {
			return clientErr("InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC '%s'", m[0], def)
		})
		if len(ids) == 0 {
			groups = nil
		}
		groups = append(groups, byName...)
	}
	if err == nil {
		groups, err = filtered(c, groups, map[string]func(groupIn) []string{
			"vpc-id": func(g groupIn) []string { return []string{g.vpc.ID} }, "group-id": func(g groupIn) []string { return []string{g.ID} },
			"group-name": func(g groupIn) []string { return []string{g.Name} },
		})
	}
	var next string
	if err == nil {
		groups, next, err = paged(c, groups, len(ids)+len(names) > 0)
	}
	if err != nil {
		return nil, err
	}
	resp := &xDescribeSecurityGroups{Xmlns: ec2NS, RequestID: requestID(), NextToken: next}
	for _, g := range groups {
		resp.Groups = append(resp.Groups, xSecurityGroup{Owner: sb.account, ID: g.ID, Name: g.Name, Description: g.Description,
			VPCID: g.vpc.ID, ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", c.region, sb.account, g.ID)})
	}
	return dryRun(c, resp)
}

func (sb *Sandbox) describeKeyPairs(c *call) (any, *apiError) {
	keys, err := pick(sb.world(c).KeyPairs, func(k string) string { return k }, c.list("KeyName"), nil, nil,
		func(m []string) *apiError {
			return notFound("InvalidKeyPair.NotFound", "The key pair '%s' does not exist", "The key pairs '%s' do not exist", m)
		})
	if err == nil {
		keys, err = filtered(c, keys, map[string]func(string) []string{
			"key-name":    func(k string) []string { return []string{k} },
			"key-pair-id": func(k string) []string { return []string{keyPairID(k)} },
		})
	}
	if err != nil {
		return nil, err
	}
	resp := &xDescribeKeyPairs{Xmlns: ec2NS, RequestID: requestID()}
	for _, k := range keys {
		resp.Keys = append(resp.Keys, xKeyPair{ID: keyPairID(k), Name: k, Type: "rsa", Fingerprint: fingerprint(k),
			Created: fmtTime(sb.started)})
	}
	return dryRun(c, resp)
}

func (sb *Sandbox) describeVpcs(c *call) (any, *apiError) {
	vpcs, err := pick(sb.world(c).VPCs, func(v VPC) string { return v.ID }, c.list("VpcId"), vpcRe.MatchString, malformedID("vpc"),
		func(m []string) *apiError {
			return notFound("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", "The vpc IDs '%s' do not exist", m)
		})
	if err == nil {
		vpcs, err = filtered(c, vpcs, map[string]func(VPC) []string{
			"vpc-id": func(v VPC) []string { return []string{v.ID} }, "is-default": func(v VPC) []string { return []string{fmt.Sprint(v.Default)} },
			"cidr": func(v VPC) []string { return []string{v.CIDR} },
		})
	}
	if err != nil {
		return nil, err
	}
	resp := &xDescribeVpcs{Xmlns: ec2NS, RequestID: requestID()}
	for _, v := range vpcs {
		resp.VPCs = append(resp.VPCs, xVpc{ID: v.ID, Owner: sb.account, State: "available", CIDR: v.CIDR,
			DHCP: "dopt-00000000000000a01", Tenancy: "default", Default: v.Default})
	}
	return dryRun(c, resp)
}

// zones are the region's zones: those of its subnets and offerings, and a
// and b.
func (w Region) zones() []string {
	set := []string{w.Name + "a", w.Name + "b"}
	for _, s := range w.subnets() {
		set = append(set, s.Zone)
	}
	for z := range w.Offerings {
		set = append(set, z)
	}
	slices.Sort(set)
	return slices.Compact(set)
}

// offered lists the types zone offers: the world's list for it, else every
// type the built-in price table knows in the region.
func (w Region) offered(zone string) []string {
	if types, ok := w.Offerings[zone]; ok {
		return types
	}
	table, err := pricing.Builtin()
	if err != nil {
		return nil
	}
	return table.InstanceTypes(w.Name)
}

type offering struct{ typ, location string }

func (sb *Sandbox) describeOfferings(c *call) (any, *apiError) {
	w := sb.world(c)
	loc := c.get("LocationType")
	var all []offering
	switch loc {
	case "", "region":
		loc = "region"
		seen := map[string]bool{}
		for _, z := range w.zones() {
			for _, t := range w.offered(z) {
				if !seen[t] {
					seen[t] = true
					all = append(all, offering{t, c.region})
				}
			}
		}
		slices.SortFunc(all, func(a, b offering) int { return strings.Compare(a.typ, b.typ) })
	case "availability-zone", "availability-zone-id":
		for _, z := range w.zones() {
			name := z
			if loc == "availability-zone-id" {
				name = zoneID(c.region, z)
			}
			for _, t := range w.offered(z) {
				all = append(all, offering{t, name})
			}
		}
	default:
		return nil, clientErr("InvalidParameterValue", "Value ( %s ) for parameter locationType is invalid. Valid values are region, availability-zone, availability-zone-id.", loc)
	}
	all, err := filtered(c, all, map[string]func(offering) []string{
		"location": func(o offering) []string { return []string{o.location} }, "instance-type": func(o offering) []string { return []string{o.typ} },
	})
	var next string
	if err == nil {
		all, next, err = paged(c, all, false)
	}
	if err != nil {
		return nil, err
	}
	resp := &xDescribeOfferings{Xmlns: ec2NS, RequestID: requestID(), NextToken: next}
	for _, o := range all {
		resp.Offerings = append(resp.Offerings, xOffering{o.typ, loc, o.location})
	}
	return dryRun(c, resp)
}

func (sb *Sandbox) describeZones(c *call) (any, *apiError) {
	resp := &xDescribeZones{Xmlns: ec2NS, RequestID: requestID()}
	for _, z := range sb.world(c).zones() {
		resp.Zones = append(resp.Zones, xZone{Name: z, ID: zoneID(c.region, z), State: "available", Region: c.region,
			Type: "availability-zone", OptIn: "opt-in-not-required"})
	}
	return dryRun(c, resp)
}

// describeInstanceAttribute answers userData (base64, as launched) and
// instanceType.
func (sb *Sandbox) describeInstanceAttribute(c *call) (any, *apiError) {
	id, attr := c.get("InstanceId"), c.get("Attribute")
	c.ids = []string{id}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	list, err := sb.lookup(c, []string{id}, sb.clock.Now())
	if err != nil {
		return nil, err
	}
	in := list[0]
	resp := &xInstanceAttribute{Xmlns: ec2NS, RequestID: requestID(), InstanceID: in.id}
	switch attr {
	case "userData":
		resp.UserData = &xValue{}
		if len(in.userData) > 0 {
			resp.UserData.Value = base64Std(in.userData)
		}
	case "instanceType":
		resp.InstanceType = &xValue{Value: in.typ}
	default:
		return nil, clientErr("InvalidParameterValue", "Value (%s) for parameter attribute is invalid; the sandbox answers userData and instanceType", attr)
	}
	return resp, nil
}

// zoneID is the account-independent zone id AWS would show (euw1-az1 ...).
func zoneID(region, zone string) string {
	parts := strings.Split(region, "-")
	short := ""
	for i, p := range parts {
		if i == len(parts)-1 {
			short += p
		} else {
			short += p[:min(len(p), 2)]
		}
	}
	n := int(zone[len(zone)-1]-'a') + 1
	return fmt.Sprintf("%s-az%d", short, n)
}

func dryRun(c *call, resp any) (any, *apiError) {
	if c.flag("DryRun") {
		return nil, dryRunOK
	}
	return resp, nil
}
