package cloudtest

import (
	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
)

// Cloud is one account's worth of fakes on one clock, with the accessors
// an aws.Session offers (Fleet, Commands, Documents, Schedules, Roles,
// Tagger), so a test session embeds it and is reached as the real one is.
type Cloud struct {
	EC2       *Fleet
	SSM       *SSM
	Docs      *Documents
	Scheduler *Scheduler
	IAM       *IAM
}

// NewCloud makes the fakes of account on clock.
func NewCloud(clock clockwork.Clock, account string) *Cloud {
	f := NewFleet(clock)
	return &Cloud{EC2: f, SSM: NewSSM(f), Docs: NewDocuments(clock), Scheduler: NewScheduler(clock), IAM: NewIAM(clock, account)}
}

// Fleet returns the EC2 fake.
func (c *Cloud) Fleet() cloud.Fleet { return c.EC2 }

// Commands returns the SSM Run Command fake.
func (c *Cloud) Commands() cloud.Commands { return c.SSM }

// Documents returns the SSM documents and Automation fake.
func (c *Cloud) Documents() cloud.Documents { return c.Docs }

// Schedules returns the EventBridge Scheduler fake.
func (c *Cloud) Schedules() cloud.Schedules { return c.Scheduler }

// Roles returns the IAM fake.
func (c *Cloud) Roles() cloud.Roles { return c.IAM }

// Tagger returns EC2's tagging, the Fleet itself.
func (c *Cloud) Tagger() cloud.Tagger { return c.EC2 }

// Interfaces the fakes keep.
var (
	_ cloud.Commands  = (*SSM)(nil)
	_ cloud.Documents = (*Documents)(nil)
	_ cloud.Schedules = (*Scheduler)(nil)
	_ cloud.Roles     = (*IAM)(nil)
	_ cloud.Tagger    = (*Fleet)(nil)
)
