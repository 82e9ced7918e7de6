package cloudtest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Faults makes chosen calls of a fake fail as AWS would make them fail
// (a *cloud.AccessDeniedError, a *cloud.ThrottledError, any error): the
// next few calls of a method, or every one until cleared. The fakes of
// SSM, Scheduler and IAM embed one; methods are named as the interfaces
// name them ("CreateSchedule").
type Faults struct {
	mu     sync.Mutex
	next   map[string][]error
	always map[string]error
}

// FailNext makes the next len(errs) calls of method return errs, in order.
func (f *Faults) FailNext(method string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.next == nil {
		f.next = map[string][]error{}
	}
	f.next[method] = append(f.next[method], errs...)
}

// FailAlways makes every call of method return err; nil clears it.
func (f *Faults) FailAlways(method string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.always == nil {
		f.always = map[string]error{}
	}
	if err == nil {
		delete(f.always, method)
		return
	}
	f.always[method] = err
}

// fault is the error the next call of method must return, if any.
func (f *Faults) fault(method string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if q := f.next[method]; len(q) > 0 {
		f.next[method] = q[1:]
		return q[0]
	}
	return f.always[method]
}

// APIError is an AWS error code and message, for the answers the fakes
// give that are neither "not found" nor a refusal.
type APIError struct {
	Code, Message string
}

func (e *APIError) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// recorder is what every fake embeds: its faults and its call log.
type recorder struct {
	Faults
	Log
}

// begin logs a call and returns the fault it must fail with, if any.
func (r *recorder) begin(method, region string, at time.Time, names ...string) error {
	r.add(method, region, at, names...)
	return r.fault(method)
}

// Log records the calls of a fake: method, region, what it named, when.
type Log struct {
	mu    sync.Mutex
	calls []LogCall
}

// LogCall is one call a fake answered (or failed).
type LogCall struct {
	Method, Region string
	// Names are what the call named: a document, schedule or role name,
	// instance ids, a command id.
	Names []string
	At    time.Time
	// Seq orders calls across every fake (the clock may not move between them).
	Seq uint64
}

// seq numbers the calls of all fakes.
var seq atomic.Uint64

func (l *Log) add(method, region string, at time.Time, names ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, LogCall{Method: method, Region: region, Names: slices.Clone(names), At: at, Seq: seq.Add(1)})
}

// InOrder merges the calls of several fakes in the order they were made.
func InOrder(logs ...*Log) []LogCall {
	var all []LogCall
	for _, l := range logs {
		all = append(all, l.Calls()...)
	}
	slices.SortFunc(all, func(a, b LogCall) int { return cmp.Compare(a.Seq, b.Seq) })
	return all
}

// IsRead reports whether a fake's method only reads.
func IsRead(method string) bool { return slices.Contains(reads, method) }

// Calls returns every call of the listed methods (all calls without any), in order.
func (l *Log) Calls(methods ...string) []LogCall {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []LogCall
	for _, c := range l.calls {
		if len(methods) == 0 || slices.Contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// Methods lists the methods called, in order.
func (l *Log) Methods() []string {
	var out []string
	for _, c := range l.Calls() {
		out = append(out, c.Method)
	}
	return out
}

// Mutations lists the calls that change something (everything but the
// reads), in order: what a dry run or a refused deploy must leave empty.
func (l *Log) Mutations() []string {
	var out []string
	for _, c := range l.Calls() {
		if !slices.Contains(reads, c.Method) {
			out = append(out, c.Method)
		}
	}
	return out
}

// reads are the methods of the fakes that change nothing.
var reads = []string{"GetDocument", "Automation", "GroupExists", "GroupTags", "GetSchedule", "ListSchedules",
	"GetRole", "Results", "Managed"}

// namesIn lists the names of region's entries of m, whose keys are
// "region/name", sorted.
func namesIn[V any](m map[string]V, region string) []string {
	var out []string
	for k := range m {
		if r, n, _ := strings.Cut(k, "/"); r == region {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}
