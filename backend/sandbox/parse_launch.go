package sandbox

import (
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"cloudcontrol/backend/yamlpos"
)

// The world's launch sections: what the launch preflight looks up (images,
// SSM aliases, VPCs, key pairs, instance type offerings), Route 53's hosted
// zones and CloudFormation's timing.

var (
	amiRe      = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)
	vpcRe      = regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	subnetRe   = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	groupRe    = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
	zoneIDRe   = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
	domainRe   = regexp.MustCompile(`^([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+$`)
	typeRe     = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	ssmNameRe  = regexp.MustCompile(`^[A-Za-z0-9_./-]+$`)
	accountish = regexp.MustCompile(`^(amazon|self|[0-9]{12})$`)
)

// The default set a region gets for each launch section its file leaves
// out: one Amazon Linux image (and its SSM alias), a default VPC with a
// subnet in zones a and b and its default security group, one key pair.
const (
	DefaultImageID       = "ami-00000000000000a01"
	DefaultImageName     = "al2023-ami-sandbox-kernel-default-x86_64"
	DefaultImageAlias    = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
	DefaultVPCID         = "vpc-00000000000000a01"
	DefaultSubnetA       = "subnet-00000000000000a01"
	DefaultSubnetB       = "subnet-00000000000000a02"
	DefaultSecurityGroup = "sg-00000000000000a01"
	DefaultKeyPair       = "sandbox"
)

func defaultVPC(region string) VPC {
	return VPC{ID: DefaultVPCID, CIDR: "172.31.0.0/16", Default: true,
		Subnets:        []Subnet{{DefaultSubnetA, region + "a", "172.31.0.0/20"}, {DefaultSubnetB, region + "b", "172.31.16.0/20"}},
		SecurityGroups: []SecurityGroup{{DefaultSecurityGroup, "default", "default VPC security group"}}}
}

// rawRegion is a region as its file says it, before defaults.
type rawRegion struct {
	name      string
	node      *yaml.Node
	list      []rawInstance
	images    []Image
	ssm       map[string]string
	vpcs      []VPC
	keys      []string
	zones     []rawZone
	offerings map[string][]string
	timing    partialTiming
	launched  []LaunchedServices
	has       struct{ images, ssm, vpcs, keys bool }
}

type rawZone struct {
	zone HostedZone
	node *yaml.Node
}

// finish applies the default sets to what the file left out.
func (r rawRegion) finish(d Defaults) Region {
	reg := Region{Name: r.name, Images: r.images, SSMParameters: r.ssm, VPCs: r.vpcs, KeyPairs: r.keys,
		Offerings: r.offerings, Stack: r.timing.overStack(d.Stack), Launched: r.launched}
	for _, z := range r.zones {
		reg.HostedZones = append(reg.HostedZones, z.zone)
	}
	if !r.has.images {
		reg.Images = []Image{{ID: DefaultImageID, Name: DefaultImageName, Owner: "amazon", Architecture: "x86_64",
			Description: "Amazon Linux 2023 (sandbox)"}}
	}
	if !r.has.ssm {
		reg.SSMParameters = map[string]string{DefaultImageAlias: reg.Images[0].ID}
		if len(reg.Images) == 0 {
			reg.SSMParameters = map[string]string{}
		}
	}
	if !r.has.vpcs {
		reg.VPCs = []VPC{defaultVPC(r.name)}
	}
	if !r.has.keys {
		reg.KeyPairs = []string{DefaultKeyPair}
	}
	return reg
}

// place puts a world instance in the region's network: the first subnet in
// its zone (else the first subnet), that VPC's first security group, the
// region's first image.
func (reg *Region) place(s *InstanceSpec) {
	if len(reg.Images) > 0 {
		s.Image = reg.Images[0].ID
	}
	var pick *Subnet
	var vpc *VPC
	for i := range reg.VPCs {
		for j := range reg.VPCs[i].Subnets {
			sn := &reg.VPCs[i].Subnets[j]
			if pick == nil || sn.Zone == s.AZ && pick.Zone != s.AZ {
				pick, vpc = sn, &reg.VPCs[i]
			}
		}
	}
	if pick == nil {
		return
	}
	s.Subnet, s.VPC = pick.ID, vpc.ID
	if len(vpc.SecurityGroups) > 0 {
		s.Groups = []string{vpc.SecurityGroups[0].ID}
	}
}

func (p *parser) list(n *yaml.Node, what, example string) []*yaml.Node {
	items, _ := p.List(yamlpos.Pair{Name: what, Val: n}, example)
	return items
}

