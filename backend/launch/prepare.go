package launch

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"cloudcontrol/backend/cfn"
	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/launch/builtin"
	"cloudcontrol/backend/yamlpos"
)

// Input is what Prepare works from: the environment and the request, the
// session's cloud and who and where it is.
type Input struct {
	Env     *env.Environment
	Request Request
	Cloud   Cloud
	Region  string
	Account string
	Profile string
	// Caller is the ARN the instances are tagged as launched by.
	Caller string
	Now    time.Time
	// Book prices the types and the volume (nil: prices unknown).
	Book *cost.Book
	// NewID makes launch ids (nil: NewID).
	NewID func() string
}

// Plan is a prepared launch: its preview and what CreateStack is given.
type Plan struct {
	Preview *Preview
	Region  string
	Timeout time.Duration
	Units   []*Unit
}

// Unit is one instance of a launch and its stack.
type Unit struct {
	ID, Name, Stack string
	// DNS and ZoneID are the record's name and hosted zone ("" without dns:).
	DNS, ZoneID string
	Input       cloud.StackInput
}

// MaxTagValue and MaxTags are CloudFormation's limits on stack tags.
const (
	MaxTagValue = 256
	MaxTags     = 50
	// MaxParameterValue is CloudFormation's limit on one parameter value,
	// which an own template's UserData is.
	MaxParameterValue = 4096
)

// nameRe is an instance name: a DNS label, so a record can carry it.
var nameRe = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// idRe is a launch id (NewID).
var idRe = regexp.MustCompile(`^[0-9a-f]{12}$`)

// Prepare checks everything a launch needs before anything is created and
// returns its plan, or an *InputError with every problem found: the
// template and type, the tokens, the script's size, an own template's
// parameters, then in AWS (side by side) the AMI (an SSM alias resolved),
// the subnet and its zone's offer of the type, the security groups in the
// subnet's VPC, the key pair, the DNS zone and names, and free stack names.
func Prepare(ctx context.Context, in Input) (*Plan, error) {
	e, req := in.Env, in.Request
	bad := func(ps ...string) error { return &InputError{Env: e.Name, Template: req.Template, Problems: ps} }
	if e.Launch == nil {
		return nil, bad(fmt.Sprintf("%s has no launch: section, so it has no templates; add one (see docs/environment-file.md, Launch) to %s", e.Name, e.File))
	}
	t := e.Launch.Template(req.Template)
	if t == nil {
		msg := fmt.Sprintf("%s has no template %q", e.Name, req.Template)
		if c := yamlpos.Closest(req.Template, e.Launch.TemplateNames()); c != "" {
			msg += fmt.Sprintf("; did you mean %q?", c)
		}
		return nil, bad(msg + " (templates: " + strings.Join(e.Launch.TemplateNames(), ", ") + ")")
	}
	newID := in.NewID
	if newID == nil {
		newID = NewID
	}
	l := &preparing{in: in, t: t, newID: newID}
	l.local()
	if len(l.ps) > 0 {
		return nil, bad(l.ps...) // a wrong request costs no AWS call
	}
	if err := l.name(ctx); err != nil {
		return nil, err
	}
	if len(l.ps) > 0 {
		return nil, bad(l.ps...)
	}
	l.remote(ctx)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("checking the launch of %s: %w", t.Name, err)
	}
	if len(l.ps) > 0 {
		return nil, bad(l.ps...)
	}
	return l.plan(), nil
}

// preparing is one Prepare's work.
type preparing struct {
	in    Input
	t     *env.Template
	newID func() string
	ps    problems

	typ    string
	count  int
	script []byte
	tokens []TokenValue
	body   string
	own    bool
	render *builtin.Rendered
	names  []string

	// Found in AWS.
	image      Image
	subnet     cloud.Subnet
	zoneID     string
	capability []string
}

