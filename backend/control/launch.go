package control

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/launch"
	"cloudcontrol/backend/op"
)

// Launching runs like every other operation (Operate): op.Launch,
// op.Terminate and op.CleanUp, under the environment's lock, on a session
// checked against its pins, recorded in the usage history, every step an
// op.Event. The preview, the templates and the list of launches only read.

// LaunchRequest is what to launch (backend/launch).
type LaunchRequest = launch.Request

// ErrCannotLaunch is returned for a session without CloudFormation, Route
// 53, SSM and the EC2 describes (a test double, or another cloud).
var ErrCannotLaunch = errors.New("this connection cannot launch instances (it offers no CloudFormation)")

func launchCloudOf(sess Session) (launch.Cloud, error) {
	c, ok := sess.(launch.Cloud)
	if !ok {
		return nil, ErrCannotLaunch
	}
	return c, nil
}

// book is the price book (cache and built-in table); nil when it cannot be read.
func (s *Service) book() *cost.Book {
	b, err := cost.Default(s.opts.Paths.Cache)
	if err != nil {
		s.opts.Logger.Warn("the price book cannot be read", "err", err)
		return nil
	}
	return b
}

func (s *Service) prepareLaunch(ctx context.Context, e *env.Environment, req LaunchRequest, sess Session, target Target) (*launch.Plan, error) {
	c, err := launchCloudOf(sess)
	if err != nil {
		return nil, err
	}
	return launch.Prepare(ctx, launch.Input{Env: e, Request: req, Cloud: c, Region: target.Region, Account: target.Identity.Account,
		Profile: target.Profile, Caller: target.Identity.ARN, Now: s.opts.Clock.Now(), Book: s.book()})
}

// LaunchPreview is what launching req into e would do, checked in AWS
// (the preflight) but nothing created; the environment's pins apply.
func (s *Service) LaunchPreview(ctx context.Context, e *env.Environment, req LaunchRequest) (*launch.Preview, error) {
	var plan *launch.Plan
	err := s.Bounded(ctx, func(ctx context.Context) error { // a read of AWS without a run: bounds.go
		sess, target, err := s.connect(ctx, e)
		if err != nil {
			return err
		}
		plan, err = s.prepareLaunch(ctx, e, req, sess, target)
		return err
	})
	if err != nil {
		return nil, err
	}
	return plan.Preview, nil
}

func (s *Service) launcher(w *Work, c launch.Cloud, e *env.Environment, action op.Action) *launch.Launcher {
	return &launch.Launcher{Cloud: c, Region: w.Target.Region, Clock: s.opts.Clock, Tick: s.opts.Tick, Settle: s.opts.settle,
		Report: launch.NewReporter(e.Name, action, w.Sink, s.opts.Clock)}
}

// Launch launches req into e as one operation (op.Launch): the preflight
// again under the lock (so what is created is what is there now), then
// the stacks, followed until ready; whatever fails, times out or is
// cancelled is deleted. The result is nil when the launch never began (a
// refusal, a bad request: its one event is run-refused).
func (s *Service) Launch(ctx context.Context, e *env.Environment, req LaunchRequest, sink op.Sink) (*launch.Result, error) {
	var res *launch.Result
	err := s.Operate(ctx, Operation{Env: e, Action: op.Launch, Sink: sink}, func(ctx context.Context, w *Work) error {
		var plan *launch.Plan
		err := s.Bounded(ctx, func(ctx context.Context) (err error) { // the preflight's reads, as the preview's
			plan, err = s.prepareLaunch(ctx, e, req, w.Session, w.Target)
			return err
		})
		if err != nil {
			return err
		}
		c, _ := launchCloudOf(w.Session)
		w.Outline(op.Outline{Env: e.Name, Action: op.Launch})
		l := s.launcher(w, c, e, op.Launch)
		l.Ready = func(ctx context.Context, ready []launch.Launched) { s.leaseLaunched(ctx, w, e, l.Report, plan, ready) }
		res, err = l.Run(ctx, plan)
		if res != nil {
			w.Observed(res.Instances)
		}
		return err
	})
	return res, err
}

