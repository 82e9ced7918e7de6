package desktop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
)

// board is the dashboard's state: the definitions the watcher reported,
// the live (or last known) state of each environment, who holds each
// lock and this app's runs. Every change goes out as one EventEnvs.
type board struct {
	plat Platform

	mu     sync.Mutex
	snap   env.Snapshot
	live   map[string]*liveState
	busy   map[string]*lock.Holder
	runs   map[string]*op.Progress
	others map[string]*otherRun // another process's run, as the usage history has it
	// dismissed: the person dismissed the last run's "needs attention"
	// (until the next run).
	dismissed map[string]bool
	// observed are the instance states this app's runs saw, by
	// environment and id, with when: newer than a read, they win over it.
	observed map[string]map[string]observation
	sent     []byte            // the last EventEnvs payload, to send only changes
	listen   []func([]EnvView) // the tray
}

// observation is an instance state a run saw, and when.
type observation struct {
	state string
	at    time.Time
}

// otherRun is a start or stop another process (a terminal) runs or ran,
// folded from the usage history's record of it.
type otherRun struct {
	op       int64 // its id in the usage history
	progress op.Progress
}

// liveState is one environment's state as AWS last showed it.
type liveState struct {
	Status *control.Status `json:"status"`
	Live   bool            `json:"-"` // false: read from the cache file
	Error  string          `json:"-"`
	// def is the definition Status was resolved for; a changed file
	// resolves again. reads counts refreshes since.
	def   *env.Environment
	reads int
	// basis is when the instances shown were resolved (a refresh re-reads
	// the states of the ones it had): a read on an older basis that ends
	// later (a refresh overtaken by a launch's reread) is older news.
	basis time.Time
}

func newBoard(p Platform) *board {
	return &board{plat: p, live: map[string]*liveState{}, busy: map[string]*lock.Holder{}, runs: map[string]*op.Progress{},
		others: map[string]*otherRun{}, dismissed: map[string]bool{}, observed: map[string]map[string]observation{}}
}

// definition is what Plan, Start and Stop act on: the file's current
// version, else the last good version of a file broken now.
func (b *board) definition(name string) (*env.Environment, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e := b.snap.ByName(name); e != nil {
		return e, nil
	}
	for _, e := range b.snap.LastGood {
		if e.Name == name {
			return e, nil
		}
	}
	var own []env.Problem
	for _, p := range b.snap.Problems {
		if invalidName(p.Pos.File) == name {
			own = append(own, p)
		}
	}
	if len(own) > 0 {
		return nil, &control.InvalidError{Problems: own}
	}
	return nil, fmt.Errorf("no environment %q in the watched folders", name)
}

// usable lists every definition that can be acted on, by name.
func (b *board) usable() []*env.Environment {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := slices.Clone(b.snap.Envs)
	for _, e := range b.snap.LastGood {
		if b.snap.ByName(e.Name) == nil {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, c *env.Environment) int { return strings.Compare(a.Name, c.Name) })
	return out
}

func (b *board) setSnapshot(s env.Snapshot) {
	b.mu.Lock()
	b.snap = s
	b.mu.Unlock()
	b.publish()
}

// views builds the dashboard: environments by name, then broken files
// that never parsed.
func (b *board) views() []EnvView {
	b.mu.Lock()
	defer b.mu.Unlock()
	byFile := map[string][]env.Problem{}
	var files []string
	for _, p := range b.snap.Problems {
		if _, ok := byFile[p.Pos.File]; !ok {
			files = append(files, p.Pos.File)
		}
		byFile[p.Pos.File] = append(byFile[p.Pos.File], p)
	}
	out := []EnvView{}
	for _, e := range b.snap.Envs {
		out = append(out, b.view(e, nil))
	}
	var invalid []EnvView
	for _, f := range files {
		if e := b.snap.LastGood[f]; e != nil && b.snap.ByName(e.Name) == nil {
			out = append(out, b.view(e, byFile[f]))
			continue
		}
		invalid = append(invalid, EnvView{Name: invalidName(f), File: f, State: op.StateInvalid, InstanceState: op.StateUnknown,
			Problems: problemViews(byFile[f]), Stages: []StageView{}, Templates: []string{}})
	}
	slices.SortFunc(out, func(a, c EnvView) int { return strings.Compare(a.Name, c.Name) })
	return append(out, invalid...)
}

