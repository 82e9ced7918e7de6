package cloudtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
)

// SSM is an in-memory SSM Run Command (cloud.Commands) over a Fleet:
// an instance is managed once it has an Agent and has run for the agent's
// Delay, as the SSM agent registers a minute or so after boot; a command
// sent to it finishes Outcome.Took later with Outcome's exit code and output.
type SSM struct {
	recorder

	mu     sync.Mutex
	clock  clockwork.Clock
	fleet  *Fleet
	agents map[string]*Agent
	cmds   map[string]*command
	seq    int
}

// Agent is the SSM agent of one instance.
type Agent struct {
	// Delay is how long after the instance runs it registers with SSM.
	Delay time.Duration
	// Run decides what a command does on this instance; attempt counts
	// from 1 per instance. Nil: every command exits 0 at once.
	Run func(lines []string, attempt int) Outcome

	attempts int
}

// Outcome is what one command invocation does on an instance.
type Outcome struct {
	Exit   int
	Output string
	Took   time.Duration
}

type command struct {
	region string
	lines  []string
	sent   time.Time
	limit  time.Duration
	order  []string
	runs   map[string]Outcome
}

// NewSSM is an SSM in front of fleet, on its clock, with no agent anywhere.
func NewSSM(fleet *Fleet) *SSM {
	return &SSM{clock: fleet.clock, fleet: fleet, agents: map[string]*Agent{}, cmds: map[string]*command{}}
}

// Install puts an SSM agent on the instance.
func (s *SSM) Install(id string, a Agent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agents[id] = &a
}

// online reports whether SSM sees the instance now, and whether it ever did.
// Called with s.mu held.
func (s *SSM) online(id string) (online, known bool) {
	a := s.agents[id]
	if a == nil {
		return false, false
	}
	fi := s.fleet.Inst(id)
	if fi == nil {
		return false, true
	}
	if s.fleet.State(id) != cloud.Running {
		return false, true
	}
	since := s.fleet.RunningSince(id)
	return !s.clock.Now().Before(since.Add(a.Delay)), true
}

// Managed returns the instances among ids SSM knows: Online once the agent
// registered, ConnectionLost while the instance does not run.
func (s *SSM) Managed(ctx context.Context, region string, ids []string) (map[string]cloud.ManagedInstance, error) {
	if err := s.begin("Managed", region, s.clock.Now(), ids...); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]cloud.ManagedInstance{}
	for _, id := range ids {
		on, known := s.online(id)
		switch {
		case on:
			out[id] = cloud.ManagedInstance{ID: id, PingStatus: "Online", LastPing: s.clock.Now(), Platform: "Linux"}
		case known && !s.fleet.RunningSince(id).IsZero():
			out[id] = cloud.ManagedInstance{ID: id, PingStatus: "ConnectionLost", Platform: "Linux"}
		}
	}
	return out, nil
}

// SendShell runs lines on every instance, or fails the whole call when one
// of them is not online, as SSM's InvalidInstanceId does.
func (s *SSM) SendShell(ctx context.Context, region string, ids []string, lines []string, timeout time.Duration) (string, error) {
	now := s.clock.Now()
	if err := s.begin("SendShell", region, now, ids...); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var bad []string
	for _, id := range ids {
		if on, _ := s.online(id); !on {
			bad = append(bad, id)
		}
	}
	if len(bad) > 0 {
		return "", &APIError{Code: "InvalidInstanceId", Message: fmt.Sprintf("Instances %v not in a valid state for account", bad)}
	}
	s.seq++
	id := "cmd-" + strconv.Itoa(s.seq)
	c := &command{region: region, lines: slices.Clone(lines), sent: now, limit: timeout, order: slices.Clone(ids), runs: map[string]Outcome{}}
	for _, in := range ids {
		a := s.agents[in]
		a.attempts++
		o := Outcome{}
		if a.Run != nil {
			o = a.Run(c.lines, a.attempts)
		}
		c.runs[in] = o
	}
	s.cmds[id] = c
	return id, nil
}

// Results says how far the command got on each instance.
func (s *SSM) Results(ctx context.Context, region, commandID string) ([]cloud.CommandResult, error) {
	now := s.clock.Now()
	if err := s.begin("Results", region, now, commandID); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cmds[commandID]
	if !ok || c.region != region {
		return nil, fmt.Errorf("command %s: %w", commandID, cloud.ErrNotFound)
	}
	out := make([]cloud.CommandResult, 0, len(c.order))
	for _, id := range c.order {
		o := c.runs[id]
		r := cloud.CommandResult{Instance: id, Status: cloud.CommandInProgress, ExitCode: -1}
		switch {
		case o.Took > c.limit && !now.Before(c.sent.Add(c.limit)):
			r.Status, r.Output = cloud.CommandTimedOut, o.Output
		case o.Took <= c.limit && !now.Before(c.sent.Add(o.Took)):
			r.Status, r.ExitCode, r.Output = cloud.CommandSuccess, o.Exit, o.Output
			if o.Exit != 0 {
				r.Status = cloud.CommandFailed
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// Sent returns the lines of every command sent, by command id.
func (s *SSM) Sent() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]string{}
	for _, id := range slices.Sorted(maps.Keys(s.cmds)) {
		out[id] = slices.Clone(s.cmds[id].lines)
	}
	return out
}
