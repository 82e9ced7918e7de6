package desktop

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/launch"
	"cloudcontrol/backend/op"
)

// EventLeftovers is pushed when stacks Cloud Control launched are found
// left behind (at the app's start, and after every List): []launch.Listed.
const EventLeftovers = "launches:leftovers"

// leftoverCheck bounds the look for leftovers at the app's start.
const leftoverCheck = 2 * time.Minute

// launchCore is what the window needs from backend/control to launch (a
// *control.Service).
type launchCore interface {
	LaunchTemplates(ctx context.Context, e *env.Environment) (*control.LaunchTemplates, error)
	LaunchPreview(ctx context.Context, e *env.Environment, req control.LaunchRequest) (*launch.Preview, error)
	Launch(ctx context.Context, e *env.Environment, req control.LaunchRequest, sink op.Sink) (*launch.Result, error)
	TerminateTarget(ctx context.Context, e *env.Environment, instance string) (*launch.Target, error)
	Terminate(ctx context.Context, e *env.Environment, instance string, sink op.Sink) error
	Launches(ctx context.Context, e *env.Environment) (*control.LaunchList, error)
	CleanUpNamed(ctx context.Context, name string, sink op.Sink) ([]string, error)
	StatusEnv(ctx context.Context, e *env.Environment) (*control.Status, error)
}

// Launches is bound to the front end: the launch dialog, the live panel's
// operations (their progress comes as run:event, run:progress and
// run:finished with action launch, terminate or clean-up), terminate, and
// the Launches view with its leftovers.
type Launches struct {
	s *shell

	mu        sync.Mutex
	leftovers []launch.Listed
}

func newLaunches(s *shell) *Launches { return &Launches{s: s} }

func (l *Launches) core() (launchCore, error) {
	c, ok := l.s.cores("window").(launchCore)
	if !ok {
		return nil, control.ErrCannotLaunch
	}
	return c, nil
}

// definition is the environment to act on, with its core.
func (l *Launches) definition(name string) (*env.Environment, launchCore, error) {
	c, err := l.core()
	if err != nil {
		return nil, nil, err
	}
	e, err := l.s.board.definition(name)
	if err != nil {
		return nil, nil, err
	}
	return e, c, nil
}

// Templates lists the environment's templates with their types priced in
// the region it acts on, and that account and region, for the dialog.
func (l *Launches) Templates(envName string) (*control.LaunchTemplates, error) {
	e, c, err := l.definition(envName)
	if err != nil {
		return nil, err
	}
	return c.LaunchTemplates(l.s.context(), e)
}

// Preview checks the launch in AWS (nothing is created) and says what it
// will be: account and region, stacks, AMI, type, volume, tags, DNS
// names, prices, lease. Launch with its ids (Preview.instances[].launch)
// to launch what was shown.
func (l *Launches) Preview(envName string, req control.LaunchRequest) (*launch.Preview, error) {
	e, c, err := l.definition(envName)
	if err != nil {
		return nil, err
	}
	return c.LaunchPreview(l.s.context(), e, req)
}

// Launch begins the launch and returns once it holds the environment (or
// why it could not: busy, pinned elsewhere, a bad request). Its progress
// follows as run:event / run:progress / run:finished (action launch); a
// notification says when it is ready or has failed and was cleaned up.
// Cancel (Environments.Cancel or Launches.Cancel) deletes its stacks.
func (l *Launches) Launch(envName string, req control.LaunchRequest) error {
	e, c, err := l.definition(envName)
	if err != nil {
		return err
	}
	return l.s.runs.run(e, op.Launch, func(ctx context.Context, sink op.Sink) error {
		res, err := c.Launch(ctx, e, req, sink)
		if res != nil { // it began: the environment has (or had) a new instance
			l.reread(ctx, c, e)
		}
		return err
	})
}

// Cancel cancels this app's operation on the environment (a launch's
// stacks are deleted before it ends).
func (l *Launches) Cancel(envName string) error { return l.s.runs.cancel(envName) }

// TerminateTarget names the instance Terminate would terminate and its
// stack, for the confirmation; an instance Cloud Control did not launch
// into the environment is refused here already, with why.
func (l *Launches) TerminateTarget(envName, instance string) (*launch.Target, error) {
	e, c, err := l.definition(envName)
	if err != nil {
		return nil, err
	}
	return c.TerminateTarget(l.s.context(), e, instance)
}

// Terminate begins terminating one instance Cloud Control launched into
// the environment (an id or a Name): its DNS record, then its stack.
// Progress as for Launch, with action terminate.
func (l *Launches) Terminate(envName, instance string) error {
	e, c, err := l.definition(envName)
	if err != nil {
		return err
	}
	return l.s.runs.run(e, op.Terminate, func(ctx context.Context, sink op.Sink) error {
		err := c.Terminate(ctx, e, instance, sink)
		if err == nil {
			l.reread(ctx, c, e)
		}
		return err
	})
}