func (b *board) view(e *env.Environment, problems []env.Problem) EnvView {
	v := EnvView{Name: e.Name, File: e.File, Description: e.Description, Region: e.Region, Profile: e.Profile,
		Account: e.Account, State: op.StateUnknown, InstanceState: op.StateUnknown, Usable: true,
		Problems: problemViews(problems), Busy: b.busy[e.Name], Stages: []StageView{}, Templates: []string{}}
	if e.Launch != nil {
		for _, t := range e.Launch.Templates {
			v.Templates = append(v.Templates, t.Name)
		}
	}
	ls := b.live[e.Name]
	run := b.runOf(e.Name)
	if (run == nil || run.Finished()) && v.Busy != nil && ls != nil && ls.Live && ls.Status != nil && ls.Status.Progress != nil {
		// Another process's start or stop, as far as the usage history has it.
		run = ls.Status.Progress
	}
	// The last run's "needs attention" lasts until the next run or until dismissed.
	attention := run
	if run != nil && run.Finished() && b.dismissed[e.Name] {
		attention = nil
	}
	stageLive := map[string]control.StageStatus{}
	if ls != nil && ls.Status != nil {
		v.InstanceState = control.InstanceState(ls.Status.Instances())
		v.Live, v.Error, v.CheckedAt, v.Who = ls.Live, ls.Error, ls.Status.Checked, ls.Status.Who
		if v.Region == "" {
			v.Region = ls.Status.Target.Region
		}
		if v.Account == "" {
			v.Account = ls.Status.Target.Identity.Account
		}
		for _, st := range ls.Status.Stages {
			stageLive[st.Name] = st
		}
	} else if ls != nil {
		v.Error = ls.Error
	}
	v.State = control.StateOf(v.InstanceState, v.Busy, attention)
	for _, st := range e.Stages {
		sv := StageView{Name: st.Name, After: append([]string{}, st.After...), Gates: orchestrate.StartGates(st.Ready),
			State: control.StageStateOf(op.StateUnknown, run, st.Name), Instances: []cloud.Instance{}}
		if l, ok := stageLive[st.Name]; ok {
			sv.State, sv.Instances = control.StageStateOf(control.InstanceState(l.Instances), run, st.Name), l.Instances
		}
		v.Stages = append(v.Stages, sv)
	}
	return v
}

// runOf is the environment's latest run this board knows of: this app's,
// or another process's when that one began later.
func (b *board) runOf(name string) *op.Progress {
	run := b.runs[name]
	if o := b.others[name]; o != nil && (run == nil || o.progress.Started.After(run.Started)) {
		run = &o.progress
	}
	return run
}

// invalidName names a file that never parsed: its base name, as the
// environment it would define by default.
func invalidName(file string) string {
	base := filepath.Base(file)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// publish sends the dashboard when it differs from what was sent last.
func (b *board) publish() {
	views := b.views()
	data, err := json.Marshal(views)
	if err != nil {
		return // cannot happen for these types
	}
	b.mu.Lock()
	same := bytes.Equal(data, b.sent)
	b.sent = data
	listen := slices.Clone(b.listen)
	b.mu.Unlock()
	if same {
		return
	}
	b.plat.Emit(EventEnvs, views)
	for _, f := range listen {
		f(views)
	}
}

func (b *board) onChange(f func([]EnvView)) {
	b.mu.Lock()
	b.listen = append(b.listen, f)
	b.mu.Unlock()
}

// liveOf returns the status read live for name, the definition it was
// resolved for and how many refreshes it has had.
func (b *board) liveOf(name string) (*control.Status, *env.Environment, int, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ls := b.live[name]
	if ls == nil || !ls.Live {
		return nil, nil, 0, time.Time{}
	}
	return ls.Status, ls.def, ls.reads, ls.basis
}

// setLive records a refresh begun at began; a failed one keeps the state
// it had, marked with the reason in words. An instance state a run of this
// app saw after the read began wins over what the read returned.
func (b *board) setLive(e *env.Environment, st *control.Status, err error, began time.Time) {
	b.setRead(e, st, err, began, began)
}

// setRead is setLive for a read whose instances were resolved at basis
// (before began when it re-read a status it had): it is dropped if the one
// shown was resolved later.
func (b *board) setRead(e *env.Environment, st *control.Status, err error, began, basis time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ls := b.live[e.Name]
	if ls == nil {
		ls = &liveState{}
		b.live[e.Name] = ls
	}
	if basis.Before(ls.basis) {
		return // overtaken: instances resolved later are shown
	}
	ls.basis = basis
	if err != nil {
		ls.Error = reason(err)
		return
	}
	for id, o := range b.observed[e.Name] {
		if o.at.After(began) {
			st = st.Observed(id, o.state)
		} else {
			delete(b.observed[e.Name], id) // the read is newer
		}
	}
	if !sameDefinition(ls.def, e) {
		ls.reads = 0
	}
	ls.Status, ls.Live, ls.Error, ls.def = st, true, "", e
	ls.reads++
}

// seed fills the dashboard from the last-known-state cache.
func (b *board) seed(cached map[string]*control.Status) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for name, st := range cached {
		if _, ok := b.live[name]; !ok && st != nil {
			b.live[name] = &liveState{Status: st}
		}
	}
}

func (b *board) statuses() map[string]*control.Status {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string]*control.Status{}
	for name, ls := range b.live {
		if ls.Status != nil {
			out[name] = ls.Status
		}
	}
	return out
}

