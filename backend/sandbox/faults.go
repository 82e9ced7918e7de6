package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// FaultKind is what a fault does to a request.
type FaultKind string

// Fault kinds.
const (
	// FaultThrottle answers RequestLimitExceeded with HTTP 503.
	FaultThrottle FaultKind = "throttle"
	// FaultInternal answers InternalError with HTTP 500.
	FaultInternal FaultKind = "internal"
	// FaultLatency delays the request by Latency (real time on the sandbox
	// clock, not divided by Speed: clients' own timeouts are real time).
	FaultLatency FaultKind = "latency"

	// The kinds below hit CloudFormation resources and launched instances,
	// not requests. Resource names a logical id or a resource type (empty:
	// any); Message is the failure reason (empty: a default).

	// FaultResourceFail makes a resource's create end CREATE_FAILED, which
	// rolls its stack back (or not, as the stack's OnFailure says).
	FaultResourceFail FaultKind = "stack-resource-fail"
	// FaultDeleteFail makes a resource's delete end DELETE_FAILED, and its
	// stack's delete with it; a later DeleteStack retries.
	FaultDeleteFail FaultKind = "stack-delete-fail"
	// FaultStackSlow adds Latency (on the sandbox clock, divided by Speed)
	// to every create and delete of a matching resource.
	FaultStackSlow FaultKind = "stack-slow"
	// FaultUserDataFail makes the user data of the next launched instances
	// fail: its cfn-signal -e $? reports failure.
	FaultUserDataFail FaultKind = "user-data-fail"
)

// stackKinds are the fault kinds that never hit a request.
var stackKinds = []FaultKind{FaultResourceFail, FaultDeleteFail, FaultStackSlow, FaultUserDataFail}

// Fault makes matching requests fail or slow down.
type Fault struct {
	Kind FaultKind `json:"kind"`
	// Action limits the fault to one API action (e.g. StartInstances); empty means all.
	Action string `json:"action,omitempty"`
	// Region limits the fault to one region; empty means all.
	Region string `json:"region,omitempty"`
	// Count is how many requests the fault hits before it is used up; 0 means no limit.
	Count int `json:"count,omitempty"`
	// Probability (0..1] that a matching request is hit; 0 means always.
	Probability float64 `json:"probability,omitempty"`
	// Latency is the added delay for FaultLatency and FaultStackSlow.
	Latency time.Duration `json:"latency,omitempty"`
	// Resource limits a stack fault to a logical id or resource type.
	Resource string `json:"resource,omitempty"`
	// Message is a stack fault's failure reason.
	Message string `json:"message,omitempty"`
}

func (f Fault) validate() error {
	switch f.Kind {
	case FaultThrottle, FaultInternal, FaultDenied, FaultResourceFail, FaultDeleteFail, FaultUserDataFail:
	case FaultLatency, FaultStackSlow:
		if f.Latency <= 0 {
			return fmt.Errorf("a %s fault needs a latency above zero, such as latency: 2s", f.Kind)
		}
	default:
		return fmt.Errorf("fault kind must be throttle, internal or latency (or denied: a missing permission; or "+
			"stack-resource-fail, stack-delete-fail, stack-slow, user-data-fail), not %q", f.Kind)
	}
	if f.Action != "" && slices.Contains(stackKinds, f.Kind) {
		return fmt.Errorf("a %s fault hits resources, not requests: give resource (a logical id or type), not action", f.Kind)
	}
	if f.Count < 0 || f.Probability < 0 || f.Probability > 1 {
		return fmt.Errorf("fault count must be 0 or more and probability between 0 and 1")
	}
	return nil
}

// faultSet holds the active faults; safe for concurrent use.
type faultSet struct {
	mu     sync.Mutex
	faults []*Fault
	rng    *rand.Rand
}

func (s *faultSet) add(f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
	return nil
}

func (s *faultSet) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *faultSet) list() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, len(s.faults))
	for i, f := range s.faults {
		out[i] = *f
	}
	return out
}

// hit decides which faults apply to one request: the summed latency and the
// first error fault (if any). Counted faults are used up as they fire.
func (s *faultSet) hit(action, region string) (latency time.Duration, fail *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.faults[:0]
	for _, f := range s.faults {
		fires := !slices.Contains(stackKinds, f.Kind) && (f.Action == "" || f.Action == action) && (f.Region == "" || f.Region == region) &&
			(f.Kind == FaultLatency || fail == nil) &&
			(f.Probability == 0 || s.rng.Float64() < f.Probability)
		if fires {
			if f.Kind == FaultLatency {
				latency += f.Latency
			} else {
				c := *f
				fail = &c
			}
			if f.Count > 0 {
				f.Count--
				if f.Count == 0 {
					continue // used up
				}
			}
		}
		kept = append(kept, f)
	}
	clear(s.faults[len(kept):])
	s.faults = kept
	return latency, fail
}

// take uses up one firing of the first fault of kind that matches a
// resource (its logical id or type) in region, or returns nil.
func (s *faultSet) take(kind FaultKind, region, logicalID, typ string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Kind != kind || f.Region != "" && f.Region != region ||
			f.Resource != "" && f.Resource != logicalID && f.Resource != typ ||
			f.Probability > 0 && s.rng.Float64() >= f.Probability {
			continue
		}
		hit := *f
		if f.Count > 0 {
			if f.Count--; f.Count == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
		}
		return &hit
	}
	return nil
}

// applyFaults sleeps for latency faults and returns an injected error, if any.
// A client that gives up during the latency ends the wait: its request
// answers RequestCanceled at once.
func (sb *Sandbox) applyFaults(r *http.Request, c *call) *apiError {
	latency, fail := sb.faults.hit(c.action, c.region)
	if latency > 0 {
		if err := keepBody(r); err != nil {
			return clientErr("SerializationException", "reading the request: %v", err)
		}
		select {
		case <-sb.clock.After(latency):
		case <-r.Context().Done():
			return &apiError{http.StatusInternalServerError, "RequestCanceled", "the client went away during injected latency"}
		}
	}
	return faultError(fail)
}

// keepBody reads the rest of the request body into memory and puts it back
// for the handler. net/http notices a client that went away (and cancels
// r.Context) only once the body has been read to its end, so a wait before
// the handler reads it would outlive the client, and Server.Close with it.
func keepBody(r *http.Request) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxFormBytes+1))
	if err != nil {
		return err
	}
	if len(body) > maxFormBytes {
		return fmt.Errorf("the body is over %d bytes", maxFormBytes)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}
