package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	sched "cloudcontrol/backend/schedule"
)

// EventBridge Scheduler over REST-JSON (/schedule-groups/{Name},
// /schedules/{Name}?groupName=, /tags/{ResourceArn}), as aws-sdk-go-v2's
// service/scheduler speaks it. A schedule is an actor on the agenda: it
// fires at its expression's runs (at, rate, cron in its time zone, through
// backend/schedule; wall-clock times of the sandbox clock, not divided by
// the speed), within its flexible window, while ENABLED and between its
// StartDate and EndDate. Firing invokes its target: the universal target
// arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution starts the
// automation its Input asks for, as its role; each firing is in the
// request log (service scheduler, action InvokeSchedule). A schedule with
// ActionAfterCompletion DELETE deletes itself after its last run.

const (
	// StartAutomationTarget is the universal target the sandbox invokes.
	StartAutomationTarget = "arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution"
	defaultGroup          = "default"
)

var scheduleNameRe = regexp.MustCompile(`^[0-9a-zA-Z-_.]{1,64}$`)

type scheduleGroup struct {
	name, arn         string
	created, modified time.Time
	tags              []ssmTag
	schedules         map[string]*schedule
}

type flexWindow struct {
	Mode                   string `json:"Mode"`
	MaximumWindowInMinutes *int   `json:"MaximumWindowInMinutes,omitempty"`
}

type scheduleTarget struct {
	Arn              string          `json:"Arn"`
	RoleArn          string          `json:"RoleArn"`
	Input            string          `json:"Input,omitempty"`
	RetryPolicy      json.RawMessage `json:"RetryPolicy,omitempty"`
	DeadLetterConfig json.RawMessage `json:"DeadLetterConfig,omitempty"`
}

// scheduleInput is CreateSchedule's and UpdateSchedule's body.
type scheduleInput struct {
	ActionAfterCompletion      string
	ClientToken                string
	Description                string
	EndDate, StartDate         *float64
	FlexibleTimeWindow         *flexWindow
	GroupName                  string
	KmsKeyArn                  string
	ScheduleExpression         string
	ScheduleExpressionTimezone string
	State                      string
	Target                     *scheduleTarget
}

// schedule is one schedule; an actor. Guarded by Sandbox.mu.
type schedule struct {
	group             *scheduleGroup
	region, name, arn string
	in                scheduleInput
	created, modified time.Time
	eval              *sched.Schedule
	nominal           time.Time // its next run by the expression; zero: none
	deleted           bool
}

func (s *schedule) due() time.Time {
	if s.deleted || s.in.State == "DISABLED" || s.nominal.IsZero() {
		return time.Time{}
	}
	return s.nominal.Add(s.offset(s.nominal))
}

// offset places a flexible window's run within the window, the same way
// for the same schedule and run.
func (s *schedule) offset(run time.Time) time.Duration {
	w := s.in.FlexibleTimeWindow
	if w == nil || w.Mode != "FLEXIBLE" || w.MaximumWindowInMinutes == nil {
		return 0
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", s.arn, run.Unix())
	return time.Duration(h.Sum64()%uint64(*w.MaximumWindowInMinutes*60)) * time.Second
}

// plan works out the next run after t.
func (s *schedule) plan(t time.Time) { s.nominal = s.eval.Next(t) }

func (s *schedule) act(sb *Sandbox, at time.Time) {
	run := s.nominal
	sb.fire(s, at)
	s.plan(run)
	if s.nominal.IsZero() && s.in.ActionAfterCompletion == "DELETE" {
		s.deleted = true
		delete(s.group.schedules, s.name)
	}
}

// fire invokes the schedule's target at at and logs it.
func (sb *Sandbox) fire(s *schedule, at time.Time) {
	e := Request{Time: at, Region: s.region, Service: "scheduler", Action: "InvokeSchedule", Status: http.StatusOK,
		Via: "schedule " + s.group.name + "/" + s.name}
	failed := func(code, format string, args ...any) {
		e.Status, e.ErrorCode, e.Message = http.StatusBadRequest, code, fmt.Sprintf(format, args...)
	}
	t := s.in.Target
	r := sb.roleByARN(t.RoleArn)
	switch {
	case t.Arn != StartAutomationTarget:
		failed("UnsupportedTarget", "the sandbox invokes only %s, not %s", StartAutomationTarget, t.Arn)
	case r == nil || !r.trusts("scheduler.amazonaws.com"):
		failed("AccessDenied", "EventBridge Scheduler cannot assume the role %s: it does not exist or does not trust scheduler.amazonaws.com", t.RoleArn)
	default:
		var in startInput
		dec := json.NewDecoder(strings.NewReader(orStr(t.Input, "{}")))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			failed("ValidationException", "the target's Input is not a StartAutomationExecution request: %v", err)
			break
		}
		by := fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", sb.account, r.name, uuidOf(fmt.Sprintf("fire/%s/%d", s.arn, at.UnixNano()))[:32])
		x, err := sb.startAutomation(s.region, in, by, at)
		if err != nil {
			failed(err.code, "%s", err.message)
			break
		}
		e.Message = fmt.Sprintf("started automation %s of %s", x.id, x.document)
	}
	sb.record(e)
}

