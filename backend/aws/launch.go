package aws

import "cloudcontrol/backend/cloud"

// adapters are the session's CloudFormation, Route 53, SSM and EC2
// preflight sides, each safe for concurrent use.
type adapters struct {
	stacks *Stacks
	dns    *DNS
	params *Parameters
}

func newAdapters(s *Session) adapters {
	return adapters{stacks: newStacks(s), dns: newDNS(s), params: newParameters(s)}
}

// Stacks returns the CloudFormation side of the session.
func (s *Session) Stacks() cloud.Stacks { return s.launch.stacks }

// DNS returns the Route 53 side of the session.
func (s *Session) DNS() cloud.DNS { return s.launch.dns }

// Parameters returns the SSM parameters side of the session.
func (s *Session) Parameters() cloud.Parameters { return s.launch.params }

// Network returns the EC2 describes a launch preflight makes.
func (s *Session) Network() cloud.Network { return Network{s.fleet} }
