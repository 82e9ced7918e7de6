package control

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/runbook"
	"cloudcontrol/backend/schedule"
)

// The parts of a deploy plan: roles, documents, the group, the schedules;
// and of a removal.

// Role uses.
const (
	useAutomation = "automation"
	useScheduler  = "scheduler"
)

// planRoles decides the two roles and returns their ARNs.
func (d *deployer) planRoles(ctx context.Context, opts DeployOptions) (autoARN, schedARN string, err error) {
	d.roles, d.managed, d.trust = map[string]*cloud.Role{}, map[string]bool{}, map[string]string{}
	own := []struct{ use, name, service string }{
		{useAutomation, runbook.AutomationRoleName(d.e.Name), "ssm.amazonaws.com"},
		{useScheduler, runbook.SchedulerRoleName(d.e.Name), "scheduler.amazonaws.com"},
	}
	arnOf := func(name string) string {
		return fmt.Sprintf("arn:%s:iam::%s:role/%s", partitionOf(d.region), d.p.Account, name)
	}
	switch {
	case opts.CreateRoles:
		for _, r := range own {
			got, err := d.a.roles.GetRole(ctx, r.name)
			switch {
			case isNotFound(err):
				trust, err := runbook.TrustPolicy(r.service, d.p.Account)
				if err != nil {
					return "", "", err
				}
				d.trust[r.name], d.managed[r.name] = string(trust), true
				d.p.Roles = append(d.p.Roles, RoleChange{Use: r.use, Name: r.name, ARN: arnOf(r.name), Change: Create})
			case err != nil:
				return "", "", awsErr("reading the role "+r.name, err)
			case !ours(got.Tags, d.e.Name):
				return "", "", fmt.Errorf("the role %s exists and was not created by a Cloud Control deploy of %s, so it is not changed and nothing was deployed: give it with --automation-role and --scheduler-role, or delete it",
					r.name, d.e.Name)
			default:
				d.roles[r.name], d.managed[r.name] = got, true
				d.p.Roles = append(d.p.Roles, RoleChange{Use: r.use, Name: r.name, ARN: got.ARN, Change: Unchanged})
			}
		}
		return d.p.Roles[0].ARN, d.p.Roles[1].ARN, nil
	case opts.AutomationRole != "":
		for _, r := range []struct{ use, flag, arn string }{{useAutomation, "--automation-role", opts.AutomationRole}, {useScheduler, "--scheduler-role", opts.SchedulerRole}} {
			if err := d.useRole(ctx, r.use, r.flag, r.arn); err != nil {
				return "", "", err
			}
		}
		return opts.AutomationRole, opts.SchedulerRole, nil
	}
	// Neither: the roles an earlier deploy used, from its schedules...
	for _, name := range []string{scheduleStart, scheduleStop} {
		if sc, ok := d.existing[name]; ok && sc.RoleARN != "" {
			if _, auto := parseInput(sc.Input); auto != "" {
				if err := d.useRole(ctx, useAutomation, "the deployed schedules' automation role", auto); err != nil {
					return "", "", err
				}
				if err := d.useRole(ctx, useScheduler, "the deployed schedules' scheduler role", sc.RoleARN); err != nil {
					return "", "", err
				}
				return auto, sc.RoleARN, nil
			}
		}
	}
	// ...or the ones it created.
	var found []*cloud.Role
	for _, r := range own {
		got, err := d.a.roles.GetRole(ctx, r.name)
		if err != nil && !isNotFound(err) {
			return "", "", awsErr("reading the role "+r.name, err)
		}
		if err == nil && ours(got.Tags, d.e.Name) {
			found = append(found, got)
		}
	}
	if len(found) < 2 {
		return "", "", fmt.Errorf("%s has no roles in AWS for its runbooks yet, so nothing was deployed: add --create-roles, or give --automation-role ARN and --scheduler-role ARN", d.e.Name)
	}
	for i, r := range own {
		d.roles[r.name], d.managed[r.name] = found[i], true
		d.p.Roles = append(d.p.Roles, RoleChange{Use: r.use, Name: r.name, ARN: found[i].ARN, Change: Unchanged})
	}
	return found[0].ARN, found[1].ARN, nil
}

