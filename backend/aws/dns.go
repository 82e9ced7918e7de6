package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"cloudcontrol/backend/cloud"
)

// route53Where names Route 53 in messages where a region would go: it is
// global.
const route53Where = "Route 53"

// DNS is cloud.DNS on Route 53.
type DNS struct {
	s      *Session
	client *route53.Client
}

var _ cloud.DNS = (*DNS)(nil)

func newDNS(s *Session) *DNS {
	return &DNS{s: s, client: route53.NewFromConfig(s.cfg, func(o *route53.Options) {
		o.Region = "us-east-1" // Route 53's signing region in the aws partition
		if s.endpoint != "" {
			o.BaseEndpoint = sdkaws.String(s.endpoint)
		}
	})}
}

// fqdn is a name as Route 53 returns it: lower case, with its final dot.
func fqdn(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if !strings.HasSuffix(name, ".") {
		name += "."
	}
	return name
}

func zoneOf(z types.HostedZone) cloud.HostedZone {
	out := cloud.HostedZone{ID: strings.TrimPrefix(sdkaws.ToString(z.Id), "/hostedzone/"), Name: sdkaws.ToString(z.Name),
		Records: int(sdkaws.ToInt64(z.ResourceRecordSetCount))}
	if z.Config != nil {
		out.Private = z.Config.PrivateZone
	}
	return out
}

// ZoneByName finds the zone named name (the first, should a public and a
// private zone share it).
func (d *DNS) ZoneByName(ctx context.Context, name string) (cloud.HostedZone, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := d.client.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{DNSName: sdkaws.String(name), MaxItems: sdkaws.Int32(1)})
	if err != nil {
		return cloud.HostedZone{}, d.s.apiError(route53Where, "ListHostedZonesByName", err)
	}
	for _, z := range out.HostedZones {
		if fqdn(sdkaws.ToString(z.Name)) == fqdn(name) {
			return zoneOf(z), nil
		}
	}
	return cloud.HostedZone{}, fmt.Errorf("%s: ListHostedZonesByName: %w", route53Where, &cloud.NotFoundError{IDs: []string{fqdn(name)}, Kind: "hosted zone"})
}

// Zone describes one zone by id.
func (d *DNS) Zone(ctx context.Context, id string) (cloud.HostedZone, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := d.client.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: sdkaws.String(id)})
	if err != nil {
		return cloud.HostedZone{}, d.zoneError("GetHostedZone", id, err)
	}
	return zoneOf(*out.HostedZone), nil
}

func (d *DNS) zoneError(action, id string, err error) error {
	var nsz *types.NoSuchHostedZone
	if errors.As(err, &nsz) {
		return notFound(d.s.apiError(route53Where, action, err), "hosted zone", []string{strings.TrimPrefix(id, "/hostedzone/")})
	}
	return d.s.apiError(route53Where, action, err)
}

func recordOf(r types.ResourceRecordSet) cloud.RecordSet {
	out := cloud.RecordSet{Name: sdkaws.ToString(r.Name), Type: string(r.Type), TTL: sdkaws.ToInt64(r.TTL), Values: []string{}}
	for _, v := range r.ResourceRecords {
		out.Values = append(out.Values, sdkaws.ToString(v.Value))
	}
	return out
}

// Records lists record sets from fromName/fromType on, every page.
func (d *DNS) Records(ctx context.Context, zoneID, fromName, fromType string) ([]cloud.RecordSet, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	in := &route53.ListResourceRecordSetsInput{HostedZoneId: sdkaws.String(zoneID)}
	if fromName != "" {
		in.StartRecordName = sdkaws.String(fromName)
		in.StartRecordType = types.RRType(fromType)
	}
	var out []cloud.RecordSet
	p := route53.NewListResourceRecordSetsPaginator(d.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, d.zoneError("ListResourceRecordSets", zoneID, err)
		}
		for _, r := range page.ResourceRecordSets {
			out = append(out, recordOf(r))
		}
	}
	return out, nil
}

// Record returns the record set of exactly name and typ.
func (d *DNS) Record(ctx context.Context, zoneID, name, typ string) (cloud.RecordSet, bool, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := d.client.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: sdkaws.String(zoneID),
		StartRecordName: sdkaws.String(name), StartRecordType: types.RRType(typ), MaxItems: sdkaws.Int32(1)})
	if err != nil {
		return cloud.RecordSet{}, false, d.zoneError("ListResourceRecordSets", zoneID, err)
	}
	for _, r := range out.ResourceRecordSets {
		if fqdn(sdkaws.ToString(r.Name)) == fqdn(name) && string(r.Type) == typ {
			return recordOf(r), true, nil
		}
	}
	return cloud.RecordSet{}, false, nil
}

// ChangeRecords applies the changes as one batch.
func (d *DNS) ChangeRecords(ctx context.Context, zoneID string, changes ...cloud.RecordChange) (string, error) {
	batch := &types.ChangeBatch{Comment: sdkaws.String("Cloud Control")}
	for _, c := range changes {
		rs := &types.ResourceRecordSet{Name: sdkaws.String(c.Record.Name), Type: types.RRType(c.Record.Type), TTL: sdkaws.Int64(c.Record.TTL)}
		for _, v := range c.Record.Values {
			rs.ResourceRecords = append(rs.ResourceRecords, types.ResourceRecord{Value: sdkaws.String(v)})
		}
		batch.Changes = append(batch.Changes, types.Change{Action: types.ChangeAction(c.Action), ResourceRecordSet: rs})
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := d.client.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: sdkaws.String(zoneID), ChangeBatch: batch})
	if err != nil {
		var icb *types.InvalidChangeBatch
		if errors.As(err, &icb) && len(icb.Messages) > 0 {
			// Route 53's batch errors list their reasons apart from the message.
			return "", &Error{Region: route53Where, Action: "ChangeResourceRecordSets", Code: "InvalidChangeBatch",
				errs: []error{err, cloud.ErrInvalid}, text: fmt.Sprintf("%s: ChangeResourceRecordSets: %s (InvalidChangeBatch)",
					route53Where, strings.Join(icb.Messages, "; "))}
		}
		return "", d.zoneError("ChangeResourceRecordSets", zoneID, err)
	}
	return strings.TrimPrefix(sdkaws.ToString(out.ChangeInfo.Id), "/change/"), nil
}

// ChangeInSync reports whether a change is INSYNC.
func (d *DNS) ChangeInSync(ctx context.Context, changeID string) (bool, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := d.client.GetChange(ctx, &route53.GetChangeInput{Id: sdkaws.String(changeID)})
	if err != nil {
		var nsc *types.NoSuchChange
		if errors.As(err, &nsc) {
			return false, notFound(d.s.apiError(route53Where, "GetChange", err), "change", []string{changeID})
		}
		return false, d.s.apiError(route53Where, "GetChange", err)
	}
	return out.ChangeInfo.Status == types.ChangeStatusInsync, nil
}
