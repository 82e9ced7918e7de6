package sandbox

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// The sandbox listens on loopback only, but a web page in the tester's
// browser can still reach loopback: directly (a cross-origin "simple"
// POST needs no preflight) or through DNS rebinding (evil.example
// resolving to 127.0.0.1). So a request is answered only when it is
// addressed to a loopback host name and, when a browser sent it, comes
// from the sandbox's own origin. SDKs and curl send no Origin and no
// Sec-Fetch-Site, and are unaffected.

// refusal says why a request is not answered, or "" when it is.
func refusal(r *http.Request) string {
	if !loopbackHost(r.Host) {
		return fmt.Sprintf("the sandbox answers only requests addressed to a loopback host (127.0.0.1, ::1 or localhost), not %q", r.Host)
	}
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
		return fmt.Sprintf("the sandbox refuses requests a web page sends from another origin (Origin: %s)", o)
	}
	if s := r.Header.Get("Sec-Fetch-Site"); s == "cross-site" || s == "same-site" {
		return fmt.Sprintf("the sandbox refuses requests a web page sends from another site (Sec-Fetch-Site: %s)", s)
	}
	return ""
}

// loopbackHost reports whether a Host header (with or without a port)
// names this machine: localhost, 127.0.0.0/8 or ::1.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// refuse answers 403 in the error shape the caller's protocol expects:
// JSON for JSON services and the control endpoint, EC2's XML for EC2 (and
// any unsigned query), AWS's ErrorResponse XML for the other XML services.
func (sb *Sandbox) refuse(w http.ResponseWriter, r *http.Request, why string) {
	region, service := regionOf(r)
	e := &apiError{http.StatusForbidden, "AccessDenied", why}
	var body []byte
	switch {
	case strings.HasPrefix(r.URL.Path, "/_sandbox/"):
		w.Header().Set("Content-Type", "application/json")
		body, _ = json.Marshal(map[string]string{"error": why})
	case r.Header.Get("X-Amz-Target") != "":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
		body, _ = json.Marshal(map[string]string{"__type": "AccessDeniedException", "message": why})
	case service == "" || service == "ec2":
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		body = errorBody("ec2", e)
	default:
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		body = errorBody(service, e)
		if _, ok := errorNS[service]; !ok {
			body = errorBody("sts", e)
		}
	}
	sb.respond(w, e.status, body, Request{Time: sb.clock.Now(), Region: region, Service: "sandbox",
		Action: "Refused", ErrorCode: e.code, Message: why})
}
