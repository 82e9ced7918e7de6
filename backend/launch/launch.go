// Package launch launches instances from an environment's templates
// through CloudFormation, follows them to ready, terminates them, lists
// what Cloud Control launched and cleans up what was left behind.
//
// A launch is: Prepare (the preview as data and the preflight: everything
// checked before anything is created), then Launcher.Run (CreateStack with
// a client request token, the stack's events and the instance's state and
// boot progress followed at a fixed number of calls per tick, ready once
// the stack is CREATE_COMPLETE and the instance running, the DNS record
// written). Whatever fails, times out or is cancelled is deleted and waited
// for; a DELETE_FAILED stack is deleted again and what still remains is
// named. Every step is an op.Event; backend/control runs these as
// operations (op.Launch, op.Terminate, op.CleanUp) under the environment's
// lock.
package launch

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
)

// Cloud is what a launch needs of a session (an aws.Session offers it).
type Cloud interface {
	Fleet() cloud.Fleet
	Stacks() cloud.Stacks
	DNS() cloud.DNS
	Parameters() cloud.Parameters
	Network() cloud.Network
}

// Tags of Cloud Control's own, besides backend/cloud's.
const (
	// TagDNSZone is the hosted zone id of the record in cloudcontrol:dns,
	// so the record can be found again whatever the file says later.
	TagDNSZone = "cloudcontrol:dns-zone"
	// CloudFormation's own tags on the resources of a stack.
	TagStackID   = "aws:cloudformation:stack-id"
	TagStackName = "aws:cloudformation:stack-name"
)

// DNSTTL is the TTL of the records Cloud Control writes.
const DNSTTL = 300

// MaxCount is how many instances one launch makes at most.
const MaxCount = 20

// stackType is the resource type of a stack's own events.
const stackType = "AWS::CloudFormation::Stack"

// instanceType is the resource type the launch follows.
const instanceType = "AWS::EC2::Instance"

// Reporter sends a launch's events to a sink, stamped with the
// environment, the action, the time and the time since it began.
type Reporter struct {
	Env    string
	Action op.Action
	Sink   op.Sink
	Clock  clockwork.Clock
	start  time.Time
}

// NewReporter starts the operation's clock now.
func NewReporter(envName string, action op.Action, sink op.Sink, clock clockwork.Clock) *Reporter {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	return &Reporter{Env: envName, Action: action, Sink: sink, Clock: clock, start: clock.Now()}
}

// Emit stamps and sends one event.
func (r *Reporter) Emit(e op.Event) {
	if r == nil || r.Sink == nil {
		return
	}
	now := r.Clock.Now()
	e.Time, e.Env, e.Action, e.Elapsed = now, r.Env, r.Action, now.Sub(r.start).Seconds()
	r.Sink.Emit(e)
}

// note says something worth knowing that changes nothing.
func (r *Reporter) note(stack, msg string) {
	r.Emit(op.Event{Type: op.EventNote, Stack: stack, Message: msg})
}

// NewID is a launch id: 12 random hex digits.
func NewID() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on the platforms Go supports.
		panic(fmt.Sprintf("no randomness for a launch id: %v", err))
	}
	return hex.EncodeToString(b[:])
}

// stackPrefix starts every stack Cloud Control names (the instance
// policy's SignalResource is limited to them).
const stackPrefix = "cc-"

// StackName is the CloudFormation stack of an environment's instance:
// letters, digits and "-", starting with a letter, at most 128.
func StackName(envName, instance string) string {
	var b strings.Builder
	b.WriteString(stackPrefix)
	for _, r := range envName + "-" + instance {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := b.String()
	if len(s) > 128 {
		s = s[:128]
	}
	return s
}

// failedStatus reports a stack status that means the create failed.
func failedStatus(status string) bool {
	switch status {
	case cloud.StackCreateFailed, cloud.StackRollbackComplete, cloud.StackRollbackFailed, "ROLLBACK_IN_PROGRESS",
		cloud.StackDeleteInProgress, cloud.StackDeleteComplete, cloud.StackDeleteFailed:
		return true
	}
	return false
}

// stackOwnEvent reports whether a stack event is the stack's own.
func stackOwnEvent(e cloud.StackEvent) bool {
	return e.ResourceType == stackType
}

// label names an instance for people.
func label(id, name string) string { return op.Label(id, name) }
