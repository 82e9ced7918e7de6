// Package sandbox is a local, AWS-compatible simulated AWS account (EC2, STS,
// SSM, EventBridge Scheduler, IAM and more; see README.md) that the real
// aws-sdk-go-v2 clients talk to unchanged. A world file describes the
// account, regions and instances; state is a function of (injectable) time.
package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"time"
)

// Built-in timing used when the world file is silent.
const (
	DefaultStart     = 15 * time.Second
	DefaultStop      = 10 * time.Second
	DefaultChecks    = 30 * time.Second
	DefaultTerminate = 5 * time.Second
	DefaultAccount   = "123456789012"
	DefaultType      = "t3.micro"
	// DefaultStackResource is how long CloudFormation takes to create one
	// resource, DefaultStackDelete to delete a whole stack.
	DefaultStackResource = 5 * time.Second
	DefaultStackDelete   = 5 * time.Second
	// DefaultDNSChange is how long a Route 53 change stays PENDING.
	DefaultDNSChange = 2 * time.Second
)

// World is a parsed, validated world file with defaults applied and every
// instance expanded (count) and given an id.
type World struct {
	File     string
	Account  string
	Defaults Defaults
	// Regions keep the file's order.
	Regions []Region
	// Faults are active from the sandbox's start.
	Faults []Fault
}

// Defaults apply to every instance (and region) that does not say otherwise.
type Defaults struct {
	Timing Timing
	Public bool
	// Stack times CloudFormation in regions that do not set their own.
	Stack StackTiming
	// DNSChange is how long a Route 53 change is PENDING before INSYNC.
	DNSChange time.Duration
	// SSM makes every instance SSM-managed unless it says ssm: false; nil: none is.
	SSM *SSMSpec
}

// StackTiming says how long CloudFormation takes (before Options.Speed).
type StackTiming struct {
	Resource time.Duration // one resource's create
	Delete   time.Duration // a whole stack's delete
}

// Timing says how long each transition takes (before Options.Speed).
type Timing struct {
	Start     time.Duration // pending -> running
	Stop      time.Duration // stopping -> stopped
	Checks    time.Duration // running -> status checks ok
	Terminate time.Duration // shutting-down -> terminated
}

// Region is one region of the world. A region whose file leaves out
// images, ssm-parameters, vpcs or key-pairs gets the default set of each
// (DefaultImages, ...), so older worlds work for launching too.
type Region struct {
	Name      string
	Instances []InstanceSpec
	Images    []Image
	// SSMParameters are public parameters by name, such as AMI aliases.
	SSMParameters map[string]string
	VPCs          []VPC
	KeyPairs      []string
	// HostedZones are Route 53's, which is global: every region's zones are
	// served together.
	HostedZones []HostedZone
	// Offerings limit the instance types of the zones listed; a zone not
	// listed offers every type the built-in price table knows in the region.
	Offerings map[string][]string
	Stack     StackTiming
	// Launched are the services launched instances serve, by their tags.
	Launched []LaunchedServices
}

// Image is one AMI: owner is "amazon" (the default), "self" (the world's
// account) or a 12-digit account.
type Image struct {
	ID, Name, Owner, Architecture, Description string
}

// VPC is one VPC with its subnets and security groups.
type VPC struct {
	ID, CIDR       string
	Default        bool
	Subnets        []Subnet
	SecurityGroups []SecurityGroup
}

// Subnet is one subnet of a VPC, in one zone.
type Subnet struct{ ID, Zone, CIDR string }

// SecurityGroup is one security group of a VPC.
type SecurityGroup struct{ ID, Name, Description string }

// HostedZone is one Route 53 hosted zone; Name ends with a dot.
type HostedZone struct {
	ID, Name, Comment string
	Private           bool
}

// InstanceSpec is one instance as the world file describes it.
type InstanceSpec struct {
	ID    string
	Type  string
	State string // running or stopped
	Tags  map[string]string
	// Timing is resolved: the instance's own values over the defaults.
	Timing    Timing
	Public    bool
	AZ        string
	FailStart bool
	Services  []Service
	Volumes   []VolumeSpec // EBS volumes; none listed: one 8 GiB gp3 root volume
	SSM       *SSMSpec     // nil: not SSM-managed
	// Where it sits: its region's first image, the first subnet in its zone
	// and that VPC's first security group.
	Image, Subnet, VPC string
	Groups             []string
	// Pos is FILE:LINE:COL of the entry, for messages.
	Pos string
}

// Service is a port the sandbox really listens on at the instance's private
// IP once it has been running for After.
type Service struct {
	Port  int           `json:"port"`
	HTTP  string        `json:"http,omitempty"` // path answering 200; empty means plain TCP
	After time.Duration `json:"after"`
}

// LoadWorld reads and validates a world file.
func LoadWorld(path string) (*World, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading sandbox world: %w", err)
	}
	return ParseWorld(data, path)
}

// generatedID returns a realistic, deterministic instance id for the n-th
// instance of a region, avoiding ids already taken.
func generatedID(region string, n int, taken map[string]bool) string {
	for salt := 0; ; salt++ {
		sum := sha256.Sum256(fmt.Appendf(nil, "%s/%d/%d", region, n, salt))
		id := "i-0" + hex.EncodeToString(sum[:])[:16]
		if !taken[id] {
			return id
		}
	}
}
