package aws

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"

	"cloudcontrol/backend/cloud"
)

// Schedules is cloud.Schedules on EventBridge Scheduler. Every schedule it
// writes runs at the exact time (FlexibleTimeWindow OFF).
type Schedules struct {
	s       *Session
	clients *regional[*scheduler.Client]
}

var _ cloud.Schedules = (*Schedules)(nil)

func (a *Schedules) client(region string) (*scheduler.Client, string) {
	region = regionOr(a.s, region)
	return a.clients.get(region), region
}

func (a *Schedules) schedError(region, action, kind, name string, err error) error {
	return a.s.callError(region, "scheduler", action, err, kind, []string{name}, "ResourceNotFoundException")
}

// GroupExists asks for the group (GetScheduleGroup).
func (a *Schedules) GroupExists(ctx context.Context, region, group string) (bool, error) {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	_, err := c.GetScheduleGroup(ctx, &scheduler.GetScheduleGroupInput{Name: sdkaws.String(group)})
	var nf *schedtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		return false, nil
	case err != nil:
		return false, a.schedError(region, "GetScheduleGroup", "schedule group", group, err)
	}
	return true, nil
}

// CreateGroup creates the group with its tags.
func (a *Schedules) CreateGroup(ctx context.Context, region, group string, tags map[string]string) error {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	in := &scheduler.CreateScheduleGroupInput{Name: sdkaws.String(group)}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		in.Tags = append(in.Tags, schedtypes.Tag{Key: sdkaws.String(k), Value: sdkaws.String(tags[k])})
	}
	if _, err := c.CreateScheduleGroup(ctx, in); err != nil {
		return a.schedError(region, "CreateScheduleGroup", "schedule group", group, err)
	}
	return nil
}

// GroupTags reads the group's tags: its ARN (GetScheduleGroup), then
// ListTagsForResource. A group that is not there is ErrNotFound.
func (a *Schedules) GroupTags(ctx context.Context, region, group string) (map[string]string, error) {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	g, err := c.GetScheduleGroup(ctx, &scheduler.GetScheduleGroupInput{Name: sdkaws.String(group)})
	if err != nil {
		return nil, a.schedError(region, "GetScheduleGroup", "schedule group", group, err)
	}
	out, err := c.ListTagsForResource(ctx, &scheduler.ListTagsForResourceInput{ResourceArn: g.Arn})
	if err != nil {
		return nil, a.schedError(region, "ListTagsForResource", "schedule group", group, err)
	}
	tags := map[string]string{}
	for _, t := range out.Tags {
		tags[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
	}
	return tags, nil
}

// DeleteGroup deletes the group and, with it, its schedules.
func (a *Schedules) DeleteGroup(ctx context.Context, region, group string) error {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	if _, err := c.DeleteScheduleGroup(ctx, &scheduler.DeleteScheduleGroupInput{Name: sdkaws.String(group)}); err != nil {
		return a.schedError(region, "DeleteScheduleGroup", "schedule group", group, err)
	}
	return nil
}

// GetSchedule reads one schedule.
func (a *Schedules) GetSchedule(ctx context.Context, region, group, name string) (*cloud.Schedule, error) {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	return a.get(ctx, c, region, group, name)
}

func (a *Schedules) get(ctx context.Context, c *scheduler.Client, region, group, name string) (*cloud.Schedule, error) {
	out, err := c.GetSchedule(ctx, &scheduler.GetScheduleInput{GroupName: sdkaws.String(group), Name: sdkaws.String(name)})
	if err != nil {
		return nil, a.schedError(region, "GetSchedule", "schedule", group+"/"+name, err)
	}
	s := &cloud.Schedule{Group: sdkaws.ToString(out.GroupName), Name: sdkaws.ToString(out.Name), Expression: sdkaws.ToString(out.ScheduleExpression),
		Timezone: sdkaws.ToString(out.ScheduleExpressionTimezone), State: string(out.State), Description: sdkaws.ToString(out.Description),
		DeleteAfter: out.ActionAfterCompletion == schedtypes.ActionAfterCompletionDelete}
	if s.Group == "" {
		s.Group = group
	}
	if s.Timezone == "" {
		s.Timezone = "UTC"
	}
	if t := out.Target; t != nil {
		s.TargetARN, s.RoleARN, s.Input = sdkaws.ToString(t.Arn), sdkaws.ToString(t.RoleArn), sdkaws.ToString(t.Input)
	}
	return s, nil
}

// scheduleInput is CreateSchedule's request for s (UpdateSchedule's has
// the same fields).
func scheduleInput(s cloud.Schedule) *scheduler.CreateScheduleInput {
	in := &scheduler.CreateScheduleInput{GroupName: sdkaws.String(s.Group), Name: sdkaws.String(s.Name),
		ScheduleExpression: sdkaws.String(s.Expression), ScheduleExpressionTimezone: sdkaws.String(s.Timezone),
		State: schedtypes.ScheduleStateEnabled, ActionAfterCompletion: schedtypes.ActionAfterCompletionNone,
		FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff},
		Target:             &schedtypes.Target{Arn: sdkaws.String(s.TargetARN), RoleArn: sdkaws.String(s.RoleARN), Input: sdkaws.String(s.Input)}}
	if s.Timezone == "" {
		in.ScheduleExpressionTimezone = sdkaws.String("UTC")
	}
	if strings.EqualFold(s.State, "DISABLED") {
		in.State = schedtypes.ScheduleStateDisabled
	}
	if s.DeleteAfter {
		in.ActionAfterCompletion = schedtypes.ActionAfterCompletionDelete
	}
	if s.Description != "" {
		in.Description = sdkaws.String(s.Description)
	}
	return in
}