// List is every stack Cloud Control launched in the account and region:
// the environment's, or with "" every environment's in the window's
// profile and region; leftovers flagged (and pushed as launches:leftovers).
func (l *Launches) List(envName string) (*control.LaunchList, error) {
	c, err := l.core()
	if err != nil {
		return nil, err
	}
	var e *env.Environment
	if envName != "" {
		if e, err = l.s.board.definition(envName); err != nil {
			return nil, err
		}
	}
	list, err := c.Launches(l.s.context(), e)
	if err != nil {
		return nil, err
	}
	if envName == "" {
		l.found(launch.Leftovers(list.Launches))
	}
	return list, nil
}

// CleanUp begins deleting the leftovers of one environment (the env of a
// listed leftover; its file may be gone), as one operation: action
// clean-up, progress as for Launch.
func (l *Launches) CleanUp(envName string) error {
	c, err := l.core()
	if err != nil {
		return err
	}
	e, err := l.s.board.definition(envName)
	if err != nil {
		e = &env.Environment{Name: envName} // a leftover of an environment whose file is gone
	}
	return l.s.runs.run(e, op.CleanUp, func(ctx context.Context, sink op.Sink) error {
		_, err := c.CleanUpNamed(ctx, envName, sink)
		l.found(nil)
		if _, lerr := l.List(""); lerr != nil {
			l.s.log.Warn("listing the launches after a clean-up", "err", lerr)
		}
		return err
	})
}

// Leftovers are the leftovers last found (at the app's start, or by List).
func (l *Launches) Leftovers() []launch.Listed {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]launch.Listed{}, l.leftovers...)
}

// found keeps and pushes the leftovers just found.
func (l *Launches) found(left []launch.Listed) {
	if left == nil {
		left = []launch.Listed{}
	}
	l.mu.Lock()
	l.leftovers = left
	l.mu.Unlock()
	l.s.plat.Emit(EventLeftovers, left)
}

// start looks once for what launches left behind (a crash mid-launch
// included), in the background, and says so when it finds any.
func (l *Launches) start(ctx context.Context) {
	l.s.wg.Add(1)
	go func() {
		defer l.s.wg.Done()
		ctx, cancel := context.WithTimeout(ctx, leftoverCheck)
		defer cancel()
		c, err := l.core()
		if err != nil {
			return
		}
		list, err := c.Launches(ctx, nil)
		if err != nil {
			l.s.log.Info("not looking for leftover launches", "reason", err)
			return
		}
		left := launch.Leftovers(list.Launches)
		if len(left) == 0 {
			return
		}
		l.found(left)
		names := make([]string, len(left))
		for i, x := range left {
			names[i] = x.Stack
		}
		l.s.plat.Notify(fmt.Sprintf("%d launch(es) left behind", len(left)),
			fmt.Sprintf("%s: open Launches to clean up", strings.Join(names, ", ")))
	}()
}

// reread resolves the environment again after a launch or terminate, so
// the dashboard shows the instance in its stage (or gone) at once.
func (l *Launches) reread(ctx context.Context, c launchCore, e *env.Environment) {
	ctx = context.WithoutCancel(ctx)
	began := time.Now()
	st, err := c.StatusEnv(ctx, e)
	l.s.board.setLive(e, st, err, began)
	l.s.board.publish()
}

// launchNotice words a finished launch, terminate or clean-up for a
// desktop notification; ok is false for a start or stop.
func launchNotice(p op.Progress) (title, body string, ok bool) {
	var ready, failed []string
	for _, x := range p.Launches {
		name := x.Name
		if name == "" {
			name = x.Stack
		}
		switch x.Outcome {
		case op.OutcomeDone:
			ready = append(ready, name)
		case op.OutcomeFailed, op.OutcomeCancelled:
			failed = append(failed, name)
		}
	}
	took := fmt.Sprintf("after %.0fs", p.Elapsed)
	switch {
	case p.Action == op.Launch && p.Outcome == op.OutcomeDone:
		return fmt.Sprintf("%s: %s ready", p.Env, strings.Join(ready, ", ")), "launched " + took, true
	case p.Action == op.Launch && p.Outcome == op.OutcomeCancelled:
		return fmt.Sprintf("%s: launch cancelled", p.Env), p.Message, true
	case p.Action == op.Launch:
		return fmt.Sprintf("%s: launch of %s failed", p.Env, strings.Join(failed, ", ")), p.Message, true
	case p.Action == op.Terminate && p.Outcome == op.OutcomeDone:
		return fmt.Sprintf("%s: %s terminated", p.Env, strings.Join(ready, ", ")), p.Message, true
	case p.Action == op.Terminate:
		return fmt.Sprintf("%s: terminate %s", p.Env, p.Outcome), p.Message, true
	case p.Action == op.CleanUp && p.Outcome == op.OutcomeDone:
		return fmt.Sprintf("%s: leftovers cleaned up", p.Env), p.Message, true
	case p.Action == op.CleanUp:
		return fmt.Sprintf("%s: clean-up %s", p.Env, p.Outcome), p.Message, true
	}
	return "", "", false
}