// leaseLaunched leases the instances that became ready for the
// template's ttl, counted from now (so the boot does not eat into it), as
// env lease does for some instances (LeaseOn): tagged, kept by the app,
// whose lease keeper stops those instances alone at the end (never the
// environment, and never through the deployed stop runbook, which would).
// It runs before the launch's run-done. A lease that cannot be set is
// said, and the launch stands: its instance is ready, and deleting it
// for a tag would lose more than it saves.
func (s *Service) leaseLaunched(ctx context.Context, w *Work, e *env.Environment, report *launch.Reporter, plan *launch.Plan, ready []launch.Launched) {
	l := plan.Preview.Lease
	if l == nil {
		return
	}
	insts := make([]cloud.Instance, len(ready))
	names := make([]string, len(ready))
	retry := "env lease " + e.Name + " " + l.TTL().String()
	for i, x := range ready {
		insts[i] = cloud.Instance{ID: x.Instance, Name: x.Name, Region: x.Region, Type: x.Type, State: cloud.Running}
		names[i] = op.Label(x.Instance, x.Name)
		retry += " --instance " + cmp.Or(x.Name, x.Instance)
	}
	res, err := s.LeaseOn(ctx, w, e, insts, LeaseRequest{For: l.TTL()})
	if err != nil {
		report.Emit(op.Event{Type: op.EventNote, Message: fmt.Sprintf("the ttl's lease of %s was not set, so nothing stops it after %s: %v (to lease it: %s)",
			strings.Join(names, ", "), l.TTL(), err, retry)})
		return
	}
	report.Emit(op.Event{Type: op.EventChangeApplied, Message: fmt.Sprintf("tagged %s with the lease until %s (a ttl of %s)",
		strings.Join(names, ", "), res.Until.Format(time.RFC3339), l.TTL())})
	report.Emit(op.Event{Type: op.EventNote, Message: res.Message})
}

// Terminate terminates one instance Cloud Control launched into e (an id
// or a Name) as one operation (op.Terminate): its DNS record, then its
// stack, waited for. Any other instance is refused, nothing done
// (*launch.NotLaunchedError).
func (s *Service) Terminate(ctx context.Context, e *env.Environment, instance string, sink op.Sink) error {
	return s.Operate(ctx, Operation{Env: e, Action: op.Terminate, Sink: sink}, func(ctx context.Context, w *Work) error {
		c, err := launchCloudOf(w.Session)
		if err != nil {
			return err
		}
		l := s.launcher(w, c, e, op.Terminate)
		tg, err := l.FindTarget(ctx, e.Name, instance)
		if err != nil {
			return err
		}
		w.Outline(op.Outline{Env: e.Name, Action: op.Terminate})
		err = l.Terminate(ctx, tg)
		if err == nil {
			gone := tg.Instance
			gone.State = cloud.Terminated
			w.Observed([]cloud.Instance{gone})
		}
		return err
	})
}

// LaunchList is what Cloud Control launched in an account and region.
type LaunchList struct {
	Target Target `json:"target"`
	// Env is the environment listed ("" for all of them).
	Env      string          `json:"env,omitempty"`
	Launches []launch.Listed `json:"launches"`
	// Leftovers counts the launches that are left behind.
	Leftovers int `json:"leftovers"`
}

// Launches lists every stack Cloud Control launched in the account and
// region: e's (its pins apply), or with e nil every environment's in the
// front end's profile and region. A stack whose launch was interrupted on
// this machine (its program stopped before it was ready) is a leftover too.
func (s *Service) Launches(ctx context.Context, e *env.Environment) (*LaunchList, error) {
	var (
		all    []launch.Listed
		target Target
		name   string
	)
	err := s.Bounded(ctx, func(ctx context.Context) error { // a read of AWS without a run: bounds.go
		sess, t, n, err := s.connectFor(ctx, e)
		if err != nil {
			return err
		}
		target, name = t, n
		c, err := launchCloudOf(sess)
		if err != nil {
			return err
		}
		all, err = launch.List(ctx, c, target.Region, launch.ListOptions{Env: name, Abandoned: s.abandoned(ctx), Book: s.book()})
		return err
	})
	if err != nil {
		return nil, err
	}
	if all == nil {
		all = []launch.Listed{}
	}
	return &LaunchList{Target: target, Env: name, Launches: all, Leftovers: len(launch.Leftovers(all))}, nil
}

