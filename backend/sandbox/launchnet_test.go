package sandbox

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// launchWorld has every launch section, two VPCs and a zone that offers
// one type only.
const launchWorld = `
account: "123456789012"
defaults:
  timing: {start: 10s, stop: 5s, checks: 5s, terminate: 4s, stack-resource: 5s, stack-delete: 6s, dns-change: 3s}
regions:
  eu-west-1:
    images:
      - {id: ami-0aaaaaaaaaaaaaaa1, name: al2023-ami-2023.6-x86_64, description: Amazon Linux 2023}
      - {id: ami-0bbbbbbbbbbbbbbb1, name: golden-api, owner: self, architecture: arm64}
    ssm-parameters:
      /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64: ami-0aaaaaaaaaaaaaaa1
    vpcs:
      - id: vpc-0aaaaaaaaaaaaaaa1
        default: true
        cidr: 10.1.0.0/16
        subnets: [{id: subnet-0aaaaaaaaaaaaaaa1, zone: eu-west-1a}, {id: subnet-0aaaaaaaaaaaaaaa2, zone: eu-west-1b}]
        security-groups: [{id: sg-0aaaaaaaaaaaaaaa1, name: testers}, {id: sg-0aaaaaaaaaaaaaaa2, name: web}]
      - id: vpc-0bbbbbbbbbbbbbbb1
        subnets: [{id: subnet-0bbbbbbbbbbbbbbb1, zone: eu-west-1c}]
        security-groups: [{id: sg-0bbbbbbbbbbbbbbb1, name: other}]
    key-pairs: [testers]
    hosted-zones: [{id: Z0AAAAAAAAAAAAAAAAAA1, name: test.example.com}, {id: Z0BBBBBBBBBBBBBBBBBB1, name: Example.ORG, comment: second}]
    instance-type-offerings: {eu-west-1c: [t3.micro]}
    instances:
      - {id: i-0a00000000000001, az: eu-west-1b, tags: {Name: old}}
`

