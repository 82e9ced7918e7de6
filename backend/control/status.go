package control

import (
	"context"
	"time"

	"cloudcontrol/backend/cloud"
)

// Overall states of an environment, as the command line and the window name them.
const (
	StateStopped  = "stopped"
	StateRunning  = "running"
	StatePartly   = "partly running"
	StateStarting = "starting"
	StateStopping = "stopping"
	StateBroken   = "failed" // an instance is terminated or shutting down
)

// StageStatus is one stage's instances as EC2 sees them now.
type StageStatus struct {
	Name      string           `json:"name"`
	State     string           `json:"state"`
	Instances []cloud.Instance `json:"instances"`
}

// Status is an environment's live state.
type Status struct {
	Env    string        `json:"env"`
	Target Target        `json:"target"`
	State  string        `json:"state"`
	Stages []StageStatus `json:"stages"`
	// Checked is when the state was read (set by StatusEnv and Refresh).
	Checked time.Time `json:"checked,omitzero"`
}

// Status resolves the environment and reports every instance's state.
func (s *Service) Status(ctx context.Context, name string) (*Status, error) {
	e, err := s.Environment(name)
	if err != nil {
		return nil, err
	}
	return s.StatusEnv(ctx, e)
}

// Overall sums up instance states: any transition wins, then broken, then
// all-the-same, else partly running.
func Overall(insts []cloud.Instance) string {
	count := map[string]int{}
	for _, in := range insts {
		count[in.State]++
	}
	switch {
	case count[cloud.Pending] > 0:
		return StateStarting
	case count[cloud.Stopping] > 0:
		return StateStopping
	case count[cloud.Terminated]+count[cloud.ShuttingDown] > 0:
		return StateBroken
	case count[cloud.Running] == len(insts) && len(insts) > 0:
		return StateRunning
	case count[cloud.Running] == 0:
		return StateStopped
	}
	return StatePartly
}
