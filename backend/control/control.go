// Package control is the one way in to the core for every front end: the
// command line, the window and the tray. It finds environments, connects to
// the account an environment names, builds plans and runs them under the
// per-environment lock, so that each front end stays a thin printer.
package control

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
	"cloudcontrol/backend/paths"
)

// Options configure a Service.
type Options struct {
	// Dirs are the environment folders, first wins on a name clash.
	Dirs []string
	// Paths are the app's own folders (locks live in Paths.Locks()).
	Paths paths.Dirs
	// Connect opens sessions; the shells build it around backend/aws.
	Connect Connector
	// Profile and Region are what the person asked this front end to use
	// (--profile, --region; "" for the defaults). An environment's file
	// may pin others: the operation is then refused, never overridden.
	Profile, Region string
	// Tick is the poll interval while waiting on AWS (default 1s).
	Tick time.Duration
	// Clock drives every wait; nil means the real clock.
	Clock clockwork.Clock
	// Client names the front end holding locks: "cli", "window", "tray".
	Client string
	Logger *slog.Logger
	// OnIdentity is told who a profile's credentials belong to the first time
	// a session of it answers (the profile list shows it "once used").
	OnIdentity func(profile string, id cloud.Identity)
	// History records every operation and observed instance run; nil: none.
	History Recorder
	// Location is local time for the overnight and weekend cost windows
	// (default time.Local).
	Location *time.Location
	// ReadTimeout bounds every read of AWS made without a run (a plan, a
	// status, a refresh, costs, who am I), all its calls together
	// (default DefaultReadTimeout); each call has its own bound too.
	ReadTimeout time.Duration
	// EstimateScale multiplies the plans' EC2 estimates: a front end that
	// runs its own sandbox at speed N sets 1/N (0 means 1).
	EstimateScale float64

	// settle, for tests on a fake clock, is given to every run's Runner.
	settle *orchestrate.Settle
}

// Connector opens a session on a profile and region; "" for either means
// the connector's own default (the active profile, the profile's region).
type Connector func(ctx context.Context, profile, region string) (Session, error)

// Session is what the service needs from a connection to one account. A
// session may offer more (cost.go, whoami.go look for it).
type Session interface {
	Fleet() cloud.Fleet
	Identity(ctx context.Context) (cloud.Identity, error)
	Region() string
	Profile() string
}

// Service is safe for concurrent use.
type Service struct {
	opts Options

	mu       sync.Mutex
	sessions map[string]Session
}

// New returns a service; nothing is read or connected until asked.
func New(o Options) *Service {
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Client == "" {
		o.Client = "cli"
	}
	if o.Connect == nil {
		o.Connect = func(context.Context, string, string) (Session, error) {
			return nil, errors.New("this front end cannot connect to AWS (no connector)")
		}
	}
	return &Service{opts: o, sessions: map[string]Session{}}
}

// Load reads every environment folder.
func (s *Service) Load() env.Set { return env.LoadDirs(s.opts.Dirs) }

// Environment returns the named environment, or an error that lists its
// file's problems, or the names that do exist.
func (s *Service) Environment(name string) (*env.Environment, error) {
	set := s.Load()
	if e := set.ByName(name); e != nil {
		if twins := twinsOf(e, set); len(twins) > 0 {
			return nil, &InvalidError{Problems: twins}
		}
		return e, nil
	}
	return nil, notFound(name, set, s.opts.Dirs)
}

// twinsOf finds the other files of e's own folder that define e's name.
// LoadDirs keeps the first file and reports the rest; across folders the
// first folder wins by design, but inside one folder nothing says which
// file was meant, so acting on either would be a guess.
func twinsOf(e *env.Environment, set env.Set) []env.Problem {
	dir := filepath.Dir(e.File)
	seen := map[string]bool{e.File: true}
	var out []env.Problem
	for _, p := range set.Problems {
		f := p.Pos.File
		if seen[f] || filepath.Dir(f) != dir {
			continue
		}
		seen[f] = true
		if other, _ := env.LoadFile(f); other != nil && other.Name == e.Name {
			out = append(out, env.Problem{Pos: other.NamePos, Message: fmt.Sprintf(
				"environment %q is also defined by %s in the same folder; rename one of them so it is clear which one to act on",
				e.Name, e.File)})
		}
	}
	return out
}

func notFound(name string, set env.Set, dirs []string) error {
	var own []env.Problem
	for _, p := range set.Problems {
		if baseName(p.Pos.File) == name {
			own = append(own, p)
		}
	}
	if len(own) > 0 {
		return &InvalidError{Problems: own}
	}
	var names []string
	for _, e := range set.Envs {
		names = append(names, e.Name)
	}
	if len(names) == 0 {
		return fmt.Errorf("no environment %q: no environment files found in %s", name, strings.Join(dirs, ", "))
	}
	return fmt.Errorf("no environment %q in %s (known: %s)", name, strings.Join(dirs, ", "), strings.Join(names, ", "))
}

// InvalidError carries the problems of a file or a plan, one per line; it is
// the same type Resolve returns, so callers check for one type.
type InvalidError = orchestrate.ProblemsError

// Target is the account and region an environment acts on.
type Target struct {
	Profile  string         `json:"profile,omitempty"`
	Region   string         `json:"region"`
	Identity cloud.Identity `json:"identity"`
}