func TestPreflightDescribes(t *testing.T) {
	e := newEnv(t, launchWorld)
	c := e.ec2("eu-west-1")

	img, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{"ami-0aaaaaaaaaaaaaaa1"}})
	if err != nil || len(img.Images) != 1 || aws.ToString(img.Images[0].Name) != "al2023-ami-2023.6-x86_64" ||
		img.Images[0].State != types.ImageStateAvailable || aws.ToString(img.Images[0].ImageOwnerAlias) != "amazon" {
		t.Fatalf("DescribeImages by id: %+v, %v", img, err)
	}
	_, err = c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{"ami-0aaaaaaaaaaaaaaa1", "ami-0cccccccccccccccc"}})
	if ae := apiErr(t, err, "InvalidAMIID.NotFound"); !strings.Contains(ae.ErrorMessage(), "ami-0cccccccccccccccc") {
		t.Errorf("message %q should name the missing image", ae.ErrorMessage())
	}
	_, err = c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{"ami-x"}})
	wantCode(t, err, "InvalidAMIID.Malformed")
	mine, _ := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}})
	byName, _ := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Filters: []types.Filter{filter("name", "al2023-*")}})
	if len(mine.Images) != 1 || aws.ToString(mine.Images[0].ImageId) != "ami-0bbbbbbbbbbbbbbb1" || mine.Images[0].Architecture != "arm64" ||
		len(byName.Images) != 1 || aws.ToString(byName.Images[0].ImageId) != "ami-0aaaaaaaaaaaaaaa1" {
		t.Errorf("owner self: %v; name al2023-*: %v", mine.Images, byName.Images)
	}

	subs, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{filter("vpc-id", "vpc-0aaaaaaaaaaaaaaa1")}})
	if err != nil || len(subs.Subnets) != 2 || aws.ToString(subs.Subnets[1].AvailabilityZone) != "eu-west-1b" || aws.ToString(subs.Subnets[0].VpcId) != "vpc-0aaaaaaaaaaaaaaa1" {
		t.Fatalf("DescribeSubnets by vpc: %+v, %v", subs, err)
	}
	_, err = c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{"subnet-0ccccccccccccccc1"}})
	wantCode(t, err, "InvalidSubnetID.NotFound")

	groups, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-0bbbbbbbbbbbbbbb1", "sg-0aaaaaaaaaaaaaaa2"}})
	if err != nil || len(groups.SecurityGroups) != 2 || aws.ToString(groups.SecurityGroups[0].VpcId) != "vpc-0bbbbbbbbbbbbbbb1" ||
		aws.ToString(groups.SecurityGroups[1].GroupName) != "web" {
		t.Fatalf("DescribeSecurityGroups by id: %+v, %v", groups, err)
	}
	byGroupName, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupNames: []string{"testers"}})
	if err != nil || len(byGroupName.SecurityGroups) != 1 || aws.ToString(byGroupName.SecurityGroups[0].GroupId) != "sg-0aaaaaaaaaaaaaaa1" {
		t.Fatalf("by name: %+v, %v", byGroupName, err)
	}
	_, err = c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupNames: []string{"other"}}) // not in the default VPC
	wantCode(t, err, "InvalidGroup.NotFound")
	_, err = c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-0ccccccccccccccc1"}})
	wantCode(t, err, "InvalidGroup.NotFound")
	inVPC, _ := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{filter("vpc-id", "vpc-0bbbbbbbbbbbbbbb1")}})
	if len(inVPC.SecurityGroups) != 1 {
		t.Errorf("filter vpc-id: %+v", inVPC.SecurityGroups)
	}

	keys, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"testers"}})
	if err != nil || len(keys.KeyPairs) != 1 || aws.ToString(keys.KeyPairs[0].KeyName) != "testers" || !strings.HasPrefix(aws.ToString(keys.KeyPairs[0].KeyPairId), "key-") {
		t.Fatalf("DescribeKeyPairs: %+v, %v", keys, err)
	}
	_, err = c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"nobody"}})
	wantCode(t, err, "InvalidKeyPair.NotFound")

	offered := func(zone, typ string) bool {
		out, err := c.DescribeInstanceTypeOfferings(ctx, &ec2.DescribeInstanceTypeOfferingsInput{LocationType: types.LocationTypeAvailabilityZone,
			Filters: []types.Filter{filter("location", zone), filter("instance-type", typ)}})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.InstanceTypeOfferings) == 1 && aws.ToString(out.InstanceTypeOfferings[0].Location) == zone
	}
	if !offered("eu-west-1a", "m5.large") || offered("eu-west-1c", "m5.large") || !offered("eu-west-1c", "t3.micro") || offered("eu-west-1a", "x9.nope") {
		t.Error("offerings: m5.large in eu-west-1a only, t3.micro in eu-west-1c")
	}
	var pages, total int
	p := ec2.NewDescribeInstanceTypeOfferingsPaginator(c, &ec2.DescribeInstanceTypeOfferingsInput{MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages, total = pages+1, total+len(out.InstanceTypeOfferings)
	}
	if pages < 2 || total < 150 {
		t.Errorf("region offerings: %d in %d pages", total, pages)
	}

	vpcs, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{filter("is-default", "true")}})
	if err != nil || len(vpcs.Vpcs) != 1 || aws.ToString(vpcs.Vpcs[0].CidrBlock) != "10.1.0.0/16" {
		t.Fatalf("DescribeVpcs: %+v, %v", vpcs, err)
	}
	// A world instance sits in its zone's subnet.
	old := e.describe(c, "i-0a00000000000001")
	if aws.ToString(old.SubnetId) != "subnet-0aaaaaaaaaaaaaaa2" || aws.ToString(old.VpcId) != "vpc-0aaaaaaaaaaaaaaa1" ||
		len(old.SecurityGroups) != 1 || aws.ToString(old.SecurityGroups[0].GroupName) != "testers" || aws.ToString(old.ImageId) != "ami-0aaaaaaaaaaaaaaa1" {
		t.Errorf("world instance placement: subnet %v vpc %v groups %+v image %v", aws.ToString(old.SubnetId), aws.ToString(old.VpcId), old.SecurityGroups, aws.ToString(old.ImageId))
	}
	_, err = c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{filter("colour", "x")}})
	wantCode(t, err, "InvalidParameterValue")
}