func (p *parser) images(n *yaml.Node) []Image {
	var out []Image
	for _, item := range p.list(n, "images", "[{id: ami-0aaaaaaaaaaaaaaa1, name: al2023}]") {
		img := Image{Owner: "amazon", Architecture: "x86_64"}
		p.mapping(item, "an image", map[string]func(*yaml.Node){
			"id":           func(v *yaml.Node) { img.ID = p.id(v, "image id", amiRe, "ami-0123456789abcdef0") },
			"name":         func(v *yaml.Node) { img.Name = p.str(v, "name") },
			"description":  func(v *yaml.Node) { img.Description = p.str(v, "description") },
			"architecture": func(v *yaml.Node) { img.Architecture = p.oneOf(v, "architecture", "x86_64", "arm64", "i386") },
			"owner": func(v *yaml.Node) {
				if img.Owner = p.str(v, "owner"); !accountish.MatchString(img.Owner) {
					p.errf(v, "owner must be amazon, self or a 12-digit account, not %q", img.Owner)
				}
			},
		})
		p.need(item, img.ID != "", "an image needs an id, such as id: ami-0123456789abcdef0")
		if slices.ContainsFunc(out, func(o Image) bool { return o.ID == img.ID && img.ID != "" }) {
			p.errf(item, "image %s is listed twice", img.ID)
		}
		out = append(out, img)
	}
	return out
}

func (p *parser) ssmParameters(n *yaml.Node) map[string]string {
	out := map[string]string{}
	pairs, _ := p.Mapping(n, "ssm-parameters")
	for _, kv := range pairs {
		if !ssmNameRe.MatchString(kv.Name) {
			p.errf(kv.Key, "SSM parameter name %q must be letters, digits and . _ - / (like /aws/service/...)", kv.Name)
		}
		out[kv.Name] = p.str(kv.Val, "parameter "+kv.Name)
	}
	return out
}

func (p *parser) vpcs(n *yaml.Node, region string) []VPC {
	var out []VPC
	seen := map[string]bool{} // a VPC, subnet or security group id names one thing
	unique := func(n *yaml.Node, id string) {
		if id != "" && seen[id] {
			p.errf(n, "%s is listed twice in the vpcs of region %s", id, region)
		}
		seen[id] = true
	}
	for _, item := range p.list(n, "vpcs", "[{id: vpc-0aaaaaaaaaaaaaaa1, subnets: [...], security-groups: [...]}]") {
		v := VPC{CIDR: "10.0.0.0/16"}
		p.mapping(item, "a VPC", map[string]func(*yaml.Node){
			"id":      func(x *yaml.Node) { v.ID = p.id(x, "VPC id", vpcRe, "vpc-0123456789abcdef0") },
			"cidr":    func(x *yaml.Node) { v.CIDR = p.str(x, "cidr") },
			"default": func(x *yaml.Node) { v.Default = p.boolean(x, "default") },
			"subnets": func(x *yaml.Node) {
				for _, s := range p.list(x, "subnets", "[{id: subnet-0aaaaaaaaaaaaaaa1, zone: eu-west-1a}]") {
					sn := Subnet{Zone: region + "a", CIDR: "10.0.0.0/20"}
					p.mapping(s, "a subnet", map[string]func(*yaml.Node){
						"id":   func(y *yaml.Node) { sn.ID = p.id(y, "subnet id", subnetRe, "subnet-0123456789abcdef0") },
						"cidr": func(y *yaml.Node) { sn.CIDR = p.str(y, "cidr") },
						"zone": func(y *yaml.Node) { sn.Zone = p.zone(y, region) },
					})
					p.need(s, sn.ID != "", "a subnet needs an id, such as id: subnet-0123456789abcdef0")
					unique(s, sn.ID)
					v.Subnets = append(v.Subnets, sn)
				}
			},
			"security-groups": func(x *yaml.Node) {
				for _, g := range p.list(x, "security-groups", "[{id: sg-0aaaaaaaaaaaaaaa1, name: testers}]") {
					sg := SecurityGroup{}
					p.mapping(g, "a security group", map[string]func(*yaml.Node){
						"id":          func(y *yaml.Node) { sg.ID = p.id(y, "security group id", groupRe, "sg-0123456789abcdef0") },
						"name":        func(y *yaml.Node) { sg.Name = p.str(y, "name") },
						"description": func(y *yaml.Node) { sg.Description = p.str(y, "description") },
					})
					p.need(g, sg.ID != "", "a security group needs an id, such as id: sg-0123456789abcdef0")
					unique(g, sg.ID)
					if sg.Name == "" {
						sg.Name = sg.ID
					}
					if slices.ContainsFunc(v.SecurityGroups, func(o SecurityGroup) bool { return o.Name == sg.Name }) {
						p.errf(g, "security group name %q is used twice in this VPC", sg.Name)
					}
					v.SecurityGroups = append(v.SecurityGroups, sg)
				}
			},
		})
		p.need(item, v.ID != "", "a VPC needs an id, such as id: vpc-0123456789abcdef0")
		unique(item, v.ID)
		out = append(out, v)
	}
	return out
}

