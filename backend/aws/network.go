package aws

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"

	"cloudcontrol/backend/cloud"
)

// Network is cloud.Network on EC2, with the Fleet's clients.
type Network struct{ f *Fleet }

var _ cloud.Network = Network{}

// missing turns EC2's not-found codes into a *cloud.NotFoundError: the ids
// its message names (matching pattern), else all of requested.
func (n Network) missing(region, action string, err error, kind string, pattern *regexp.Regexp, requested []string, codes ...string) error {
	e := n.f.s.apiError(region, action, err)
	var api smithy.APIError
	if !errors.As(err, &api) || !slices.Contains(codes, api.ErrorCode()) {
		return e
	}
	ids := pattern.FindAllString(api.ErrorMessage(), -1)
	if len(ids) == 0 {
		ids = slices.Clone(requested)
	}
	return notFound(e, kind, dedupe(ids))
}

var (
	imageIDs  = regexp.MustCompile(`\bami-[0-9a-f]+\b`)
	subnetIDs = regexp.MustCompile(`\bsubnet-[0-9a-f]+\b`)
	groupIDs  = regexp.MustCompile(`\bsg-[0-9a-f]+\b`)
)

// namesIn matches any of names in a message.
func namesIn(names []string) *regexp.Regexp {
	quotedNames := make([]string, len(names))
	for i, n := range names {
		quotedNames[i] = regexp.QuoteMeta(n)
	}
	return regexp.MustCompile(strings.Join(quotedNames, "|"))
}

// Images describes the given images.
func (n Network) Images(ctx context.Context, region string, ids []string) ([]cloud.Image, error) {
	region = regionOr(n.f.s, region)
	if len(ids) == 0 {
		return nil, nil
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := n.f.client(region).DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: ids})
	if err != nil {
		return nil, n.missing(region, "DescribeImages", err, "image", imageIDs, ids, "InvalidAMIID.NotFound", "InvalidAMIID.Malformed", "InvalidAMIID.Unavailable")
	}
	var res []cloud.Image
	for _, i := range out.Images {
		res = append(res, cloud.Image{ID: sdkaws.ToString(i.ImageId), Name: sdkaws.ToString(i.Name), OwnerID: sdkaws.ToString(i.OwnerId),
			Architecture: string(i.Architecture), State: string(i.State), Description: sdkaws.ToString(i.Description)})
	}
	// EC2 answers an unknown but well-formed id of an image that was
	// deregistered with nothing rather than an error.
	var absent []string
	for _, id := range ids {
		if !slices.ContainsFunc(res, func(i cloud.Image) bool { return i.ID == id }) {
			absent = append(absent, id)
		}
	}
	if len(absent) > 0 {
		return nil, &cloud.NotFoundError{IDs: dedupe(absent), Kind: "image"}
	}
	return res, nil
}

// Subnets describes the given subnets.
func (n Network) Subnets(ctx context.Context, region string, ids []string) ([]cloud.Subnet, error) {
	region = regionOr(n.f.s, region)
	if len(ids) == 0 {
		return nil, nil
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := n.f.client(region).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: ids})
	if err != nil {
		return nil, n.missing(region, "DescribeSubnets", err, "subnet", subnetIDs, ids, "InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed")
	}
	var res []cloud.Subnet
	for _, s := range out.Subnets {
		res = append(res, cloud.Subnet{ID: sdkaws.ToString(s.SubnetId), VPCID: sdkaws.ToString(s.VpcId), AZ: sdkaws.ToString(s.AvailabilityZone),
			CIDR: sdkaws.ToString(s.CidrBlock), AvailableIPs: int(sdkaws.ToInt32(s.AvailableIpAddressCount))})
	}
	return res, nil
}

// SecurityGroups describes the given security groups (by id).
func (n Network) SecurityGroups(ctx context.Context, region string, ids []string) ([]cloud.SecurityGroup, error) {
	region = regionOr(n.f.s, region)
	if len(ids) == 0 {
		return nil, nil
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := n.f.client(region).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: ids})
	if err != nil {
		return nil, n.missing(region, "DescribeSecurityGroups", err, "security group", groupIDs, ids, "InvalidGroup.NotFound", "InvalidGroupId.Malformed", "InvalidGroupId.NotFound")
	}
	var res []cloud.SecurityGroup
	for _, g := range out.SecurityGroups {
		res = append(res, cloud.SecurityGroup{ID: sdkaws.ToString(g.GroupId), Name: sdkaws.ToString(g.GroupName),
			VPCID: sdkaws.ToString(g.VpcId), Description: sdkaws.ToString(g.Description)})
	}
	return res, nil
}

// KeyPairs describes the given key pairs (by name).
func (n Network) KeyPairs(ctx context.Context, region string, names []string) ([]cloud.KeyPair, error) {
	region = regionOr(n.f.s, region)
	if len(names) == 0 {
		return nil, nil
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := n.f.client(region).DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: names})
	if err != nil {
		// EC2 quotes the names it does not know; moto quotes them its own way.
		e := n.missing(region, "DescribeKeyPairs", err, "key pair", namesIn(names), names, "InvalidKeyPair.NotFound")
		return nil, e
	}
	var res []cloud.KeyPair
	for _, k := range out.KeyPairs {
		res = append(res, cloud.KeyPair{Name: sdkaws.ToString(k.KeyName), ID: sdkaws.ToString(k.KeyPairId)})
	}
	return res, nil
}

// TypesOffered returns which of types zone offers.
func (n Network) TypesOffered(ctx context.Context, region, zone string, typs []string) ([]string, error) {
	region = regionOr(n.f.s, region)
	if len(typs) == 0 {
		return nil, nil
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	in := &ec2.DescribeInstanceTypeOfferingsInput{LocationType: types.LocationTypeAvailabilityZone, Filters: []types.Filter{
		{Name: sdkaws.String("location"), Values: []string{zone}}, {Name: sdkaws.String("instance-type"), Values: typs}}}
	var res []string
	p := ec2.NewDescribeInstanceTypeOfferingsPaginator(n.f.client(region), in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, n.f.s.apiError(region, "DescribeInstanceTypeOfferings", err)
		}
		for _, o := range page.InstanceTypeOfferings {
			if t := string(o.InstanceType); slices.Contains(typs, t) && !slices.Contains(res, t) {
				res = append(res, t)
			}
		}
	}
	slices.Sort(res)
	return res, nil
}

// Parameters is cloud.Parameters on SSM.
type Parameters struct {
	s       *Session
	clients *regional[*ssm.Client]
}

var _ cloud.Parameters = (*Parameters)(nil)

func newParameters(s *Session) *Parameters {
	return &Parameters{s: s, clients: newRegional(func(region string) *ssm.Client {
		return ssm.NewFromConfig(s.cfg, func(o *ssm.Options) {
			o.Region = region
			if s.endpoint != "" {
				o.BaseEndpoint = sdkaws.String(s.endpoint)
			}
		})
	})}
}

// Parameter reads one SSM parameter's value.
func (p *Parameters) Parameter(ctx context.Context, region, name string) (string, error) {
	region = regionOr(p.s, region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := p.clients.get(region).GetParameter(ctx, &ssm.GetParameterInput{Name: sdkaws.String(name)})
	if err != nil {
		e := p.s.apiError(region, "GetParameter", err)
		var pnf *ssmtypes.ParameterNotFound
		var pvnf *ssmtypes.ParameterVersionNotFound
		if errors.As(err, &pnf) || errors.As(err, &pvnf) {
			return "", notFound(e, "SSM parameter", []string{name})
		}
		return "", e
	}
	return sdkaws.ToString(out.Parameter.Value), nil
}
