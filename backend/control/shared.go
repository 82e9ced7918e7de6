package control

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
)

// Instances two environments share (a database used by two stacks) are
// found without a call to AWS: another environment's selectors are
// matched against the instances this one resolved (their ids, Name tags
// and tags), so only environments of the same region and account count.
// Whether another environment holds a shared instance running is asked
// only when a stop would stop it.

// SharedInstance is one instance of an environment that other environments
// select too (Status.Shared).
type SharedInstance struct {
	ID   string   `json:"id"`
	Name string   `json:"name,omitempty"`
	Envs []string `json:"envs"`
}

// sharing maps each instance of res that other environments select to
// their names, sorted.
func (s *Service) sharing(e *env.Environment, target Target, res *orchestrate.Resolved) map[string][]string {
	var others []*env.Environment
	for _, o := range s.Load().Envs {
		if o.Name == e.Name || o.Region != "" && o.Region != target.Region ||
			o.Account != "" && target.Identity.Account != "" && o.Account != target.Identity.Account {
			continue
		}
		others = append(others, o)
	}
	out := map[string][]string{}
	if len(others) == 0 {
		return out
	}
	for _, rs := range res.Stages {
		for _, in := range rs.Instances {
			for _, o := range others {
				if selects(o, in) && !slices.Contains(out[in.ID], o.Name) {
					out[in.ID] = append(out[in.ID], o.Name)
				}
			}
		}
	}
	for id := range out {
		slices.Sort(out[id])
	}
	return out
}

// selects reports whether one of o's selectors picks in, as Resolve would.
func selects(o *env.Environment, in cloud.Instance) bool {
	has := func(tags map[string]string) bool {
		for k, v := range tags {
			if got, ok := in.Tags[k]; !ok || got != v {
				return false
			}
		}
		return true
	}
	if !has(o.Select) {
		return false
	}
	for _, st := range o.Stages {
		for _, sel := range st.Instances {
			switch {
			case sel.ID != "":
				if sel.ID == in.ID {
					return true
				}
			case in.State == cloud.Terminated: // a Name or tags outlive it; Resolve skips it too
			case sel.Name != "":
				if in.Name == sel.Name {
					return true
				}
			case len(sel.Tags) > 0 && has(sel.Tags):
				return true
			}
		}
	}
	return false
}

// sharedList is a status's sharing in stage order.
func sharedList(res *orchestrate.Resolved, shared map[string][]string) []SharedInstance {
	var out []SharedInstance
	for _, rs := range res.Stages {
		for _, in := range rs.Instances {
			if envs, ok := shared[in.ID]; ok {
				out = append(out, SharedInstance{ID: in.ID, Name: in.Name, Envs: envs})
			}
		}
	}
	return out
}

// SharedUse is another environment that holds instances a stop would stop.
type SharedUse struct {
	Env       string   `json:"env"`
	Instances []string `json:"instances"` // "id (Name)"
	// Why is "being started" (a start holds its lock) or "running" (its
	// instances say it runs or starts).
	Why string `json:"why"`
}

// SharedError refuses a stop that would stop instances other
// environments hold running. Nothing was changed; --force (RunOptions.Force)
// stops them anyway.
type SharedError struct {
	Env  string
	Uses []SharedUse
}

func (e *SharedError) Error() string {
	return fmt.Sprintf("refusing to stop %s: %s; stop %s first, or pass --force to stop them anyway",
		e.Env, usesText(e.Uses), strings.Join(usesEnvs(e.Uses), " and "))
}

func usesText(uses []SharedUse) string {
	parts := make([]string, len(uses))
	for i, u := range uses {
		which := "is"
		if len(u.Instances) > 1 {
			which = "are"
		}
		parts[i] = fmt.Sprintf("%s %s shared with %s, which is %s", strings.Join(u.Instances, ", "), which, u.Env, u.Why)
	}
	return strings.Join(parts, "; ")
}

func usesEnvs(uses []SharedUse) []string {
	out := make([]string, len(uses))
	for i, u := range uses {
		out[i] = u.Env
	}
	return out
}

// inUse are the other environments that hold running instances this stop
// plan would stop: their lock is held by a start, or they run or start as
// their own instances say (resolved only here, and only for the
// environments that share such an instance).
func (s *Service) inUse(ctx context.Context, p *orchestrate.Plan) []SharedUse {
	byEnv := map[string][]string{}
	for _, st := range p.Stages {
		for _, in := range st.Instances {
			if in.Do != orchestrate.DoStop && in.Do != orchestrate.DoStopWhenRunning {
				continue
			}
			for _, o := range in.SharedWith {
				byEnv[o] = append(byEnv[o], op.Label(in.ID, in.Name))
			}
		}
	}
	var out []SharedUse
	for _, name := range slices.Sorted(maps.Keys(byEnv)) {
		h := s.Holder(name)
		if h != nil && op.Action(h.Action) == op.Start {
			out = append(out, SharedUse{Env: name, Instances: byEnv[name], Why: "being started (" + holderText(h) + ")"})
			continue
		}
		o, err := s.Environment(name)
		if err != nil {
			continue // a broken file cannot be asked; its last run is not known either
		}
		_, _, res, err := s.resolve(ctx, o)
		if err != nil {
			s.opts.Logger.Warn("reading an environment that shares instances", "env", name, "err", err)
			continue
		}
		var insts []cloud.Instance
		for _, rs := range res.Stages {
			insts = append(insts, rs.Instances...)
		}
		switch StateOf(InstanceState(insts), h, nil) {
		case op.StateRunning:
			out = append(out, SharedUse{Env: name, Instances: byEnv[name], Why: "running"})
		case op.StateStarting:
			out = append(out, SharedUse{Env: name, Instances: byEnv[name], Why: "starting"})
		}
	}
	return out
}

func holderText(h *lock.Holder) string {
	who := h.Client
	if h.User != "" {
		who += " of " + h.User
	}
	if h.PID > 0 {
		who += fmt.Sprintf(", pid %d", h.PID)
	}
	return who
}
