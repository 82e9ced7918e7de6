package sandbox

import (
	"time"

	"github.com/jonboulle/clockwork"
)

// What runs in AWS without the laptop - Run Command invocations, Automation
// executions, EventBridge schedules - is a set of actors on the sandbox
// clock. Each says when it next has something to do (due) and does it at
// exactly that time (act), so their effects are a function of time like an
// instance's state: runAgenda plays every due act in time order up to now
// before any request is answered (and a timer does it when nobody asks),
// and an act that happened a moment before a request was read happened at
// its own time, not the request's.

// actor is one thing on the agenda.
type actor interface {
	// due is when it next acts; zero when it has nothing more to do.
	due() time.Time
	// act does what is due at at (never before due()).
	act(sb *Sandbox, at time.Time)
}

// awsState is the sandbox's SSM (Run Command, documents, Automation),
// EventBridge Scheduler and IAM. Guarded by Sandbox.mu.
type awsState struct {
	roles    map[string]*role                     // IAM (global), by name
	commands []*command                           // Run Command, every region's, oldest first
	docs     map[string]map[string]*document      // region -> name
	execs    []*execution                         // Automation, oldest first
	groups   map[string]map[string]*scheduleGroup // region -> name
	agenda   []actor                              // in the order they were added
	timer    clockwork.Timer
	timerAt  time.Time
	seq      int // for ids
}

// schedule puts a on the agenda. Called with sb.mu held.
func (sb *Sandbox) enlist(a actor) { sb.aws.agenda = append(sb.aws.agenda, a) }

// maxActs bounds one runAgenda: a runaway actor (one that is always due)
// must not hang the sandbox.
const maxActs = 1_000_000

// runAgenda plays every act due by now, earliest first (ties in the order
// the actors were enlisted), then arms a timer for the next one. Called
// with sb.mu held.
func (sb *Sandbox) runAgenda(now time.Time) {
	for range maxActs {
		var next actor
		var at time.Time
		for _, a := range sb.aws.agenda {
			if d := a.due(); !d.IsZero() && (next == nil || d.Before(at)) {
				next, at = a, d
			}
		}
		if next == nil || at.After(now) {
			break
		}
		sb.advanceStacks(at)
		next.act(sb, at)
	}
	// Actors with nothing more to do leave the agenda.
	kept := sb.aws.agenda[:0]
	for _, a := range sb.aws.agenda {
		if !a.due().IsZero() {
			kept = append(kept, a)
		}
	}
	clear(sb.aws.agenda[len(kept):])
	sb.aws.agenda = kept
	sb.armAgenda(now)
}

// armAgenda sets the one timer that wakes the agenda for its next act.
func (sb *Sandbox) armAgenda(now time.Time) {
	var next time.Time
	for _, a := range sb.aws.agenda {
		if d := a.due(); !d.IsZero() && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	if sb.closed || next.Equal(sb.aws.timerAt) && sb.aws.timer != nil {
		return
	}
	if sb.aws.timer != nil {
		sb.aws.timer.Stop()
		sb.aws.timer = nil
	}
	sb.aws.timerAt = next
	if next.IsZero() {
		return
	}
	sb.aws.timer = sb.clock.AfterFunc(max(next.Sub(now), 0), func() {
		sb.mu.Lock()
		defer sb.mu.Unlock()
		sb.aws.timer, sb.aws.timerAt = nil, time.Time{}
		sb.runAgenda(sb.clock.Now())
	})
}

// syncAgenda is runAgenda to the clock, taking the lock: every request
// sees what ran before it.
func (sb *Sandbox) syncAgenda() {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	sb.runAgenda(sb.clock.Now())
}

// nextID numbers the ids the sandbox makes up, so they differ and stay
// stable across runs of the same calls. Called with sb.mu held.
func (sb *Sandbox) nextID() int {
	sb.aws.seq++
	return sb.aws.seq
}