// useRole checks that a role given by its ARN exists; a deploy's own role
// is kept up to date, any other used as it is.
func (d *deployer) useRole(ctx context.Context, use, from, arn string) error {
	name := arn[strings.LastIndex(arn, "/")+1:]
	got, err := d.a.roles.GetRole(ctx, name)
	if isNotFound(err) {
		return fmt.Errorf("%s %s does not exist, so nothing was deployed: create it (or use --create-roles) and try again", from, arn)
	}
	if err != nil {
		return awsErr("reading the role "+arn, err)
	}
	if got.ARN != "" && got.ARN != arn {
		return fmt.Errorf("%s %s: IAM knows that role as %s; give its ARN exactly", from, arn, got.ARN)
	}
	rc := RoleChange{Use: use, Name: name, ARN: arn, Change: Use,
		Note: "used as it is: Cloud Control does not change its policies; it needs the ones env export writes"}
	if ours(got.Tags, d.e.Name) {
		d.roles[name], d.managed[name] = got, true
		rc.Change, rc.Note = Unchanged, ""
	}
	d.p.Roles = append(d.p.Roles, rc)
	return nil
}

// policies queues the inline policies of the roles the deploy manages.
func (d *deployer) policies(x *runbook.Export) error {
	for i := range d.p.Roles {
		rc := &d.p.Roles[i]
		if !d.managed[rc.Name] {
			continue
		}
		want := string(x.AutomationPolicy)
		if rc.Use == useScheduler {
			want = string(x.SchedulerPolicy)
		} else if n := runbook.PolicyChars(x.AutomationPolicy); n > runbook.MaxInlinePolicyChars {
			return fmt.Errorf("%s's automation policy is %d characters, more than the %d IAM allows inline, so nothing was deployed: select instances by tags rather than ids, or create the role yourself and give --automation-role and --scheduler-role",
				d.e.Name, n, runbook.MaxInlinePolicyChars)
		}
		name := rc.Name
		if rc.Change == Create {
			trust := d.trust[name]
			d.step("create role "+name, leavesRoles, func(ctx context.Context) error {
				_, err := d.a.roles.CreateRole(ctx, cloud.Role{Name: name, TrustPolicy: trust, Tags: ownTags(d.e.Name, d.by)})
				return err
			})
		} else {
			if sameData(d.roles[name].Policies[policyName], want) {
				continue
			}
			rc.Change, rc.Note = Update, "its policy is not what env export writes now"
		}
		d.step("put the policy of role "+name, leavesRoles, func(ctx context.Context) error {
			return d.a.roles.PutRolePolicy(ctx, name, policyName, want)
		})
	}
	return nil
}

// planDocuments compares both runbooks with what is deployed: new ones
// are created, changed ones get a new version, made the default once both
// have theirs.
func (d *deployer) planDocuments(ctx context.Context, x *runbook.Export) error {
	var creates, updates, defaults []deployStep
	for _, doc := range []struct {
		kind, name string
		d          *runbook.Document
	}{{"start", runbook.StartDocumentName(d.e.Name), x.StartDoc}, {"stop", runbook.StopDocumentName(d.e.Name), x.StopDoc}} {
		content, err := deployContent(doc.d)
		if err != nil {
			return err
		}
		dc := DocumentChange{Kind: doc.kind, Name: doc.name, Bytes: len(content), content: content}
		cur, err := d.a.docs.GetDocument(ctx, d.region, doc.name)
		name := doc.name
		switch {
		case isNotFound(err):
			dc.Change, dc.NewVersion = Create, "1"
			creates = append(creates, deployStep{what: "create document " + name, leaves: leavesVersions, do: func(ctx context.Context) error {
				_, err := d.a.docs.CreateDocument(ctx, d.region, cloud.Document{Name: name, Content: content, Tags: ownTags(d.e.Name, d.by)})
				return err
			}})
		case err != nil:
			return awsErr("reading the document "+name, err)
		case sameData(cur.Content, content):
			dc.Change, dc.Version = Unchanged, cur.DefaultVersion
		default:
			latest, _ := strconv.Atoi(cur.LatestVersion)
			diff := diffDocuments(cur.Content, content)
			dc.Change, dc.Version, dc.NewVersion, dc.Diff = Update, cur.DefaultVersion, strconv.Itoa(latest+1), &diff
			dc.ChangedInAWS = !pristine(cur.Content)
			dc.Note = "the environment file changed since it was deployed"
			if dc.ChangedInAWS {
				dc.Note = "it was changed in AWS since Cloud Control deployed it (or not written by Cloud Control): deploying overwrites it"
			}
			held, err := d.versionHolding(ctx, name, content)
			if err != nil {
				return err
			}
			version := held
			if held != "" {
				// SSM refuses new content equal to a version's: that
				// version (Cloud Control's, before the edit) is put back.
				dc.NewVersion = held
				dc.Note += "; version " + held + " holds what Cloud Control writes, so it is made the default again"
			} else {
				prev := *cur
				updates = append(updates, deployStep{what: "add version " + dc.NewVersion + " of document " + name, leaves: leavesVersions,
					do: func(ctx context.Context) error {
						v, err := d.updateDocument(ctx, &prev, content)
						version = v
						return err
					}})
			}
			defaults = append(defaults, deployStep{what: "make version " + dc.NewVersion + " the default of " + name, leaves: leavesDefault,
				do: func(ctx context.Context) error { return d.a.docs.SetDefaultVersion(ctx, d.region, name, version) }})
		}
		d.p.Documents = append(d.p.Documents, dc)
	}
	d.p.steps = append(append(append(d.p.steps, creates...), updates...), defaults...)
	return nil
}