func TestOlderWorldsGetTheDefaultSets(t *testing.T) {
	e := newEnv(t, twoInstances)
	c := e.ec2("eu-west-1")
	img, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{})
	if err != nil || len(img.Images) != 1 || aws.ToString(img.Images[0].ImageId) != DefaultImageID {
		t.Fatalf("default images: %+v, %v", img, err)
	}
	subs, _ := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	keys, _ := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{})
	if len(subs.Subnets) != 2 || aws.ToString(subs.Subnets[0].SubnetId) != DefaultSubnetA || len(keys.KeyPairs) != 1 {
		t.Fatalf("default subnets %+v, keys %+v", subs.Subnets, keys.KeyPairs)
	}
	out, err := e.ssm("eu-west-1").GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(DefaultImageAlias)})
	if err != nil || aws.ToString(out.Parameter.Value) != DefaultImageID {
		t.Fatalf("default alias: %+v, %v", out, err)
	}
	// A region the world does not list has them too.
	if img, err := e.ec2("ap-south-1").DescribeImages(ctx, &ec2.DescribeImagesInput{}); err != nil || len(img.Images) != 1 {
		t.Fatalf("unlisted region: %+v, %v", img, err)
	}
}

func TestSSMGetParameter(t *testing.T) {
	e := newEnv(t, launchWorld)
	s := e.ssm("eu-west-1")
	const alias = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
	out, err := s.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(alias)})
	if err != nil {
		t.Fatal(err)
	}
	p := out.Parameter
	if aws.ToString(p.Value) != "ami-0aaaaaaaaaaaaaaa1" || p.Version != 1 || aws.ToString(p.DataType) != "aws:ec2:image" ||
		aws.ToString(p.ARN) != "arn:aws:ssm:eu-west-1::parameter"+alias || p.LastModifiedDate == nil {
		t.Errorf("parameter %+v", p)
	}
	_, err = s.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/aws/service/nothing")})
	wantCode(t, err, "ParameterNotFound")
	if _, err = e.ssm("us-east-1").GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(alias)}); err != nil {
		t.Errorf("us-east-1 has the default alias of its default image: %v", err)
	}
	if err := e.sb.AddFault(Fault{Kind: FaultThrottle, Action: "GetParameter", Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(alias)})
	wantCode(t, err, "ThrottlingException")
	many, err := s.GetParameters(ctx, &ssm.GetParametersInput{Names: []string{alias, "/nope"}})
	if err != nil || len(many.Parameters) != 1 || !slices.Equal(many.InvalidParameters, []string{"/nope"}) {
		t.Errorf("GetParameters: %+v, %v", many, err)
	}
}

func TestWorldLaunchSectionsAreChecked(t *testing.T) {
	_, err := ParseWorld([]byte(`
defaults:
  timing: {stack-resource: soon}
regions:
  eu-west-1:
    images: [{id: ami-nope}, {name: x}]
    vpcs:
      - id: vpc-0aaaaaaaaaaaaaaa1
        subnets: [{id: subnet-0aaaaaaaaaaaaaaa1, zone: us-east-1a}, {id: subnet-0aaaaaaaaaaaaaaa1}]
        security-groups: [{id: sg-1}]
    key-pairs: [a, a]
    hosted-zones: [{id: z1, name: "bad name"}]
    instance-type-offerings: {eu-west-1a: [big]}
    timing: {start: 1s}
`), "w.yaml")
	for _, want := range []string{
		`w.yaml:3:28: timing.stack-resource must be a non-negative Go duration`,
		`w.yaml:6:19: image id "ami-nope" must look like ami-0123456789abcdef0`,
		`w.yaml:6:30: an image needs an id`,
		`w.yaml:9:56: zone "us-east-1a" is not a zone of region eu-west-1`,
		`w.yaml:9:69: subnet-0aaaaaaaaaaaaaaa1 is listed twice`,
		`w.yaml:10:32: security group id "sg-1" must look like`,
		`w.yaml:11:20: key pair "a" is listed twice`,
		`w.yaml:12:25: hosted zone id "z1" must be Z`,
		`w.yaml:12:35: hosted zone name "bad name." is not a domain name`,
		`w.yaml:13:44: instance type "big" does not look like t3.micro`,
		`w.yaml:14:14: unknown key "start" in timing`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}
