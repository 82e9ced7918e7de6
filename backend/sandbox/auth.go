package sandbox

import (
	"crypto/rand"
	"encoding/base32"
	"net/http"
	"strings"
	"sync"
	"time"
)

// MFACode is the one MFA code the sandbox accepts, for every MFA device:
// the sandbox has no real device to derive codes from, and a fixed code lets
// a tester rehearse both the right and a wrong code.
const MFACode = "123456"

// The sandbox accepts any long-term key (it checks no signatures), but it
// remembers the temporary keys it issued through STS and SSO, refuses them
// once they have expired (by its clock), and refuses any key revoked through
// RevokeKey, so that expiry and revocation can be rehearsed.
type authState struct {
	mu      sync.Mutex
	temp    map[string]tempKey // by access key id
	revoked map[string]bool
	sso     ssoState
}

// tempKey is one issued temporary key and who it stands for.
type tempKey struct {
	token   string
	expires time.Time
	account string
	arn     string
	userID  string
}

// accessKeyOf reads the access key id from the SigV4 credential scope.
func accessKeyOf(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	i := strings.Index(auth, "Credential=")
	if i < 0 {
		return ""
	}
	scope := auth[i+len("Credential="):]
	key, _, _ := strings.Cut(scope, "/")
	return key
}

// checkKey refuses revoked keys, expired sandbox-issued keys, and issued
// keys sent with a session token other than their own, with the codes AWS
// uses, so clients take their real error paths.
func (sb *Sandbox) checkKey(r *http.Request, c *call, service string) *apiError {
	key := accessKeyOf(r)
	if key == "" {
		return nil
	}
	sb.auth.mu.Lock()
	defer sb.auth.mu.Unlock()
	invalid := func() *apiError {
		if service == "sts" {
			return &apiError{http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid."}
		}
		return &apiError{http.StatusUnauthorized, "AuthFailure", "AWS was not able to validate the provided access credentials"}
	}
	if sb.auth.revoked[key] {
		return invalid()
	}
	t, ok := sb.auth.temp[key]
	if !ok {
		return nil
	}
	if r.Header.Get("X-Amz-Security-Token") != t.token {
		return invalid()
	}
	if !sb.clock.Now().Before(t.expires) {
		return clientErr("ExpiredToken", "The security token included in the request is expired")
	}
	c.caller = &t
	return nil
}

// RevokeKey makes every later request signed with the access key id fail,
// as when a key is deleted or deactivated in IAM.
func (sb *Sandbox) RevokeKey(accessKeyID string) {
	sb.auth.mu.Lock()
	defer sb.auth.mu.Unlock()
	if sb.auth.revoked == nil {
		sb.auth.revoked = map[string]bool{}
	}
	sb.auth.revoked[accessKeyID] = true
}

// issue records a new temporary key valid for d and returns its id, secret
// and session token. Called with sb.auth.mu held.
func (sb *Sandbox) issue(d time.Duration, account, arn, userID string) (id, secret, token string, expires time.Time) {
	if sb.auth.temp == nil {
		sb.auth.temp = map[string]tempKey{}
	}
	id = "ASIA" + randomUpper(16)
	secret = randomUpper(40)
	token = "SANDBOXSESSION" + randomUpper(120)
	expires = sb.clock.Now().Add(d).UTC().Truncate(time.Second)
	sb.auth.temp[id] = tempKey{token: token, expires: expires, account: account, arn: arn, userID: userID}
	return id, secret, token, expires
}

// randomUpper returns n random upper-case letters and digits.
func randomUpper(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base32.StdEncoding.EncodeToString(b)[:n]
}