// versionFinder is what a session's documents may offer beyond
// cloud.Documents: the version that holds a content (aws.Documents).
type versionFinder interface {
	VersionWithContent(ctx context.Context, region, name, content string) (string, error)
}

// versionHolding is the version of the document whose content is content,
// "" when none is (or the session cannot tell).
func (d *deployer) versionHolding(ctx context.Context, name, content string) (string, error) {
	f, ok := d.a.docs.(versionFinder)
	if !ok {
		return "", nil
	}
	v, err := f.VersionWithContent(ctx, d.region, name, content)
	if err != nil {
		return "", awsErr("reading the versions of the document "+name, err)
	}
	return v, nil
}

// updateDocument adds the new version. A version left by a deploy that
// failed before making it the default may hold that very content (SSM
// then refuses an update): it is used instead.
func (d *deployer) updateDocument(ctx context.Context, cur *cloud.Document, content string) (string, error) {
	v, err := d.a.docs.UpdateDocument(ctx, d.region, cur.Name, content)
	if err == nil {
		return v.Version, nil
	}
	if cur.LatestVersion == "" || cur.LatestVersion == cur.DefaultVersion {
		return "", err
	}
	if d.a.docs.SetDefaultVersion(ctx, d.region, cur.Name, cur.LatestVersion) != nil {
		return "", err
	}
	if now, gerr := d.a.docs.GetDocument(ctx, d.region, cur.Name); gerr == nil && sameData(now.Content, content) {
		return cur.LatestVersion, nil
	}
	_ = d.a.docs.SetDefaultVersion(ctx, d.region, cur.Name, cur.DefaultVersion) // not it: as it was
	return "", err
}

func (d *deployer) planGroup() {
	d.p.Group = GroupChange{Name: d.group, Change: Unchanged}
	if d.groupOK {
		return
	}
	d.p.Group.Change = Create
	d.step("create schedule group "+d.group, leavesSchedules, func(ctx context.Context) error {
		return d.a.sched.CreateGroup(ctx, d.region, d.group, ownTags(d.e.Name, d.by))
	})
}

// planSchedules sets the start and stop schedules as wanted; one no
// longer wanted is deleted when Cloud Control wrote it.
func (d *deployer) planSchedules(tz string, exprs map[string]string, schedARN, autoARN string) error {
	for _, name := range []string{scheduleStart, scheduleStop} {
		doc, verb := runbook.StartDocumentName(d.e.Name), "Starts"
		if name == scheduleStop {
			doc, verb = runbook.StopDocumentName(d.e.Name), "Stops"
		}
		cur, exists := d.existing[name]
		expr, wanted := exprs[name]
		if !wanted {
			if !exists {
				continue
			}
			sc := ScheduleChange{Name: name, Change: Delete, Expression: cur.Expression, Timezone: cur.Timezone,
				Note: "the environment no longer schedules its " + name}
			if !strings.HasSuffix(cur.Description, scheduleMark) {
				sc.Change, sc.Note = Keep, "not written by Cloud Control: left alone"
			} else {
				d.step("delete schedule "+d.group+"/"+name, leavesSchedules, func(ctx context.Context) error {
					return d.a.sched.DeleteSchedule(ctx, d.region, d.group, name)
				})
			}
			d.p.Schedules = append(d.p.Schedules, sc)
			continue
		}
		input, err := automationInput(doc, autoARN)
		if err != nil {
			return err
		}
		want := cloud.Schedule{Group: d.group, Name: name, Expression: expr, Timezone: tz, State: "ENABLED",
			Description: fmt.Sprintf("%s %s with %s %s", verb, d.e.Name, doc, scheduleMark),
			TargetARN:   universalTarget(d.region), RoleARN: schedARN, Input: input}
		parsed, err := schedule.New(expr, tz)
		if err != nil {
			return err
		}
		sc := ScheduleChange{Name: name, Change: Create, Expression: expr, Timezone: tz, Describe: parsed.Describe(),
			Next: parsed.NextN(d.now, nextRuns), Document: doc}
		switch {
		case !exists:
			d.step("create schedule "+d.group+"/"+name, leavesSchedules, func(ctx context.Context) error {
				return d.a.sched.CreateSchedule(ctx, d.region, want)
			})
		case sameSchedule(cur, want):
			sc.Change = Unchanged
		default:
			sc.Change, sc.Was = Update, cur.Expression+" in "+cur.Timezone
			d.step("update schedule "+d.group+"/"+name, leavesSchedules, func(ctx context.Context) error {
				return d.a.sched.UpdateSchedule(ctx, d.region, want)
			})
		}
		d.p.Schedules = append(d.p.Schedules, sc)
	}
	return nil
}