// connectFor connects for e, or for the front end's own profile and region.
func (s *Service) connectFor(ctx context.Context, e *env.Environment) (Session, Target, string, error) {
	if e != nil {
		sess, target, err := s.connect(ctx, e)
		return sess, target, e.Name, err
	}
	sess, target, err := s.connect(ctx, &env.Environment{Name: "the active profile"})
	return sess, target, "", err
}

// CleanUp deletes the leftovers of e (with e nil: of every environment,
// in the front end's profile and region), each environment's as one
// operation (op.CleanUp) under its lock, and returns what remains. An
// environment whose file is gone is cleaned up under its name.
func (s *Service) CleanUp(ctx context.Context, e *env.Environment, sink op.Sink) ([]string, error) {
	list, err := s.Launches(ctx, e)
	if err != nil {
		return nil, err
	}
	return s.cleanUp(ctx, list, e, "", sink)
}

// CleanUpNamed deletes the leftovers launched into the environment of that
// name in the front end's profile and region (its file may be gone).
func (s *Service) CleanUpNamed(ctx context.Context, name string, sink op.Sink) ([]string, error) {
	list, err := s.Launches(ctx, nil)
	if err != nil {
		return nil, err
	}
	return s.cleanUp(ctx, list, nil, name, sink)
}

// cleanUp deletes list's leftovers (only's, when given), grouped by
// environment, one operation each.
func (s *Service) cleanUp(ctx context.Context, list *LaunchList, e *env.Environment, only string, sink op.Sink) ([]string, error) {
	byEnv := map[string][]launch.Listed{}
	var names []string
	for _, x := range launch.Leftovers(list.Launches) {
		if only != "" && x.Env != only {
			continue
		}
		if _, ok := byEnv[x.Env]; !ok {
			names = append(names, x.Env)
		}
		byEnv[x.Env] = append(byEnv[x.Env], x)
	}
	slices.Sort(names)
	var remains []string
	var errs []error
	for _, name := range names {
		target := e
		if target == nil {
			target = s.cleanupEnv(name, list.Target)
		}
		err := s.Operate(ctx, Operation{Env: target, Action: op.CleanUp, Sink: sink}, func(ctx context.Context, w *Work) error {
			c, err := launchCloudOf(w.Session)
			if err != nil {
				return err
			}
			w.Outline(op.Outline{Env: target.Name, Action: op.CleanUp})
			left, err := s.launcher(w, c, target, op.CleanUp).Clean(ctx, byEnv[name])
			remains = append(remains, left...)
			return err
		})
		if err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return remains, errors.Join(errs...)
}

// cleanupEnv is the environment a leftover is cleaned up under: its file's
// when that pins nothing else than where the list was made, else one of
// that name pinned to where the list was made.
func (s *Service) cleanupEnv(name string, at Target) *env.Environment {
	if e := s.Load().ByName(name); e != nil && (e.Region == "" || e.Region == at.Region) && (e.Profile == "" || e.Profile == at.Profile) {
		return e
	}
	return &env.Environment{Name: name, Region: at.Region}
}

// abandoned says whether a stack's launch was interrupted on this
// machine: the usage history has a launch of its environment begun just
// before the stack was created that never ended (running, or closed as
// interrupted), and no live process holds the environment for a launch.
func (s *Service) abandoned(ctx context.Context) func(cloud.Stack) bool {
	return func(st cloud.Stack) bool {
		name := st.Tags[cloud.TagEnv]
		if s.opts.History == nil || name == "" {
			return false
		}
		if h := s.Holder(name); h != nil && h.Action == string(op.Launch) && holderAlive(h.Host, h.PID) {
			return false // being launched right now
		}
		ops, err := s.opts.History.Operations(ctx, name, st.Created.Add(-10*time.Minute), st.Created.Add(time.Minute))
		if err != nil {
			s.opts.Logger.Warn("usage history: looking for the launch of a stack", "stack", st.Name, "err", err)
			return false
		}
		for _, o := range ops { // newest first: the launch begun last before the stack
			if o.Action != string(op.Launch) || o.Started.After(st.Created) {
				continue
			}
			return o.Result == string(op.OutcomeRunning) || o.Result == string(op.OutcomeInterrupted)
		}
		return false
	}
}

// holderAlive: a lock holder's process still runs (a crashed one leaves
// its record behind). A holder on another host, or a process that cannot
// be asked, counts as alive.
func holderAlive(host string, pid int) bool {
	if h, err := os.Hostname(); err != nil || h != host || pid <= 0 {
		return true
	}
	return processAlive(pid)
}

// LaunchTemplates is what the launch dialog offers for an environment.
type LaunchTemplates struct {
	Env       string         `json:"env"`
	Target    Target         `json:"target"`
	Templates []TemplateView `json:"templates"`
}

// TemplateView is one template with its types priced in the region.
type TemplateView struct {
	Name        string             `json:"name"`
	Description string             `json:"description,omitempty"`
	Stage       string             `json:"stage"`
	AMI         string             `json:"ami"`
	Types       []launch.TypePrice `json:"types"`
	// Tokens are the script's tokens with their defaults ("" when none).
	Tokens     []launch.TokenValue `json:"tokens"`
	Volume     *env.Volume         `json:"volume,omitempty"`
	TTLSeconds float64             `json:"ttlSeconds,omitempty"`
	DNSZone    string              `json:"dnsZone,omitempty"`
	// TimeoutSeconds runs from CreateStack until ready.
	TimeoutSeconds float64 `json:"timeoutSeconds"`
	// Problem is why the template cannot be launched as it is (its script
	// cannot be read); "" when it can.
	Problem string `json:"problem,omitempty"`
}

// LaunchTemplates lists e's templates with their types' prices in the
// region it acts on (one STS call for the account and region; prices from
// the cache and the built-in table).
func (s *Service) LaunchTemplates(ctx context.Context, e *env.Environment) (*LaunchTemplates, error) {
	var target Target
	err := s.Bounded(ctx, func(ctx context.Context) (err error) { // the STS call: bounds.go
		_, target, err = s.connect(ctx, e)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &LaunchTemplates{Env: e.Name, Target: target, Templates: []TemplateView{}}
	if e.Launch == nil {
		return out, nil
	}
	b := s.book()
	for _, t := range e.Launch.Templates {
		v := TemplateView{Name: t.Name, Description: t.Description, Stage: t.Stage, AMI: t.AMI, Volume: t.Volume,
			TTLSeconds: t.TTL.D().Seconds(), TimeoutSeconds: t.Timeout.D().Seconds(), Tokens: []launch.TokenValue{}}
		if t.DNS != nil {
			v.DNSZone = t.DNS.Zone
		}
		for _, typ := range t.Types {
			tp := launch.TypePrice{Type: typ}
			if b != nil {
				tp.Hourly = b.Instance(target.Region, typ, false)
			}
			v.Types = append(v.Types, tp)
		}
		if t.UserDataFile != "" {
			script, err := env.ReadSibling(t.UserDataFile, env.MaxUserDataFile)
			if err != nil {
				v.Problem = fmt.Sprintf("user-data %s %v", t.UserData, err)
			}
			for _, name := range env.ScriptTokens(script) {
				v.Tokens = append(v.Tokens, launch.TokenValue{Name: name, Value: t.Tokens[name]})
			}
		}
		out.Templates = append(out.Templates, v)
	}
	return out, nil
}

// TerminateTarget is the instance Terminate would terminate and its stack,
// read without the lock (for the confirmation that names it); an
// instance Cloud Control did not launch into e is a *launch.NotLaunchedError.
func (s *Service) TerminateTarget(ctx context.Context, e *env.Environment, instance string) (*launch.Target, error) {
	var tg *launch.Target
	err := s.Bounded(ctx, func(ctx context.Context) error { // a read of AWS without a run: bounds.go
		sess, target, err := s.connect(ctx, e)
		if err != nil {
			return err
		}
		c, err := launchCloudOf(sess)
		if err != nil {
			return err
		}
		l := &launch.Launcher{Cloud: c, Region: target.Region, Clock: s.opts.Clock}
		tg, err = l.FindTarget(ctx, e.Name, instance)
		return err
	})
	return tg, err
}
