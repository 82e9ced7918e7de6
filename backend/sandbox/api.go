package sandbox

import (
	"bytes"
	"crypto/rand"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	ec2Version = "2016-11-15"
	stsVersion = "2011-06-15"
	ec2NS      = "http://ec2.amazonaws.com/doc/2016-11-15/"
	stsNS      = "https://sts.amazonaws.com/doc/2011-06-15/"
	// defaultRegion is used when a request carries no SigV4 scope.
	defaultRegion = "us-east-1"
	maxFormBytes  = 1 << 20
	// largeResponse and largeResponseDelay: see serveAPI.
	largeResponse      = 3500
	largeResponseDelay = 5 * time.Millisecond
)

// apiError is an AWS error answer.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func clientErr(code, format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, code, fmt.Sprintf(format, args...)}
}

// call is one parsed API request handed to an action handler.
type call struct {
	form   url.Values
	region string
	action string
	ids    []string // instance ids involved, for the request log
	caller *tempKey // the sandbox-issued temporary key that signed it, if any
}

func (c *call) get(k string) string { return c.form.Get(k) }

// list reads PREFIX.1, PREFIX.2, ... until the first gap.
func (c *call) list(prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := c.form[prefix+"."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

func (c *call) flag(k string) bool { return strings.EqualFold(c.get(k), "true") }

// regionOf reads the region from the SigV4 credential scope
// (Credential=AKID/DATE/REGION/SERVICE/aws4_request).
func regionOf(r *http.Request) (region, service string) {
	auth := r.Header.Get("Authorization")
	if i := strings.Index(auth, "Credential="); i >= 0 {
		scope := auth[i+len("Credential="):]
		if j := strings.IndexAny(scope, ", "); j >= 0 {
			scope = scope[:j]
		}
		if parts := strings.Split(scope, "/"); len(parts) >= 5 && parts[2] != "" {
			return parts[2], parts[3]
		}
	}
	return defaultRegion, ""
}

func (sb *Sandbox) serveAPI(w http.ResponseWriter, r *http.Request) {
	began := time.Now()
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	region, scopeService := regionOf(r)
	c := &call{region: region}
	service := "ec2"
	var body []byte
	aerr := func() *apiError {
		if err := r.ParseForm(); err != nil {
			return clientErr("MalformedQueryString", "the request body is not a valid form: %v", err)
		}
		c.form = r.Form
		c.action = c.get("Action")
		switch v := c.get("Version"); {
		case v == stsVersion || v == "" && scopeService == "sts":
			service = "sts"
		case v == cfnVersion || v == "" && scopeService == "cloudformation":
			service = "cloudformation"
		case v == iamVersion || v == "" && scopeService == "iam":
			service = "iam"
		}
		if c.action == "" {
			return clientErr("MissingAction", "the request must contain the parameter Action")
		}
		if err := sb.checkKey(r, c, service); err != nil {
			return err
		}
		if err := sb.applyFaults(r, c); err != nil {
			if service == "iam" {
				err = sb.iamFault(err, c.action)
			}
			return err
		}
		sb.syncStacks() // stacks act on instances: bring them up to now first
		var resp any
		var err *apiError
		switch service {
		case "sts":
			resp, err = sb.sts(c)
		case "cloudformation":
			resp, err = sb.cloudformation(c)
		case "iam":
			resp, err = sb.iam(c)
		default:
			resp, err = sb.ec2(c)
		}
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		if e := xml.NewEncoder(&buf).Encode(resp); e != nil {
			return &apiError{http.StatusInternalServerError, "InternalError", "encoding the response: " + e.Error()}
		}
		body = buf.Bytes()
		return nil
	}()
	status := http.StatusOK
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	if aerr != nil {
		status = aerr.status
		body = errorBody(service, aerr)
	}
	if len(body) > largeResponse && sb.pacing > 0 {
		// aws-sdk-go-v2 closes the request body as soon as response headers
		// arrive; if that beats net/http's write loop, the transport closes the
		// connection mid-body ("use of closed network connection", see
		// aws/aws-sdk-go-v2#2737). Real AWS is never this fast. Responses that
		// fit the client's 4 KiB read buffer are immune; larger ones wait a
		// moment so the client's write loop finishes first.
		time.Sleep(sb.pacing)
	}
	entry := Request{
		Time: sb.clock.Now(), Region: region, Service: service, Action: c.action,
		InstanceIDs: c.ids, Duration: time.Since(began), Attempt: sdkAttempt(r),
	}
	if aerr != nil {
		entry.ErrorCode, entry.Message = aerr.code, aerr.message
	}
	sb.respond(w, status, body, entry)
}

// respond logs a request, then sends its answer, so that a client holding
// the answer always finds the call in the request log (Requests, GET
// /_sandbox/requests): tests count calls the moment their client returns.
func (sb *Sandbox) respond(w http.ResponseWriter, status int, body []byte, entry Request) {
	entry.Status = status
	sb.record(entry)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// sdkAttempt reads the attempt number the AWS SDKs send in the
// amz-sdk-request header ("attempt=2; max=5"), so the log tells a retry from
// a new call; 0 when the client did not say.
func sdkAttempt(r *http.Request) int {
	for _, part := range strings.Split(r.Header.Get("Amz-Sdk-Request"), ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "attempt="); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}

// faultError is the error an injected request fault answers, in EC2's
// words (the other services reword it); nil for none.
func faultError(fail *Fault) *apiError {
	switch {
	case fail == nil:
		return nil
	case fail.Kind == FaultThrottle:
		return &apiError{http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded."}
	case fail.Kind == FaultDenied:
		return &apiError{http.StatusForbidden, "UnauthorizedOperation", "You are not authorized to perform this operation."}
	default:
		return &apiError{http.StatusInternalServerError, "InternalError", "An internal error has occurred."}
	}
}

type xmlErrorEC2 struct {
	XMLName   xml.Name `xml:"Response"`
	Code      string   `xml:"Errors>Error>Code"`
	Message   string   `xml:"Errors>Error>Message"`
	RequestID string   `xml:"RequestID"`
}

type xmlErrorSTS struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// errorNS is the XML namespace of each service's ErrorResponse; EC2 has
// its own Response shape.
var errorNS = map[string]string{"sts": stsNS, "cloudformation": cfnNS, "route53": route53NS, "iam": iamNS}

func errorBody(service string, e *apiError) []byte {
	var v any = xmlErrorEC2{Code: e.code, Message: e.message, RequestID: requestID()}
	if ns, ok := errorNS[service]; ok {
		typ := "Sender"
		if e.status >= 500 {
			typ = "Receiver"
		}
		v = xmlErrorSTS{Xmlns: ns, Type: typ, Code: e.code, Message: e.message, RequestID: requestID()}
	}
	out, err := xml.Marshal(v)
	if err != nil {
		return []byte(err.Error())
	}
	return append([]byte(xml.Header), out...)
}

// requestID is a random UUID-shaped id, as AWS returns.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