func (b *board) setBusy(who func(name string) *lock.Holder) {
	names := map[string]bool{}
	for _, e := range b.usable() {
		names[e.Name] = true
	}
	holders := map[string]*lock.Holder{}
	for n := range names {
		if h := who(n); h != nil {
			holders[n] = h
		}
	}
	b.mu.Lock()
	b.busy = holders
	b.mu.Unlock()
}

// transitioning reports whether any environment is starting or stopping,
// or held by a start or stop.
func (b *board) transitioning() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, h := range b.busy {
		if h != nil && (h.Action == string(op.Start) || h.Action == string(op.Stop)) {
			return true
		}
	}
	for _, ls := range b.live {
		if ls.Status != nil && ls.Live && (ls.Status.State == op.StateStarting || ls.Status.State == op.StateStopping) {
			return true
		}
	}
	return false
}

// instanceState applies a state a run observed, so the dashboard moves
// with the run rather than at the next refresh.
func (b *board) instanceState(envName, id, state string) {
	b.mu.Lock()
	if ls := b.live[envName]; ls != nil && ls.Status != nil {
		ls.Status = ls.Status.Observed(id, state)
	}
	if b.observed[envName] == nil {
		b.observed[envName] = map[string]observation{}
	}
	b.observed[envName][id] = observation{state: state, at: time.Now()}
	b.mu.Unlock()
	b.publish()
}

// setRun keeps this app's latest progress of a run; the dashboard is sent
// again only when what it shows of the run (the states) may have changed.
func (b *board) setRun(p op.Progress) {
	b.mu.Lock()
	prev := b.runs[p.Env]
	b.runs[p.Env] = &p
	if p.Outcome == op.OutcomeRunning && (prev == nil || !prev.Started.Equal(p.Started)) {
		delete(b.dismissed, p.Env) // a new run: its own outcome counts
	}
	b.mu.Unlock()
	if prev == nil || prev.Outcome != p.Outcome || !slices.EqualFunc(prev.Stages, p.Stages, func(a, c op.StageProgress) bool {
		return a.Name == c.Name && a.State == c.State
	}) {
		b.publish()
	}
}

// dismiss ends the last run's "needs attention" for the environment, until
// its next run.
func (b *board) dismiss(name string) error {
	b.mu.Lock()
	run := b.runOf(name)
	if !control.NeedsAttention(run) {
		b.mu.Unlock()
		return fmt.Errorf("%s has no failed or cancelled run to dismiss", name)
	}
	b.dismissed[name] = true
	b.mu.Unlock()
	b.publish()
	return nil
}

// setOther keeps another process's run (folded from the usage history,
// operation id opID) and reports whether it changed.
func (b *board) setOther(opID int64, p op.Progress) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	prev := b.others[p.Env]
	if prev != nil && prev.op == opID && prev.progress.Events == p.Events && prev.progress.Outcome == p.Outcome {
		return false
	}
	if prev == nil || prev.op != opID {
		delete(b.dismissed, p.Env)
	}
	b.others[p.Env] = &otherRun{op: opID, progress: p}
	return true
}

// instance is one instance of the environment as last read, with the
// account it is in.
func (b *board) instance(name, id string) (cloud.Instance, string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ls := b.live[name]
	if ls == nil || ls.Status == nil {
		return cloud.Instance{}, "", false
	}
	for _, in := range ls.Status.Instances() {
		if in.ID == id {
			if in.Region == "" {
				in.Region = ls.Status.Target.Region
			}
			return in, ls.Status.Target.Identity.Account, true
		}
	}
	return cloud.Instance{}, "", false
}

// knownFile reports whether path is a file of the watched folders: an
// environment's, a last good version's, or a broken one's.
func (b *board) knownFile(path string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.snap.Envs {
		if e.File == path {
			return true
		}
	}
	for f := range b.snap.LastGood {
		if f == path {
			return true
		}
	}
	for _, p := range b.snap.Problems {
		if p.Pos.File == path {
			return true
		}
	}
	return false
}

// holder is who holds name's lock, as the last look at the locks said.
func (b *board) holder(name string) *lock.Holder {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.busy[name]
}

// latest is a copy of the environment's latest run, nil without one.
func (b *board) latest(name string) *op.Progress {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r := b.runOf(name); r != nil {
		c := *r
		return &c
	}
	return nil
}

// other is another process's run of the environment that this board
// follows, and its history id.
func (b *board) other(name string) (op.Progress, int64, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	o := b.others[name]
	if o == nil {
		return op.Progress{}, 0, false
	}
	return o.progress, o.op, true
}

// runViews are the current or last run of each environment, by name:
// this app's, or another process's that began later.
func (b *board) runViews() []op.Progress {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]op.Progress, 0, len(b.runs)+len(b.others))
	seen := map[string]bool{}
	for name := range b.runs {
		seen[name] = true
		out = append(out, *b.runOf(name))
	}
	for name := range b.others {
		if !seen[name] {
			out = append(out, *b.runOf(name))
		}
	}
	slices.SortFunc(out, func(a, c op.Progress) int { return strings.Compare(a.Env, c.Env) })
	return out
}
