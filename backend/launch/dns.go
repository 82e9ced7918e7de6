package launch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
)

// The record Cloud Control keeps for an instance is an A record of its
// private IP with TTL 300. Its name and zone are in the instance's tags
// (cloudcontrol:dns, cloudcontrol:dns-zone), written with the stack, so the
// record is found again whatever the environment file says later; before
// it is changed or deleted it is read back, and only a record that points
// at this instance is deleted (Route 53 deletes only an exact match).

// dnsTimeout bounds one record change.
const dnsTimeout = 2 * time.Minute

func fqdn(name string) string { return strings.TrimSuffix(name, ".") + "." }

// writeRecord creates the record of a launch that is ready.
func (l *Launcher) writeRecord(ctx context.Context, t *tracked) error {
	ip := t.seen.PrivateIP
	if ip == "" {
		return fmt.Errorf("%s has no private IP", label(t.instance, t.u.Name))
	}
	rec := cloud.RecordSet{Name: fqdn(t.u.DNS), Type: "A", TTL: DNSTTL, Values: []string{ip}}
	if err := l.call(ctx, func(ctx context.Context) error {
		_, err := l.Cloud.DNS().ChangeRecords(ctx, t.u.ZoneID, cloud.RecordChange{Action: cloud.ChangeCreate, Record: rec})
		return err
	}); err != nil {
		return err
	}
	l.Report.Emit(op.Event{Type: op.EventDNSUpdated, Stack: t.u.Stack, Instance: t.instance, Name: t.u.Name, Resource: t.u.DNS,
		Status: cloud.ChangeCreate, Message: fmt.Sprintf("%s -> %s (A, TTL %d)", t.u.DNS, ip, DNSTTL)})
	return nil
}

// deleteRecord deletes the instance's record if it points at the
// instance; a record pointing elsewhere is left, and said so. It runs to
// its end even when ctx is cancelled.
func (l *Launcher) deleteRecord(ctx context.Context, stack, zoneID, name string, in cloud.Instance) {
	dctx, cancel := l.bounded(ctx, dnsTimeout)
	defer cancel()
	var (
		rs cloud.RecordSet
		ok bool
	)
	err := l.call(dctx, func(ctx context.Context) (err error) {
		rs, ok, err = l.Cloud.DNS().Record(ctx, zoneID, fqdn(name), "A")
		return err
	})
	switch {
	case err != nil:
		l.Report.note(stack, fmt.Sprintf("the DNS record %s could not be read, so it was not deleted: %v", name, err))
		return
	case !ok:
		l.Report.note(stack, fmt.Sprintf("the DNS record %s is not there any more; nothing to delete", name))
		return
	case in.PrivateIP == "" || !slices.Equal(rs.Values, []string{in.PrivateIP}):
		l.Report.note(stack, fmt.Sprintf("the DNS record %s points at %s, not at %s (%s), so it was left as it is",
			name, strings.Join(rs.Values, ", "), label(in.ID, in.Name), orText(in.PrivateIP, "no address")))
		return
	}
	if err := l.call(dctx, func(ctx context.Context) error {
		_, err := l.Cloud.DNS().ChangeRecords(ctx, zoneID, cloud.RecordChange{Action: cloud.ChangeDelete, Record: rs})
		return err
	}); err != nil {
		l.Report.note(stack, fmt.Sprintf("the DNS record %s could not be deleted: %v", name, err))
		return
	}
	l.Report.Emit(op.Event{Type: op.EventDNSUpdated, Stack: stack, Instance: in.ID, Name: in.Name, Resource: name,
		Status: cloud.ChangeDelete, Message: fmt.Sprintf("%s deleted (was %s)", name, strings.Join(rs.Values, ", "))})
}

// SyncRecord keeps a started instance's record pointing at its private IP:
// an instance Cloud Control launched with a DNS name (its tags say which,
// in which zone) whose record is missing or points at an old address gets
// it written (UPSERT). It reports what it changed; an instance without a
// record, or whose record is right, costs one read. The event is sent as
// action.
func SyncRecord(ctx context.Context, dns cloud.DNS, in cloud.Instance, report *Reporter) error {
	name, zone := in.Tags[cloud.TagDNS], in.Tags[TagDNSZone]
	if name == "" || zone == "" || in.Launch == "" || in.State != cloud.Running || in.PrivateIP == "" {
		return nil
	}
	rs, ok, err := dns.Record(ctx, zone, fqdn(name), "A")
	if err != nil {
		return fmt.Errorf("reading the DNS record %s of %s: %w", name, label(in.ID, in.Name), err)
	}
	want := []string{in.PrivateIP}
	if ok && slices.Equal(rs.Values, want) {
		return nil
	}
	was := "none"
	if ok {
		was = strings.Join(rs.Values, ", ")
	}
	rec := cloud.RecordSet{Name: fqdn(name), Type: "A", TTL: DNSTTL, Values: want}
	if _, err := dns.ChangeRecords(ctx, zone, cloud.RecordChange{Action: cloud.ChangeUpsert, Record: rec}); err != nil {
		return fmt.Errorf("pointing the DNS record %s at %s: %w", name, in.PrivateIP, err)
	}
	report.Emit(op.Event{Type: op.EventDNSUpdated, Instance: in.ID, Name: in.Name, Resource: name, Status: cloud.ChangeUpsert,
		Message: fmt.Sprintf("%s -> %s (was %s)", name, in.PrivateIP, was)})
	return nil
}
