package launch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/op"
)

// Listed is one stack Cloud Control launched, with its instance.
type Listed struct {
	Stack      string    `json:"stack"`
	StackID    string    `json:"stackId"`
	Status     string    `json:"status"`
	Reason     string    `json:"reason,omitempty"`
	Region     string    `json:"region"`
	Env        string    `json:"env"`
	Template   string    `json:"template,omitempty"`
	Launch     string    `json:"launch"`
	LaunchedBy string    `json:"launchedBy,omitempty"`
	Created    time.Time `json:"created"`
	// The instance ("" when the stack has none, or none any more).
	Instance  string              `json:"instance,omitempty"`
	Name      string              `json:"name,omitempty"`
	State     string              `json:"state,omitempty"`
	Type      string              `json:"type,omitempty"`
	PrivateIP string              `json:"privateIp,omitempty"`
	DNS       string              `json:"dns,omitempty"`
	Progress  *cloud.BootProgress `json:"progress,omitempty"`
	// Hourly is the instance type's price in the region.
	Hourly cost.Quote `json:"hourly"`
	// Leftover: a failed, rolled-back or instance-less stack, or one whose
	// launch was interrupted; Why says which. launches clean deletes them.
	Leftover bool   `json:"leftover"`
	Why      string `json:"why,omitempty"`

	zoneID string
	inst   cloud.Instance
}

// ListOptions narrow and complete a listing.
type ListOptions struct {
	// Env lists only the stacks launched into this environment ("" all).
	Env string
	// Abandoned says whether the launch of a stack that is still being
	// created, or created, was interrupted: nobody follows it any more and
	// it never became ready (its program stopped). nil: none was.
	Abandoned func(st cloud.Stack) bool
	// Book prices the instances (nil: prices unknown).
	Book *cost.Book
}

// List returns every stack Cloud Control launched in the region (its tag
// cloudcontrol:launch), newest first, with its instance and whether it is
// a leftover. It costs one DescribeStacks (per 100 stacks), one
// DescribeStackResources per stack that does not name its instance in
// its outputs, and one DescribeInstances.
func List(ctx context.Context, c Cloud, region string, o ListOptions) ([]Listed, error) {
	stacks, err := c.Stacks().Stacks(ctx, region)
	if err != nil {
		return nil, fmt.Errorf("listing the CloudFormation stacks in %s: %w", region, err)
	}
	var out []Listed
	var ids []string
	for _, st := range stacks {
		if st.Tags[cloud.TagLaunch] == "" || o.Env != "" && st.Tags[cloud.TagEnv] != o.Env {
			continue
		}
		x := Listed{Stack: st.Name, StackID: st.ID, Status: st.Status, Reason: st.StatusReason, Region: region,
			Env: st.Tags[cloud.TagEnv], Template: st.Tags[cloud.TagTemplate], Launch: st.Tags[cloud.TagLaunch],
			LaunchedBy: st.Tags[cloud.TagLaunchedBy], Created: st.Created, Name: st.Tags["Name"], DNS: st.Tags[cloud.TagDNS],
			zoneID: st.Tags[TagDNSZone]}
		x.Instance = st.Outputs["InstanceId"]
		if x.Instance == "" {
			x.Instance = stackInstanceID(ctx, c, region, st.ID)
		}
		if x.Instance != "" {
			ids = append(ids, x.Instance)
		}
		out = append(out, x)
	}
	seen := map[string]cloud.Instance{}
	if len(ids) > 0 {
		found, err := c.Fleet().Describe(ctx, region, ids)
		if err != nil {
			return nil, fmt.Errorf("reading the launched instances in %s: %w", region, err)
		}
		for _, in := range found {
			seen[in.ID] = in
		}
	}
	for i := range out {
		x := &out[i]
		if in, ok := seen[x.Instance]; ok {
			if in.Region == "" {
				in.Region = region
			}
			x.inst, x.State, x.Type, x.PrivateIP, x.Progress = in, in.State, in.Type, in.PrivateIP, in.Progress
			x.Name = orText(in.Name, x.Name)
			if o.Book != nil && in.Type != "" {
				x.Hourly = o.Book.Instance(region, in.Type, in.Lifecycle == "spot")
			}
		}
		x.Leftover, x.Why = leftover(x, stackOf(stacks, x.StackID), o.Abandoned)
	}
	slices.SortStableFunc(out, func(a, b Listed) int { return b.Created.Compare(a.Created) })
	return out, nil
}

