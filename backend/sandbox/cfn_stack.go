package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"cloudcontrol/backend/cfn"
)

// A CloudFormation stack in the sandbox is a schedule on its clock:
// resources start when what they wait for is complete, each takes the
// region's stack-resource time (an instance at least until it runs; one
// with a CreationPolicy until its signals arrive), a failure cancels the
// rest and rolls back (as OnFailure says), and a delete takes the
// stack-delete time in waves, dependents first. Like instances, a stack is
// advanced lazily to the clock whenever it is read, so its events are a
// function of time. Everything here is guarded by Sandbox.mu.

// Stack and resource statuses, as CloudFormation spells them.
const (
	createInProgress   = "CREATE_IN_PROGRESS"
	createComplete     = "CREATE_COMPLETE"
	createFailed       = "CREATE_FAILED"
	rollbackInProgress = "ROLLBACK_IN_PROGRESS"
	rollbackComplete   = "ROLLBACK_COMPLETE"
	rollbackFailed     = "ROLLBACK_FAILED"
	deleteInProgress   = "DELETE_IN_PROGRESS"
	deleteComplete     = "DELETE_COMPLETE"
	deleteFailed       = "DELETE_FAILED"
	deleteSkipped      = "DELETE_SKIPPED"
)

// What a stack is doing.
const (
	modeIdle     = ""
	modeCreate   = "create"
	modeRollback = "rollback"
	modeDelete   = "delete"
)

type stack struct {
	id, name, region string
	body             string
	tmpl             *cfn.Template
	env              *cfn.Env
	shown            []cfn.StackParameter
	tags             []xCfnTag
	caps             []string
	token            string
	onFailure        string
	timeout          time.Duration // TimeoutInMinutes (scaled); 0: none
	timing           StackTiming   // scaled
	created, deleted time.Time
	status, reason   string
	order            []string
	waits            map[string][]string
	res              map[string]*stackRes
	events           []stackEvent // oldest first
	outputs          []xCfnOutput
	mode             string
	opToken          string        // ClientRequestToken of the operation in progress
	waveDur          time.Duration // per delete wave
}

type stackRes struct {
	def      cfn.Resource
	status   string
	reason   string
	physical string
	updated  time.Time
	props    *cfn.Map
	due      time.Time // the operation in progress ends; zero: waits for signals
	fail     string    // it then ends failed with this reason
	deadline time.Time // signals must arrive by then
	earliest time.Time // it completes no sooner (its resource time, a slow fault)
	signals  []string  // unique ids of signals received
	sigSeen  int       // signals of its own instance's script looked at
	inst     *instance
	vol      *volume
	attach   *attachment
	keep     bool // RetainResources / DeletionPolicy: Retain
	// failedPass: its delete failed in the delete (or rollback) under way,
	// which does not try it again.
	failedPass bool
}

type stackEvent struct {
	id, logical, physical, typ, status, reason, props, token string
	at                                                       time.Time
}

func (st *stack) event(at time.Time, logical, physical, typ, status, reason, props string) {
	id := fmt.Sprintf("%s-%s-%s", logical, status, at.UTC().Format("2006-01-02T15:04:05.000Z"))
	if logical == st.name && typ == stackType {
		id = uuidOf(fmt.Sprintf("%s/%d", st.id, len(st.events)))
	}
	for _, e := range st.events {
		if e.id == id {
			id = uuidOf(fmt.Sprintf("%s/%d", st.id, len(st.events)))
		}
	}
	st.events = append(st.events, stackEvent{id: id, logical: logical, physical: physical, typ: typ, status: status,
		reason: reason, props: props, token: st.opToken, at: at})
}

const stackType = "AWS::CloudFormation::Stack"

func (st *stack) stackEvent(at time.Time, status, reason string) {
	st.status, st.reason = status, reason
	st.event(at, st.name, st.id, stackType, status, reason, "")
}

func (st *stack) resEvent(at time.Time, r *stackRes, status, reason string) {
	r.status, r.reason, r.updated = status, reason, at
	st.event(at, r.def.Name, r.physical, r.def.Type, status, reason, "")
}

// uuidOf is a stable UUID-shaped id derived from s.
func uuidOf(s string) string {
	h := hash17(s) + hash17(s+"/2")
	return h[1:9] + "-" + h[9:13] + "-4" + h[14:17] + "-a" + h[18:21] + "-" + h[21:33]
}

// advanceStacks brings every stack up to now. Called with sb.mu held
// before any request reads instances or stacks.
func (sb *Sandbox) advanceStacks(now time.Time) {
	for _, rs := range sb.regions {
		for _, st := range rs.stacks {
			sb.runStack(rs, st, now)
		}
	}
}