type schedError struct{ Message string }

func schedErr(status int, code, format string, args ...any) *apiError {
	return &apiError{status, code, fmt.Sprintf(format, args...)}
}

func schedValidation(format string, args ...any) *apiError {
	return schedErr(http.StatusBadRequest, "ValidationException", format, args...)
}

func schedNotFound(format string, args ...any) *apiError {
	return schedErr(http.StatusNotFound, "ResourceNotFoundException", format, args...)
}

// isSchedulerPath says whether a request is for the Scheduler.
func isSchedulerPath(p string) bool {
	return p == "/schedules" || p == "/schedule-groups" || strings.HasPrefix(p, "/schedules/") ||
		strings.HasPrefix(p, "/schedule-groups/") || strings.HasPrefix(p, "/tags/")
}

// serveScheduler answers one Scheduler call.
func (sb *Sandbox) serveScheduler(w http.ResponseWriter, r *http.Request) {
	began := time.Now()
	region, _ := regionOf(r)
	c := &call{region: region}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if parts[0] == "tags" {
		parts = []string{"tags", strings.TrimPrefix(r.URL.Path, "/tags/")}
	}
	var resp any
	aerr := func() *apiError {
		if err := sb.checkKey(r, c, "scheduler"); err != nil {
			return err
		}
		one := len(parts) == 2
		switch m := r.Method; {
		case parts[0] == "schedule-groups" && !one && m == http.MethodGet:
			c.action = "ListScheduleGroups"
		case parts[0] == "schedule-groups" && one && m == http.MethodPost:
			c.action = "CreateScheduleGroup"
		case parts[0] == "schedule-groups" && one && m == http.MethodGet:
			c.action = "GetScheduleGroup"
		case parts[0] == "schedule-groups" && one && m == http.MethodDelete:
			c.action = "DeleteScheduleGroup"
		case parts[0] == "schedules" && !one && m == http.MethodGet:
			c.action = "ListSchedules"
		case parts[0] == "schedules" && one && m == http.MethodPost:
			c.action = "CreateSchedule"
		case parts[0] == "schedules" && one && m == http.MethodGet:
			c.action = "GetSchedule"
		case parts[0] == "schedules" && one && m == http.MethodPut:
			c.action = "UpdateSchedule"
		case parts[0] == "schedules" && one && m == http.MethodDelete:
			c.action = "DeleteSchedule"
		case parts[0] == "tags" && m == http.MethodGet:
			c.action = "ListTagsForResource"
		case parts[0] == "tags" && m == http.MethodPost:
			c.action = "TagResource"
		case parts[0] == "tags" && m == http.MethodDelete:
			c.action = "UntagResource"
		default:
			return schedErr(http.StatusNotFound, "UnknownOperationException", "the sandbox's EventBridge Scheduler does not serve %s %s", r.Method, r.URL.Path)
		}
		if err := sb.applyFaults(r, c); err != nil {
			return sb.schedulerFault(err, c.action)
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxFormBytes))
		if err != nil {
			return schedValidation("reading the request: %v", err)
		}
		name := ""
		if len(parts) == 2 {
			name = parts[1]
		}
		sb.mu.Lock()
		defer sb.mu.Unlock()
		var aerr *apiError
		resp, aerr = sb.schedulerAction(c, name, r.URL.Query(), body, sb.clock.Now())
		return aerr
	}()
	status := http.StatusOK
	var out []byte
	if aerr != nil {
		status = aerr.status
		w.Header().Set("X-Amzn-ErrorType", aerr.code)
		out, _ = json.Marshal(schedError{aerr.message})
	} else {
		out, _ = json.Marshal(resp)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-RequestId", requestID())
	entry := Request{Time: sb.clock.Now(), Region: region, Service: "scheduler", Action: c.action,
		Duration: time.Since(began), Attempt: sdkAttempt(r)}
	if aerr != nil {
		entry.ErrorCode, entry.Message = aerr.code, aerr.message
	}
	sb.respond(w, status, out, entry)
}