// local checks what needs no AWS: type, count, name, tokens, the script
// and the template body.
func (l *preparing) local() {
	req, t := l.in.Request, l.t
	l.typ = req.Type
	if l.typ == "" {
		l.typ = t.Types[0]
	} else if !slices.Contains(t.Types, l.typ) {
		l.ps.add("type %s is not allowed by template %s (allowed: %s)", l.typ, t.Name, strings.Join(t.Types, ", "))
	}
	l.count = req.Count
	if l.count == 0 {
		l.count = 1
	}
	if l.count < 1 || l.count > MaxCount {
		l.ps.add("count %d is out of range; one launch makes 1 to %d instances", req.Count, MaxCount)
	}
	if len(req.IDs) > 0 {
		if len(req.IDs) != l.count {
			l.ps.add("%d launch id(s) given for %d instance(s)", len(req.IDs), l.count)
		}
		for _, id := range req.IDs {
			if !idRe.MatchString(id) {
				l.ps.add("launch id %q is not one Cloud Control makes (12 hex digits)", id)
			}
		}
		ids := slices.Clone(req.IDs)
		l.newID = func() string {
			id := ids[0]
			ids = ids[1:]
			return id
		}
	}
	if req.Name != "" && !nameRe.MatchString(req.Name) {
		l.ps.add("name %q must be letters, digits and - (not at either end), at most 63: it is also the start of the instance's DNS name", req.Name)
	}
	l.readScript()
	l.readBody()
}

func (l *preparing) readScript() {
	t, req := l.t, l.in.Request
	if t.UserData == "" {
		for k := range req.Tokens {
			l.ps.add("token %s: template %s has no user-data script to replace tokens in", k, t.Name)
		}
		return
	}
	raw, err := env.ReadSibling(t.UserDataFile, env.MaxUserDataFile)
	if err != nil {
		l.ps.add("user-data %s %v", t.UserData, err)
		return
	}
	used := env.ScriptTokens(raw)
	values := maps.Clone(t.Tokens)
	if values == nil {
		values = map[string]string{}
	}
	for _, k := range slices.Sorted(maps.Keys(req.Tokens)) {
		if !slices.Contains(used, k) {
			l.ps.add("token %s is not in %s (its tokens: %s)", k, t.UserData, orNone(used))
			continue
		}
		values[k] = req.Tokens[k]
	}
	script, missing := env.ReplaceTokens(raw, values)
	if len(missing) > 0 {
		l.ps.add("%s has tokens without a value: %s; give them with --token NAME=VALUE or under tokens: in the template",
			t.UserData, "{{{"+strings.Join(missing, "}}}, {{{")+"}}}")
	}
	for _, k := range used {
		if v, ok := values[k]; ok {
			_, given := req.Tokens[k]
			l.tokens = append(l.tokens, TokenValue{Name: k, Value: v, Given: given})
		}
	}
	l.script = script
}

func (l *preparing) readBody() {
	t := l.t
	if t.CloudFormation == "" {
		r, err := builtin.Render(builtin.Options{Script: l.script, Timeout: t.Timeout.D()})
		if err != nil {
			l.ps.add("%v", err)
			return
		}
		l.render, l.body = r, r.Body
		return
	}
	l.own = true
	raw, err := env.ReadSibling(t.CloudFormationFile, cfn.MaxBody)
	if err != nil {
		l.ps.add("cloudformation %s %v", t.CloudFormation, err)
		return
	}
	tmpl, err := cfn.Parse(raw)
	if err != nil {
		l.ps.add("cloudformation %s does not parse: %v", t.CloudFormation, err)
		return
	}
	for _, p := range env.OwnTemplateProblems(tmpl, t, l.in.Env.Launch) {
		l.ps.add("cloudformation %s %s", t.CloudFormation, p)
	}
	if n := base64.StdEncoding.EncodedLen(len(l.script)); n > MaxParameterValue {
		l.ps.add("the user data is %d bytes in base64; an own template gets it as its UserData parameter, which CloudFormation takes up to %d bytes: shorten the script or use the built-in template (it carries up to 16 KB in its body)",
			n, MaxParameterValue)
	}
	l.body = string(raw)
}

