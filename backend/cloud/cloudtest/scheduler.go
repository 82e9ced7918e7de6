package cloudtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/schedule"
)

// Scheduler is an in-memory EventBridge Scheduler (cloud.Schedules) that
// fires its schedules on the clock, as AWS does: at() once at its time,
// cron() and rate() at each run; a schedule with DeleteAfter deletes
// itself once it has run (ActionAfterCompletion DELETE). Firing happens
// whenever the scheduler is called or asked to Fire, for every run due
// since the last time; each run goes to Target.
type Scheduler struct {
	recorder

	mu     sync.Mutex
	clock  clockwork.Clock
	groups map[string]map[string]string // region/group -> tags
	scheds map[string]*entry            // region/group/name
	fired  []Fired
	// Target is handed every run (a test starts the automation with it).
	Target func(s cloud.Schedule, at time.Time)
}

type entry struct {
	s    cloud.Schedule
	sch  *schedule.Schedule
	last time.Time // runs up to here are done
}

// Fired is one run of a schedule.
type Fired struct {
	Schedule cloud.Schedule
	At       time.Time
}

// NewScheduler is an empty scheduler on clock.
func NewScheduler(clock clockwork.Clock) *Scheduler {
	return &Scheduler{clock: clock, groups: map[string]map[string]string{}, scheds: map[string]*entry{}}
}

func groupKey(region, group string) string       { return region + "/" + group }
func schedKey(region, group, name string) string { return region + "/" + group + "/" + name }

// Fire runs every schedule that is due and returns every run so far.
func (s *Scheduler) Fire() []Fired {
	s.fire()
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.fired)
}

// fire runs what is due since the last look, in time order, outside the lock.
func (s *Scheduler) fire() {
	now := s.clock.Now()
	s.mu.Lock()
	var due []Fired
	for _, k := range slices.Sorted(maps.Keys(s.scheds)) {
		e := s.scheds[k]
		if e.s.State == "DISABLED" {
			e.last = now
			continue
		}
		for t := e.sch.Next(e.last); !t.IsZero() && !t.After(now); t = e.sch.Next(t) {
			due = append(due, Fired{Schedule: e.s, At: t})
			e.last = t
			if e.s.DeleteAfter {
				delete(s.scheds, k)
				break
			}
		}
	}
	slices.SortStableFunc(due, func(a, b Fired) int { return a.At.Compare(b.At) })
	s.fired = append(s.fired, due...)
	target := s.Target
	s.mu.Unlock()
	if target != nil {
		for _, f := range due {
			target(f.Schedule, f.At)
		}
	}
}

// call records a call, fires what is due and returns the call's fault.
func (s *Scheduler) call(method, region string, names ...string) error {
	err := s.begin(method, region, s.clock.Now(), names...)
	s.fire()
	return err
}

// GroupExists reports whether the group is there.
func (s *Scheduler) GroupExists(ctx context.Context, region, group string) (bool, error) {
	if err := s.call("GroupExists", region, group); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.groups[groupKey(region, group)]
	return ok, nil
}

// CreateGroup makes a group with its tags.
func (s *Scheduler) CreateGroup(ctx context.Context, region, group string, tags map[string]string) error {
	if err := s.call("CreateGroup", region, group); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.groups[groupKey(region, group)]; ok {
		return &APIError{Code: "ConflictException", Message: "Schedule group " + group + " already exists."}
	}
	t := maps.Clone(tags)
	if t == nil {
		t = map[string]string{}
	}
	s.groups[groupKey(region, group)] = t
	return nil
}

// GroupTags returns the group's tags.
func (s *Scheduler) GroupTags(ctx context.Context, region, group string) (map[string]string, error) {
	if err := s.call("GroupTags", region, group); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.groups[groupKey(region, group)]
	if !ok {
		return nil, fmt.Errorf("schedule group %s: %w", group, cloud.ErrNotFound)
	}
	return maps.Clone(t), nil
}

// DeleteGroup deletes the group and every schedule in it, as AWS does.
func (s *Scheduler) DeleteGroup(ctx context.Context, region, group string) error {
	if err := s.call("DeleteGroup", region, group); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.groups[groupKey(region, group)]; !ok {
		return fmt.Errorf("schedule group %s: %w", group, cloud.ErrNotFound)
	}
	delete(s.groups, groupKey(region, group))
	prefix := groupKey(region, group) + "/"
	for k := range s.scheds {
		if strings.HasPrefix(k, prefix) {
			delete(s.scheds, k)
		}
	}
	return nil
}