// syncStacks is advanceStacks to the clock, taking the lock.
func (sb *Sandbox) syncStacks() {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	sb.advanceStacks(sb.clock.Now())
}

// runStack performs every step of st due by now, earliest first.
func (sb *Sandbox) runStack(rs *regionState, st *stack, now time.Time) {
	for range 100000 {
		at, act := sb.nextStep(st)
		if act == nil || at.After(now) {
			return
		}
		act(at)
	}
}

// nextStep is the earliest step the stack has to take, and when.
func (sb *Sandbox) nextStep(st *stack) (time.Time, func(time.Time)) {
	var best time.Time
	var act func(time.Time)
	consider := func(at time.Time, f func(time.Time)) {
		if !at.IsZero() && (act == nil || at.Before(best)) {
			best, act = at, f
		}
	}
	switch st.mode {
	case modeCreate:
		for _, name := range st.order {
			r := st.res[name]
			if r.status != createInProgress {
				continue
			}
			if !r.due.IsZero() {
				consider(r.due, func(at time.Time) { sb.createDone(st, r, at) })
				continue
			}
			consider(r.deadline, func(at time.Time) {
				r.due, r.fail = at, fmt.Sprintf("Failed to receive %d resource signal(s) within the specified duration", r.def.Signal.Count)
			})
		}
		for _, name := range st.order {
			if r := st.res[name]; r.inst != nil && r.inst.script != nil {
				sigs := r.inst.script.signals()
				if r.sigSeen < len(sigs) {
					s := sigs[r.sigSeen]
					consider(s.at, func(at time.Time) { r.sigSeen++; sb.deliver(st, r, s.signal, at) })
				}
			}
		}
		if st.timeout > 0 {
			consider(st.created.Add(st.timeout), func(at time.Time) { sb.createFailedStack(st, at, nil, "Create timed out") })
		}
	case modeRollback, modeDelete:
		busy := false
		for _, name := range st.order {
			if r := st.res[name]; r.status == deleteInProgress {
				busy = true
				consider(r.due, func(at time.Time) { sb.deleteDone(st, r, at) })
			}
		}
		if !busy {
			// The previous wave ended (or the delete just began): start the next.
			consider(st.lastEvent(), func(at time.Time) { sb.deleteWave(st, at) })
		}
	}
	return best, act
}

func (st *stack) lastEvent() time.Time { return st.events[len(st.events)-1].at }

// startReady starts every resource whose dependencies are complete.
func (sb *Sandbox) startReady(st *stack, at time.Time) {
	for _, name := range st.order {
		r := st.res[name]
		if r.status != "" {
			continue
		}
		ready := true
		for _, d := range st.waits[name] {
			ready = ready && st.res[d].status == createComplete
		}
		if ready {
			sb.startCreate(st, r, at)
		}
	}
}

func (sb *Sandbox) startCreate(st *stack, r *stackRes, at time.Time) {
	props, err := st.env.Eval(r.def.Properties)
	if err == nil {
		r.props, _ = props.(*cfn.Map)
	}
	propsJSON := ""
	if r.props != nil {
		b, _ := json.Marshal(cfn.Plain(r.props))
		propsJSON = string(b)
	}
	r.status, r.updated = createInProgress, at
	st.event(at, r.def.Name, "", r.def.Type, createInProgress, "", propsJSON)
	fail := func(reason string) { r.due, r.fail = at, reason }
	if err != nil {
		fail(err.Error())
		return
	}
	handler := resourceTypes[r.def.Type]
	ready, reason := handler.create(sb, st, r, at)
	if reason != "" {
		fail(reason)
		return
	}
	st.resEvent(at, r, createInProgress, "Resource creation Initiated")
	slow := time.Duration(0)
	if f := sb.faults.take(FaultStackSlow, st.region, r.def.Name, r.def.Type); f != nil {
		slow = sb.scale(f.Latency)
	}
	done := at.Add(st.timing.Resource + slow)
	if ready.After(done) {
		done = ready
	}
	if f := sb.faults.take(FaultResourceFail, st.region, r.def.Name, r.def.Type); f != nil {
		r.due, r.fail = done, f.Message
		if r.fail == "" {
			r.fail = fmt.Sprintf("Resource handler returned message: \"%s %s failed to create (the sandbox's stack-resource-fail fault)\" (HandlerErrorCode: GeneralServiceException)", r.def.Type, r.def.Name)
		}
		return
	}
	if s := r.def.Signal; s != nil {
		r.deadline, r.earliest = at.Add(sb.scale(s.Timeout)), done
		return // completes when its signals arrive
	}
	r.due = done
}

