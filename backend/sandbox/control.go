package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"cloudcontrol/backend/cloud"
)

// InstanceView is an instance as the control endpoint shows it: what EC2
// would say plus the sandbox's own state.
type InstanceView struct {
	cloud.Instance
	Checks    cloud.Checks  `json:"checks"`
	FailStart bool          `json:"failStart,omitempty"`
	Services  []ServiceView `json:"services,omitempty"`
	// SSM is the instance's PingStatus in SSM's inventory (Online,
	// ConnectionLost), "unregistered" for a managed instance whose agent has
	// not registered yet, empty for one SSM does not manage.
	SSM string `json:"ssm,omitempty"`
}

// ServiceView is one simulated service of an instance.
type ServiceView struct {
	Port      int    `json:"port"`
	HTTP      string `json:"http,omitempty"`
	After     string `json:"after"`
	Listening bool   `json:"listening"`
	Error     string `json:"error,omitempty"`
}

// View is a snapshot of one region's instances (every region when region
// is empty) with checks, services and fail-start flags.
func (sb *Sandbox) View(region string) []InstanceView {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	now := sb.clock.Now()
	sb.runAgenda(now)
	sb.advanceStacks(now)
	names := []string{region}
	if region == "" {
		names = slices.Sorted(func(yield func(string) bool) {
			for n := range sb.regions {
				if !yield(n) {
					return
				}
			}
		})
	}
	out := []InstanceView{}
	for _, name := range names {
		rs := sb.regions[name]
		if rs == nil {
			continue
		}
		for _, in := range rs.order {
			in.advance(now)
			v := InstanceView{Instance: in.snapshot(), Checks: in.checks(now), FailStart: in.failStart}
			if ping, _, known := in.ping(now); known {
				v.SSM = ping
			} else if in.ssm != nil {
				v.SSM = "unregistered"
			}
			for _, s := range in.services {
				_, open := in.svc[s.Port]
				v.Services = append(v.Services, ServiceView{
					Port: s.Port, HTTP: s.HTTP, After: s.After.String(), Listening: open,
					Error: sb.svcErr[svcKey(in.id, s.Port)].err,
				})
			}
			out = append(out, v)
		}
	}
	return out
}

// faultJSON is a Fault with its latency written as a Go duration.
type faultJSON struct {
	Kind        FaultKind `json:"kind"`
	Action      string    `json:"action,omitempty"`
	Region      string    `json:"region,omitempty"`
	Count       int       `json:"count,omitempty"`
	Probability float64   `json:"probability,omitempty"`
	Latency     string    `json:"latency,omitempty"`
	Resource    string    `json:"resource,omitempty"`
	Message     string    `json:"message,omitempty"`
}

// MarshalJSON writes latency as a Go duration ("2s").
func (f Fault) MarshalJSON() ([]byte, error) {
	j := faultJSON{f.Kind, f.Action, f.Region, f.Count, f.Probability, "", f.Resource, f.Message}
	if f.Latency > 0 {
		j.Latency = f.Latency.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads latency as a Go duration ("2s").
func (f *Fault) UnmarshalJSON(b []byte) error {
	var j faultJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	*f = Fault{Kind: j.Kind, Action: j.Action, Region: j.Region, Count: j.Count, Probability: j.Probability,
		Resource: j.Resource, Message: j.Message}
	if j.Latency != "" {
		d, err := time.ParseDuration(j.Latency)
		if err != nil {
			return fmt.Errorf("latency %q is not a Go duration such as 2s: %w", j.Latency, err)
		}
		f.Latency = d
	}
	return nil
}

// clockJSON is the sandbox's time, and before an advance what it was.
type clockJSON struct {
	Now time.Time `json:"now"`
	Was time.Time `json:"was,omitzero"`
}

// controlHandler serves the JSON control endpoint under /_sandbox/.
func (sb *Sandbox) controlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_sandbox/requests", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, sb.Requests())
	})
	mux.HandleFunc("DELETE /_sandbox/requests", func(w http.ResponseWriter, r *http.Request) {
		sb.ResetRequests()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, sb.Faults())
	})
	mux.HandleFunc("POST /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		// One fault object or a list of them.
		var list []Fault
		if err := json.Unmarshal(body, &list); err != nil {
			var one Fault
			if err := json.Unmarshal(body, &one); err != nil {
				writeError(w, http.StatusBadRequest, fmt.Errorf("the body must be a fault or a list of faults such as {\"kind\":\"throttle\",\"action\":\"StartInstances\",\"count\":3}: %w", err))
				return
			}
			list = []Fault{one}
		}
		for _, f := range list {
			if err := f.validate(); err != nil {
				writeError(w, http.StatusBadRequest, err)
				return
			}
		}
		for _, f := range list {
			_ = sb.AddFault(f) // validated above
		}
		writeJSON(w, http.StatusOK, sb.Faults())
	})
	mux.HandleFunc("DELETE /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		sb.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	failStart := func(w http.ResponseWriter, r *http.Request, fail bool) {
		if r.Method == http.MethodPost && r.ContentLength != 0 {
			var body struct {
				Fail *bool `json:"fail"`
			}
			if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&body); err != nil && !errors.Is(err, io.EOF) {
				writeError(w, http.StatusBadRequest, fmt.Errorf("the body must be empty or {\"fail\": true|false}: %w", err))
				return
			}
			if body.Fail != nil {
				fail = *body.Fail
			}
		}
		if err := sb.SetFailStart(r.PathValue("id"), fail); err != nil {
			writeError(w, http.StatusNotFound, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "failStart": fail})
	}
	mux.HandleFunc("POST /_sandbox/instances/{id}/fail-start", func(w http.ResponseWriter, r *http.Request) { failStart(w, r, true) })
	mux.HandleFunc("DELETE /_sandbox/instances/{id}/fail-start", func(w http.ResponseWriter, r *http.Request) { failStart(w, r, false) })
	mux.HandleFunc("GET /_sandbox/instances", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, sb.View(r.URL.Query().Get("region")))
	})
	mux.HandleFunc("GET /_sandbox/clock", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, clockJSON{Now: sb.Now().UTC()})
	})
	mux.HandleFunc("POST /_sandbox/clock", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Advance string `json:"advance"`
		}
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			writeError(w, http.StatusBadRequest, fmt.Errorf("the body must be {\"advance\": \"90m\"}: %w", err))
			return
		}
		d, err := time.ParseDuration(body.Advance)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Errorf("advance %q is not a Go duration such as 90m or 2h: %w", body.Advance, err))
			return
		}
		was := sb.Now()
		now, err := sb.Advance(d)
		if err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		writeJSON(w, http.StatusOK, clockJSON{Now: now.UTC(), Was: was.UTC()})
	})
	mux.HandleFunc("/_sandbox/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Errorf("no sandbox control endpoint %s %s; see GET /_sandbox/requests, /_sandbox/faults, /_sandbox/instances, /_sandbox/clock", r.Method, r.URL.Path))
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}
