package control

import (
	"context"
	"fmt"
	"slices"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/env"
)

// CostOptions say how fresh the prices must be.
type CostOptions struct {
	// Offline uses the cache and the built-in table only.
	Offline bool
	// Refresh asks the Price List API even for prices cached recently.
	Refresh bool
}

// CostReport is an environment's cost figures with where the prices came from.
// The estimate is a named field, not embedded: Wails' TypeScript generator
// drops structs with embedded fields.
type CostReport struct {
	Estimate cost.EnvCost       `json:"estimate"`
	Target   Target             `json:"target"`
	Refresh  cost.RefreshReport `json:"refresh"`
	// VolumeProblem says why EBS volumes could not be listed (storage then
	// shows as unknown).
	VolumeProblem string `json:"volumeProblem,omitempty"`
}

// Cost reads the environment's instances and their volumes and prices them.
func (s *Service) Cost(ctx context.Context, name string, o CostOptions) (*CostReport, error) {
	e, err := s.Environment(name)
	if err != nil {
		return nil, err
	}
	st, err := s.Status(ctx, e.Name)
	if err != nil {
		return nil, err
	}
	return s.CostStatus(ctx, e, st, o)
}

// CostStatus prices a status the caller already holds (the dashboard's),
// adding only the DescribeVolumes and price calls.
func (s *Service) CostStatus(ctx context.Context, e *env.Environment, st *Status, o CostOptions) (*CostReport, error) {
	var rep *CostReport
	err := s.Bounded(ctx, func(ctx context.Context) (err error) {
		rep, err = s.costStatus(ctx, e, st, o)
		return err
	})
	return rep, err
}

func (s *Service) costStatus(ctx context.Context, e *env.Environment, st *Status, o CostOptions) (*CostReport, error) {
	sess, err := s.connectQuiet(ctx, e)
	if err != nil {
		return nil, err
	}
	var insts []cloud.Instance
	byRegion := map[string][]string{}
	for _, stage := range st.Stages {
		for _, in := range stage.Instances {
			if slices.ContainsFunc(insts, func(x cloud.Instance) bool { return x.ID == in.ID }) {
				continue // an instance in two stages is paid for once
			}
			insts = append(insts, in)
			byRegion[in.Region] = append(byRegion[in.Region], in.ID)
		}
	}
	rep := &CostReport{Target: st.Target}
	var vols []cloud.Volume
	if vl, ok := sess.(cloud.Volumes); ok {
		for _, region := range sortedKeys(byRegion) {
			got, err := vl.Volumes(ctx, region, byRegion[region])
			if err != nil {
				rep.VolumeProblem = fmt.Sprintf("EBS volumes could not be listed, so storage is unknown: %v", err)
				break
			}
			vols = append(vols, got...)
		}
	} else {
		rep.VolumeProblem = "this connection cannot list EBS volumes, so storage is unknown"
	}
	book, err := cost.Default(s.opts.Paths.Cache)
	if err != nil {
		return nil, err
	}
	if !o.Offline {
		var prices cost.PriceLister
		if pl, ok := sess.(interface{ Prices() cost.PriceLister }); ok {
			prices = pl.Prices()
		}
		spot, _ := sess.(cost.SpotLister)
		rep.Refresh = book.Refresh(ctx, prices, spot, cost.WantsOf(insts, vols), s.opts.Clock.Now(), o.Refresh)
	}
	rep.Estimate = cost.Estimate(book, e.Name, insts, vols, s.opts.Clock.Now().In(s.location()))
	if rep.VolumeProblem != "" {
		for _, m := range []*cost.Money{&rep.Estimate.StoppedMonthly, &rep.Estimate.HourlyWhileRunning, &rep.Estimate.HourlyNow, &rep.Estimate.Overnight.Cost, &rep.Estimate.Weekend.Cost} {
			m.Missing("EBS storage")
		}
	}
	return rep, nil
}