func (p *parser) keyPairs(n *yaml.Node) []string {
	var out []string
	for _, item := range p.list(n, "key-pairs", "[testers]") {
		name := p.str(item, "a key pair name")
		switch {
		case name == "" || len(name) > 255:
			p.errf(item, "a key pair name must be 1 to 255 characters")
		case slices.Contains(out, name):
			p.errf(item, "key pair %q is listed twice", name)
		}
		out = append(out, name)
	}
	return out
}

func (p *parser) hostedZones(n *yaml.Node) []rawZone {
	var out []rawZone
	for _, item := range p.list(n, "hosted-zones", "[{id: Z0AAAAAAAAAAAAAAAAAA1, name: test.example.com}]") {
		z := HostedZone{}
		p.mapping(item, "a hosted zone", map[string]func(*yaml.Node){
			"id": func(v *yaml.Node) {
				if z.ID = p.str(v, "hosted zone id"); !zoneIDRe.MatchString(z.ID) {
					p.errf(v, "hosted zone id %q must be Z and up to 31 capital letters or digits, such as Z0AAAAAAAAAAAAAAAAAA1", z.ID)
				}
			},
			"name": func(v *yaml.Node) {
				if z.Name = dnsName(p.str(v, "name")); !domainRe.MatchString(z.Name) {
					p.errf(v, "hosted zone name %q is not a domain name such as test.example.com", z.Name)
				}
			},
			"comment": func(v *yaml.Node) { z.Comment = p.str(v, "comment") },
			"private": func(v *yaml.Node) { z.Private = p.boolean(v, "private") },
		})
		p.need(item, z.ID != "" && z.Name != "", "a hosted zone needs an id and a name, such as {id: Z0AAAAAAAAAAAAAAAAAA1, name: test.example.com}")
		out = append(out, rawZone{z, item})
	}
	return out
}

// checkZones: Route 53 is global, so a zone id is unique across regions.
func (p *parser) checkZones(regions []rawRegion) {
	seen := map[string]bool{}
	for _, r := range regions {
		for _, z := range r.zones {
			if z.zone.ID != "" && seen[z.zone.ID] {
				p.errf(z.node, "hosted zone %s is listed twice (Route 53 is global: one list for every region)", z.zone.ID)
			}
			seen[z.zone.ID] = true
		}
	}
}

func (p *parser) offerings(n *yaml.Node, region string) map[string][]string {
	out := map[string][]string{}
	pairs, _ := p.Mapping(n, "instance-type-offerings")
	for _, kv := range pairs {
		zone := p.zone(kv.Key, region)
		for _, t := range p.list(kv.Val, "instance types of "+zone, "[t3.micro, t3.small]") {
			typ := p.str(t, "an instance type")
			if !typeRe.MatchString(typ) {
				p.errf(t, "instance type %q does not look like t3.micro", typ)
			}
			out[zone] = append(out[zone], typ)
		}
		if out[zone] == nil {
			out[zone] = []string{}
		}
	}
	return out
}

func (p *parser) zone(n *yaml.Node, region string) string {
	z := p.str(n, "zone")
	if len(z) != len(region)+1 || !strings.HasPrefix(z, region) || z[len(z)-1] < 'a' || z[len(z)-1] > 'z' {
		p.errf(n, "zone %q is not a zone of region %s (like %sa)", z, region, region)
	}
	return z
}

func (p *parser) id(n *yaml.Node, what string, re *regexp.Regexp, example string) string {
	s := p.str(n, what)
	if !re.MatchString(s) {
		p.errf(n, "%s %q must look like %s (8 or 17 hex digits)", what, s, example)
	}
	return s
}

func (p *parser) oneOf(n *yaml.Node, what string, allowed ...string) string {
	s := p.str(n, what)
	if !slices.Contains(allowed, s) {
		p.errf(n, "%s must be one of %s, not %q", what, strings.Join(allowed, ", "), s)
	}
	return s
}

// need reports a problem at n when ok is false and n is a mapping (a
// non-mapping was reported already).
func (p *parser) need(n *yaml.Node, ok bool, msg string) {
	if !ok && yamlpos.Deref(n).Kind == yaml.MappingNode {
		p.errf(n, "%s", msg)
	}
}

// dnsName is a domain name as Route 53 keeps it: lower case, ending in a dot.
func dnsName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s != "" && !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