// deliver applies one cfn-signal of r's instance's script.
func (sb *Sandbox) deliver(st *stack, from *stackRes, s signal, at time.Time) {
	target := from
	if s.resource != "" {
		target = st.res[s.resource]
	}
	if s.stack != "" && !strings.Contains(s.stack, "$") && s.stack != st.name && s.stack != st.id {
		return // for another stack: the sandbox's scripts signal their own
	}
	id := s.uniqueID
	if id == "" && from.inst != nil {
		id = from.inst.id
	}
	sb.signalResource(st, target, id, s.success, at)
}

// signalResource records one signal to a resource waiting for signals;
// other resources ignore it. It reports whether the resource was waiting.
func (sb *Sandbox) signalResource(st *stack, r *stackRes, uniqueID string, success bool, at time.Time) bool {
	if r == nil || st.mode != modeCreate || r.status != createInProgress || r.def.Signal == nil || !r.due.IsZero() {
		return false
	}
	if slices.Contains(r.signals, uniqueID) {
		return true
	}
	r.signals = append(r.signals, uniqueID)
	if !success {
		r.due, r.fail = at, "Received FAILURE signal with UniqueId "+uniqueID
		return true
	}
	st.resEvent(at, r, createInProgress, "Received SUCCESS signal with UniqueId "+uniqueID)
	if len(r.signals) >= r.def.Signal.Count {
		r.due = at
		if r.earliest.After(at) {
			r.due = r.earliest
		}
	}
	return true
}

func (sb *Sandbox) createDone(st *stack, r *stackRes, at time.Time) {
	if r.fail != "" {
		st.resEvent(at, r, createFailed, r.fail)
		sb.createFailedStack(st, at, []string{r.def.Name}, "")
		return
	}
	st.resEvent(at, r, createComplete, "")
	sb.startReady(st, at)
	for _, name := range st.order {
		if st.res[name].status != createComplete {
			return
		}
	}
	outs, err := sb.outputs(st)
	if err != nil {
		sb.createFailedStack(st, at, nil, err.Error())
		return
	}
	st.outputs, st.mode = outs, modeIdle
	st.stackEvent(at, createComplete, "")
}

// createFailedStack cancels what is in progress and rolls back, deletes or
// stops, as the stack's OnFailure says.
func (sb *Sandbox) createFailedStack(st *stack, at time.Time, failed []string, why string) {
	for _, name := range st.order {
		if r := st.res[name]; r.status == createInProgress {
			st.resEvent(at, r, createFailed, "Resource creation cancelled")
			r.due = time.Time{}
		}
	}
	for _, r := range st.res {
		r.failedPass = false
	}
	reason := why + ". "
	if len(failed) > 0 {
		reason = fmt.Sprintf("The following resource(s) failed to create: [%s]. ", strings.Join(failed, ", "))
	}
	switch st.onFailure {
	case "DO_NOTHING":
		st.mode = modeIdle
		st.stackEvent(at, createFailed, reason)
	case "DELETE":
		st.mode = modeDelete
		st.stackEvent(at, deleteInProgress, reason+"Delete requested by user.")
	default:
		st.mode = modeRollback
		st.stackEvent(at, rollbackInProgress, reason+"Rollback requested by user.")
	}
}

// beginDelete starts a DeleteStack: cancels a create in progress.
func (sb *Sandbox) beginDelete(st *stack, at time.Time, token string, retain []string) {
	for _, name := range st.order {
		r := st.res[name]
		if r.status == createInProgress {
			st.resEvent(at, r, createFailed, "Resource creation cancelled")
			r.due = time.Time{}
		}
		r.keep = r.keep || slices.Contains(retain, name)
		r.failedPass = false
	}
	st.opToken, st.mode = token, modeDelete
	st.stackEvent(at, deleteInProgress, "User Initiated")
}

// gone: a resource that no longer needs deleting.
func gone(r *stackRes) bool {
	return r.status == "" || r.status == deleteComplete || r.status == deleteSkipped
}

