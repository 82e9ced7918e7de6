package cloud

import "context"

// HostedZone is one Route 53 hosted zone; Name ends with a dot.
type HostedZone struct {
	ID      string `json:"id"` // without the /hostedzone/ prefix
	Name    string `json:"name"`
	Private bool   `json:"private,omitempty"`
	Records int    `json:"records"`
}

// RecordSet is one resource record set; Name ends with a dot.
type RecordSet struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	TTL    int64    `json:"ttl"`
	Values []string `json:"values"`
}

// Record change actions, as Route 53 spells them. A DELETE must give the
// record exactly as it is (TTL and values), and a CREATE of a record that
// exists fails: the change is refused whole (ErrInvalid).
const (
	ChangeCreate = "CREATE"
	ChangeUpsert = "UPSERT"
	ChangeDelete = "DELETE"
)

// RecordChange is one change of a ChangeRecords batch.
type RecordChange struct {
	Action string
	Record RecordSet
}

// DNS is Route 53, which is global. A zone that does not exist is a
// *NotFoundError of kind "hosted zone".
type DNS interface {
	// ZoneByName finds the zone of exactly that name (with or without the
	// final dot).
	ZoneByName(ctx context.Context, name string) (HostedZone, error)
	Zone(ctx context.Context, id string) (HostedZone, error)
	// Records lists a zone's record sets in Route 53's order, from the
	// given name and type on ("" for the start), every page.
	Records(ctx context.Context, zoneID, fromName, fromType string) ([]RecordSet, error)
	// Record returns the record set of exactly that name and type; ok is
	// false when there is none.
	Record(ctx context.Context, zoneID, name, typ string) (rs RecordSet, ok bool, err error)
	// ChangeRecords applies the changes at once (all or none) and returns
	// the change id to follow.
	ChangeRecords(ctx context.Context, zoneID string, changes ...RecordChange) (string, error)
	// ChangeInSync reports whether a change has reached every Route 53
	// name server (INSYNC rather than PENDING).
	ChangeInSync(ctx context.Context, changeID string) (bool, error)
}