// name picks the instances' names: the request's (NAME, or NAME-1.. for
// several), else TEMPLATE-N with the first numbers no live instance of
// the template has (one DescribeInstances).
func (l *preparing) name(ctx context.Context) error {
	req := l.in.Request
	if req.Name != "" {
		if l.count == 1 {
			l.names = []string{req.Name}
			return nil
		}
		for i := 1; i <= l.count; i++ {
			l.names = append(l.names, req.Name+"-"+strconv.Itoa(i))
		}
		return nil
	}
	found, err := l.in.Cloud.Fleet().Find(ctx, l.in.Region, cloud.Query{Tags: map[string]string{
		cloud.TagEnv: l.in.Env.Name, cloud.TagTemplate: l.t.Name}})
	if err != nil {
		return fmt.Errorf("looking up the instances of template %s to name the new one: %w", l.t.Name, err)
	}
	taken := map[string]bool{}
	for _, in := range found {
		if in.State != cloud.Terminated {
			taken[in.Name] = true
		}
	}
	for n := 1; len(l.names) < l.count; n++ {
		if name := l.t.Name + "-" + strconv.Itoa(n); !taken[name] {
			l.names = append(l.names, name)
		}
	}
	return nil
}

// remote makes the AWS checks, side by side; each adds its own problems
// in a fixed slot, so the list reads the same every time.
func (l *preparing) remote(ctx context.Context) {
	in, t, region := l.in, l.t, l.in.Region
	lt := in.Env.Launch
	var groups []cloud.SecurityGroup
	checks := []func() problems{
		func() problems { return l.checkImage(ctx) },
		func() problems { return l.checkSubnet(ctx) },
		func() problems {
			var ps problems
			var err error
			if groups, err = in.Cloud.Network().SecurityGroups(ctx, region, lt.SecurityGroups); err != nil {
				ps.add("%s", awsProblem("the security groups", err, region))
			}
			return ps
		},
		func() problems {
			var ps problems
			if lt.KeyPair == "" {
				return nil
			}
			if _, err := in.Cloud.Network().KeyPairs(ctx, region, []string{lt.KeyPair}); err != nil {
				ps.add("%s", awsProblem("the key pair", err, region))
			}
			return ps
		},
		func() problems { return l.checkDNS(ctx) },
		func() problems { return l.checkStacks(ctx) },
		func() problems {
			var ps problems
			if !l.own {
				return nil
			}
			sum, err := in.Cloud.Stacks().ValidateTemplate(ctx, region, l.body)
			if err != nil {
				ps.add("CloudFormation refuses %s: %v", t.CloudFormation, err)
			}
			l.capability = sum.Capabilities
			return ps
		},
	}
	slots := make([]problems, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots[i] = c()
		}()
	}
	wg.Wait()
	for _, s := range slots {
		l.ps = append(l.ps, s...)
	}
	// The groups and the subnet must share a VPC.
	if l.subnet.VPCID != "" {
		for _, g := range groups {
			if g.VPCID != l.subnet.VPCID {
				l.ps.add("security group %s is in %s, but subnet %s is in %s: they must be in the same VPC",
					label(g.ID, g.Name), g.VPCID, l.subnet.ID, l.subnet.VPCID)
			}
		}
	}
}

func (l *preparing) checkImage(ctx context.Context) problems {
	var ps problems
	in, region := l.in, l.in.Region
	id := l.t.AMI
	if param, ok := strings.CutPrefix(id, "resolve:ssm:"); ok {
		v, err := in.Cloud.Parameters().Parameter(ctx, region, param)
		if err != nil {
			ps.add("%s", awsProblem("the AMI alias "+param, err, region))
			return ps
		}
		l.image.Alias, id = param, v
	}
	imgs, err := in.Cloud.Network().Images(ctx, region, []string{id})
	switch {
	case err != nil:
		ps.add("%s", awsProblem("the AMI", err, region))
	case len(imgs) != 1:
		ps.add("AMI %s does not exist in %s", id, region)
	case imgs[0].State != "" && imgs[0].State != "available":
		ps.add("AMI %s (%s) is %s, not available", id, imgs[0].Name, imgs[0].State)
	default:
		l.image.ID, l.image.Name, l.image.Description = imgs[0].ID, imgs[0].Name, imgs[0].Description
	}
	return ps
}

