package launch

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
	"cloudcontrol/internal/clockctx"
)

// RemainsError is a stack that could not be deleted: what is left of it.
type RemainsError struct {
	Stack   string
	Status  string
	Remains []string
	// Why is the last delete's failure, or why the wait ended.
	Why string
}

func (e *RemainsError) Error() string {
	msg := fmt.Sprintf("stack %s is not deleted (%s)", e.Stack, e.Status)
	if e.Why != "" {
		msg += ": " + e.Why
	}
	if len(e.Remains) > 0 {
		msg += "; what remains: " + strings.Join(e.Remains, "; ")
	}
	return msg + "; run cloudcontrol launches clean to try again, or delete it in the CloudFormation console"
}

// deleteStack deletes a stack and waits until it is DELETE_COMPLETE,
// following its events from last; status is the stack's status as last
// known. A stack CloudFormation is already deleting (a failed create with
// OnFailure DELETE) is waited for. A DELETE_FAILED stack is deleted again,
// up to DeleteAttempts calls; then, or when CleanupTimeout passes, what
// remains is named. With mustFinish it runs to its end even when ctx is
// cancelled (a cancelled launch must not leave its stack); without, a
// cancel stops the wait (the delete asked for goes on in AWS).
func (l *Launcher) deleteStack(ctx context.Context, stack, stackID, status, last string, mustFinish bool) ([]string, error) {
	timeout := l.CleanupTimeout
	if timeout <= 0 {
		timeout = DefaultCleanupTimeout
	}
	attempts := l.DeleteAttempts
	if attempts <= 0 {
		attempts = DefaultDeleteAttempts
	}
	dctx, cancel := clockctx.WithTimeout(ctx, l.Clock, timeout)
	if mustFinish {
		dctx, cancel = l.bounded(ctx, timeout)
	}
	defer cancel()
	sent, awaiting := 0, false
	why := ""
	for {
		var evs []cloud.StackEvent
		err := l.call(dctx, func(ctx context.Context) (err error) {
			evs, err = l.Cloud.Stacks().StackEvents(ctx, l.Region, stackID, last)
			return err
		})
		if err == nil {
			for _, ev := range evs {
				last = ev.ID
				if stackOwnEvent(ev) {
					status = ev.Status
					if ev.Status == cloud.StackDeleteInProgress {
						awaiting = false
					}
					if ev.Status == cloud.StackDeleteFailed {
						why = ev.Reason
					}
				}
				l.Report.Emit(stackEvent(stack, stackID, ev))
			}
		} else if dctx.Err() == nil {
			l.Report.note(stack, fmt.Sprintf("reading the events of %s (tried again next poll): %v", stack, err))
		}
		switch {
		case status == cloud.StackDeleteComplete:
			l.Report.Emit(op.Event{Type: op.EventCleanupDone, Stack: stack, StackID: stackID, Status: status,
				Message: fmt.Sprintf("stack %s deleted", stack)})
			return nil, nil
		case awaiting || strings.HasSuffix(status, "_IN_PROGRESS") && status != cloud.StackCreateInProgress:
			// CloudFormation is at it (deleting, rolling back), or has not
			// begun the delete just asked for.
		case sent < attempts:
			if status == cloud.StackDeleteFailed {
				l.Report.note(stack, fmt.Sprintf("the delete of %s failed (%s); deleting it again (attempt %d of %d)", stack, why, sent+1, attempts))
			}
			sent++
			if err := l.call(dctx, func(ctx context.Context) error {
				return l.Cloud.Stacks().DeleteStack(ctx, l.Region, stackID, "cc-delete-"+NewID())
			}); err != nil {
				why = err.Error()
				l.Report.note(stack, fmt.Sprintf("DeleteStack %s: %v", stack, err))
			} else {
				awaiting = true
			}
		default:
			return l.remains(ctx, stack, stackID, status, why)
		}
		if ctx.Err() != nil && !mustFinish {
			msg := fmt.Sprintf("stopped waiting for stack %s (%s); its delete goes on in AWS", stack, status)
			if !awaiting && sent == 0 {
				msg = fmt.Sprintf("stack %s was not deleted: cancelled before DeleteStack was sent", stack)
			}
			l.Report.Emit(op.Event{Type: op.EventCleanupDone, Stack: stack, StackID: stackID, Status: status, Message: msg})
			return nil, ctx.Err()
		}
		if dctx.Err() != nil {
			return l.remains(ctx, stack, stackID, status, fmt.Sprintf("still not deleted after %s", timeout))
		}
		select {
		case <-dctx.Done():
		case <-l.Clock.After(l.tick()):
		}
	}
}

// remains names what is left of a stack that could not be deleted and
// reports it.
func (l *Launcher) remains(ctx context.Context, stack, stackID, status, why string) ([]string, error) {
	var left []string
	var res []cloud.StackResource
	if err := l.call(context.WithoutCancel(ctx), func(ctx context.Context) (err error) {
		res, err = l.Cloud.Stacks().StackResources(ctx, l.Region, stackID)
		return err
	}); err == nil {
		for _, r := range res {
			if r.Status == cloud.StackDeleteComplete || r.Status == "DELETE_SKIPPED" {
				continue
			}
			what := fmt.Sprintf("%s (%s", r.LogicalID, r.Type)
			if r.PhysicalID != "" {
				what += " " + r.PhysicalID
			}
			what += ") " + r.Status
			if r.Reason != "" {
				what += ": " + r.Reason
			}
			left = append(left, what)
		}
	}
	if len(left) == 0 {
		left = []string{"stack " + stack + " (" + status + ")"}
	}
	err := &RemainsError{Stack: stack, Status: status, Remains: left, Why: why}
	l.Report.Emit(op.Event{Type: op.EventCleanupDone, Stack: stack, StackID: stackID, Status: status, Reason: why,
		Message: "left behind: " + strings.Join(left, "; ")})
	return left, err
}

// isRemains reports an error that names what a clean-up left.
func isRemains(err error) bool {
	var r *RemainsError
	return errors.As(err, &r)
}
