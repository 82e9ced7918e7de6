package sandbox

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// fleetWorld has 1,200 app instances (1,000 running, 200 stopped) and one db.
const fleetWorld = `
regions:
  eu-west-1:
    instances:
      - {count: 1000, tags: {Name: app, Role: app, Env: prod}}
      - {count: 200, state: stopped, tags: {Name: web, Role: web}}
      - {id: i-0db0000000000001, tags: {Name: db-primary, Role: db, Owner: ops}}
`

func filter(name string, values ...string) types.Filter {
	return types.Filter{Name: aws.String(name), Values: values}
}

func describeAll(t *testing.T, c *ec2.Client, in *ec2.DescribeInstancesInput) (ids []string, pages int) {
	t.Helper()
	p := ec2.NewDescribeInstancesPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range out.Reservations {
			for _, i := range r.Instances {
				ids = append(ids, aws.ToString(i.InstanceId))
			}
		}
	}
	return ids, pages
}

func TestDescribePaginatesAndFilters(t *testing.T) {
	e := newEnv(t, fleetWorld)
	c := e.ec2("eu-west-1")

	ids, pages := describeAll(t, c, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(1000)})
	if pages != 2 || len(ids) != 1201 {
		t.Fatalf("MaxResults 1000 over 1,201 instances: %d pages, %d instances; want 2, 1201", pages, len(ids))
	}
	seen := map[string]bool{}
	idRe := regexp.MustCompile(`^i-[0-9a-f]{17}$`)
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("instance %s listed twice across pages", id)
		}
		seen[id] = true
		if id != "i-0db0000000000001" && !idRe.MatchString(id) {
			t.Fatalf("generated id %s does not look like an EC2 id", id)
		}
	}

	for _, tc := range []struct {
		name    string
		filters []types.Filter
		want    int
	}{
		{"tag value", []types.Filter{filter("tag:Role", "web")}, 200},
		{"tag values ORed", []types.Filter{filter("tag:Role", "web", "db")}, 201},
		{"filters ANDed", []types.Filter{filter("tag:Role", "app"), filter("instance-state-name", "stopped")}, 0},
		{"state", []types.Filter{filter("instance-state-name", "stopped")}, 200},
		{"tag-key", []types.Filter{filter("tag-key", "Owner")}, 1},
		{"wildcard", []types.Filter{filter("tag:Name", "db-*")}, 1},
		{"wildcard ?", []types.Filter{filter("tag:Name", "web-1?")}, 10},
		{"instance-id", []types.Filter{filter("instance-id", "i-0db0000000000001")}, 1},
		{"absent tag", []types.Filter{filter("tag:Nope", "x")}, 0},
	} {

		got, _ := describeAll(t, c, &ec2.DescribeInstancesInput{Filters: tc.filters, MaxResults: aws.Int32(50)})
		if len(got) != tc.want {
			t.Errorf("%s: %d instances, want %d", tc.name, len(got), tc.want)
		}
	}

	// Names of generated instances with count get a suffix.
	one := e.describe(c, ids[4])
	if name := tagValue(one.Tags, "Name"); name != "app-5" {
		t.Errorf("fifth app instance is named %q, want app-5", name)
	}

	_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{filter("vpc-id", "vpc-1")}})
	if ae := apiErr(t, err, "InvalidParameterValue"); !strings.Contains(ae.ErrorMessage(), "vpc-id") {
		t.Errorf("message %q does not name the filter", ae.ErrorMessage())
	}
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5), InstanceIds: []string{"i-0db0000000000001"}})
	wantCode(t, err, "InvalidParameterCombination")
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(3)})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5), NextToken: aws.String("garbage")})
	wantCode(t, err, "InvalidParameterValue")
}

func tagValue(tags []types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

func TestDescribeInstanceStatus(t *testing.T) {
	e := newEnv(t, twoInstances)
	c := e.ec2("eu-west-1")

	out, err := c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.InstanceStatuses) != 1 || aws.ToString(out.InstanceStatuses[0].InstanceId) != "i-0a00000000000002" {
		t.Fatalf("without IncludeAllInstances only the running instance is listed, got %d", len(out.InstanceStatuses))
	}
	if s := out.InstanceStatuses[0]; s.InstanceStatus.Status != "ok" || s.SystemStatus.Status != "ok" {
		t.Fatalf("an instance running since the world began should be ok, got %s/%s", s.InstanceStatus.Status, s.SystemStatus.Status)
	}
	out, err = c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{
		InstanceIds: []string{"i-0db0000000000001"}, IncludeAllInstances: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	s := out.InstanceStatuses[0]
	if s.InstanceState.Name != "stopped" || s.InstanceStatus.Status != "not-applicable" || s.SystemStatus.Status != "not-applicable" {
		t.Fatalf("stopped instance status: %s %s/%s", s.InstanceState.Name, s.InstanceStatus.Status, s.SystemStatus.Status)
	}
	if _, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{"i-0db0000000000001"}}); err != nil {
		t.Fatal(err)
	}
	out, _ = c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{IncludeAllInstances: aws.Bool(true)})
	if len(out.InstanceStatuses) != 2 || out.InstanceStatuses[0].InstanceStatus.Status != "not-applicable" {
		t.Fatalf("pending instance status: %+v", out.InstanceStatuses)
	}
	e.clock.Advance(20 * time.Second)
	out, _ = c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{"i-0db0000000000001"}})
	if len(out.InstanceStatuses) != 1 || out.InstanceStatuses[0].InstanceStatus.Status != "initializing" {
		t.Fatalf("just-running instance status: %+v", out.InstanceStatuses)
	}
	if d := out.InstanceStatuses[0].InstanceStatus.Details; len(d) != 1 || d[0].Status != "initializing" {
		t.Errorf("details %+v", d)
	}
	e.clock.Advance(30 * time.Second)
	out, _ = c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{"i-0db0000000000001"}})
	if out.InstanceStatuses[0].InstanceStatus.Status != "ok" || out.InstanceStatuses[0].SystemStatus.Status != "ok" {
		t.Fatalf("after the checks time: %+v", out.InstanceStatuses[0])
	}
	_, err = c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{"i-0123456789abcdef0"}})
	wantCode(t, err, "InvalidInstanceID.NotFound")
}

