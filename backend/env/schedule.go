package env

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"cloudcontrol/backend/schedule"
	"cloudcontrol/backend/yamlpos"
)

// Schedule says when `env deploy` has EventBridge Scheduler start and stop
// the environment in AWS.
type Schedule struct {
	// Timezone is the IANA name the expressions are read in; UTC when the
	// file is silent.
	Timezone string `json:"timezone,omitempty" jsonschema:"description=IANA time zone the expressions are read in (e.g. Europe/Berlin); default UTC"`
	// Start and Stop are EventBridge Scheduler expressions; either may be
	// empty, not both.
	Start string `json:"start,omitempty" jsonschema:"description=When to start the environment: cron(min hour day-of-month month day-of-week year) or rate(N minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss) as EventBridge Scheduler reads them"`
	Stop  string `json:"stop,omitempty" jsonschema:"description=When to stop the environment: cron(...) or rate(...) or at(...) as for start"`

	Pos      Pos `json:"-"`
	StartPos Pos `json:"-"`
	StopPos  Pos `json:"-"`
}

// DefaultTimezone is the schedule's zone when the file names none.
const DefaultTimezone = "UTC"

// StartSchedule returns the parsed start schedule, nil when there is none.
func (s *Schedule) StartSchedule() *schedule.Schedule {
	if s == nil {
		return nil
	}
	return s.parsed(s.Start)
}

// StopSchedule returns the parsed stop schedule, nil when there is none.
func (s *Schedule) StopSchedule() *schedule.Schedule {
	if s == nil {
		return nil
	}
	return s.parsed(s.Stop)
}

func (s *Schedule) parsed(expr string) *schedule.Schedule {
	if expr == "" {
		return nil
	}
	out, err := schedule.New(expr, s.Timezone)
	if err != nil {
		return nil // Parse validated both; only a hand-built Schedule lands here
	}
	return out
}

// schedule reads the schedule: section.
func (d *decoder) schedule(p pair) *Schedule {
	s := &Schedule{Timezone: DefaultTimezone, Pos: d.Pos(p.Key)}
	pairs, ok := d.Mapping(p.Val, "schedule")
	if !ok {
		return s
	}
	f := d.Known(pairs, "schedule", "timezone", "start", "stop")
	if tz, ok := f["timezone"]; ok {
		if name, good := d.Str(tz); good {
			if _, err := schedule.LoadLocation(name); err != nil {
				d.Errorf(tz.Val, "%v", err)
			} else {
				s.Timezone = name
			}
		}
	}
	s.Start, s.StartPos = d.expression(f, "start")
	s.Stop, s.StopPos = d.expression(f, "stop")
	_, hasStart := f["start"]
	_, hasStop := f["stop"]
	switch {
	case !hasStart && !hasStop:
		d.Errorf(p.Key, "schedule has neither start nor stop; add start: and/or stop:, e.g. start: cron(0 8 ? * MON-FRI *)")
	case s.Start != "" && s.Start == s.Stop:
		d.errorAt(s.StopPos, "stop is the same schedule as start, so the environment would be stopped as it starts")
	}
	return s
}

// expression reads start or stop; a problem points at the part of the
// expression at fault when the file holds it verbatim on one line.
func (d *decoder) expression(f map[string]pair, key string) (string, Pos) {
	p, ok := f[key]
	if !ok {
		return "", Pos{}
	}
	text, good := d.Str(p)
	if !good {
		return "", Pos{}
	}
	at := d.Pos(p.Val)
	e, err := schedule.Parse(text)
	var pe *schedule.Error
	if errors.As(err, &pe) {
		d.errorAt(offsetIn(yamlpos.Deref(p.Val), at, pe.Offset), "%s %q: %s", key, text, pe.Msg)
		return "", Pos{}
	}
	if err == nil {
		err = e.Check()
	}
	if err != nil {
		d.errorAt(at, "%s %q: %v", key, text, err)
		return "", Pos{}
	}
	return text, at
}

// offsetIn moves a scalar's position to a byte offset inside it when the
// scalar's source is its value (plain or simply quoted, on one line).
func offsetIn(n *yaml.Node, at Pos, offset int) Pos {
	if n == nil || strings.ContainsAny(n.Value, "\n\\\"'") {
		return at
	}
	switch n.Style {
	case 0:
	case yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle:
		offset++
	default:
		return at
	}
	at.Col += offset
	return at
}

// errorAt records a problem at a position worked out by hand.
func (d *decoder) errorAt(at Pos, format string, args ...any) {
	d.Problems = append(d.Problems, Problem{Pos: at, Message: fmt.Sprintf(format, args...)})
}