func (l *preparing) checkSubnet(ctx context.Context) problems {
	var ps problems
	in, region := l.in, l.in.Region
	subs, err := in.Cloud.Network().Subnets(ctx, region, []string{in.Env.Launch.Subnet})
	if err != nil || len(subs) != 1 {
		if err == nil {
			err = &cloud.NotFoundError{IDs: []string{in.Env.Launch.Subnet}, Kind: "subnet"}
		}
		ps.add("%s", awsProblem("the subnet", err, region))
		return ps
	}
	l.subnet = subs[0]
	offered, err := in.Cloud.Network().TypesOffered(ctx, region, l.subnet.AZ, []string{l.typ})
	switch {
	case err != nil:
		ps.add("%s", awsProblem("which types "+l.subnet.AZ+" offers", err, region))
	case !slices.Contains(offered, l.typ):
		ps.add("%s is not offered in %s, the zone of subnet %s; choose another type (--type) or subnet", l.typ, l.subnet.AZ, l.subnet.ID)
	}
	return ps
}

func (l *preparing) checkDNS(ctx context.Context) problems {
	var ps problems
	d := l.t.DNS
	if d == nil {
		return nil
	}
	z, err := l.in.Cloud.DNS().ZoneByName(ctx, d.Zone)
	if err != nil {
		var nf *cloud.NotFoundError
		if errors.As(err, &nf) {
			ps.add("DNS zone %s does not exist (no Route 53 hosted zone has that name in this account)", d.Zone)
		} else {
			ps.add("checking the DNS zone %s: %v", d.Zone, err)
		}
		return ps
	}
	l.zoneID = z.ID
	for _, name := range l.names {
		fqdn, err := d.DNSName(name, l.in.Env.Name, l.t.Name)
		if err != nil {
			ps.add("%v", err)
			continue
		}
		rs, ok, err := l.in.Cloud.DNS().Record(ctx, z.ID, fqdn+".", "A")
		switch {
		case err != nil:
			ps.add("checking the DNS name %s: %v", fqdn, err)
		case ok:
			ps.add("DNS name %s already has an A record (%s); choose another --name, or remove the record first", fqdn, strings.Join(rs.Values, ", "))
		}
	}
	return ps
}

func (l *preparing) checkStacks(ctx context.Context) problems {
	var ps problems
	for _, name := range l.names {
		stack := StackName(l.in.Env.Name, name)
		st, err := l.in.Cloud.Stacks().Stack(ctx, l.in.Region, stack)
		var nf *cloud.NotFoundError
		switch {
		case errors.As(err, &nf):
		case err != nil:
			ps.add("checking whether stack %s exists: %v", stack, err)
		case st.Status != cloud.StackDeleteComplete:
			ps.add("a stack named %s exists already (%s); choose another --name, or clean it up first (cloudcontrol launches clean)", stack, st.Status)
		}
	}
	return ps
}

// awsProblem words a failed preflight call.
func awsProblem(what string, err error, region string) string {
	if text, ok := notFoundText(err, region); ok {
		return text
	}
	return fmt.Sprintf("checking %s: %v", what, err)
}

