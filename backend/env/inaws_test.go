package env

import (
	"strings"
	"testing"
	"time"
)

// The "In AWS" additions: ready.command, ready.ssm-grace and schedule:.

const inAWS = `name: shop
stages:
  - name: db
    instances: [{name: db-1}]
    ready:
      command: systemctl is-active postgresql
  - name: api
    instances: [{tags: {Role: api}}]
    ready:
      tcp: 8080
      command:
        - test -f /srv/api/ready
        - curl -fsS http://127.0.0.1:8080/health
      ssm-grace: 5m
schedule:
  timezone: Europe/Berlin
  start: cron(0 8 ? * MON-FRI *)
  stop: "cron(0 19 ? * MON-FRI *)"
`

func TestCommandGateAndScheduleAreRead(t *testing.T) {
	e, problems := Parse("f.yaml", []byte(inAWS))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	db, api := e.Stages[0].Ready, e.Stages[1].Ready
	if strings.Join(db.Command, "|") != "systemctl is-active postgresql" || db.SSMGrace.D() != DefaultSSMGrace || db.SSMGracePos.Line != 0 {
		t.Errorf("db ready = %+v, want one command line and the default grace", db)
	}
	if len(api.Command) != 2 || api.Command[1] != "curl -fsS http://127.0.0.1:8080/health" || api.SSMGrace.D() != 5*time.Minute || api.SSMGracePos.Line != 14 {
		t.Errorf("api ready = %+v, want two lines and ssm-grace 5m at line 14", api)
	}
	if e.Stages[1].Timeout.D() != DefaultStageTimeout {
		t.Errorf("timeout = %s", e.Stages[1].Timeout)
	}
	s := e.Schedule
	if s == nil || s.Timezone != "Europe/Berlin" || s.Start != "cron(0 8 ? * MON-FRI *)" || s.Stop != "cron(0 19 ? * MON-FRI *)" {
		t.Fatalf("schedule = %+v", s)
	}
	if s.Pos.Line != 15 || s.StartPos.Line != 17 || s.StopPos.String() != "f.yaml:18:9" {
		t.Errorf("positions %v %v %v", s.Pos, s.StartPos, s.StopPos)
	}
	start := s.StartSchedule()
	next := start.Next(time.Date(2026, 7, 3, 0, 0, 0, 0, time.UTC)) // a Friday
	if start.Location.String() != "Europe/Berlin" || !next.Equal(time.Date(2026, 7, 3, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("start schedule %v next %v, want 08:00 Berlin time", start, next)
	}
	if s.StopSchedule() == nil || (&Schedule{Start: "cron(0 8 * * ? *)"}).StopSchedule() != nil {
		t.Error("StopSchedule is nil only without stop")
	}
	var none *Schedule
	if none.StartSchedule() != nil {
		t.Error("a missing schedule has a start")
	}
}

func TestScheduleDefaultsToUTC(t *testing.T) {
	e, problems := Parse("f.yaml", []byte(okStages+"schedule:\n  stop: rate(1 day)\n"))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if e.Schedule.Timezone != "UTC" || e.Schedule.Start != "" || e.Schedule.StartSchedule() != nil {
		t.Errorf("schedule = %+v", e.Schedule)
	}
	if e, _ := Parse("f.yaml", []byte(okStages)); e.Schedule != nil {
		t.Errorf("no schedule: section, schedule = %+v", e.Schedule)
	}
}

func TestInAWSProblems(t *testing.T) {
	const stage = "stages:\n  - name: a\n    instances: [i-01234567]\n"
	cases := []struct {
		name, doc string
		want      []string
	}{
		{"bad time zone", okStages + "schedule:\n  timezone: Europe/Berln\n  start: cron(0 8 ? * MON-FRI *)\n",
			[]string{`f.yaml:3:13: time zone "Europe/Berln" is not an IANA time zone name such as UTC, Europe/Berlin or America/New_York`}},
		{"time zone in lower case", okStages + "schedule: {timezone: europe/berlin, stop: rate(1 day)}\n",
			[]string{`f.yaml:2:22: time zone "europe/berlin" is not an IANA time zone name such as UTC, Europe/Berlin or America/New_York`}},
		{"minute out of range, pointed at", okStages + "schedule:\n  start: cron(60 8 ? * MON-FRI *)\n",
			[]string{`f.yaml:3:15: start "cron(60 8 ? * MON-FRI *)": minutes: 60 is out of range; values are 0-59`}},
		{"quoted, five fields", okStages + "schedule:\n  stop: \"cron(0 19 ? * MON-FRI)\"\n",
			[]string{`f.yaml:3:15: stop "cron(0 19 ? * MON-FRI)": cron takes 6 fields (minutes hours day-of-month month day-of-week year), not 5; AWS cron has a year field, usually *: e.g. cron(0 8 ? * MON-FRI *)`}},
		{"both days given", okStages + "schedule:\n  start: 'cron(0 8 * * MON-FRI *)'\n",
			[]string{`f.yaml:3:24: start "cron(0 8 * * MON-FRI *)": one of day-of-month and day-of-week must be ?: e.g. cron(0 8 1 * ? *) for the 1st of each month, cron(0 8 ? * MON-FRI *) for weekdays`}},
		{"plural rate", okStages + "schedule:\n  stop: rate(1 days)\n",
			[]string{`f.yaml:3:16: stop "rate(1 days)": with the value 1 the unit is singular: rate(1 day)`}},
		{"never runs", okStages + "schedule:\n  start: cron(0 8 30 2 ? *)\n",
			[]string{`f.yaml:3:10: start "cron(0 8 30 2 ? *)": no date matches it, so it never runs (check day-of-month against the month, e.g. 30 in FEB)`}},
		{"neither start nor stop", okStages + "schedule:\n  timezone: UTC\n",
			[]string{`f.yaml:2:1: schedule has neither start nor stop; add start: and/or stop:, e.g. start: cron(0 8 ? * MON-FRI *)`}},
		{"start and stop the same", okStages + "schedule: {start: rate(1 hour), stop: rate(1 hour)}\n",
			[]string{`f.yaml:2:39: stop is the same schedule as start, so the environment would be stopped as it starts`}},
		{"not a mapping", okStages + "schedule: cron(0 8 ? * MON-FRI *)\n",
			[]string{`f.yaml:2:11: schedule must be a mapping (key: value), not the text "cron(0 8 ? * MON-FRI *)"`}},
		{"typo", okStages + "schedule: {timzone: UTC, start: rate(1 hour)}\n",
			[]string{`f.yaml:2:12: unknown key "timzone" in schedule; did you mean "timezone"? (allowed: timezone, start, stop)`}},
		{"expression not text", okStages + "schedule: {start: 8}\n",
			[]string{`f.yaml:2:19: start must be text, not the number 8; quote it: "8"`}},
		{"empty command", stage + "    ready: {command: \"  \"}\n",
			[]string{`f.yaml:4:22: a command cannot be empty; give a shell command such as systemctl is-active api`}},
		{"empty command list", stage + "    ready: {command: []}\n",
			[]string{`f.yaml:4:22: command of stage "a" is an empty list; give the command, e.g. command: systemctl is-active api`}},
		{"command not text", stage + "    ready: {command: [ls, {x: 1}]}\n",
			[]string{`f.yaml:4:27: a command must be text (a shell command, or a list of its lines), not a mapping`}},
		{"ssm-grace without command", stage + "    ready: {tcp: 22, ssm-grace: 2m}\n",
			[]string{`f.yaml:4:22: ssm-grace applies to the command gate, and stage "a" has no command; add command: or remove ssm-grace`}},
		{"ssm-grace zero", stage + "    ready: {command: ls, ssm-grace: 0s}\n",
			[]string{`f.yaml:4:37: ssm-grace "0s" must be more than zero; write a Go duration such as 90s, 15m or 1h30m`}},
		{"ssm-grace past the timeout", stage + "    ready: {command: ls, ssm-grace: 10m}\n    timeout: 10m\n",
			[]string{`f.yaml:4:37: ssm-grace 10m0s is not shorter than the stage's timeout 10m0s, so it could never apply; shorten it or raise timeout`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkProblems(t, c.doc, c.want...) })
	}
}