// pinned is the profile and region an operation on e uses: what the file
// pins, else what the front end was asked for. A front end that asked for
// another than the pinned one is refused rather than silently overridden.
func (s *Service) pinned(e *env.Environment) (profile, region string, err error) {
	profile, region = s.opts.Profile, s.opts.Region
	if e.Profile != "" {
		if profile != "" && profile != e.Profile {
			return "", "", &PinError{Env: e.Name, Pin: PinProfile, Want: e.Profile, Got: profile}
		}
		profile = e.Profile
	}
	if e.Region != "" {
		if region != "" && region != e.Region {
			return "", "", &PinError{Env: e.Name, Pin: PinRegion, Want: e.Region, Got: region}
		}
		region = e.Region
	}
	return profile, region, nil
}

// connect opens (or reuses) the session the environment asks for and
// checks that its credentials belong to the pinned account.
func (s *Service) connect(ctx context.Context, e *env.Environment) (Session, Target, error) {
	profile, region, err := s.pinned(e)
	if err != nil {
		return nil, Target{}, err
	}
	key := profile + "\x00" + region
	s.mu.Lock()
	sess, ok := s.sessions[key]
	s.mu.Unlock()
	if !ok {
		if sess, err = s.opts.Connect(ctx, profile, region); err != nil {
			return nil, Target{}, err
		}
		s.mu.Lock()
		s.sessions[key] = sess
		s.mu.Unlock()
	}
	id, err := sess.Identity(ctx)
	if err != nil {
		return nil, Target{}, fmt.Errorf("checking who the credentials belong to: %w", err)
	}
	if !ok && s.opts.OnIdentity != nil {
		// A new session: the profile list shows which account it belongs to.
		s.opts.OnIdentity(sess.Profile(), id)
	}
	if e.Account != "" && id.Account != e.Account {
		return nil, Target{}, &PinError{Env: e.Name, Pin: PinAccount, Want: e.Account, Got: id.Account, Profile: sess.Profile()}
	}
	return sess, Target{Profile: sess.Profile(), Region: sess.Region(), Identity: id}, nil
}

// Prepared is an environment resolved against its account, ready to plan.
type Prepared struct {
	Env    *env.Environment
	Target Target
	Plan   *orchestrate.Plan

	resolved *orchestrate.Resolved // the instances as found, tags and all
}

// Plan resolves the environment's selectors and builds the plan for action.
func (s *Service) Plan(ctx context.Context, name string, action op.Action) (*Prepared, error) {
	e, err := s.Environment(name)
	if err != nil {
		return nil, err
	}
	return s.plan(ctx, e, action)
}

// resolve connects to the environment's account and finds its instances.
func (s *Service) resolve(ctx context.Context, e *env.Environment) (Session, Target, *orchestrate.Resolved, error) {
	sess, target, err := s.connect(ctx, e)
	if err != nil {
		return nil, Target{}, nil, err
	}
	res, err := orchestrate.Resolve(ctx, e, sess.Fleet(), target.Region)
	if err != nil {
		return nil, Target{}, nil, err
	}
	return sess, target, res, nil
}

func (s *Service) plan(ctx context.Context, e *env.Environment, action op.Action) (*Prepared, error) {
	var prep *Prepared
	err := s.Bounded(ctx, func(ctx context.Context) error {
		sess, target, err := s.connect(ctx, e)
		if err != nil {
			return err
		}
		if prep, err = s.planOn(ctx, e, action, sess, target); err != nil {
			return err
		}
		if action == op.Stop {
			// What env stop would refuse, said before it is run.
			for _, u := range s.inUse(ctx, prep.Plan) {
				prep.Plan.Warnings = append(prep.Plan.Warnings, fmt.Sprintf("%s: env stop refuses to stop it unless --force",
					usesText([]SharedUse{u})))
			}
		}
		s.runbookTiming(ctx, sess, target, prep) // runbook_timing.go
		return nil
	})
	return prep, err
}

// planOn resolves the environment with a session already checked against
// its pins: which stages are known ready (the usage history) and which
// instances other environments share go into the plan.
func (s *Service) planOn(ctx context.Context, e *env.Environment, action op.Action, sess Session, target Target) (*Prepared, error) {
	res, err := orchestrate.Resolve(ctx, e, sess.Fleet(), target.Region)
	if err != nil {
		return nil, err
	}
	opts := orchestrate.PlanOptions{Measured: s.measured(ctx, e.Name, action), EstimateScale: s.opts.EstimateScale,
		Shared: s.sharing(e, target, res)}
	if action == op.Start {
		opts.Settled = s.settled(ctx, e.Name)
	}
	p, err := orchestrate.NewPlan(e, action, res, opts)
	if err != nil {
		return nil, err
	}
	p.Profile, p.Region, p.Account, p.Caller = target.Profile, target.Region, target.Identity.Account, target.Identity.ARN
	return &Prepared{Env: e, Target: target, Plan: p, resolved: res}, nil
}

// Run plans and runs action on the environment under its lock (RunEnv).
func (s *Service) Run(ctx context.Context, name string, action op.Action, sink op.Sink) (*orchestrate.Result, error) {
	return s.RunWith(ctx, name, action, sink, RunOptions{})
}

// RunWith is Run with options (--force).
func (s *Service) RunWith(ctx context.Context, name string, action op.Action, sink op.Sink, o RunOptions) (*orchestrate.Result, error) {
	e, err := s.Environment(name)
	if err != nil {
		s.refused(sink, name, action, err)
		return nil, err
	}
	return s.RunEnvWith(ctx, e, action, sink, o)
}

func baseName(path string) string {
	b := path
	if i := strings.LastIndexAny(b, `/\`); i >= 0 {
		b = b[i+1:]
	}
	for _, ext := range []string{".yaml", ".yml"} {
		b = strings.TrimSuffix(b, ext)
	}
	return b
}
