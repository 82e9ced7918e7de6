package aws

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
	"cloudcontrol/internal/testwait"
)

// launchFixture is what the launch contract suite needs of a target: a
// network to launch into, an image, a key pair, a hosted zone, and what
// the target can show.
type launchFixture struct {
	*fixture
	image, subnet, zone, group, keyPair string
	otherGroup                          string // a security group of another VPC
	alias, aliasImage                   string // an SSM AMI alias and the image it names
	zoneID, zoneName                    string
	suffix                              string // makes names unique on a shared target

	// What the target can do; false or nil when it cannot.
	resourceEvents bool // per-resource events, not only the stack's own
	signals        bool // CreationPolicy waits for cfn-signal
	idempotent     bool // a CreateStack retried with its ClientRequestToken returns the same stack
	eventPage      int  // DescribeStackEvents page size, 0: one page holds every event
	templateParams bool // ValidateTemplate lists the parameters
	stackFault     func(t *testing.T, kind sandbox.FaultKind, resource string)
}

// launchTarget is a target that can host the launch contract suite.
type launchTarget interface {
	target
	openLaunch(t *testing.T) *launchFixture
}

// wait waits for cond: on a target with a clock, by moving it a second at
// a time (up to limit); on one without, polling in real time for a few
// seconds (moto answers at once; this only absorbs its own latency).
func (fx *launchFixture) wait(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	if fx.advance != nil {
		for waited := time.Duration(0); !cond(); waited += time.Second {
			if waited > limit {
				t.Fatalf("%s: not within %s of the target's clock", what, limit)
			}
			fx.advance(time.Second)
		}
		return
	}
	testwait.Until(t, 5*time.Second, what, cond)
}

// launchWorld is the sandbox's side of the fixture.
const launchWorld = `
account: "123456789012"
defaults:
  timing: {start: 10s, stop: 5s, checks: 5s, terminate: 3s, stack-resource: 2s, stack-delete: 4s, dns-change: 2s}
regions:
  eu-west-1:
    images: [{id: ami-0c0a000000000000a, name: al2023-ami-contract-x86_64}]
    ssm-parameters: {/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64: ami-0c0a000000000000a}
    vpcs:
      - id: vpc-0c0a0000000000001
        subnets: [{id: subnet-0c0a0000000000001, zone: eu-west-1a}]
        security-groups: [{id: sg-0c0a0000000000001, name: contract}]
      - id: vpc-0c0a0000000000002
        subnets: [{id: subnet-0c0a0000000000002, zone: eu-west-1b}]
        security-groups: [{id: sg-0c0a0000000000002, name: elsewhere}]
    key-pairs: [contract]
    hosted-zones: [{id: Z0C0A00000000000000001, name: contract.example.com}]
`

const sandboxEventPage = 4

func (sandboxTarget) openLaunch(t *testing.T) *launchFixture {
	t.Helper()
	isolateAWS(t, sandboxRegion)
	w, err := sandbox.ParseWorld([]byte(launchWorld), "launch-world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clock := clockwork.NewFakeClockAt(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	sb, err := sandbox.New(w, sandbox.Options{Clock: clock, StackEventsPage: sandboxEventPage, AddressBlock: sandboxtest.Block(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	fx := &launchFixture{
		fixture: &fixture{target: "sandbox", endpoint: srv.URL, region: sandboxRegion, account: "123456789012", advance: clock.Advance,
			requests: func() []string {
				var actions []string
				for _, r := range sb.Requests() {
					actions = append(actions, r.Action)
				}
				return actions
			}},
		image: "ami-0c0a000000000000a", subnet: "subnet-0c0a0000000000001", zone: "eu-west-1a", group: "sg-0c0a0000000000001",
		otherGroup: "sg-0c0a0000000000002", keyPair: "contract",
		alias: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", aliasImage: "ami-0c0a000000000000a",
		zoneID: "Z0C0A00000000000000001", zoneName: "contract.example.com.",
		resourceEvents: true, signals: true, idempotent: true, eventPage: sandboxEventPage, templateParams: true,
		stackFault: func(t *testing.T, kind sandbox.FaultKind, resource string) {
			t.Helper()
			if err := sb.AddFault(sandbox.Fault{Kind: kind, Resource: resource, Count: 1}); err != nil {
				t.Fatal(err)
			}
		},
	}
	return fx
}

// moto's built-in image (launching needs one EC2 knows) and its SSM alias.
const (
	motoAlias      = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
	motoAliasImage = "ami-087fc0fcee2c7570a"
)

// openLaunch makes a VPC, a subnet, two security groups (one in another
// VPC), a key pair and a hosted zone, all named after a fresh suffix, on
// the shared moto.
func (m *motoTarget) openLaunch(t *testing.T) *launchFixture {
	t.Helper()
	isolateAWS(t, motoRegion)
	nonce := make([]byte, 4)
	_, _ = rand.Read(nonce)
	suffix := hex.EncodeToString(nonce)
	fx := &launchFixture{fixture: &fixture{target: "moto", endpoint: strings.TrimRight(m.endpoint, "/"), region: motoRegion,
		account: "123456789012", instant: true}, image: motoAMI, zone: motoRegion + "a", keyPair: "contract-" + suffix,
		alias: motoAlias, aliasImage: motoAliasImage, suffix: suffix}
	cfg := fx.session(t, nil).Config()
	c := ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.BaseEndpoint = sdkaws.String(fx.endpoint) })
	ctx := context.Background()
	vpc := func(cidr string) string {
		out, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: sdkaws.String(cidr)})
		if err != nil {
			t.Fatalf("moto: CreateVpc: %v", err)
		}
		return sdkaws.ToString(out.Vpc.VpcId)
	}
	group := func(vpcID, name string) string {
		out, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdkaws.String(name + "-" + suffix),
			Description: sdkaws.String("contract"), VpcId: sdkaws.String(vpcID)})
		if err != nil {
			t.Fatalf("moto: CreateSecurityGroup: %v", err)
		}
		return sdkaws.ToString(out.GroupId)
	}
	v1, v2 := vpc("10.71.0.0/16"), vpc("10.72.0.0/16")
	sn, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: sdkaws.String(v1), CidrBlock: sdkaws.String("10.71.1.0/24"),
		AvailabilityZone: sdkaws.String(fx.zone)})
	if err != nil {
		t.Fatalf("moto: CreateSubnet: %v", err)
	}
	fx.subnet, fx.group, fx.otherGroup = sdkaws.ToString(sn.Subnet.SubnetId), group(v1, "contract"), group(v2, "elsewhere")
	if _, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: sdkaws.String(fx.keyPair), KeyType: types.KeyTypeRsa}); err != nil {
		t.Fatalf("moto: CreateKeyPair: %v", err)
	}
	r := route53.NewFromConfig(cfg, func(o *route53.Options) { o.BaseEndpoint = sdkaws.String(fx.endpoint); o.Region = "us-east-1" })
	fx.zoneName = fmt.Sprintf("c%s.example.com.", suffix)
	z, err := r.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: sdkaws.String(fx.zoneName), CallerReference: sdkaws.String(suffix),
		HostedZoneConfig: &r53types.HostedZoneConfig{Comment: sdkaws.String("contract")}})
	if err != nil {
		t.Fatalf("moto: CreateHostedZone: %v", err)
	}
	fx.zoneID = strings.TrimPrefix(sdkaws.ToString(z.HostedZone.Id), "/hostedzone/")
	return fx
}
