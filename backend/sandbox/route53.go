package sandbox

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Route 53 in the sandbox: the world's hosted zones (global, whatever
// region lists them), each with its SOA and NS records, and the record
// changes a launch makes, with Route 53's InvalidChangeBatch rules. A
// change is PENDING for the world's dns-change time, then INSYNC.

const route53Prefix = "/2013-04-01/"

// dnsState is every hosted zone and change. Guarded by Sandbox.mu.
type dnsState struct {
	zones   []*zone
	changes map[string]*dnsChange
	seq     int
}

type zone struct {
	HostedZone
	sets []rrset
}

// rrset is one resource record set; Name is lower case with its final dot.
type rrset struct {
	Name, Type, SetID string
	TTL               int64
	Values            []string
	Alias             *xAlias
	Weight            *int64
}

type dnsChange struct {
	id        string
	submitted time.Time
	insync    time.Time
	comment   string
}

func (d *dnsState) add(z HostedZone) {
	apex := z.Name
	ns := []string{"ns-101.awsdns-12.com.", "ns-1001.awsdns-60.net.", "ns-1501.awsdns-59.co.uk.", "ns-601.awsdns-15.org."}
	d.zones = append(d.zones, &zone{HostedZone: z, sets: []rrset{
		{Name: apex, Type: "NS", TTL: 172800, Values: ns},
		{Name: apex, Type: "SOA", TTL: 900, Values: []string{ns[0] + " awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"}},
	}})
}

func (d *dnsState) zone(id string) *zone {
	id = strings.TrimPrefix(id, "/hostedzone/")
	for _, z := range d.zones {
		if z.ID == id {
			return z
		}
	}
	return nil
}

// serveRoute53 answers one Route 53 REST-XML call.
func (sb *Sandbox) serveRoute53(w http.ResponseWriter, r *http.Request) {
	began := time.Now()
	region, _ := regionOf(r)
	path := strings.TrimPrefix(r.URL.Path, route53Prefix)
	parts := strings.Split(strings.TrimSuffix(path, "/"), "/")
	c := &call{region: region}
	var resp any
	aerr := func() *apiError {
		if err := sb.checkKey(r, c, "route53"); err != nil {
			return err
		}
		get, post := r.Method == http.MethodGet, r.Method == http.MethodPost
		switch {
		case get && len(parts) == 1 && parts[0] == "hostedzone":
			c.action = "ListHostedZones"
		case get && len(parts) == 1 && parts[0] == "hostedzonesbyname":
			c.action = "ListHostedZonesByName"
		case get && len(parts) == 2 && parts[0] == "hostedzone":
			c.action = "GetHostedZone"
		case get && len(parts) == 3 && parts[0] == "hostedzone" && parts[2] == "rrset":
			c.action = "ListResourceRecordSets"
		case post && len(parts) == 3 && parts[0] == "hostedzone" && parts[2] == "rrset":
			c.action = "ChangeResourceRecordSets"
		case get && len(parts) == 2 && parts[0] == "change":
			c.action = "GetChange"
		default:
			return &apiError{http.StatusNotFound, "UnknownOperationException",
				fmt.Sprintf("the sandbox's Route 53 does not serve %s %s", r.Method, r.URL.Path)}
		}
		if err := sb.applyFaults(r, c); err != nil {
			return err
		}
		q := r.URL.Query()
		sb.mu.Lock()
		defer sb.mu.Unlock()
		var err *apiError
		switch c.action {
		case "ListHostedZones":
			resp, err = sb.listZones(q.Get("marker"), q.Get("maxitems"))
		case "ListHostedZonesByName":
			resp, err = sb.listZonesByName(q.Get("dnsname"), q.Get("hostedzoneid"), q.Get("maxitems"))
		case "GetHostedZone":
			resp, err = sb.getZone(parts[1])
		case "ListResourceRecordSets":
			resp, err = sb.listRecordSets(parts[1], q.Get("name"), q.Get("type"), q.Get("identifier"), q.Get("maxitems"))
		case "ChangeResourceRecordSets":
			body, rerr := io.ReadAll(io.LimitReader(r.Body, maxFormBytes))
			if rerr != nil {
				return clientErr("InvalidInput", "reading the request: %v", rerr)
			}
			resp, err = sb.changeRecordSets(parts[1], body)
		case "GetChange":
			resp, err = sb.getChange(parts[1])
		}
		return err
	}()
	status := http.StatusOK
	var body []byte
	if aerr == nil {
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		if e := xml.NewEncoder(&buf).Encode(resp); e != nil {
			aerr = &apiError{http.StatusInternalServerError, "InternalError", e.Error()}
		}
		body = buf.Bytes()
	}
	if aerr != nil {
		status, body = aerr.status, errorBody("route53", aerr)
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", requestID())
	entry := Request{Time: sb.clock.Now(), Region: region, Service: "route53", Action: c.action,
		Duration: time.Since(began), Attempt: sdkAttempt(r)}
	if aerr != nil {
		entry.ErrorCode, entry.Message = aerr.code, aerr.message
	}
	sb.respond(w, status, body, entry)
}

func noSuchZone(id string) *apiError {
	return &apiError{http.StatusNotFound, "NoSuchHostedZone", "No hosted zone found with ID: " + strings.TrimPrefix(id, "/hostedzone/")}
}

func (z *zone) xml() xHostedZone {
	return xHostedZone{ID: "/hostedzone/" + z.ID, Name: z.Name, CallerRef: "sandbox-" + z.ID,
		Config: xZoneConfig{Comment: z.Comment, Private: z.Private}, RecordCount: len(z.sets)}
}

func maxItems(s string, def int) (int, *apiError) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, clientErr("InvalidInput", "1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must be a positive number", s)
	}
	return min(n, def), nil
}