func stackOf(stacks []cloud.Stack, id string) cloud.Stack {
	for _, st := range stacks {
		if st.ID == id {
			return st
		}
	}
	return cloud.Stack{}
}

// stackInstanceID finds a stack's instance among its resources ("" when none).
func stackInstanceID(ctx context.Context, c Cloud, region, stackID string) string {
	res, err := c.Stacks().StackResources(ctx, region, stackID)
	if err != nil {
		return ""
	}
	for _, r := range res {
		if r.Type == instanceType && strings.HasPrefix(r.PhysicalID, "i-") {
			return r.PhysicalID
		}
	}
	return ""
}

// leftover decides whether a launched stack is left behind, and why.
func leftover(x *Listed, st cloud.Stack, abandoned func(cloud.Stack) bool) (bool, string) {
	gone := x.State == "" || x.State == cloud.Terminated || x.State == cloud.ShuttingDown
	switch x.Status {
	case cloud.StackCreateFailed, cloud.StackRollbackComplete, cloud.StackRollbackFailed, cloud.StackDeleteFailed, "ROLLBACK_IN_PROGRESS":
		why := "its launch failed: the stack is " + x.Status
		if x.Reason != "" {
			why += " (" + x.Reason + ")"
		}
		return true, why
	case cloud.StackDeleteInProgress:
		return false, ""
	case cloud.StackCreateInProgress:
		if abandoned != nil && abandoned(st) {
			return true, "its launch was interrupted while the stack was being created (the program that launched it stopped)"
		}
		return false, ""
	}
	switch {
	case gone && x.Instance == "":
		return true, "the stack has no instance"
	case gone:
		return true, fmt.Sprintf("its instance %s is %s", x.Instance, orText(x.State, "gone"))
	case abandoned != nil && abandoned(st):
		return true, "its launch was interrupted before it was ready (the program that launched it stopped): it may work, but nothing checked it"
	}
	return false, ""
}

// Leftovers are the listed stacks that are left behind.
func Leftovers(all []Listed) []Listed {
	var out []Listed
	for _, x := range all {
		if x.Leftover {
			out = append(out, x)
		}
	}
	return out
}

// Clean deletes the given leftovers, each as terminate would (its DNS
// record if it points at its instance, then its stack, waited for), and
// reports what remains.
func (l *Launcher) Clean(ctx context.Context, leftovers []Listed) ([]string, error) {
	r := l.Report
	names := make([]string, len(leftovers))
	for i, x := range leftovers {
		names[i] = x.Stack
	}
	r.Emit(op.Event{Type: op.EventRunStarted, Message: fmt.Sprintf("cleaning up %d leftover stack(s): %s", len(leftovers), strings.Join(names, ", "))})
	var remains []string
	for _, x := range leftovers {
		if ctx.Err() != nil {
			break
		}
		r.Emit(op.Event{Type: op.EventStackEvent, Stack: x.Stack, StackID: x.StackID, Status: x.Status, Reason: x.Why, Instance: x.Instance, Name: x.Name})
		if x.DNS != "" && x.zoneID != "" && x.inst.ID != "" {
			l.deleteRecord(ctx, x.Stack, x.zoneID, x.DNS, x.inst)
		}
		left, err := l.deleteStack(ctx, x.Stack, x.StackID, x.Status, l.lastEvent(ctx, x.StackID), false)
		if err != nil && isRemains(err) {
			remains = append(remains, left...)
		}
	}
	switch {
	case ctx.Err() != nil:
		r.Emit(op.Event{Type: op.EventRunCancelled, Message: "clean-up cancelled; the deletes already asked for go on in AWS"})
		return remains, fmt.Errorf("clean-up cancelled: %w", ctx.Err())
	case len(remains) > 0:
		msg := "left behind: " + strings.Join(remains, "; ")
		r.Emit(op.Event{Type: op.EventRunFailed, Message: msg})
		return remains, fmt.Errorf("clean-up incomplete: %s", msg)
	}
	r.Emit(op.Event{Type: op.EventRunDone, Message: fmt.Sprintf("deleted %d stack(s)", len(leftovers))})
	return nil, nil
}
