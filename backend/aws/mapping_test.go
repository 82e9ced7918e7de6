package aws

import (
	"reflect"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"cloudcontrol/backend/cloud"
)

func TestToInstanceMapsEveryField(t *testing.T) {
	launch := time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("x", 3600))
	in := types.Instance{
		InstanceId:       sdkaws.String("i-0abc"),
		InstanceType:     types.InstanceTypeT3Medium,
		State:            &types.InstanceState{Name: types.InstanceStateNameStopped},
		StateReason:      &types.StateReason{Code: sdkaws.String("Client.UserInitiatedShutdown"), Message: sdkaws.String("Client.UserInitiatedShutdown: User initiated shutdown")},
		Placement:        &types.Placement{AvailabilityZone: sdkaws.String("eu-west-1b")},
		PrivateIpAddress: sdkaws.String("10.0.0.5"),
		PublicIpAddress:  sdkaws.String("54.1.2.3"),
		LaunchTime:       &launch,
		Tags:             []types.Tag{{Key: sdkaws.String("Name"), Value: sdkaws.String("db-1")}, {Key: sdkaws.String("Env"), Value: sdkaws.String("demo")}},
	}
	want := cloud.Instance{
		ID: "i-0abc", Region: "eu-west-1", Name: "db-1", Type: "t3.medium", State: cloud.Stopped,
		StateReason: "Client.UserInitiatedShutdown: User initiated shutdown", AZ: "eu-west-1b",
		PrivateIP: "10.0.0.5", PublicIP: "54.1.2.3",
		Tags:       map[string]string{"Name": "db-1", "Env": "demo"},
		LaunchTime: launch.UTC(),
	}
	if got := toInstance("eu-west-1", in); !reflect.DeepEqual(got, want) {
		t.Errorf("toInstance =\n%+v\nwant\n%+v", got, want)
	}
}

func TestToInstanceReadsCloudControlTags(t *testing.T) {
	got := toInstance("eu-west-1", types.Instance{InstanceId: sdkaws.String("i-1"), Tags: []types.Tag{
		{Key: sdkaws.String(cloud.TagProgress), Value: sdkaws.String("40 installing packages")},
		{Key: sdkaws.String(cloud.TagLeaseUntil), Value: sdkaws.String("2026-12-01T17:00:00Z")},
	}})
	if got.Progress == nil || *got.Progress != (cloud.BootProgress{Percent: 40, Message: "installing packages"}) || got.LeaseUntil == nil {
		t.Errorf("toInstance did not read Cloud Control's tags: %+v", got)
	}
}

func TestToInstanceToleratesMissingParts(t *testing.T) {
	got := toInstance("us-east-1", types.Instance{InstanceId: sdkaws.String("i-1")})
	if want := (cloud.Instance{ID: "i-1", Region: "us-east-1"}); !reflect.DeepEqual(got, want) {
		t.Errorf("toInstance of a bare instance = %+v, want %+v", got, want)
	}
}

func TestInstancesOfFiltersWanted(t *testing.T) {
	rs := []types.Reservation{
		{Instances: []types.Instance{{InstanceId: sdkaws.String("i-1")}, {InstanceId: sdkaws.String("i-2")}}},
		{Instances: []types.Instance{{InstanceId: sdkaws.String("i-3")}}},
	}
	if got := ids(instancesOf("r", rs, nil)); !reflect.DeepEqual(got, []string{"i-1", "i-2", "i-3"}) {
		t.Errorf("unfiltered = %v", got)
	}
	if got := ids(instancesOf("r", rs, idSet([]string{"i-3", "i-1", "i-9"}))); !reflect.DeepEqual(got, []string{"i-1", "i-3"}) {
		t.Errorf("filtered = %v", got)
	}
}

func TestToChecks(t *testing.T) {
	ok := types.InstanceStatus{
		InstanceStatus: &types.InstanceStatusSummary{Status: types.SummaryStatusOk},
		SystemStatus:   &types.InstanceStatusSummary{Status: types.SummaryStatusInitializing},
	}
	if got := toChecks(ok); got != (cloud.Checks{Instance: cloud.CheckOK, System: cloud.CheckInitializing}) {
		t.Errorf("toChecks = %+v", got)
	}
	if got := toChecks(types.InstanceStatus{}); got != (cloud.Checks{Instance: cloud.CheckNA, System: cloud.CheckNA}) {
		t.Errorf("toChecks without summaries = %+v, want not-applicable", got)
	}
}

func TestTagFiltersSortedAndPrefixed(t *testing.T) {
	got := tagFilters(map[string]string{"Role": "app", "Env": "demo"})
	want := []types.Filter{
		{Name: sdkaws.String("tag:Env"), Values: []string{"demo"}},
		{Name: sdkaws.String("tag:Role"), Values: []string{"app"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tagFilters = %+v", got)
	}
	if tagFilters(nil) != nil {
		t.Errorf("no tags should give no filters")
	}
}

func TestChunks(t *testing.T) {
	mk := func(n int) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = string(rune('a' + i%26))
		}
		return s
	}
	for _, c := range []struct{ n, size, want, last int }{
		{0, 1000, 0, 0}, {1, 1000, 1, 1}, {1000, 1000, 1, 1000}, {1001, 1000, 2, 1}, {2500, 1000, 3, 500},
	} {
		got := chunks(mk(c.n), c.size)
		if len(got) != c.want || (c.want > 0 && len(got[len(got)-1]) != c.last) {
			t.Errorf("chunks(%d, %d): %d batches, want %d with %d last", c.n, c.size, len(got), c.want, c.last)
		}
		total := 0
		for _, b := range got {
			total += len(b)
			if len(b) > c.size {
				t.Errorf("batch of %d > %d", len(b), c.size)
			}
		}
		if total != c.n {
			t.Errorf("chunks(%d) lost ids: %d", c.n, total)
		}
	}
	// Appending to a batch must not overwrite the next one.
	in := mk(4)
	got := chunks(in, 2)
	_ = append(got[0], "z")
	if in[2] != "c" {
		t.Errorf("chunks shares capacity across batches")
	}
}

func TestNotFoundIDs(t *testing.T) {
	cases := []struct {
		code, msg string
		requested []string
		want      []string
	}{
		{"InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not exist", nil, []string{"i-0123456789abcdef0"}},
		{"InvalidInstanceID.NotFound", "The instance IDs 'i-0aa, i-0bb' do not exist", nil, []string{"i-0aa", "i-0bb"}},
		{"InvalidInstanceID.NotFound", "The instance ID does not exist (multi-az)", []string{"i-1", "i-2"}, []string{"i-1", "i-2"}},
		{"InvalidInstanceID.Malformed", `Invalid id: "i-nothex" (expecting "i-...")`, nil, []string{"i-nothex"}},
		{"IncorrectInstanceState", "The instance 'i-0aa' is not in a state from which it can be stopped.", nil, nil},
	}
	for _, c := range cases {
		if got := notFoundIDs(c.code, c.msg, c.requested); !reflect.DeepEqual(got, c.want) {
			t.Errorf("notFoundIDs(%s, %q) = %v, want %v", c.code, c.msg, got, c.want)
		}
	}
}
