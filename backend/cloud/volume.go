package cloud

import (
	"context"
	"errors"
	"time"
)

// Volume is one EBS volume attached to an instance, for storage cost.
type Volume struct {
	ID         string `json:"id"`
	InstanceID string `json:"instanceId"`
	Type       string `json:"type"` // gp3, gp2, io1, io2, st1, sc1, standard
	SizeGiB    int    `json:"sizeGiB"`
	IOPS       int    `json:"iops,omitempty"`
	Throughput int    `json:"throughput,omitempty"` // MB/s (gp3)
}

// Volumes lists the EBS volumes attached to instances.
type Volumes interface {
	// Volumes returns the volumes attached to any of the given instances in
	// region (batched DescribeVolumes calls inside).
	Volumes(ctx context.Context, region string, instanceIDs []string) ([]Volume, error)
}

// SpotPrice is the latest Linux spot price of one type in one zone.
type SpotPrice struct {
	Region       string    `json:"region"`
	AZ           string    `json:"az"`
	InstanceType string    `json:"instanceType"`
	Hourly       float64   `json:"hourly"`
	Time         time.Time `json:"time"`
}

// ErrNoPrice is wrapped by a price source that has no matching product; the
// caller falls back to another source or says "unknown".
var ErrNoPrice = errors.New("no such product in the price list")