// CreateSchedule creates a schedule in its group.
func (a *Schedules) CreateSchedule(ctx context.Context, region string, s cloud.Schedule) error {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	if _, err := c.CreateSchedule(ctx, scheduleInput(s)); err != nil {
		return a.schedError(region, "CreateSchedule", "schedule group", s.Group, err)
	}
	return nil
}

// UpdateSchedule replaces a schedule whole, as UpdateSchedule does.
func (a *Schedules) UpdateSchedule(ctx context.Context, region string, s cloud.Schedule) error {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	if _, err := c.UpdateSchedule(ctx, (*scheduler.UpdateScheduleInput)(scheduleInput(s))); err != nil {
		return a.schedError(region, "UpdateSchedule", "schedule", s.Group+"/"+s.Name, err)
	}
	return nil
}

// DeleteSchedule deletes one schedule.
func (a *Schedules) DeleteSchedule(ctx context.Context, region, group, name string) error {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	if _, err := c.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{GroupName: sdkaws.String(group), Name: sdkaws.String(name)}); err != nil {
		return a.schedError(region, "DeleteSchedule", "schedule", group+"/"+name, err)
	}
	return nil
}

// ListSchedules lists the group's schedules, each read whole.
func (a *Schedules) ListSchedules(ctx context.Context, region, group string) ([]cloud.Schedule, error) {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	var names []string
	p := scheduler.NewListSchedulesPaginator(c, &scheduler.ListSchedulesInput{GroupName: sdkaws.String(group)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, a.schedError(region, "ListSchedules", "schedule group", group, err)
		}
		for _, s := range page.Schedules {
			names = append(names, sdkaws.ToString(s.Name))
		}
	}
	slices.Sort(names)
	out := make([]cloud.Schedule, 0, len(names))
	for _, n := range names {
		s, err := a.get(ctx, c, region, group, n)
		if errors.Is(err, cloud.ErrNotFound) {
			continue // it ran and deleted itself in between
		}
		if err != nil {
			return nil, err
		}
		out = append(out, *s)
	}
	return out, nil
}
