package launch

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
)

// NotLaunchedError refuses to terminate an instance Cloud Control did not
// launch (or not into this environment): nothing was done.
type NotLaunchedError struct {
	Instance, Name string
	Why            string
}

func (e *NotLaunchedError) Error() string {
	return fmt.Sprintf("refusing to terminate %s: %s; Cloud Control terminates only instances it launched (their stack is deleted), "+
		"so nothing was done", label(e.Instance, e.Name), e.Why)
}

var instanceIDRe = regexp.MustCompile(`^i-([0-9a-f]{8}|[0-9a-f]{17})$`)

// Target is an instance Cloud Control launched and its stack.
type Target struct {
	Instance cloud.Instance `json:"instance"`
	Stack    cloud.Stack    `json:"stack"`
}

// FindTarget finds the instance ref (an id or a Name) and checks that Cloud
// Control launched it into envName: it carries cloudcontrol:launch and
// cloudcontrol:env, and the stack CloudFormation tagged it with exists and
// carries the same launch id. Anything else is a *NotLaunchedError.
func (l *Launcher) FindTarget(ctx context.Context, envName, ref string) (*Target, error) {
	in, err := l.findInstance(ctx, envName, ref)
	if err != nil {
		return nil, err
	}
	refuse := func(format string, args ...any) error {
		return &NotLaunchedError{Instance: in.ID, Name: in.Name, Why: fmt.Sprintf(format, args...)}
	}
	switch stackID := in.Tags[TagStackID]; {
	case in.Launch == "":
		return nil, refuse("it has no %s tag, so Cloud Control did not launch it", cloud.TagLaunch)
	case in.Tags[cloud.TagEnv] != envName:
		return nil, refuse("it was launched into environment %s, not %s (cloudcontrol terminate %s %s)",
			orText(in.Tags[cloud.TagEnv], "(none)"), envName, orText(in.Tags[cloud.TagEnv], "ENV"), ref)
	case stackID == "":
		return nil, refuse("it belongs to no CloudFormation stack (no %s tag)", TagStackID)
	default:
		var st cloud.Stack
		err := l.call(ctx, func(ctx context.Context) (err error) {
			st, err = l.Cloud.Stacks().Stack(ctx, l.Region, stackID)
			return err
		})
		var nf *cloud.NotFoundError
		switch {
		case errors.As(err, &nf) || err == nil && st.Status == cloud.StackDeleteComplete:
			return nil, refuse("its stack %s is gone", in.Tags[TagStackName])
		case err != nil:
			return nil, fmt.Errorf("reading the stack of %s: %w", label(in.ID, in.Name), err)
		case st.Tags[cloud.TagLaunch] != in.Launch:
			return nil, refuse("its stack %s was not made by its launch %s", st.Name, in.Launch)
		}
		return &Target{Instance: in, Stack: st}, nil
	}
}

// findInstance is the one live instance ref names: by id, or by Name
// (preferring those launched into envName when several share it).
func (l *Launcher) findInstance(ctx context.Context, envName, ref string) (cloud.Instance, error) {
	var found []cloud.Instance
	err := l.call(ctx, func(ctx context.Context) (err error) {
		if instanceIDRe.MatchString(ref) {
			found, err = l.Cloud.Fleet().Describe(ctx, l.Region, []string{ref})
		} else {
			found, err = l.Cloud.Fleet().Find(ctx, l.Region, cloud.Query{Tags: map[string]string{"Name": ref}})
		}
		return err
	})
	if err != nil {
		return cloud.Instance{}, fmt.Errorf("looking up %s in %s: %w", ref, l.Region, err)
	}
	var live, ours []cloud.Instance
	for _, in := range found {
		if in.State == cloud.Terminated {
			continue
		}
		if in.Region == "" {
			in.Region = l.Region
		}
		live = append(live, in)
		if in.Tags[cloud.TagEnv] == envName {
			ours = append(ours, in)
		}
	}
	if len(ours) > 0 {
		live = ours
	}
	switch len(live) {
	case 0:
		return cloud.Instance{}, fmt.Errorf("no instance %s in %s (an instance id or Name)", ref, l.Region)
	case 1:
		return live[0], nil
	}
	ids := make([]string, len(live))
	for i, in := range live {
		ids[i] = in.ID
	}
	return cloud.Instance{}, fmt.Errorf("%d instances are named %s (%s); give the id", len(live), ref, strings.Join(ids, ", "))
}

// Terminate deletes the target's DNS record (when it has one pointing at
// it), then its stack, and waits for DELETE_COMPLETE; a DELETE_FAILED is
// deleted again, and what remains is named.
func (l *Launcher) Terminate(ctx context.Context, tg *Target) error {
	r, in, st := l.Report, tg.Instance, tg.Stack
	what := label(in.ID, in.Name)
	steps := "deleting stack " + st.Name
	if in.DNSName != "" {
		steps = "deleting its DNS record " + in.DNSName + ", then stack " + st.Name
	}
	r.Emit(op.Event{Type: op.EventRunStarted, Message: fmt.Sprintf("terminating %s: %s", what, steps)})
	r.Emit(op.Event{Type: op.EventStackEvent, Stack: st.Name, StackID: st.ID, Status: st.Status, Instance: in.ID, Name: in.Name})
	if in.DNSName != "" {
		l.deleteRecord(ctx, st.Name, in.Tags[TagDNSZone], in.DNSName, in)
	}
	last := l.lastEvent(ctx, st.ID)
	if _, err := l.deleteStack(ctx, st.Name, st.ID, st.Status, last, false); err != nil {
		if ctx.Err() != nil {
			r.Emit(op.Event{Type: op.EventRunCancelled, Message: fmt.Sprintf("stopped waiting for %s to be terminated; the delete of its stack goes on in AWS", what)})
			return fmt.Errorf("terminating %s: %w", what, ctx.Err())
		}
		r.Emit(op.Event{Type: op.EventRunFailed, Message: err.Error()})
		return err
	}
	r.Emit(op.Event{Type: op.EventRunDone, Message: fmt.Sprintf("terminated %s: stack %s deleted", what, st.Name)})
	return nil
}

// lastEvent is the id of a stack's newest event, so a follower reports
// only what comes after it.
func (l *Launcher) lastEvent(ctx context.Context, stackID string) string {
	var evs []cloud.StackEvent
	err := l.call(ctx, func(ctx context.Context) (err error) {
		evs, err = l.Cloud.Stacks().StackEvents(ctx, l.Region, stackID, "")
		return err
	})
	if err != nil || len(evs) == 0 {
		return ""
	}
	return evs[len(evs)-1].ID
}