// GetSchedule returns a schedule.
func (s *Scheduler) GetSchedule(ctx context.Context, region, group, name string) (*cloud.Schedule, error) {
	if err := s.call("GetSchedule", region, group+"/"+name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.scheds[schedKey(region, group, name)]
	if !ok {
		return nil, fmt.Errorf("schedule %s in %s: %w", name, group, cloud.ErrNotFound)
	}
	c := e.s
	return &c, nil
}

// check validates a schedule as CreateSchedule and UpdateSchedule do.
func (s *Scheduler) check(region string, sc cloud.Schedule) (*schedule.Schedule, error) {
	if _, ok := s.groups[groupKey(region, sc.Group)]; !ok {
		return nil, &APIError{Code: "ResourceNotFoundException", Message: "Schedule group " + sc.Group + " does not exist."}
	}
	parsed, err := schedule.New(sc.Expression, sc.Timezone)
	if err != nil {
		return nil, &APIError{Code: "ValidationException", Message: "Invalid Schedule Expression " + sc.Expression + ": " + err.Error()}
	}
	if parsed.Expr.Kind() == schedule.At && parsed.Next(s.clock.Now()).IsZero() {
		return nil, &APIError{Code: "ValidationException", Message: "The schedule expression " + sc.Expression + " is in the past."}
	}
	if sc.TargetARN == "" || sc.RoleARN == "" {
		return nil, &APIError{Code: "ValidationException", Message: "A target needs an ARN and a role ARN."}
	}
	return parsed, nil
}

// CreateSchedule makes a schedule in an existing group.
func (s *Scheduler) CreateSchedule(ctx context.Context, region string, sc cloud.Schedule) error {
	return s.put("CreateSchedule", region, sc, true)
}

// UpdateSchedule replaces a schedule as a whole, as AWS does.
func (s *Scheduler) UpdateSchedule(ctx context.Context, region string, sc cloud.Schedule) error {
	return s.put("UpdateSchedule", region, sc, false)
}

// put creates (create) or replaces a schedule, checked as AWS checks it.
func (s *Scheduler) put(method, region string, sc cloud.Schedule, create bool) error {
	if err := s.call(method, region, sc.Group+"/"+sc.Name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := schedKey(region, sc.Group, sc.Name)
	_, exists := s.scheds[k]
	switch {
	case create && exists:
		return &APIError{Code: "ConflictException", Message: "Schedule " + sc.Name + " already exists."}
	case !create && !exists:
		return fmt.Errorf("schedule %s in %s: %w", sc.Name, sc.Group, cloud.ErrNotFound)
	}
	parsed, err := s.check(region, sc)
	if err != nil {
		return err
	}
	if sc.State == "" {
		sc.State = "ENABLED"
	}
	s.scheds[k] = &entry{s: sc, sch: parsed, last: s.clock.Now()}
	return nil
}

// DeleteSchedule deletes one schedule.
func (s *Scheduler) DeleteSchedule(ctx context.Context, region, group, name string) error {
	if err := s.call("DeleteSchedule", region, group+"/"+name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := schedKey(region, group, name)
	if _, ok := s.scheds[k]; !ok {
		return fmt.Errorf("schedule %s in %s: %w", name, group, cloud.ErrNotFound)
	}
	delete(s.scheds, k)
	return nil
}

// ListSchedules lists a group's schedules by name.
func (s *Scheduler) ListSchedules(ctx context.Context, region, group string) ([]cloud.Schedule, error) {
	if err := s.call("ListSchedules", region, group); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.groups[groupKey(region, group)]; !ok {
		return nil, fmt.Errorf("schedule group %s: %w", group, cloud.ErrNotFound)
	}
	prefix := groupKey(region, group) + "/"
	out := []cloud.Schedule{}
	for _, k := range slices.Sorted(maps.Keys(s.scheds)) {
		if strings.HasPrefix(k, prefix) {
			out = append(out, s.scheds[k].s)
		}
	}
	return out, nil
}

// Groups lists region's groups.
func (s *Scheduler) Groups(region string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return namesIn(s.groups, region)
}