// plan builds the preview and the stack inputs from what was checked.
func (l *preparing) plan() *Plan {
	in, t, lt := l.in, l.t, l.in.Env.Launch
	p := &Preview{Env: in.Env.Name, Template: t.Name, Description: t.Description, Stage: t.Stage,
		Account: in.Account, Region: in.Region, Profile: in.Profile, Caller: in.Caller, Image: l.image, Type: l.typ,
		Subnet: l.subnet.ID, VPC: l.subnet.VPCID, Zone: l.subnet.AZ, SecurityGroups: lt.SecurityGroups,
		KeyPair: lt.KeyPair, InstanceProfile: lt.InstanceProfile, Tokens: l.tokens, CloudFormation: "built-in",
		TimeoutSeconds: t.Timeout.D().Seconds(), Instances: []PreviewInstance{}}
	if t.DNS != nil {
		p.DNSZone = t.DNS.Zone
	}
	if l.own {
		p.CloudFormation = t.CloudFormation
	}
	if v := t.Volume; v != nil {
		p.Volume = &VolumeSpec{SizeGiB: v.Size, Type: v.Type, Device: orText(v.Device, "/dev/sdf"), Encrypted: v.Encrypted, KMSKey: v.KMSKey}
	}
	if t.TTL > 0 {
		p.Lease = &Lease{TTLSeconds: t.TTL.D().Seconds(), Until: in.Now.Add(t.TTL.D()).UTC().Truncate(time.Second), By: in.Caller}
	}
	plan := &Plan{Preview: p, Region: in.Region, Timeout: t.Timeout.D()}
	for _, name := range l.names {
		u := l.unit(name, p)
		plan.Units = append(plan.Units, u)
		p.Instances = append(p.Instances, PreviewInstance{Name: u.Name, Stack: u.Stack, Launch: u.ID, DNS: u.DNS, Tags: u.Input.Tags})
		if n := len(u.Input.Tags); n > MaxTags {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s has %d tags; CloudFormation takes %d", u.Stack, n, MaxTags))
		}
	}
	if l.render != nil && len(l.names) > 0 {
		p.UserDataBytes = len(l.render.UserData(plan.Units[0].Stack, in.Region))
	} else {
		p.UserDataBytes = base64.StdEncoding.EncodedLen(len(l.script))
	}
	p.prices(in.Book, t.Types)
	return plan
}

// unit is one instance's stack: its tags and parameters.
func (l *preparing) unit(name string, p *Preview) *Unit {
	in, t, lt := l.in, l.t, l.in.Env.Launch
	u := &Unit{ID: l.newID(), Name: name, Stack: StackName(in.Env.Name, name), ZoneID: l.zoneID}
	if t.DNS != nil {
		u.DNS, _ = t.DNS.DNSName(name, in.Env.Name, t.Name) // checked by checkDNS
	}
	tags := maps.Clone(lt.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	maps.Copy(tags, in.Env.JoinTags(t.Stage))
	tags["Name"] = name
	tags[cloud.TagLaunch] = u.ID
	tags[cloud.TagEnv] = in.Env.Name
	tags[cloud.TagTemplate] = t.Name
	tags[cloud.TagLaunchedBy] = in.Caller
	// Who started it, as every start tags its instances: a launch is its
	// first start, and the stack's tags reach the instance as it is made.
	tags[cloud.TagStartedBy] = in.Caller
	tags[cloud.TagStartedAt] = in.Now.UTC().Format(time.RFC3339)
	if u.DNS != "" {
		tags[cloud.TagDNS] = u.DNS
		tags[TagDNSZone] = u.ZoneID
	}
	for k, v := range tags {
		if len(v) > MaxTagValue {
			tags[k] = v[:MaxTagValue] // an ARN of a long role session: the start of it still says who
		}
	}
	params := builtin.Params{ImageID: l.image.ID, InstanceType: l.typ, SubnetID: lt.Subnet, SecurityGroupIDs: lt.SecurityGroups,
		KeyName: lt.KeyPair, InstanceProfile: lt.InstanceProfile, Name: name}
	if v := p.Volume; v != nil {
		params.Volume = &builtin.Volume{SizeGiB: v.SizeGiB, Type: v.Type, Device: v.Device, Encrypted: v.Encrypted, KMSKey: v.KMSKey}
	}
	values := params.Values()
	if l.own {
		own := map[string]string{}
		for _, k := range t.PassedParameters(lt) {
			switch {
			case k == env.ParamUserData:
				own[k] = base64.StdEncoding.EncodeToString(l.script)
			case t.Parameters[k] != "":
				own[k] = t.Parameters[k]
			default:
				own[k] = values[k]
			}
		}
		values = own
	}
	u.Input = cloud.StackInput{Name: u.Stack, TemplateBody: l.body, Parameters: values, Tags: tags,
		ClientToken: "cc-launch-" + u.ID, Capabilities: l.capability, OnFailure: cloud.OnFailureDelete, Timeout: t.Timeout.D()}
	return u
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