func TestDescribeInstanceStatusPaginates(t *testing.T) {
	e := newEnv(t, fleetWorld)
	p := ec2.NewDescribeInstanceStatusPaginator(e.ec2("eu-west-1"), &ec2.DescribeInstanceStatusInput{
		MaxResults: aws.Int32(1000), IncludeAllInstances: aws.Bool(true),
	})
	pages, n := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		n += len(out.InstanceStatuses)
	}
	if pages != 2 || n != 1201 {
		t.Fatalf("%d pages, %d statuses; want 2, 1201", pages, n)
	}
}

func TestRunInstancesAndCreateTags(t *testing.T) {
	e := newEnv(t, twoInstances)
	c := e.ec2("eu-west-1")
	out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{
		ImageId: aws.String("ami-12345678"), InstanceType: types.InstanceTypeT3Small,
		MinCount: aws.Int32(2), MaxCount: aws.Int32(2),
		TagSpecifications: []types.TagSpecification{{
			ResourceType: types.ResourceTypeInstance,
			Tags:         []types.Tag{{Key: aws.String("Name"), Value: aws.String("worker")}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Instances) != 2 || aws.ToString(out.ReservationId) == "" || aws.ToString(out.OwnerId) != "210987654321" {
		t.Fatalf("RunInstances answered %+v", out)
	}
	a, b := out.Instances[0], out.Instances[1]
	if a.State.Name != "pending" || tagValue(a.Tags, "Name") != "worker" || a.InstanceType != "t3.small" {
		t.Fatalf("new instance: %s %q %s", a.State.Name, tagValue(a.Tags, "Name"), a.InstanceType)
	}
	if aws.ToString(a.PrivateIpAddress) == aws.ToString(b.PrivateIpAddress) || aws.ToString(a.PrivateIpAddress) != "127.0.0.12" {
		t.Fatalf("private IPs %s, %s: want distinct, continuing at 127.0.0.12", aws.ToString(a.PrivateIpAddress), aws.ToString(b.PrivateIpAddress))
	}
	id := aws.ToString(a.InstanceId)
	e.clock.Advance(DefaultStart - time.Second) // the world's default start is 15s
	if s := e.state(c, id); s != "pending" {
		t.Fatalf("before start timing: %s", s)
	}
	e.clock.Advance(time.Second)
	if s := e.state(c, id); s != "running" {
		t.Fatalf("after start timing: %s", s)
	}
	if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{
		Resources: []string{id, "i-0db0000000000001"},
		Tags:      []types.Tag{{Key: aws.String("Team"), Value: aws.String("blue")}},
	}); err != nil {
		t.Fatal(err)
	}
	got, _ := describeAll(t, c, &ec2.DescribeInstancesInput{Filters: []types.Filter{filter("tag:Team", "blue")}})
	if len(got) != 2 {
		t.Fatalf("CreateTags then filter: %v", got)
	}
	_, err = c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"i-0123456789abcdef0"}, Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	wantCode(t, err, "InvalidInstanceID.NotFound")
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-1"), MinCount: aws.Int32(3), MaxCount: aws.Int32(2)})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}, DryRun: aws.Bool(true)})
	wantCode(t, err, "DryRunOperation")
	if s := e.state(c, id); s != "running" {
		t.Fatalf("a dry run changed state to %s", s)
	}
}

func TestPrivateIPsAreDistinctLoopbackForThousands(t *testing.T) {
	e := newEnv(t, "regions:\n  eu-west-1:\n    instances:\n      - {count: 600}\n  us-east-1:\n    instances:\n      - {count: 10}\n")
	seen := map[string]bool{}
	for _, r := range []string{"eu-west-1", "us-east-1"} {
		for _, in := range e.sb.Instances(r) {
			if seen[in.PrivateIP] || in.PrivateIP == "127.0.0.1" || !strings.HasPrefix(in.PrivateIP, "127.0.") {
				t.Fatalf("bad or repeated private IP %s", in.PrivateIP)
			}
			seen[in.PrivateIP] = true
		}
	}
	if !seen["127.0.0.10"] || !seen["127.0.1.1"] || !seen["127.0.2.100"] {
		t.Fatalf("addresses do not continue across 127.0.x.y: %d seen", len(seen))
	}
	if seen["127.0.1.0"] || seen["127.0.0.255"] {
		t.Fatal(".0 and .255 addresses must be skipped")
	}
}
