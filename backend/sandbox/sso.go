package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// IAM Identity Center in the sandbox: the OIDC device authorization flow
// (RegisterClient, StartDeviceAuthorization, CreateToken) and the portal's
// GetRoleCredentials, over their REST-JSON protocols. The "browser" step is
// the verification URL itself: opening it approves the sign-in (with
// deny=1, refuses it), so a test or a person can complete the flow.

const (
	ssoDeviceLifetime = 10 * time.Minute
	ssoTokenLifetime  = 8 * time.Hour
	ssoRoleLifetime   = time.Hour
	ssoVerifyPath     = "/_sandbox/sso/verify"
)

type ssoState struct {
	clients map[string]string     // client id -> secret
	devices map[string]*ssoDevice // by device code
	tokens  map[string]time.Time  // access token -> expiry
}

type ssoDevice struct {
	client, userCode, startURL string
	expires                    time.Time
	approved, denied, used     bool
}

var accountIDRE = regexp.MustCompile(`^\d{12}$`)

// serveSSO answers the Identity Center paths and reports whether it did.
func (sb *Sandbox) serveSSO(w http.ResponseWriter, r *http.Request) bool {
	var action string
	var h func(r *http.Request) (int, any)
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/client/register":
		action, h = "RegisterClient", sb.ssoRegister
	case r.Method == http.MethodPost && r.URL.Path == "/device_authorization":
		action, h = "StartDeviceAuthorization", sb.ssoStartDevice
	case r.Method == http.MethodPost && r.URL.Path == "/token":
		action, h = "CreateToken", sb.ssoCreateToken
	case r.Method == http.MethodGet && r.URL.Path == "/federation/credentials":
		action, h = "GetRoleCredentials", sb.ssoRoleCredentials
	case r.URL.Path == ssoVerifyPath:
		sb.ssoVerify(w, r)
		return true
	default:
		return false
	}
	began := time.Now()
	status, body := h(r)
	entry := Request{Time: sb.clock.Now(), Region: defaultRegion, Service: "sso", Action: action, Duration: time.Since(began)}
	if e, ok := body.(ssoError); ok {
		entry.ErrorCode, entry.Message = e.Type, e.Description
		w.Header().Set("X-Amzn-ErrorType", e.Type)
	}
	out, err := json.Marshal(body)
	if err != nil {
		status, out = http.StatusInternalServerError, []byte(`{"__type":"InternalServerException"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	sb.respond(w, status, out, entry)
	return true
}

// ssoError is the error body of both services (the OIDC fields and the
// portal's message).
type ssoError struct {
	Type        string `json:"__type"`
	Error       string `json:"error,omitempty"`
	Description string `json:"error_description,omitempty"`
	Message     string `json:"message,omitempty"`
}

func ssoErr(status int, typ, oauth, msg string) (int, any) {
	return status, ssoError{Type: typ, Error: oauth, Description: msg, Message: msg}
}

func readJSON(r *http.Request, v any) error {
	return json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxFormBytes)).Decode(v)
}

func (sb *Sandbox) ssoRegister(r *http.Request) (int, any) {
	var in struct {
		ClientName string `json:"clientName"`
		ClientType string `json:"clientType"`
	}
	if err := readJSON(r, &in); err != nil || in.ClientName == "" || in.ClientType != "public" {
		return ssoErr(400, "InvalidClientMetadataException", "invalid_client_metadata", "clientName and clientType public are required")
	}
	id, secret := "sandbox-client-"+randomUpper(12), randomUpper(32)
	now := sb.clock.Now()
	sb.auth.mu.Lock()
	if sb.auth.sso.clients == nil {
		sb.auth.sso.clients = map[string]string{}
	}
	sb.auth.sso.clients[id] = secret
	sb.auth.mu.Unlock()
	return 200, map[string]any{"clientId": id, "clientSecret": secret, "clientIdIssuedAt": now.Unix(),
		"clientSecretExpiresAt": now.Add(90 * 24 * time.Hour).Unix()}
}

func (sb *Sandbox) ssoStartDevice(r *http.Request) (int, any) {
	var in struct{ ClientID, ClientSecret, StartURL string }
	if err := readJSON(r, &in); err != nil || in.StartURL == "" {
		return ssoErr(400, "InvalidRequestException", "invalid_request", "clientId, clientSecret and startUrl are required")
	}
	sb.auth.mu.Lock()
	defer sb.auth.mu.Unlock()
	if s, ok := sb.auth.sso.clients[in.ClientID]; !ok || s != in.ClientSecret {
		return ssoErr(401, "InvalidClientException", "invalid_client", "the client is not registered")
	}
	if sb.auth.sso.devices == nil {
		sb.auth.sso.devices = map[string]*ssoDevice{}
	}
	code := randomUpper(8)
	user := code[:4] + "-" + code[4:]
	device := "sandbox-device-" + randomUpper(24)
	sb.auth.sso.devices[device] = &ssoDevice{client: in.ClientID, userCode: user, startURL: in.StartURL,
		expires: sb.clock.Now().Add(ssoDeviceLifetime)}
	verify := "http://" + r.Host + ssoVerifyPath
	return 200, map[string]any{"deviceCode": device, "userCode": user, "verificationUri": verify,
		"verificationUriComplete": verify + "?user_code=" + user, "expiresIn": int(ssoDeviceLifetime.Seconds()), "interval": 1}
}

func (sb *Sandbox) ssoCreateToken(r *http.Request) (int, any) {
	var in struct{ ClientID, ClientSecret, GrantType, DeviceCode string }
	if err := readJSON(r, &in); err != nil {
		return ssoErr(400, "InvalidRequestException", "invalid_request", "the body is not JSON")
	}
	if in.GrantType != "urn:ietf:params:oauth:grant-type:device_code" {
		return ssoErr(400, "UnsupportedGrantTypeException", "unsupported_grant_type", "only the device code grant is supported")
	}
	sb.auth.mu.Lock()
	defer sb.auth.mu.Unlock()
	if s, ok := sb.auth.sso.clients[in.ClientID]; !ok || s != in.ClientSecret {
		return ssoErr(401, "InvalidClientException", "invalid_client", "the client is not registered")
	}
	d := sb.auth.sso.devices[in.DeviceCode]
	now := sb.clock.Now()
	switch {
	case d == nil || d.client != in.ClientID || d.used:
		return ssoErr(400, "InvalidGrantException", "invalid_grant", "the device code is not valid")
	case !now.Before(d.expires):
		return ssoErr(400, "ExpiredTokenException", "expired_token", "the device code has expired")
	case d.denied:
		return ssoErr(400, "AccessDeniedException", "access_denied", "the sign-in was refused in the browser")
	case !d.approved:
		return ssoErr(400, "AuthorizationPendingException", "authorization_pending", "waiting for the sign-in in the browser")
	}
	d.used = true
	if sb.auth.sso.tokens == nil {
		sb.auth.sso.tokens = map[string]time.Time{}
	}
	token := "sandbox-sso-" + randomUpper(48)
	sb.auth.sso.tokens[token] = now.Add(ssoTokenLifetime)
	return 200, map[string]any{"accessToken": token, "tokenType": "Bearer", "expiresIn": int(ssoTokenLifetime.Seconds())}
}

func (sb *Sandbox) ssoRoleCredentials(r *http.Request) (int, any) {
	token := r.Header.Get("X-Amz-Sso_bearer_token")
	account, role := r.URL.Query().Get("account_id"), r.URL.Query().Get("role_name")
	if !accountIDRE.MatchString(account) || !sessionRE.MatchString(role) {
		return ssoErr(400, "InvalidRequestException", "", "account_id must be 12 digits and role_name a role name")
	}
	sb.auth.mu.Lock()
	defer sb.auth.mu.Unlock()
	exp, ok := sb.auth.sso.tokens[token]
	if !ok || !sb.clock.Now().Before(exp) {
		return ssoErr(401, "UnauthorizedException", "", "Session token not found or invalid")
	}
	arn := "arn:aws:sts::" + account + ":assumed-role/AWSReservedSSO_" + role + "_sandbox/sandbox-user"
	id, secret, st, expires := sb.issue(ssoRoleLifetime, account, arn, "AROA"+sandboxUserID(arn)[4:]+":sandbox-user")
	return 200, map[string]any{"roleCredentials": map[string]any{"accessKeyId": id, "secretAccessKey": secret,
		"sessionToken": st, "expiration": expires.UnixMilli()}}
}

// ssoVerify is the browser page of the device flow: it approves (or with
// deny=1 refuses) the sign-in with the given user code.
func (sb *Sandbox) ssoVerify(w http.ResponseWriter, r *http.Request) {
	code := strings.TrimSpace(r.URL.Query().Get("user_code"))
	deny := r.URL.Query().Get("deny") == "1"
	if err := sb.ApproveDevice(code, !deny); err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if deny {
		fmt.Fprintf(w, "Sandbox sign-in %s refused. You can close this page.\n", code)
		return
	}
	fmt.Fprintf(w, "Sandbox sign-in %s approved. You can close this page and return to Cloud Control.\n", code)
}

// ApproveDevice completes (approve) or refuses the pending device sign-in
// with userCode, as the person would in the browser.
func (sb *Sandbox) ApproveDevice(userCode string, approve bool) error {
	sb.auth.mu.Lock()
	defer sb.auth.mu.Unlock()
	for _, d := range sb.auth.sso.devices {
		if d.userCode == userCode && !d.used {
			d.approved, d.denied = approve, !approve
			return nil
		}
	}
	return fmt.Errorf("no pending sandbox sign-in has the code %q", userCode)
}

// PendingSignIns lists the user codes of device sign-ins waiting for
// approval, for tests and scripts that play the person at the browser.
func (sb *Sandbox) PendingSignIns() []string {
	sb.auth.mu.Lock()
	defer sb.auth.mu.Unlock()
	var out []string
	for _, d := range sb.auth.sso.devices {
		if !d.used && !d.approved && !d.denied {
			out = append(out, d.userCode)
		}
	}
	return out
}