// schedulerFault words an injected fault as the Scheduler does.
func (sb *Sandbox) schedulerFault(e *apiError, action string) *apiError {
	switch e.code {
	case "RequestLimitExceeded":
		return schedErr(http.StatusTooManyRequests, "ThrottlingException", "Rate exceeded")
	case "UnauthorizedOperation":
		return schedErr(http.StatusForbidden, "AccessDeniedException", "User: arn:aws:iam::%s:user/sandbox is not authorized to perform: scheduler:%s", sb.account, action)
	case "InternalError":
		return schedErr(http.StatusInternalServerError, "InternalServerException", "Unexpected error occurred while processing the request.")
	}
	return e
}

func decodeBody(body []byte, v any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return schedValidation("the request body is not valid JSON: %v", err)
	}
	return nil
}

// groups is the region's schedule groups, the default one included.
func (sb *Sandbox) groups(region string, now time.Time) map[string]*scheduleGroup {
	if sb.aws.groups == nil {
		sb.aws.groups = map[string]map[string]*scheduleGroup{}
	}
	g := sb.aws.groups[region]
	if g == nil {
		g = map[string]*scheduleGroup{defaultGroup: {name: defaultGroup, arn: sb.groupARN(region, defaultGroup), schedules: map[string]*schedule{}}}
		sb.aws.groups[region] = g
	}
	return g
}

func (sb *Sandbox) groupARN(region, name string) string {
	return fmt.Sprintf("arn:aws:scheduler:%s:%s:schedule-group/%s", region, sb.account, name)
}

func (sb *Sandbox) schedulerAction(c *call, name string, q map[string][]string, body []byte, now time.Time) (any, *apiError) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	groups := sb.groups(c.region, now)
	switch c.action {
	case "CreateScheduleGroup":
		var in struct {
			ClientToken string
			Tags        []ssmTag
		}
		if err := decodeBody(body, &in); err != nil {
			return nil, err
		}
		if !scheduleNameRe.MatchString(name) {
			return nil, schedValidation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$", name)
		}
		if groups[name] != nil {
			return nil, schedErr(http.StatusConflict, "ConflictException", "Schedule group %s already exists.", name)
		}
		g := &scheduleGroup{name: name, arn: sb.groupARN(c.region, name), created: now, modified: now, tags: in.Tags, schedules: map[string]*schedule{}}
		groups[name] = g
		return map[string]any{"ScheduleGroupArn": g.arn}, nil
	case "GetScheduleGroup":
		g := groups[name]
		if g == nil {
			return nil, schedNotFound("Schedule group %s does not exist.", name)
		}
		return g.view(), nil
	case "DeleteScheduleGroup":
		g := groups[name]
		if g == nil {
			return nil, schedNotFound("Schedule group %s does not exist.", name)
		}
		if name == defaultGroup {
			return nil, schedValidation("You cannot delete the default schedule group.")
		}
		for _, s := range g.schedules {
			s.deleted = true
		}
		delete(groups, name)
		return map[string]any{}, nil
	case "ListScheduleGroups":
		limit, start, err := restPage(get("MaxResults"), get("NextToken"))
		if err != nil {
			return nil, err
		}
		var list []map[string]any
		for _, n := range slices.Sorted(maps.Keys(groups)) {
			if strings.HasPrefix(n, get("NamePrefix")) {
				list = append(list, groups[n].view())
			}
		}
		return pageAnswer("ScheduleGroups", list, start, limit), nil
	case "CreateSchedule", "UpdateSchedule":
		var in scheduleInput
		if err := decodeBody(body, &in); err != nil {
			return nil, err
		}
		return sb.putSchedule(c, groups, name, in, c.action == "CreateSchedule", now)
	case "GetSchedule", "DeleteSchedule":
		gname := orStr(get("groupName"), defaultGroup)
		g := groups[gname]
		if g == nil {
			return nil, schedNotFound("Schedule group %s does not exist.", gname)
		}
		s := g.schedules[name]
		if s == nil {
			return nil, schedNotFound("Schedule %s does not exist.", name)
		}
		if c.action == "GetSchedule" {
			return s.view(), nil
		}
		s.deleted = true
		delete(g.schedules, name)
		return map[string]any{}, nil
	case "ListSchedules":
		limit, start, err := restPage(get("MaxResults"), get("NextToken"))
		if err != nil {
			return nil, err
		}
		state := get("State")
		if state != "" && state != "ENABLED" && state != "DISABLED" {
			return nil, schedValidation("1 validation error detected: Value '%s' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]", state)
		}
		if gname := get("ScheduleGroup"); gname != "" && groups[gname] == nil {
			return nil, schedNotFound("Schedule group %s does not exist.", gname)
		}
		var list []map[string]any
		for _, gn := range slices.Sorted(maps.Keys(groups)) {
			if gname := get("ScheduleGroup"); gname != "" && gname != gn {
				continue
			}
			g := groups[gn]
			for _, n := range slices.Sorted(maps.Keys(g.schedules)) {
				s := g.schedules[n]
				if strings.HasPrefix(n, get("NamePrefix")) && (state == "" || s.in.State == state) {
					list = append(list, map[string]any{"Arn": s.arn, "CreationDate": unixSeconds(s.created), "GroupName": gn,
						"LastModificationDate": unixSeconds(s.modified), "Name": n, "State": s.in.State, "Target": map[string]any{"Arn": s.in.Target.Arn}})
				}
			}
		}
		return pageAnswer("Schedules", list, start, limit), nil
	case "ListTagsForResource", "TagResource", "UntagResource":
		return sb.schedulerTags(c, groups, name, q, body)
	}
	return nil, schedErr(http.StatusNotFound, "UnknownOperationException", "the sandbox's EventBridge Scheduler does not serve %s", c.action)
}