func (sb *Sandbox) getZone(id string) (any, *apiError) {
	z := sb.dns.zone(id)
	if z == nil {
		return nil, noSuchZone(id)
	}
	resp := &xGetHostedZone{Xmlns: route53NS, Zone: z.xml()}
	if !z.Private {
		resp.NameServers = slices.Clone(z.sets[0].Values)
	}
	return resp, nil
}

func (sb *Sandbox) listZones(marker, maxItemsParam string) (any, *apiError) {
	n, err := maxItems(maxItemsParam, 100)
	if err != nil {
		return nil, err
	}
	resp := &xListHostedZones{Xmlns: route53NS, Marker: marker, MaxItems: n}
	started := marker == ""
	for _, z := range sb.dns.zones {
		if !started {
			started = z.ID == marker
		}
		if !started {
			continue
		}
		if len(resp.Zones) == n {
			resp.IsTruncated, resp.NextMarker = true, z.ID
			break
		}
		resp.Zones = append(resp.Zones, z.xml())
	}
	return resp, nil
}

// reversedName orders domain names as Route 53 lists them: by labels from
// the right (com.example.www).
func reversedName(name string) string {
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	slices.Reverse(labels)
	return strings.Join(labels, ".")
}

func (sb *Sandbox) listZonesByName(dnsname, zoneID, maxItemsParam string) (any, *apiError) {
	n, err := maxItems(maxItemsParam, 100)
	if err != nil {
		return nil, err
	}
	if zoneID != "" && dnsname == "" {
		return nil, clientErr("InvalidInput", "The input is not valid: hostedzoneid needs dnsname")
	}
	zones := slices.Clone(sb.dns.zones)
	slices.SortStableFunc(zones, func(a, b *zone) int {
		if c := strings.Compare(reversedName(a.Name), reversedName(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	resp := &xListHostedZonesByName{Xmlns: route53NS, DNSName: dnsname, HostedZoneID: zoneID, MaxItems: n}
	from := reversedName(dnsName(dnsname))
	for _, z := range zones {
		rn := reversedName(z.Name)
		if dnsname != "" && (rn < from || rn == from && zoneID != "" && z.ID < zoneID) {
			continue
		}
		if len(resp.Zones) == n {
			resp.IsTruncated, resp.NextDNSName, resp.NextZoneID = true, z.Name, z.ID
			break
		}
		resp.Zones = append(resp.Zones, z.xml())
	}
	return resp, nil
}

// setOrder sorts record sets as Route 53 lists them: name (labels from the
// right), then type, then set identifier.
func setOrder(a, b rrset) int {
	if c := strings.Compare(reversedName(a.Name), reversedName(b.Name)); c != 0 {
		return c
	}
	if c := strings.Compare(a.Type, b.Type); c != 0 {
		return c
	}
	return strings.Compare(a.SetID, b.SetID)
}

func (sb *Sandbox) listRecordSets(id, name, typ, ident, maxItemsParam string) (any, *apiError) {
	z := sb.dns.zone(id)
	if z == nil {
		return nil, noSuchZone(id)
	}
	n, err := maxItems(maxItemsParam, 300)
	if err != nil {
		return nil, err
	}
	if typ != "" && name == "" {
		return nil, clientErr("InvalidInput", "The input is not valid: a record type needs a record name")
	}
	sets := slices.Clone(z.sets)
	slices.SortFunc(sets, setOrder)
	start := rrset{Name: encodeName(dnsName(name)), Type: typ, SetID: ident}
	resp := &xListRecordSets{Xmlns: route53NS, MaxItems: n}
	for _, s := range sets {
		if name != "" && setOrder(s, start) < 0 {
			continue
		}
		if len(resp.RecordSets) == n {
			resp.IsTruncated, resp.NextName, resp.NextType, resp.NextID = true, s.Name, s.Type, s.SetID
			break
		}
		resp.RecordSets = append(resp.RecordSets, s.xml())
	}
	return resp, nil
}

func (s rrset) xml() xRecordSet {
	x := xRecordSet{Name: s.Name, Type: s.Type, SetIdentifier: s.SetID, Alias: s.Alias, Weight: s.Weight}
	if s.Alias == nil {
		ttl := s.TTL
		x.TTL = &ttl
		for _, v := range s.Values {
			x.Records = append(x.Records, xRecord{v})
		}
	}
	return x
}

// encodeName writes a record name as Route 53 returns it: lower case, with
// its final dot, and * as \052.
func encodeName(name string) string { return strings.ReplaceAll(name, "*", `\052`) }

var recordTypes = []string{"A", "AAAA", "CAA", "CNAME", "DS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV", "TXT"}

func (sb *Sandbox) changeRecordSets(id string, body []byte) (any, *apiError) {
	z := sb.dns.zone(id)
	if z == nil {
		return nil, noSuchZone(id)
	}
	var req xChangeRequest
	if err := xml.Unmarshal(body, &req); err != nil {
		return nil, clientErr("InvalidInput", "The XML document is not valid: %v", err)
	}
	if len(req.Changes) == 0 {
		return nil, clientErr("InvalidInput", "Invalid request: the change batch has no changes")
	}
	sets := slices.Clone(z.sets)
	var problems []string
	seen := map[string]bool{}
	for _, ch := range req.Changes {
		x := ch.Set
		s := rrset{Name: encodeName(dnsName(x.Name)), Type: x.Type, SetID: x.SetIdentifier, Alias: x.Alias, Weight: x.Weight}
		for _, rr := range x.Records {
			s.Values = append(s.Values, rr.Value)
		}
		if x.TTL != nil {
			s.TTL = *x.TTL
		}
		where := fmt.Sprintf("[name='%s', type='%s'", s.Name, s.Type)
		if s.SetID != "" {
			where += fmt.Sprintf(", set-identifier='%s'", s.SetID)
		}
		where += "]"
		switch {
		case ch.Action != "CREATE" && ch.Action != "UPSERT" && ch.Action != "DELETE":
			return nil, clientErr("InvalidInput", "Invalid XML ; cvc-enumeration-valid: Value '%s' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'.", ch.Action)
		case !slices.Contains(recordTypes, s.Type):
			return nil, clientErr("InvalidInput", "Invalid XML ; cvc-enumeration-valid: Value '%s' is not facet-valid with respect to the record types.", s.Type)
		case (x.Alias == nil) == (x.TTL == nil || len(x.Records) == 0):
			return nil, clientErr("InvalidInput", "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=%s, Name=%s, Type=%s, SetIdentifier=%s]",
				ch.Action, s.Name, s.Type, orNull(s.SetID))
		}
		key := s.Name + " " + s.Type + " " + s.SetID
		if seen[key] {
			problems = append(problems, fmt.Sprintf("The request contains an invalid set of changes for a resource record set '%s %s'", s.Type, s.Name))
			continue
		}
		seen[key] = true
		if s.Name != z.Name && !strings.HasSuffix(s.Name, "."+z.Name) {
			problems = append(problems, fmt.Sprintf("RRSet with DNS name %s is not permitted in zone %s", s.Name, z.Name))
			continue
		}
		if msg := badValue(s); msg != "" {
			problems = append(problems, msg)
			continue
		}
		i := slices.IndexFunc(sets, func(o rrset) bool { return o.Name == s.Name && o.Type == s.Type && o.SetID == s.SetID })
		apex := s.Name == z.Name && (s.Type == "SOA" || s.Type == "NS")
		switch ch.Action {
		case "CREATE":
			if i >= 0 {
				problems = append(problems, "Tried to create resource record set "+where+" but it already exists")
				continue
			}
			sets = append(sets, s)
		case "UPSERT":
			if i >= 0 {
				sets[i] = s
			} else {
				sets = append(sets, s)
			}
		case "DELETE":
			switch {
			case i < 0:
				problems = append(problems, "Tried to delete resource record set "+where+" but it was not found")
			case !sameSet(sets[i], s):
				problems = append(problems, "Tried to delete resource record set "+where+" but the values provided do not match the current values")
			case apex:
				problems = append(problems, fmt.Sprintf("A HostedZone must contain at least one %s record for the zone itself.", s.Type))
			default:
				sets = slices.Delete(sets, i, i+1)
			}
		}
	}
	if len(problems) > 0 {
		return nil, clientErr("InvalidChangeBatch", "[%s]", strings.Join(problems, ", "))
	}
	z.sets = sets
	now := sb.clock.Now()
	sb.dns.seq++
	ch := &dnsChange{id: "C" + strings.ToUpper(hash17(fmt.Sprintf("change/%d", sb.dns.seq)))[1:14], submitted: now,
		insync: now.Add(sb.scale(sb.defaults.DNSChange)), comment: req.Comment}
	if sb.dns.changes == nil {
		sb.dns.changes = map[string]*dnsChange{}
	}
	sb.dns.changes[ch.id] = ch
	return &xChangeResponse{XMLName: xmlName("ChangeResourceRecordSetsResponse"), Xmlns: route53NS, Info: ch.info(now)}, nil
}

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

// sameSet: a DELETE must give the record exactly as it is.
func sameSet(a, b rrset) bool {
	if (a.Alias == nil) != (b.Alias == nil) || a.Alias != nil && *a.Alias != *b.Alias {
		return false
	}
	av, bv := slices.Clone(a.Values), slices.Clone(b.Values)
	slices.Sort(av)
	slices.Sort(bv)
	return a.TTL == b.TTL && slices.Equal(av, bv)
}

// badValue checks the values Route 53 parses: addresses of A and AAAA.
func badValue(s rrset) string {
	for _, v := range s.Values {
		ip, err := netip.ParseAddr(v)
		switch {
		case s.Type == "A" && (err != nil || !ip.Is4()):
			return fmt.Sprintf("Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '%s''", v)
		case s.Type == "AAAA" && (err != nil || !ip.Is6()):
			return fmt.Sprintf("Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '%s''", v)
		}
	}
	return ""
}

func (ch *dnsChange) info(now time.Time) xChangeInfo {
	status := "PENDING"
	if !now.Before(ch.insync) {
		status = "INSYNC"
	}
	return xChangeInfo{ID: "/change/" + ch.id, Status: status, Submitted: fmtTime(ch.submitted), Comment: ch.comment}
}

func (sb *Sandbox) getChange(id string) (any, *apiError) {
	id = strings.TrimPrefix(id, "/change/")
	ch := sb.dns.changes[id]
	if ch == nil {
		return nil, &apiError{http.StatusNotFound, "NoSuchChange", "Could not find resource with ID: " + id}
	}
	return &xChangeResponse{XMLName: xmlName("GetChangeResponse"), Xmlns: route53NS, Info: ch.info(sb.clock.Now())}, nil
}
