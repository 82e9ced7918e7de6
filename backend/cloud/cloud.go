// Package cloud holds the domain types and the small interfaces the core needs
// from a cloud. backend/aws implements them with aws-sdk-go-v2; tests use fakes.
package cloud

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// EC2 instance state names, as EC2 spells them.
const (
	Pending      = "pending"
	Running      = "running"
	ShuttingDown = "shutting-down"
	Terminated   = "terminated"
	Stopping     = "stopping"
	Stopped      = "stopped"
)

// Instance is what the core knows of one EC2 instance.
type Instance struct {
	ID          string            `json:"id"`
	Region      string            `json:"region"`
	Name        string            `json:"name,omitempty"`
	Type        string            `json:"type,omitempty"`
	State       string            `json:"state"`
	StateReason string            `json:"stateReason,omitempty"`
	AZ          string            `json:"az,omitempty"`
	PrivateIP   string            `json:"privateIp,omitempty"`
	PublicIP    string            `json:"publicIp,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	LaunchTime  time.Time         `json:"launchTime,omitzero"`
	// StateChanged is when the last user-initiated stop or terminate was
	// asked for, read from EC2's StateTransitionReason ("User initiated
	// (2026-11-22 07:00:00 GMT)"); zero when EC2 does not say.
	StateChanged time.Time `json:"stateChanged,omitzero"`
	// Lifecycle is "spot" for a Spot Instance, empty for on-demand.
	Lifecycle string `json:"lifecycle,omitempty"`

	// What Cloud Control's own tags say (tags.go; filled by Annotated).
	// Progress is the instance's own boot progress while it reports one.
	Progress *BootProgress `json:"progress,omitempty"`
	// Launch is the launch id when Cloud Control launched it.
	Launch string `json:"launch,omitempty"`
	// DNSName is the Route 53 name Cloud Control keeps pointing at it.
	DNSName   string `json:"dnsName,omitempty"`
	StartedBy string `json:"startedBy,omitempty"`
	// StartedAt and LeaseUntil are nil when the tag is absent or unreadable.
	StartedAt  *time.Time `json:"startedAt,omitempty"`
	LeaseUntil *time.Time `json:"leaseUntil,omitempty"`
	LeaseBy    string     `json:"leaseBy,omitempty"`
}

// Check status values as EC2 reports them for instance and system checks.
const (
	CheckOK           = "ok"
	CheckImpaired     = "impaired"
	CheckInitializing = "initializing"
	CheckInsufficient = "insufficient-data"
	CheckNA           = "not-applicable"
)

// Checks are the two EC2 status checks of one instance.
type Checks struct {
	Instance string `json:"instance"`
	System   string `json:"system"`
}

// OK reports whether both checks passed.
func (c Checks) OK() bool { return c.Instance == CheckOK && c.System == CheckOK }

// Impaired reports whether either check failed outright.
func (c Checks) Impaired() bool { return c.Instance == CheckImpaired || c.System == CheckImpaired }

// Query selects instances: every listed id (if any) AND every tag equal.
type Query struct {
	IDs  []string
	Tags map[string]string
}

// Fleet is the EC2 the core drives. Every method acts on one region.
// Describe and StatusChecks are one logical API call each (paginated inside),
// so a poller can promise a fixed number of calls per tick.
type Fleet interface {
	// Find returns the instances matching q (terminated ones included).
	Find(ctx context.Context, region string, q Query) ([]Instance, error)
	// Describe returns the current view of the given ids; ids EC2 no longer
	// knows are simply absent from the result.
	Describe(ctx context.Context, region string, ids []string) ([]Instance, error)
	// StatusChecks returns the checks of the given ids (all states included).
	StatusChecks(ctx context.Context, region string, ids []string) (map[string]Checks, error)
	Start(ctx context.Context, region string, ids []string) error
	Stop(ctx context.Context, region string, ids []string) error
	Reboot(ctx context.Context, region string, ids []string) error
	// Regions lists the regions the account can use.
	Regions(ctx context.Context) ([]string, error)
}

// Identity is who the credentials belong to (STS GetCallerIdentity).
type Identity struct {
	Account string `json:"account"`
	ARN     string `json:"arn"`
	UserID  string `json:"userId,omitempty"`
}

// EnvCredentials is the profile name given to the keys in AWS_ACCESS_KEY_ID
// (and its companions): no profile applies to them. The parentheses keep it
// apart from any profile a file can define.
const EnvCredentials = "(environment)"

// CredentialsOf says in words whose credentials a session uses, for
// headers, whoami and refusals: "profile work", or "environment variables".
func CredentialsOf(profile string) string {
	switch profile {
	case EnvCredentials:
		return "environment variables"
	case "":
		return "profile default"
	}
	return "profile " + profile
}

// Identifier answers who the current credentials are.
type Identifier interface {
	Identity(ctx context.Context) (Identity, error)
}

// NotFoundError says which ids AWS does not know; Kind names what they
// are ("" means instances). It matches ErrNotFound.
type NotFoundError struct {
	IDs  []string
	Kind string
}

func (e *NotFoundError) Error() string {
	kind := e.Kind
	if kind == "" {
		kind = "instance"
	}
	if len(e.IDs) == 1 {
		return fmt.Sprintf("%s %s does not exist", kind, e.IDs[0])
	}
	return fmt.Sprintf("%ss %s do not exist", kind, strings.Join(e.IDs, ", "))
}

// Is makes errors.Is(err, ErrNotFound) hold.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// ErrStateConflict is wrapped by errors from actions EC2 refused because an
// instance was in the wrong state (IncorrectInstanceState).
var ErrStateConflict = errors.New("instance is in the wrong state for this action")
