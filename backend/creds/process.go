package creds

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// processOutput is the documented credential_process format; its fields are
// plain strings because printing the keys is its whole purpose.
type processOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
}

// CredentialProcessJSON renders credentials as the AWS CLI and SDKs expect
// from a credential_process command. Long-term keys have no Expiration.
func CredentialProcessJSON(c Credentials) ([]byte, error) {
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return nil, errors.New("credential_process output needs both an access key id and a secret access key")
	}
	out := processOutput{Version: 1, AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
		SessionToken: c.SessionToken}
	if !c.Expiration.IsZero() {
		out.Expiration = c.Expiration.UTC().Format(time.RFC3339)
	}
	return json.Marshal(out)
}

// processOutput exists to be printed as JSON by the credential_process
// command; anywhere else it redacts.
func (o processOutput) Format(f fmt.State, verb rune) { o.credentials().Format(f, verb) }
func (o processOutput) GoString() string              { return o.credentials().GoString() }
func (o processOutput) LogValue() slog.Value          { return o.credentials().LogValue() }

func (o processOutput) credentials() Credentials {
	return Credentials{AccessKeyID: o.AccessKeyID, SecretAccessKey: o.SecretAccessKey, SessionToken: o.SessionToken}
}
