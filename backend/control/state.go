package control

import (
	"context"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
)

// StageStatus is one stage's instances as EC2 sees them now.
type StageStatus struct {
	Name      string           `json:"name"`
	State     op.State         `json:"state"`
	Instances []cloud.Instance `json:"instances"`
}

// Status is an environment's live state.
type Status struct {
	Env    string `json:"env"`
	Target Target `json:"target"`
	// State is StateOf the instances, the lock's holder and its progress.
	State op.State `json:"state"`
	// Holder is who holds the environment's lock (an operation in
	// progress, in any process); nil when free.
	Holder *lock.Holder `json:"holder,omitempty"`
	// Progress is the holding start's or stop's progress as far as the
	// usage history has it (written at every stage boundary); nil without one.
	Progress *op.Progress  `json:"progress,omitempty"`
	Stages   []StageStatus `json:"stages"`
	// Shared are the instances other environments select too, in stage
	// order, with those environments' names.
	Shared []SharedInstance `json:"shared,omitempty"`
	// Who started it and its lease, from the instances' tags (who.go).
	Who
	// Deployed is what env deploy put in AWS, when the caller read it
	// (Service.Deployed; status does not, a dashboard polls it).
	Deployed      *Deployment `json:"deployed,omitempty"`
	DeployedError string      `json:"deployedError,omitempty"`
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

// InstanceState sums up instance states: any transition wins, then broken,
// then all-the-same, else partly running.
func InstanceState(insts []cloud.Instance) op.State {
	count := map[string]int{}
	for _, in := range insts {
		count[in.State]++
	}
	switch {
	case count[cloud.Pending] > 0:
		return op.StateStarting
	case count[cloud.Stopping] > 0:
		return op.StateStopping
	case count[cloud.Terminated]+count[cloud.ShuttingDown] > 0:
		return op.StateBroken
	case count[cloud.Running] == len(insts) && len(insts) > 0:
		return op.StateRunning
	case count[cloud.Running] == 0:
		return op.StateStopped
	}
	return op.StatePartly
}

// StateOf is an environment's overall state, decided here for every front
// end: while a start or stop holds it (run, the progress of one this
// process runs; else holder, its lock's, whoever runs it) it is starting
// or stopping, even between stages when its instances alone read "partly
// running" or "stopped". A run that ended failed, cancelled or
// interrupted makes it StateAttention until the next run (the caller
// passes no run once the person dismissed it): what its instances say
// alone hides that something went wrong. Otherwise it is what its
// instances say. An instance action (holder "start i-0abc") does not count.
func StateOf(instances op.State, holder *lock.Holder, run *op.Progress) op.State {
	var action op.Action
	if run != nil && run.Outcome == op.OutcomeRunning {
		action = run.Action
	} else if holder != nil {
		action = op.Action(holder.Action)
	}
	switch action {
	case op.Start:
		return op.StateStarting
	case op.Stop:
		return op.StateStopping
	}
	if NeedsAttention(run) {
		return op.StateAttention
	}
	return instances
}

// NeedsAttention reports whether a run ended in a way that leaves the
// environment for the person to look at: failed, cancelled or interrupted.
func NeedsAttention(run *op.Progress) bool {
	if run == nil {
		return false
	}
	switch run.Outcome {
	case op.OutcomeFailed, op.OutcomeCancelled, op.OutcomeInterrupted:
		return true
	}
	return false
}

// StageStateOf is one stage's state: while run is in progress, the word of
// the stage it works on or has done (it arrives with the run's events, not
// with the next refresh); otherwise what the stage's instances say.
func StageStateOf(instances op.State, run *op.Progress, stage string) op.State {
	if run != nil && run.Outcome == op.OutcomeRunning {
		if p := run.Stage(stage); p != nil && p.State != "" {
			return p.State
		}
	}
	return instances
}

// Instances are every stage's instances, in stage order.
func (st *Status) Instances() []cloud.Instance {
	var all []cloud.Instance
	for _, s := range st.Stages {
		all = append(all, s.Instances...)
	}
	return all
}

// sum decides the stages' and the environment's states.
func (st *Status) sum() {
	for i := range st.Stages {
		st.Stages[i].State = StageStateOf(InstanceState(st.Stages[i].Instances), st.Progress, st.Stages[i].Name)
	}
	st.State = StateOf(InstanceState(st.Instances()), st.Holder, st.Progress)
	st.Who = WhoOf(st.Instances())
}

// Observed is a copy of st with one instance's state as an operation just
// saw it, so a dashboard moves with a run rather than at the next refresh.
// An instance seen starting again has a new run: AWS sets its launch time
// anew at every start, so the one read before is dropped (unknown until
// the next read) rather than shown as the uptime of the run before.
func (st *Status) Observed(id, state string) *Status {
	next := *st
	next.Stages = make([]StageStatus, len(st.Stages))
	for i, s := range st.Stages {
		s.Instances = append([]cloud.Instance{}, s.Instances...)
		for j := range s.Instances {
			if in := &s.Instances[j]; in.ID == id {
				if (state == cloud.Pending || state == cloud.Running) && in.State != cloud.Pending && in.State != cloud.Running {
					in.LaunchTime = time.Time{}
				}
				in.State = state
			}
		}
		next.Stages[i] = s
	}
	next.sum()
	return &next
}
