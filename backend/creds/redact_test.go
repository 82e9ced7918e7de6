package creds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// Every type that ever holds a secret, formatted every way a program might,
// must not show it.
func TestSecretsNeverShown(t *testing.T) {
	exp := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	c := Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: testSession, Expiration: exp}
	kp := sample("work")
	values := map[string]any{
		"Credentials":      c,
		"*Credentials":     &c,
		"KeychainProfile":  kp,
		"*KeychainProfile": &kp,
		"storedProfile":    storedProfile{AccessKeyID: testKeyID, SecretAccessKey: testSecret},
		"cachedSession":    cachedSession(c),
		"processOutput":    processOutput{Version: 1, AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: testSession},
		"Profile":          kp.Summary(),
		"slice":            []Credentials{c},
		"map":              map[string]KeychainProfile{"k": kp},
		"nested":           struct{ C Credentials }{c},
	}
	secrets := []string{testSecret, testSession}
	for name, v := range values {
		var out []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %[1]v"} {
			out = append(out, fmt.Sprintf(verb, v))
		}
		if _, isWire := v.(storedProfile); !isWire {
			if _, isWire := v.(cachedSession); !isWire {
				if _, isWire := v.(processOutput); !isWire {
					j, err := json.Marshal(v)
					if err != nil {
						t.Errorf("%s: json: %v", name, err)
					}
					out = append(out, string(j))
				}
			}
		}
		var logs bytes.Buffer
		slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "v", v)
		slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "v", v)
		out = append(out, logs.String())
		for _, o := range out {
			for _, s := range secrets {
				if strings.Contains(o, s) {
					t.Errorf("%s shows a secret: %s", name, o)
				}
			}
		}
	}
	// Redacted output still says what it is about.
	if s := fmt.Sprint(c); !strings.Contains(s, "1234") || !strings.Contains(s, redacted) {
		t.Errorf("Credentials print as %q", s)
	}
	if s := fmt.Sprint(kp); !strings.Contains(s, `"work"`) || !strings.Contains(s, kp.MFASerial) {
		t.Errorf("KeychainProfile prints as %q", s)
	}
}

// The wire types really do carry the secrets where they must.
func TestWireTypesKeepSecrets(t *testing.T) {
	j, _ := json.Marshal(storedProfile{AccessKeyID: testKeyID, SecretAccessKey: testSecret})
	if !strings.Contains(string(j), testSecret) {
		t.Fatalf("keychain item lost its secret: %s", j)
	}
	out, _ := CredentialProcessJSON(Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret})
	if !strings.Contains(string(out), testSecret) {
		t.Fatalf("credential_process output lost its secret: %s", out)
	}
}
