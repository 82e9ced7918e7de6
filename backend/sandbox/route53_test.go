package sandbox

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
)

func aRecord(action types.ChangeAction, name, ip string, ttl int64) *route53.ChangeResourceRecordSetsInput {
	return &route53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String("Z0AAAAAAAAAAAAAAAAAA1"), ChangeBatch: &types.ChangeBatch{
		Changes: []types.Change{{Action: action, ResourceRecordSet: &types.ResourceRecordSet{
			Name: aws.String(name), Type: types.RRTypeA, TTL: aws.Int64(ttl),
			ResourceRecords: []types.ResourceRecord{{Value: aws.String(ip)}},
		}}},
	}}
}

// batchMessage is the message of an InvalidChangeBatch.
func batchMessage(t *testing.T, err error) string {
	t.Helper()
	var icb *types.InvalidChangeBatch
	if !errors.As(err, &icb) {
		t.Fatalf("want InvalidChangeBatch, got %v", err)
	}
	return icb.ErrorMessage() + strings.Join(icb.Messages, " ")
}

func TestRoute53ZonesRecordsAndChanges(t *testing.T) {
	e := newEnv(t, launchWorld)
	r := e.route53()

	zones, err := r.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{DNSName: aws.String("test.example.com")})
	if err != nil || len(zones.HostedZones) == 0 || aws.ToString(zones.HostedZones[0].Name) != "test.example.com." ||
		aws.ToString(zones.HostedZones[0].Id) != "/hostedzone/Z0AAAAAAAAAAAAAAAAAA1" {
		t.Fatalf("by name: %+v, %v", zones, err)
	}
	all, _ := r.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{})
	if len(all.HostedZones) != 2 || aws.ToString(all.HostedZones[0].Name) != "test.example.com." || aws.ToString(all.HostedZones[1].Name) != "example.org." {
		t.Fatalf("zones in Route 53's order (com before org): %+v", all.HostedZones)
	}
	got, err := r.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String("/hostedzone/Z0AAAAAAAAAAAAAAAAAA1")})
	if err != nil || aws.ToInt64(got.HostedZone.ResourceRecordSetCount) != 2 || len(got.DelegationSet.NameServers) != 4 {
		t.Fatalf("GetHostedZone: %+v, %v", got, err)
	}
	_, err = r.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String("Z0NOPE")})
	var nsz *types.NoSuchHostedZone
	if !errors.As(err, &nsz) {
		t.Fatalf("unknown zone: %v", err)
	}

	ch, err := r.ChangeResourceRecordSets(ctx, aRecord(types.ChangeActionUpsert, "web.test.example.com", "10.1.0.5", 300))
	if err != nil || ch.ChangeInfo.Status != types.ChangeStatusPending {
		t.Fatalf("UPSERT: %+v, %v", ch, err)
	}
	status := func() types.ChangeStatus {
		out, err := r.GetChange(ctx, &route53.GetChangeInput{Id: ch.ChangeInfo.Id})
		if err != nil {
			t.Fatal(err)
		}
		return out.ChangeInfo.Status
	}
	if s := status(); s != types.ChangeStatusPending {
		t.Errorf("at once: %s", s)
	}
	e.clock.Advance(3 * time.Second)
	if s := status(); s != types.ChangeStatusInsync {
		t.Errorf("after dns-change: %s", s)
	}

	// CREATE of an existing record, DELETE that does not match: refused, nothing changed.
	_, err = r.ChangeResourceRecordSets(ctx, aRecord(types.ChangeActionCreate, "web.test.example.com.", "10.1.0.6", 300))
	if msg := batchMessage(t, err); !strings.Contains(msg, "Tried to create resource record set [name='web.test.example.com.', type='A'] but it already exists") {
		t.Errorf("CREATE existing: %s", msg)
	}
	_, err = r.ChangeResourceRecordSets(ctx, aRecord(types.ChangeActionDelete, "web.test.example.com", "10.1.0.5", 60))
	if msg := batchMessage(t, err); !strings.Contains(msg, "but the values provided do not match the current values") {
		t.Errorf("DELETE with another TTL: %s", msg)
	}
	_, err = r.ChangeResourceRecordSets(ctx, aRecord(types.ChangeActionDelete, "gone.test.example.com", "10.1.0.5", 300))
	if msg := batchMessage(t, err); !strings.Contains(msg, "but it was not found") {
		t.Errorf("DELETE missing: %s", msg)
	}
	_, err = r.ChangeResourceRecordSets(ctx, aRecord(types.ChangeActionUpsert, "web.other.com", "10.1.0.5", 300))
	if msg := batchMessage(t, err); !strings.Contains(msg, "RRSet with DNS name web.other.com. is not permitted in zone test.example.com.") {
		t.Errorf("outside the zone: %s", msg)
	}
	_, err = r.ChangeResourceRecordSets(ctx, aRecord(types.ChangeActionUpsert, "web.test.example.com", "not-an-ip", 300))
	if msg := batchMessage(t, err); !strings.Contains(msg, "ARRDATAIllegalIPv4Address") {
		t.Errorf("bad address: %s", msg)
	}

	// Paging by StartRecordName/Type: many records, three per page.
	for i := range 5 {
		if _, err := r.ChangeResourceRecordSets(ctx, aRecord(types.ChangeActionCreate, fmt.Sprintf("n%d.test.example.com", i), "10.1.0.9", 60)); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	in := &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String("Z0AAAAAAAAAAAAAAAAAA1"), MaxItems: aws.Int32(3)}
	for pages := 0; ; pages++ {
		out, err := r.ListResourceRecordSets(ctx, in)
		if err != nil || pages > 5 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, s := range out.ResourceRecordSets {
			names = append(names, aws.ToString(s.Name)+"/"+string(s.Type))
		}
		if !out.IsTruncated {
			break
		}
		in.StartRecordName, in.StartRecordType = out.NextRecordName, out.NextRecordType
	}
	want := "test.example.com./NS test.example.com./SOA n0.test.example.com./A n1.test.example.com./A n2.test.example.com./A " +
		"n3.test.example.com./A n4.test.example.com./A web.test.example.com./A"
	if strings.Join(names, " ") != want {
		t.Errorf("records:\n%s\nwant\n%s", strings.Join(names, " "), want)
	}

	// DELETE of exactly the record: gone.
	if _, err := r.ChangeResourceRecordSets(ctx, aRecord(types.ChangeActionDelete, "web.test.example.com", "10.1.0.5", 300)); err != nil {
		t.Fatalf("exact DELETE: %v", err)
	}
	out, _ := r.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String("Z0AAAAAAAAAAAAAAAAAA1"),
		StartRecordName: aws.String("web.test.example.com"), StartRecordType: types.RRTypeA})
	if len(out.ResourceRecordSets) != 0 {
		t.Errorf("after DELETE: %+v", out.ResourceRecordSets)
	}
	var ns []types.ResourceRecord
	for _, n := range got.DelegationSet.NameServers {
		ns = append(ns, types.ResourceRecord{Value: aws.String(n)})
	}
	_, err = r.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String("Z0AAAAAAAAAAAAAAAAAA1"),
		ChangeBatch: &types.ChangeBatch{Changes: []types.Change{{Action: types.ChangeActionDelete, ResourceRecordSet: &types.ResourceRecordSet{
			Name: aws.String("test.example.com"), Type: types.RRTypeNs, TTL: aws.Int64(172800), ResourceRecords: ns}}}}})
	if msg := batchMessage(t, err); !strings.Contains(msg, "must contain at least one NS record") {
		t.Errorf("deleting the zone's own NS record: %s", msg)
	}
}
