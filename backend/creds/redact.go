package creds

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// redacted stands in for a secret wherever a value is shown.
const redacted = "REDACTED"

// Credentials are AWS keys, long-term or temporary. A zero Expiration means
// they do not expire.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

func (c Credentials) String() string {
	exp := "never"
	if !c.Expiration.IsZero() {
		exp = c.Expiration.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("Credentials{AccessKeyID: %s, SecretAccessKey: %s, SessionToken: %s, Expiration: %s}",
		KeyIDSuffix(c.AccessKeyID), mask(c.SecretAccessKey), mask(c.SessionToken), exp)
}

// GoString keeps %#v from printing the fields.
func (c Credentials) GoString() string { return "creds." + c.String() }

// Format covers every verb (%d, %x, %q ...), not only those that use String.
func (c Credentials) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue keeps slog from reaching the fields.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_key_id", KeyIDSuffix(c.AccessKeyID)),
		slog.String("secret_access_key", mask(c.SecretAccessKey)),
		slog.String("session_token", mask(c.SessionToken)),
		slog.Time("expiration", c.Expiration))
}

// MarshalJSON redacts; the one place that must emit the secrets,
// CredentialProcessJSON, uses its own wire type.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{
		"AccessKeyIdSuffix": KeyIDSuffix(c.AccessKeyID),
		"SecretAccessKey":   mask(c.SecretAccessKey),
		"SessionToken":      mask(c.SessionToken),
		"Expiration":        c.Expiration,
	})
}

// KeyIDSuffix shows the last four characters of an access key id, which is
// how the AWS console identifies keys too.
func KeyIDSuffix(id string) string {
	if len(id) < 8 {
		// Too short to be a real key id; showing part of it says nothing.
		return ""
	}
	return id[len(id)-4:]
}

func mask(secret string) string {
	if secret == "" {
		return ""
	}
	return redacted
}

func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s)
		return
	}
	fmt.Fprint(f, s)
}
