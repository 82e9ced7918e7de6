package sandbox

import (
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"cloudcontrol/backend/cfn"
)

// CloudFormation over the query protocol (2010-05-15, XML), as
// aws-sdk-go-v2's service/cloudformation speaks it.

const (
	cfnVersion = "2010-05-15"
	cfnNS      = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
	// defaultEventPage is how many events one DescribeStackEvents returns.
	defaultEventPage = 100
	stackPage        = 100
)

var stackNameRe = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]{0,127}$`)

var cfnActions = map[string]func(*Sandbox, *call) (any, *apiError){
	"CreateStack":            (*Sandbox).createStack,
	"DescribeStacks":         (*Sandbox).describeStacks,
	"ListStacks":             (*Sandbox).listStacks,
	"DescribeStackEvents":    (*Sandbox).describeStackEvents,
	"DescribeStackResources": (*Sandbox).describeStackResources,
	"DescribeStackResource":  (*Sandbox).describeStackResource,
	"DeleteStack":            (*Sandbox).deleteStack,
	"ValidateTemplate":       (*Sandbox).validateTemplate,
	"SignalResource":         (*Sandbox).signalResourceAPI,
	"GetTemplate":            (*Sandbox).getTemplate,
}

// cloudformation dispatches one CloudFormation action.
func (sb *Sandbox) cloudformation(c *call) (any, *apiError) {
	h := cfnActions[c.action]
	if h == nil {
		return nil, &apiError{http.StatusBadRequest, "InvalidAction", fmt.Sprintf("The action %s is not valid for this web service (the sandbox's CloudFormation serves %s).",
			c.action, strings.Join(slices.Sorted(maps.Keys(cfnActions)), ", "))}
	}
	return h(sb, c)
}

func validation(format string, args ...any) *apiError {
	return clientErr("ValidationError", format, args...)
}

func fromCfn(err error) *apiError {
	var e *cfn.Error
	if errors.As(err, &e) {
		return validation("%s", e.Msg)
	}
	return validation("%v", err)
}

// members reads PREFIX.member.N.FIELD into one map per member.
func (c *call) members(prefix string, fields ...string) []map[string]string {
	var out []map[string]string
	for i := 1; ; i++ {
		p := prefix + ".member." + strconv.Itoa(i) + "."
		m := map[string]string{}
		found := false
		for _, f := range fields {
			if v, ok := c.form[p+f]; ok {
				m[f], found = v[0], true
			}
		}
		if !found {
			return out
		}
		out = append(out, m)
	}
}

// stackOf finds a stack by name (the live one) or id (deleted ones too).
// Called with sb.mu held.
func (sb *Sandbox) stackOf(c *call, nameOrID string) (*stack, *apiError) {
	rs := sb.region(c.region)
	for i := len(rs.stacks) - 1; i >= 0; i-- {
		st := rs.stacks[i]
		if st.id == nameOrID || st.name == nameOrID && st.status != deleteComplete {
			return st, nil
		}
	}
	return nil, validation("Stack with id %s does not exist", nameOrID)
}

// checker answers the template's AWS-specific parameter types from the world.
type worldChecker struct{ w Region }

func (k worldChecker) Exists(typ, v string) bool {
	switch typ {
	case "AWS::EC2::KeyPair::KeyName":
		return slices.Contains(k.w.KeyPairs, v)
	case "AWS::EC2::Image::Id":
		return slices.ContainsFunc(k.w.Images, func(i Image) bool { return i.ID == v })
	case "AWS::EC2::Subnet::Id":
		return slices.ContainsFunc(k.w.subnets(), func(s subnetIn) bool { return s.ID == v })
	case "AWS::EC2::SecurityGroup::Id":
		return slices.ContainsFunc(k.w.groups(), func(g groupIn) bool { return g.ID == v })
	case "AWS::EC2::SecurityGroup::GroupName":
		return slices.ContainsFunc(k.w.groups(), func(g groupIn) bool { return g.Name == v })
	case "AWS::EC2::VPC::Id":
		return slices.ContainsFunc(k.w.VPCs, func(x VPC) bool { return x.ID == v })
	case "AWS::EC2::AvailabilityZone::Name":
		return slices.Contains(k.w.zones(), v)
	}
	return v != "" // instances, volumes, hosted zones: not checked
}

func (k worldChecker) SSM(name string) (string, bool) {
	v, ok := k.w.SSMParameters[name]
	return v, ok
}

// parseTemplate reads TemplateBody for CreateStack and ValidateTemplate.
func parseTemplate(c *call) (*cfn.Template, string, *apiError) {
	if c.get("TemplateURL") != "" {
		return nil, "", validation("The sandbox does not fetch TemplateURL; pass the template as TemplateBody")
	}
	body := c.get("TemplateBody")
	if body == "" {
		return nil, "", validation("Either Template URL or Template Body must be specified.")
	}
	t, err := cfn.Parse([]byte(body))
	if err == nil {
		err = t.Check(stackTypes())
	}
	if err != nil {
		return nil, "", fromCfn(err)
	}
	return t, body, nil
}

var capabilities = []string{"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"}

func (sb *Sandbox) createStack(c *call) (any, *apiError) {
	name, token := c.get("StackName"), c.get("ClientRequestToken")
	if !stackNameRe.MatchString(name) {
		return nil, validation("1 validation error detected: Value '%s' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*", name)
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	now := sb.clock.Now()
	rs := sb.region(c.region)
	if st, err := sb.stackOf(c, name); err == nil {
		if token != "" && st.token == token {
			return &xCreateStack{Xmlns: cfnNS, StackID: st.id, Meta: meta()}, nil // a retry of the same request
		}
		return nil, clientErr("AlreadyExistsException", "Stack [%s] already exists", name)
	}
	t, body, aerr := parseTemplate(c)
	if aerr != nil {
		return nil, aerr
	}
	given := map[string]string{}
	for _, m := range c.members("Parameters", "ParameterKey", "ParameterValue", "UsePreviousValue") {
		if m["UsePreviousValue"] == "true" {
			return nil, validation("UsePreviousValue is for updates; parameter %s has no previous value", m["ParameterKey"])
		}
		given[m["ParameterKey"]] = m["ParameterValue"]
	}
	params, shown, err := t.ResolveParameters(given, worldChecker{rs.world})
	if err != nil {
		return nil, fromCfn(err)
	}
	var caps []string
	for i := 1; ; i++ {
		v, ok := c.form["Capabilities.member."+strconv.Itoa(i)]
		if !ok {
			break
		}
		if !slices.Contains(capabilities, v[0]) {
			return nil, validation("1 validation error detected: Value '[%s]' at 'capabilities' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [%s]]", v[0], strings.Join(capabilities, ", "))
		}
		caps = append(caps, v[0])
	}
	onFailure := c.get("OnFailure")
	switch {
	case onFailure != "" && c.get("DisableRollback") != "":
		return nil, validation("You cannot specify both DisableRollback and OnFailure.")
	case onFailure == "" && c.flag("DisableRollback"):
		onFailure = "DO_NOTHING"
	case onFailure == "":
		onFailure = "ROLLBACK"
	case !slices.Contains([]string{"DO_NOTHING", "ROLLBACK", "DELETE"}, onFailure):
		return nil, validation("1 validation error detected: Value '%s' at 'onFailure' failed to satisfy constraint: Member must satisfy enum value set: [DO_NOTHING, ROLLBACK, DELETE]", onFailure)
	}
	var tags []xCfnTag
	for _, m := range c.members("Tags", "Key", "Value") {
		if strings.HasPrefix(strings.ToLower(m["Key"]), "aws:") || m["Key"] == "" {
			return nil, validation("Invalid tag key %q: tag keys cannot be empty or start with aws:", m["Key"])
		}
		tags = append(tags, xCfnTag{m["Key"], m["Value"]})
	}
	if len(tags) > 50 {
		return nil, validation("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	var timeout time.Duration
	if s := c.get("TimeoutInMinutes"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, validation("1 validation error detected: Value '%s' at 'timeoutInMinutes' failed to satisfy constraint: Member must have value greater than or equal to 1", s)
		}
		timeout = sb.scale(time.Duration(n) * time.Minute)
	}
	id := fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/%s/%s", c.region, sb.account, name, uuidOf(fmt.Sprintf("%s/%s/%d", c.region, name, len(rs.stacks))))
	st := &stack{id: id, name: name, region: c.region, tmpl: t, shown: shown, tags: tags, caps: caps, token: token,
		onFailure: onFailure, timeout: timeout, created: now, res: map[string]*stackRes{}, mode: modeCreate, opToken: token,
		timing: StackTiming{sb.scale(rs.world.Stack.Resource), sb.scale(rs.world.Stack.Delete)}}
	st.env = &cfn.Env{Params: params, Mappings: t.Mappings,
		Pseudo: map[string]any{"AWS::Region": c.region, "AWS::AccountId": sb.account, "AWS::StackName": name,
			"AWS::StackId": id, "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::NotificationARNs": []any{}},
		Ref:  func(n string) (string, error) { return st.ref(n) },
		Attr: st.attr,
		AZs:  func(string) []string { return rs.world.zones() },
	}
	if _, err := t.EvalConditions(st.env); err != nil {
		return nil, fromCfn(err)
	}
	if st.order, st.waits, err = t.Graph(st.env.Conditions); err != nil {
		return nil, fromCfn(err)
	}
	if len(st.order) == 0 {
		return nil, validation("Template format error: every resource's condition is false, so the stack would have no resources")
	}
	for _, n := range st.order {
		r, _ := t.Resource(n)
		st.res[n] = &stackRes{def: r}
	}
	st.body = body
	rs.stacks = append(rs.stacks, st)
	c.ids = []string{id}
	st.stackEvent(now, createInProgress, "User Initiated")
	sb.startReady(st, now)
	sb.runStack(rs, st, now)
	return &xCreateStack{Xmlns: cfnNS, StackID: id, Meta: meta()}, nil
}

// ref is Ref of a created resource: its physical id.
func (st *stack) ref(name string) (string, error) {
	r := st.res[name]
	if r == nil || r.physical == "" {
		return "", fmt.Errorf("Template format error: Unresolved resource dependencies [%s] in the Resources block of the template", name) //nolint:staticcheck // CloudFormation's own words
	}
	return r.physical, nil
}

func meta() xCfnMeta { return xCfnMeta{RequestID: requestID()} }

func (sb *Sandbox) xmlStack(st *stack) xStack {
	x := xStack{ID: st.id, Name: st.name, Description: st.tmpl.Description, Created: fmtTime(st.created),
		Status: st.status, Reason: st.reason, DisableRollback: st.onFailure == "DO_NOTHING", Tags: st.tags,
		Capabilities: st.caps, Outputs: st.outputs, Drift: xDrift{"NOT_CHECKED"}}
	if !st.deleted.IsZero() {
		x.Deleted = fmtTime(st.deleted)
	}
	if st.timeout > 0 {
		x.Timeout = strconv.Itoa(int(st.timeout * time.Duration(sb.speed) / time.Minute))
	}
	for _, p := range st.shown {
		x.Parameters = append(x.Parameters, xCfnParam{Key: p.Key, Value: p.Value, Resolved: p.Resolved})
	}
	return x
}

func (sb *Sandbox) describeStacks(c *call) (any, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	resp := &xDescribeStacks{Xmlns: cfnNS, Meta: meta()}
	if name := c.get("StackName"); name != "" {
		st, err := sb.stackOf(c, name)
		if err != nil {
			return nil, err
		}
		resp.Stacks = []xStack{sb.xmlStack(st)}
		return resp, nil
	}
	var live []*stack
	for _, st := range sb.region(c.region).stacks {
		if st.status != deleteComplete {
			live = append(live, st)
		}
	}
	slices.Reverse(live) // newest first, as CloudFormation lists them
	page, next, err := pageOf(c, live, stackPage)
	if err != nil {
		return nil, err
	}
	for _, st := range page {
		resp.Stacks = append(resp.Stacks, sb.xmlStack(st))
	}
	resp.NextToken = next
	return resp, nil
}

// pageOf is one page of items by NextToken (an opaque offset).
func pageOf[T any](c *call, items []T, size int) ([]T, string, *apiError) {
	start := 0
	if tok := c.get("NextToken"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), "cfn:"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(raw), "cfn:") || n < 0 {
			return nil, "", validation("Invalid NextToken %q: pass back the token a previous call returned", tok)
		}
		start = n
	}
	if start >= len(items) {
		return nil, "", nil
	}
	end := min(len(items), start+size)
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte("cfn:" + strconv.Itoa(end)))
	}
	return items[start:end], next, nil
}

func (sb *Sandbox) listStacks(c *call) (any, *apiError) {
	var filter []string
	for i := 1; ; i++ {
		v, ok := c.form["StackStatusFilter.member."+strconv.Itoa(i)]
		if !ok {
			break
		}
		filter = append(filter, v[0])
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	var all []*stack
	for _, st := range sb.region(c.region).stacks {
		if len(filter) == 0 || slices.Contains(filter, st.status) {
			all = append(all, st)
		}
	}
	slices.Reverse(all)
	page, next, err := pageOf(c, all, stackPage)
	if err != nil {
		return nil, err
	}
	resp := &xListStacks{Xmlns: cfnNS, NextToken: next, Meta: meta()}
	for _, st := range page {
		s := xStackSummary{ID: st.id, Name: st.name, Description: st.tmpl.Description, Created: fmtTime(st.created),
			Status: st.status, Reason: st.reason}
		if !st.deleted.IsZero() {
			s.Deleted = fmtTime(st.deleted)
		}
		resp.Summaries = append(resp.Summaries, s)
	}
	return resp, nil
}

func (sb *Sandbox) describeStackEvents(c *call) (any, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	st, err := sb.stackOf(c, c.get("StackName"))
	if err != nil {
		return nil, err
	}
	// Newest first; the token counts from the oldest, so events that arrive
	// between pages never shift a page.
	n := len(st.events)
	end := n
	if tok := c.get("NextToken"); tok != "" {
		raw, e1 := base64.RawURLEncoding.DecodeString(tok)
		rest, ok := strings.CutPrefix(string(raw), "events:"+st.id+":")
		k, e2 := strconv.Atoi(rest)
		if e1 != nil || e2 != nil || !ok || k < 0 || k > n {
			return nil, validation("Invalid NextToken %q for stack %s: pass back the token a previous call returned", tok, st.name)
		}
		end = k
	}
	start := max(0, end-sb.eventPage)
	resp := &xDescribeStackEvents{Xmlns: cfnNS, Meta: meta()}
	for i := end - 1; i >= start; i-- {
		e := st.events[i]
		resp.Events = append(resp.Events, xStackEvent{StackID: st.id, EventID: e.id, StackName: st.name,
			Logical: e.logical, Physical: e.physical, Type: e.typ, Time: fmtTime(e.at), Status: e.status,
			Reason: e.reason, Props: e.props, Token: e.token})
	}
	if start > 0 {
		resp.NextToken = base64.RawURLEncoding.EncodeToString([]byte("events:" + st.id + ":" + strconv.Itoa(start)))
	}
	return resp, nil
}

func (st *stack) xmlResources(logical string) []xStackResource {
	var out []xStackResource
	for _, name := range st.order {
		r := st.res[name]
		if r.status == "" || logical != "" && name != logical {
			continue
		}
		out = append(out, xStackResource{StackName: st.name, StackID: st.id, Logical: name, Physical: r.physical,
			Type: r.def.Type, Time: fmtTime(r.updated), Status: r.status, Reason: r.reason, Drift: xResDrift{"NOT_CHECKED"}})
	}
	return out
}

func (sb *Sandbox) describeStackResources(c *call) (any, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	name, physical := c.get("StackName"), c.get("PhysicalResourceId")
	if name == "" && physical == "" {
		return nil, validation("Either StackName or PhysicalResourceId must be specified.")
	}
	var st *stack
	if name != "" {
		var err *apiError
		if st, err = sb.stackOf(c, name); err != nil {
			return nil, err
		}
	} else {
		for _, s := range sb.region(c.region).stacks {
			for _, r := range s.res {
				if r.physical == physical {
					st = s
				}
			}
		}
		if st == nil {
			return nil, validation("Stack for %s does not exist", physical)
		}
	}
	return &xDescribeStackResources{Xmlns: cfnNS, Resources: st.xmlResources(c.get("LogicalResourceId")), Meta: meta()}, nil
}

func (sb *Sandbox) describeStackResource(c *call) (any, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	st, err := sb.stackOf(c, c.get("StackName"))
	if err != nil {
		return nil, err
	}
	logical := c.get("LogicalResourceId")
	list := st.xmlResources(logical)
	if len(list) == 0 {
		return nil, validation("Resource %s does not exist for stack %s", logical, st.name)
	}
	return &xDescribeStackResource{Xmlns: cfnNS, Resource: list[0], Meta: meta()}, nil
}

func (sb *Sandbox) deleteStack(c *call) (any, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	now := sb.clock.Now()
	resp := &xEmpty{XMLName: xmlName("DeleteStackResponse"), Xmlns: cfnNS, Meta: meta()}
	st, err := sb.stackOf(c, c.get("StackName"))
	if err != nil {
		return resp, nil // deleting a stack that does not exist succeeds, as CloudFormation's does
	}
	c.ids = []string{st.id}
	var retain []string
	for i := 1; ; i++ {
		v, ok := c.form["RetainResources.member."+strconv.Itoa(i)]
		if !ok {
			break
		}
		retain = append(retain, v[0])
	}
	switch {
	case st.status == deleteComplete || st.mode == modeDelete:
		return resp, nil
	case len(retain) > 0 && st.status != deleteFailed:
		return nil, validation("Invalid operation on stack %s: RetainResources can be specified only when the stack is in DELETE_FAILED state", st.id)
	case st.mode == modeRollback:
		return nil, validation("Stack %s is in ROLLBACK_IN_PROGRESS state and can not be deleted until the rollback ends", st.name)
	}
	sb.beginDelete(st, now, c.get("ClientRequestToken"), retain)
	sb.runStack(sb.region(c.region), st, now)
	return resp, nil
}

func (sb *Sandbox) validateTemplate(c *call) (any, *apiError) {
	t, _, err := parseTemplate(c)
	if err != nil {
		return nil, err
	}
	resp := &xValidateTemplate{Xmlns: cfnNS, Description: t.Description, Meta: meta()}
	for _, p := range t.Parameters {
		resp.Parameters = append(resp.Parameters, xTemplateParam{Key: p.Name, Default: p.Default, NoEcho: p.NoEcho, Description: p.Description})
	}
	return resp, nil
}

func (sb *Sandbox) signalResourceAPI(c *call) (any, *apiError) {
	status := c.get("Status")
	if status != "SUCCESS" && status != "FAILURE" {
		return nil, validation("1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [SUCCESS, FAILURE]", status)
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	st, err := sb.stackOf(c, c.get("StackName"))
	if err != nil {
		return nil, err
	}
	logical, id := c.get("LogicalResourceId"), c.get("UniqueId")
	r := st.res[logical]
	if r == nil {
		return nil, validation("Resource %s does not exist for stack %s", logical, st.name)
	}
	now := sb.clock.Now()
	if !sb.signalResource(st, r, id, status == "SUCCESS", now) {
		return nil, validation("Resource %s is in %s state and can not be signaled", logical, r.status)
	}
	sb.runStack(sb.region(c.region), st, now)
	return &xEmpty{XMLName: xmlName("SignalResourceResponse"), Xmlns: cfnNS, Meta: meta()}, nil
}

func (sb *Sandbox) getTemplate(c *call) (any, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	st, err := sb.stackOf(c, c.get("StackName"))
	if err != nil {
		return nil, err
	}
	return &xGetTemplate{Xmlns: cfnNS, Body: st.body, Meta: meta()}, nil
}