// deleteWave starts deleting every resource no remaining resource depends
// on, or ends the delete when none is left to delete.
func (sb *Sandbox) deleteWave(st *stack, at time.Time) {
	var wave []*stackRes
	for _, name := range st.order {
		r := st.res[name]
		if gone(r) || r.failedPass {
			continue
		}
		needed := false
		for _, other := range st.order {
			o := st.res[other]
			needed = needed || !gone(o) && slices.Contains(st.waits[other], name)
		}
		if !needed {
			wave = append(wave, r)
		}
	}
	if st.waveDur == 0 || len(wave) == 0 {
		st.waveDur = st.timing.Delete / time.Duration(max(1, sb.waves(st)))
	}
	if len(wave) == 0 {
		sb.deleteEnd(st, at)
		return
	}
	for _, r := range wave {
		switch {
		case r.keep || r.def.DeletionPolicy == "Retain" || r.def.DeletionPolicy == "RetainExceptOnCreate" && st.mode == modeDelete:
			st.resEvent(at, r, deleteSkipped, "")
		case r.physical == "":
			st.resEvent(at, r, deleteComplete, "")
		default:
			sb.startDelete(st, r, at)
		}
	}
}

// waves counts the delete waves left: the longest chain of dependents
// among the resources still to delete.
func (sb *Sandbox) waves(st *stack) int {
	depth := map[string]int{}
	var level func(name string) int
	level = func(name string) int {
		if d, ok := depth[name]; ok {
			return d
		}
		depth[name] = 1
		best := 1
		for _, other := range st.order {
			if !gone(st.res[other]) && slices.Contains(st.waits[other], name) {
				best = max(best, 1+level(other))
			}
		}
		depth[name] = best
		return best
	}
	n := 0
	for _, name := range st.order {
		if !gone(st.res[name]) {
			n = max(n, level(name))
		}
	}
	return n
}

func (sb *Sandbox) startDelete(st *stack, r *stackRes, at time.Time) {
	st.resEvent(at, r, deleteInProgress, "")
	slow := time.Duration(0)
	if f := sb.faults.take(FaultStackSlow, st.region, r.def.Name, r.def.Type); f != nil {
		slow = sb.scale(f.Latency)
	}
	r.due, r.fail = at.Add(st.waveDur+slow), ""
	if f := sb.faults.take(FaultDeleteFail, st.region, r.def.Name, r.def.Type); f != nil {
		r.fail = f.Message
		if r.fail == "" {
			r.fail = fmt.Sprintf("Resource handler returned message: \"%s %s could not be deleted (the sandbox's stack-delete-fail fault)\" (HandlerErrorCode: GeneralServiceException)", r.def.Type, r.def.Name)
		}
		return // the resource stays as it is
	}
	if done := resourceTypes[r.def.Type].remove(sb, st, r, at); done.After(r.due) {
		r.due = done
	}
}

func (sb *Sandbox) deleteDone(st *stack, r *stackRes, at time.Time) {
	if r.fail != "" {
		r.failedPass = true
		st.resEvent(at, r, deleteFailed, r.fail)
		return
	}
	st.resEvent(at, r, deleteComplete, "")
}

// deleteEnd closes a delete or rollback: complete, or failed naming the
// resources that remain.
func (sb *Sandbox) deleteEnd(st *stack, at time.Time) {
	var failed []string
	for _, name := range st.order {
		if st.res[name].status == deleteFailed {
			failed = append(failed, name)
		}
	}
	st.mode, st.waveDur = modeIdle, 0
	switch {
	case st.status == rollbackInProgress && len(failed) > 0:
		st.stackEvent(at, rollbackFailed, fmt.Sprintf("The following resource(s) failed to delete: [%s]. ", strings.Join(failed, ", ")))
	case st.status == rollbackInProgress:
		st.stackEvent(at, rollbackComplete, "")
	case len(failed) > 0:
		st.stackEvent(at, deleteFailed, fmt.Sprintf("The following resource(s) failed to delete: [%s]. ", strings.Join(failed, ", ")))
	default:
		st.deleted = at
		st.stackEvent(at, deleteComplete, "")
	}
}

// outputs evaluates the template's Outputs once every resource is complete.
func (sb *Sandbox) outputs(st *stack) ([]xCfnOutput, error) {
	var out []xCfnOutput
	for _, o := range st.tmpl.Outputs {
		if o.Condition != "" && !st.env.Conditions[o.Condition] {
			continue
		}
		v, err := st.env.Eval(o.Value)
		if err != nil {
			return nil, err
		}
		if l, ok := v.([]any); ok { // a list output reads as its comma-joined values
			parts := make([]string, len(l))
			for i, x := range l {
				parts[i] = fmt.Sprint(x)
			}
			v = strings.Join(parts, ",")
		}
		x := xCfnOutput{Key: o.Name, Value: fmt.Sprint(v), Description: o.Description}
		if o.Export != nil {
			if x.Export, err = st.env.EvalString(o.Export, "the Export Name of output "+o.Name); err != nil {
				return nil, err
			}
		}
		out = append(out, x)
	}
	return out, nil
}