func sameSchedule(a, b cloud.Schedule) bool {
	return a.Expression == b.Expression && a.Timezone == b.Timezone && a.State == b.State && a.TargetARN == b.TargetARN &&
		a.RoleARN == b.RoleARN && a.Description == b.Description && a.DeleteAfter == b.DeleteAfter && sameData(a.Input, b.Input)
}

// planRemove lists what deploys created, to delete it: schedules, group,
// documents, roles (the reverse of their making); the rest is kept.
func (d *deployer) planRemove(ctx context.Context) error {
	tags, err := d.readSchedules(ctx)
	if err != nil {
		return err
	}
	foreign := 0
	for _, name := range sortedNames(d.existing) {
		sc := d.existing[name]
		own := (name == scheduleStart || name == scheduleStop || name == LeaseScheduleName) && strings.HasSuffix(sc.Description, scheduleMark)
		ch := ScheduleChange{Name: name, Change: Delete, Expression: sc.Expression, Timezone: sc.Timezone}
		if !own {
			foreign++
			ch.Change, ch.Note = Keep, "not written by Cloud Control: left alone"
		} else {
			d.step("delete schedule "+d.group+"/"+name, leavesRemoval, func(ctx context.Context) error {
				return ignoreNotFound(d.a.sched.DeleteSchedule(ctx, d.region, d.group, name))
			})
		}
		d.p.Schedules = append(d.p.Schedules, ch)
	}
	d.p.Group = GroupChange{Name: d.group, Change: Unchanged, Note: "there is none"}
	switch {
	case !d.groupOK:
	case !ours(tags, d.e.Name):
		d.p.Group.Change, d.p.Group.Note = Keep, "not created by a Cloud Control deploy: left alone"
	case foreign > 0:
		d.p.Group.Change, d.p.Group.Note = Keep, fmt.Sprintf("it holds %d schedule(s) Cloud Control did not write: kept with them", foreign)
	default:
		d.p.Group.Change, d.p.Group.Note = Delete, ""
		d.step("delete schedule group "+d.group, leavesRemoval, func(ctx context.Context) error {
			return ignoreNotFound(d.a.sched.DeleteGroup(ctx, d.region, d.group))
		})
	}
	for _, doc := range []struct{ kind, name string }{{"start", runbook.StartDocumentName(d.e.Name)}, {"stop", runbook.StopDocumentName(d.e.Name)}} {
		cur, err := d.a.docs.GetDocument(ctx, d.region, doc.name)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return awsErr("reading the document "+doc.name, err)
		}
		dc := DocumentChange{Kind: doc.kind, Name: doc.name, Change: Delete, Version: cur.DefaultVersion}
		if !ours(cur.Tags, d.e.Name) {
			dc.Change, dc.Note = Keep, "not created by a Cloud Control deploy: left alone"
		} else {
			name := doc.name
			d.step("delete document "+name, leavesRemoval, func(ctx context.Context) error {
				return ignoreNotFound(d.a.docs.DeleteDocument(ctx, d.region, name))
			})
		}
		d.p.Documents = append(d.p.Documents, dc)
	}
	for _, r := range []struct{ use, name string }{{useAutomation, runbook.AutomationRoleName(d.e.Name)}, {useScheduler, runbook.SchedulerRoleName(d.e.Name)}} {
		got, err := d.a.roles.GetRole(ctx, r.name)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return awsErr("reading the role "+r.name, err)
		}
		rc := RoleChange{Use: r.use, Name: r.name, ARN: got.ARN, Change: Delete}
		if !ours(got.Tags, d.e.Name) {
			rc.Change, rc.Note = Keep, "not created by a Cloud Control deploy: left alone"
		} else {
			name, policies := r.name, sortedNames(got.Policies)
			d.step("delete role "+name, leavesRemoval, func(ctx context.Context) error {
				for _, p := range policies { // IAM deletes a role only without them
					if err := ignoreNotFound(d.a.roles.DeleteRolePolicy(ctx, name, p)); err != nil {
						return err
					}
				}
				return ignoreNotFound(d.a.roles.DeleteRole(ctx, name))
			})
		}
		d.p.Roles = append(d.p.Roles, rc)
	}
	return nil
}

func ignoreNotFound(err error) error {
	if isNotFound(err) {
		return nil
	}
	return err
}
