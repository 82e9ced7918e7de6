package control

import (
	"context"
	"fmt"
	"slices"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
)

// StatusEnv is Status for a definition the caller holds: it resolves every
// selector (several calls), so a dashboard does it once and then Refresh.
func (s *Service) StatusEnv(ctx context.Context, e *env.Environment) (*Status, error) {
	var st *Status
	err := s.Bounded(ctx, func(ctx context.Context) (err error) {
		st, _, err = s.status(ctx, e)
		return err
	})
	return st, err
}

func (s *Service) status(ctx context.Context, e *env.Environment) (*Status, Session, error) {
	sess, target, res, err := s.resolve(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	st := &Status{Env: e.Name, Target: target, Holder: s.Holder(e.Name), Checked: s.opts.Clock.Now(),
		Shared: sharedList(res, s.sharing(e, target, res))}
	st.Progress = s.heldProgress(ctx, e.Name, st.Holder)
	for _, rs := range res.Stages {
		st.Stages = append(st.Stages, StageStatus{Name: rs.Name, Instances: rs.Instances})
	}
	st.sum()
	s.observeStatus(ctx, st)
	return st, sess, nil
}

// Refresh re-reads the instances prev found with one Describe call per
// region, so a dashboard refresh costs one call per region per environment.
// An instance EC2 no longer returns is shown terminated.
func (s *Service) Refresh(ctx context.Context, e *env.Environment, prev *Status) (*Status, error) {
	var next *Status
	err := s.Bounded(ctx, func(ctx context.Context) (err error) {
		next, err = s.refresh(ctx, e, prev)
		return err
	})
	return next, err
}

func (s *Service) refresh(ctx context.Context, e *env.Environment, prev *Status) (*Status, error) {
	sess, err := s.connectQuiet(ctx, e)
	if err != nil {
		return nil, err
	}
	byRegion := map[string][]string{}
	for _, st := range prev.Stages {
		for _, in := range st.Instances {
			byRegion[in.Region] = append(byRegion[in.Region], in.ID)
		}
	}
	seen := map[string]cloud.Instance{}
	for _, region := range sortedKeys(byRegion) {
		found, err := sess.Fleet().Describe(ctx, region, byRegion[region])
		if err != nil {
			return nil, fmt.Errorf("reading the instances of %s in %s: %w", e.Name, region, err)
		}
		for _, in := range found {
			if in.Region == "" {
				in.Region = region
			}
			seen[in.ID] = in
		}
	}
	next := &Status{Env: prev.Env, Target: prev.Target, Holder: s.Holder(e.Name), Checked: s.opts.Clock.Now(), Shared: prev.Shared}
	next.Progress = s.heldProgress(ctx, e.Name, next.Holder)
	for _, st := range prev.Stages {
		ns := StageStatus{Name: st.Name, Instances: make([]cloud.Instance, 0, len(st.Instances))}
		for _, in := range st.Instances {
			if now, ok := seen[in.ID]; ok {
				in = now
			} else {
				in.State = cloud.Terminated
			}
			ns.Instances = append(ns.Instances, in)
		}
		next.Stages = append(next.Stages, ns)
	}
	next.sum()
	s.observeStatus(ctx, next)
	return next, nil
}

// connectQuiet reuses the session without asking STS again: the account
// was checked when the status was first resolved.
func (s *Service) connectQuiet(ctx context.Context, e *env.Environment) (Session, error) {
	profile, region, err := s.pinned(e)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	sess, ok := s.sessions[profile+"\x00"+region]
	s.mu.Unlock()
	if ok {
		return sess, nil
	}
	sess, _, err = s.connect(ctx, e)
	return sess, err
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