func restPage(maxResults, token string) (int, int, *apiError) {
	var m *int
	if maxResults != "" {
		n, err := strconv.Atoi(maxResults)
		if err != nil {
			return 0, 0, schedValidation("MaxResults must be a whole number, not %q", maxResults)
		}
		m = &n
	}
	limit, start, err := jsonPage(m, token, 1, 100, 100)
	if err != nil {
		err.code = "ValidationException"
	}
	return limit, start, err
}

func (g *scheduleGroup) view() map[string]any {
	out := map[string]any{"Arn": g.arn, "Name": g.name, "State": "ACTIVE"}
	if !g.created.IsZero() {
		out["CreationDate"], out["LastModificationDate"] = unixSeconds(g.created), unixSeconds(g.modified)
	}
	return out
}

func (s *schedule) view() map[string]any {
	t := *s.in.Target
	if len(t.RetryPolicy) == 0 {
		t.RetryPolicy = json.RawMessage(`{"MaximumEventAgeInSeconds":86400,"MaximumRetryAttempts":185}`)
	}
	out := map[string]any{"Arn": s.arn, "Name": s.name, "GroupName": s.group.name, "CreationDate": unixSeconds(s.created),
		"LastModificationDate": unixSeconds(s.modified), "ScheduleExpression": s.in.ScheduleExpression,
		"ScheduleExpressionTimezone": orStr(s.in.ScheduleExpressionTimezone, "UTC"), "State": s.in.State,
		"FlexibleTimeWindow": s.in.FlexibleTimeWindow, "Target": t, "ActionAfterCompletion": orStr(s.in.ActionAfterCompletion, "NONE")}
	for k, v := range map[string]string{"Description": s.in.Description, "KmsKeyArn": s.in.KmsKeyArn} {
		if v != "" {
			out[k] = v
		}
	}
	if s.in.StartDate != nil {
		out["StartDate"] = *s.in.StartDate
	}
	if s.in.EndDate != nil {
		out["EndDate"] = *s.in.EndDate
	}
	return out
}

func fromEpoch(f *float64) time.Time {
	if f == nil {
		return time.Time{}
	}
	return time.UnixMilli(int64(*f * 1000)).UTC()
}

