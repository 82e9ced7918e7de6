package cloud

import (
	"context"
	"errors"
)

// Image is one AMI.
type Image struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	OwnerID      string `json:"ownerId"`
	Architecture string `json:"architecture"`
	State        string `json:"state"`
	Description  string `json:"description,omitempty"`
}

// Subnet is one VPC subnet.
type Subnet struct {
	ID           string `json:"id"`
	VPCID        string `json:"vpcId"`
	AZ           string `json:"az"`
	CIDR         string `json:"cidr"`
	AvailableIPs int    `json:"availableIps"`
}

// SecurityGroup is one VPC security group.
type SecurityGroup struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	VPCID       string `json:"vpcId"`
	Description string `json:"description,omitempty"`
}

// KeyPair is one EC2 key pair.
type KeyPair struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// Network answers what a launch preflight checks before CreateStack: that
// the image, subnet, security groups and key pair exist and fit together,
// and that the instance type is offered in the subnet's zone. Ids EC2 does
// not know are a *NotFoundError naming them and their kind ("image",
// "subnet", "security group", "key pair").
type Network interface {
	Images(ctx context.Context, region string, ids []string) ([]Image, error)
	Subnets(ctx context.Context, region string, ids []string) ([]Subnet, error)
	SecurityGroups(ctx context.Context, region string, ids []string) ([]SecurityGroup, error)
	KeyPairs(ctx context.Context, region string, names []string) ([]KeyPair, error)
	// TypesOffered returns which of types the zone offers.
	TypesOffered(ctx context.Context, region, zone string, types []string) ([]string, error)
}

// Parameters reads SSM parameters, such as the AMI aliases under
// /aws/service/. A parameter that does not exist is a *NotFoundError of
// kind "SSM parameter".
type Parameters interface {
	Parameter(ctx context.Context, region, name string) (string, error)
}

// Errors AWS calls are wrapped with, by what the caller can do about them.
var (
	// ErrNotFound: what was named does not exist (see NotFoundError).
	ErrNotFound = errors.New("does not exist")
	// ErrInvalid: AWS refused the request itself (a validation error);
	// retrying it unchanged fails again.
	ErrInvalid = errors.New("refused as invalid")
	// ErrThrottled: AWS asked to slow down and the retries ran out.
	ErrThrottled = errors.New("throttled by AWS")
	// ErrExists: what was to be created exists already.
	ErrExists = errors.New("already exists")
	// ErrUnreachable: AWS was not reached, or did not answer within the
	// call's own bound (a connection refused, reset or timed out; no
	// HTTP answer at all). A throttle or an HTTP 5xx is an answer, not this.
	ErrUnreachable = errors.New("cannot reach AWS")
)
