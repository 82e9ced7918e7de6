package cloudtest

import (
	"context"
	"sync"

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

// Session is a connection to the fake account as control.Session wants
// one (Fleet, Identity, Region, Profile) with everything an aws.Session
// offers besides; As changes who its credentials belong to.
type Session struct {
	*Cloud
	Account     string
	RegionName  string
	ProfileName string
	mu          sync.Mutex
	arn         string
}

// NewSession is a session of account in region, as arn.
func NewSession(c *Cloud, account, region, arn string) *Session {
	return &Session{Cloud: c, Account: account, RegionName: region, ProfileName: "default", arn: arn}
}

// As makes the session's credentials belong to arn from now on.
func (s *Session) As(arn string) {
	s.mu.Lock()
	s.arn = arn
	s.mu.Unlock()
}

// Identity answers as STS would.
func (s *Session) Identity(context.Context) (cloud.Identity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloud.Identity{Account: s.Account, ARN: s.arn}, nil
}

// Region is the session's region.
func (s *Session) Region() string { return s.RegionName }

// Profile is the session's profile.
func (s *Session) Profile() string { return s.ProfileName }
