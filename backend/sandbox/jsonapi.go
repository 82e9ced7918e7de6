package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The JSON 1.1 protocol: POST / with X-Amz-Target: PREFIX.Action and a JSON
// body; errors are {"__type": CODE, "message": ...}. Each service is one
// jsonService; adding an action is one entry in its actions table.

// jsonAction answers one action.
type jsonAction func(sb *Sandbox, c *jsonCall) (any, *apiError)

type jsonService struct {
	name    string // for the request log and fault regions
	prefix  string // of X-Amz-Target, with its dot
	actions map[string]jsonAction
	// fault words an injected fault as the service does (nil: as is).
	fault func(e *apiError, action string) *apiError
}

// jsonServices are the JSON 1.1 services the sandbox speaks.
var jsonServices = []*jsonService{&priceListService, &ssmService}

// jsonCall is one parsed JSON 1.1 request.
type jsonCall struct {
	call
	body []byte
}

// decode reads the request body into v; a body that is not JSON is
// SerializationException, as AWS answers.
func (c *jsonCall) decode(v any) *apiError {
	if len(bytes.TrimSpace(c.body)) == 0 {
		c.body = []byte("{}")
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return clientErr("SerializationException", "the request is not valid JSON: %v", err)
	}
	return nil
}

func (sb *Sandbox) serveJSON(w http.ResponseWriter, r *http.Request) {
	began := time.Now()
	region, _ := regionOf(r)
	target := r.Header.Get("X-Amz-Target")
	var svc *jsonService
	for _, s := range jsonServices {
		if strings.HasPrefix(target, s.prefix) {
			svc = s
		}
	}
	c := &jsonCall{call: call{region: region, action: target}}
	name := "unknown"
	resp, aerr := func() (any, *apiError) {
		if svc == nil {
			return nil, clientErr("UnknownOperationException", "The sandbox does not serve %s", target)
		}
		name, c.action = svc.name, strings.TrimPrefix(target, svc.prefix)
		if err := sb.checkKey(r, &c.call, svc.name); err != nil {
			return nil, err
		}
		if err := sb.applyFaults(r, &c.call); err != nil {
			if svc.fault != nil {
				err = svc.fault(err, c.action)
			}
			return nil, err
		}
		h := svc.actions[c.action]
		if h == nil {
			return nil, clientErr("UnknownOperationException", "The sandbox's %s serves %s, not %s", svc.name, strings.Join(slices.Sorted(maps.Keys(svc.actions)), ", "), c.action)
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxFormBytes))
		if err != nil {
			return nil, clientErr("SerializationException", "reading the request: %v", err)
		}
		c.body = body
		return h(sb, c)
	}()
	status := http.StatusOK
	var out []byte
	if aerr != nil {
		status = aerr.status
		w.Header().Set("X-Amzn-ErrorType", aerr.code)
		e := map[string]string{"__type": aerr.code}
		if aerr.message != "" {
			e["message"] = aerr.message
		}
		out, _ = json.Marshal(e)
	} else {
		out, _ = json.Marshal(resp)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-RequestId", requestID())
	entry := Request{Time: sb.clock.Now(), Region: region, Service: name, Action: c.action, InstanceIDs: c.ids,
		Duration: time.Since(began), Attempt: sdkAttempt(r)}
	if aerr != nil {
		entry.ErrorCode, entry.Message = aerr.code, aerr.message
	}
	sb.respond(w, status, out, entry)
}

// jsonFaults words injected request faults as a JSON service does:
// throttling and denial with HTTP status throttled, its own code for an
// internal error; denied names the permission as SERVICE:ACTION.
func jsonFaults(service, internalCode string, throttled int) func(e *apiError, action string) *apiError {
	return func(e *apiError, action string) *apiError {
		switch e.code {
		case "RequestLimitExceeded":
			return &apiError{throttled, "ThrottlingException", "Rate exceeded"}
		case "UnauthorizedOperation":
			return &apiError{http.StatusBadRequest, "AccessDeniedException", "User is not authorized to perform: " + service + ":" + action}
		case "InternalError":
			return &apiError{http.StatusInternalServerError, internalCode, "An internal error has occurred."}
		}
		return e
	}
}