// putSchedule creates or replaces a schedule, checked as the Scheduler
// checks it.
func (sb *Sandbox) putSchedule(c *call, groups map[string]*scheduleGroup, name string, in scheduleInput, create bool, now time.Time) (any, *apiError) {
	if !scheduleNameRe.MatchString(name) {
		return nil, schedValidation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$", name)
	}
	gname := orStr(in.GroupName, defaultGroup)
	g := groups[gname]
	if g == nil {
		return nil, schedNotFound("Schedule group %s does not exist.", gname)
	}
	old := g.schedules[name]
	switch {
	case create && old != nil:
		return nil, schedErr(http.StatusConflict, "ConflictException", "Schedule %s already exists.", name)
	case !create && old == nil:
		return nil, schedNotFound("Schedule %s does not exist.", name)
	}
	if in.ScheduleExpression == "" {
		return nil, schedValidation("1 validation error detected: Value null at 'scheduleExpression' failed to satisfy constraint: Member must not be null")
	}
	eval, err := sched.New(in.ScheduleExpression, in.ScheduleExpressionTimezone)
	if err != nil {
		if e, ok := err.(*sched.Error); ok {
			return nil, schedValidation("Invalid Schedule Expression %s: %s", in.ScheduleExpression, e.Msg)
		}
		return nil, schedValidation("Invalid ScheduleExpressionTimezone %s.", in.ScheduleExpressionTimezone)
	}
	eval.Start, eval.End = fromEpoch(in.StartDate), fromEpoch(in.EndDate)
	if eval.Expr.Kind() == sched.Rate && eval.Start.IsZero() {
		eval.Start = now // a rate counts from the schedule's creation
	}
	if !eval.Start.IsZero() && !eval.End.IsZero() && !eval.End.After(eval.Start) {
		return nil, schedValidation("The EndDate you specify must be after the StartDate.")
	}
	w := in.FlexibleTimeWindow
	switch {
	case w == nil:
		return nil, schedValidation("1 validation error detected: Value null at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null")
	case w.Mode == "OFF" && w.MaximumWindowInMinutes != nil:
		return nil, schedValidation("MaximumWindowInMinutes is only taken with Mode FLEXIBLE.")
	case w.Mode == "FLEXIBLE" && (w.MaximumWindowInMinutes == nil || *w.MaximumWindowInMinutes < 1 || *w.MaximumWindowInMinutes > 1440):
		return nil, schedValidation("A FLEXIBLE window needs MaximumWindowInMinutes from 1 to 1440.")
	case w.Mode != "OFF" && w.Mode != "FLEXIBLE":
		return nil, schedValidation("1 validation error detected: Value '%s' at 'flexibleTimeWindow.mode' failed to satisfy constraint: Member must satisfy enum value set: [OFF, FLEXIBLE]", w.Mode)
	}
	in.State = orStr(in.State, "ENABLED")
	if in.State != "ENABLED" && in.State != "DISABLED" {
		return nil, schedValidation("1 validation error detected: Value '%s' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]", in.State)
	}
	if a := in.ActionAfterCompletion; a != "" && a != "NONE" && a != "DELETE" {
		return nil, schedValidation("1 validation error detected: Value '%s' at 'actionAfterCompletion' failed to satisfy constraint: Member must satisfy enum value set: [NONE, DELETE]", a)
	}
	t := in.Target
	if t == nil || t.Arn == "" || t.RoleArn == "" {
		return nil, schedValidation("A schedule needs a Target with an Arn and a RoleArn.")
	}
	if r := sb.roleByARN(t.RoleArn); r == nil || !r.trusts("scheduler.amazonaws.com") {
		return nil, schedValidation("The execution role you provide must allow AWS EventBridge Scheduler to assume the role.")
	}
	if t.Input != "" && !json.Valid([]byte(t.Input)) && strings.HasPrefix(t.Arn, "arn:aws:scheduler:::aws-sdk:") {
		return nil, schedValidation("Invalid RequestJson provided. Reason The request JSON is not valid JSON.")
	}
	s := old
	if s == nil {
		s = &schedule{group: g, region: c.region, name: name, created: now,
			arn: fmt.Sprintf("arn:aws:scheduler:%s:%s:schedule/%s/%s", c.region, sb.account, gname, name)}
		g.schedules[name] = s
	}
	s.in, s.eval, s.modified = in, eval, now
	s.plan(now)
	if !slices.Contains(sb.aws.agenda, actor(s)) {
		sb.enlist(s)
	}
	sb.armAgenda(now)
	return map[string]any{"ScheduleArn": s.arn}, nil
}

// schedulerTags answers the tag calls, which schedule groups take.
func (sb *Sandbox) schedulerTags(c *call, groups map[string]*scheduleGroup, arn string, q map[string][]string, body []byte) (any, *apiError) {
	var g *scheduleGroup
	for _, x := range groups {
		if x.arn == arn {
			g = x
		}
	}
	if g == nil {
		return nil, schedNotFound("The resource %s does not exist (the sandbox tags schedule groups).", arn)
	}
	switch c.action {
	case "TagResource":
		var in struct{ Tags []ssmTag }
		if err := decodeBody(body, &in); err != nil {
			return nil, err
		}
		for _, t := range in.Tags {
			g.tags = slices.DeleteFunc(g.tags, func(o ssmTag) bool { return o.Key == t.Key })
			g.tags = append(g.tags, t)
		}
	case "UntagResource":
		keys := q["TagKeys"]
		g.tags = slices.DeleteFunc(g.tags, func(t ssmTag) bool { return slices.Contains(keys, t.Key) })
	}
	tags := g.tags
	if tags == nil {
		tags = []ssmTag{}
	}
	if c.action == "ListTagsForResource" {
		return map[string]any{"Tags": tags}, nil
	}
	return map[string]any{}, nil
}
