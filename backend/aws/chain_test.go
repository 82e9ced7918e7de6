package aws

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/creds"
	"cloudcontrol/backend/sandbox"
)

// fakeSaved is a settings file in memory.
type fakeSaved struct {
	profile, region string
	err             error
	remembered      map[string]cloud.Identity
}

func (f *fakeSaved) Choice() (string, string, error) { return f.profile, f.region, f.err }
func (f *fakeSaved) Remember(p string, id cloud.Identity) error {
	if f.remembered == nil {
		f.remembered = map[string]cloud.Identity{}
	}
	f.remembered[p] = id
	return f.err
}

func TestChainDecidesEndpointsAndFilesOnce(t *testing.T) {
	keyring.MockInit()
	env := map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:2",
		"AWS_SHARED_CREDENTIALS_FILE": "/elsewhere/credentials"}
	get := func(k string) string { return env[k] }
	c := NewChain(ChainOptions{Getenv: get, Home: "/home/u", Keyring: creds.NewSystemKeyring("cloudcontrol-chain-test")})
	if c.Endpoint != "http://127.0.0.1:2" {
		t.Errorf("STS endpoint %q; want AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL", c.Endpoint)
	}
	if c.Options.EndpointURL != "" {
		t.Errorf("Load was given %q; without the flag the SDK applies the variables per service itself", c.Options.EndpointURL)
	}
	if f := c.Options.Files; f.Config != filepath.Join("/home/u", ".aws", "config") || f.Credentials != "/elsewhere/credentials" || f.Config != c.Creds.Files.Config || f.Credentials != c.Creds.Files.Credentials {
		t.Errorf("files %+v / %+v; want one decision for the SDK and the profile list", f, c.Creds.Files)
	}
	if c.Options.Keychain != c.Creds {
		t.Error("sessions are not given the chain's keychain")
	}
	flagged := NewChain(ChainOptions{Endpoint: "http://127.0.0.1:3", Profile: "p", Region: "r", Getenv: get, Keyring: creds.NewSystemKeyring("x")})
	if flagged.Endpoint != "http://127.0.0.1:3" || flagged.Options.EndpointURL != "http://127.0.0.1:3" ||
		flagged.Options.Profile != "p" || flagged.Options.Region != "r" {
		t.Errorf("--endpoint-url, --profile, --region: %+v", flagged.Options)
	}
}

// The window keeps running while `profile use` switches elsewhere: the
// saved choice is read again each time; a damaged one is warned of once.
func TestChainFollowsTheSavedChoiceAndWarnsOnceWhenItIsDamaged(t *testing.T) {
	saved := &fakeSaved{profile: "work", region: "eu-west-1"}
	var warned []error
	env := map[string]string{}
	c := NewChain(ChainOptions{Getenv: func(k string) string { return env[k] }, Saved: saved, Warn: func(err error) { warned = append(warned, err) },
		Keyring: creds.NewSystemKeyring("x")})
	if ch, err := c.Choose(); err != nil || ch.Profile != "work" || ch.Region != "eu-west-1" || ch.ProfileFrom != FromSaved {
		t.Fatalf("%+v %v", ch, err)
	}
	saved.profile = "other"
	if p, _ := c.Options.Defaults(); p != "other" {
		t.Fatalf("Load would use %q after a switch", p)
	}
	env["AWS_ACCESS_KEY_ID"] = "AKIA"
	if ch, _ := c.Choose(); ch.Profile != cloud.EnvCredentials {
		t.Fatalf("keys in the environment: %+v", ch)
	}
	saved.err = errors.New("the settings file x is damaged")
	for range 3 {
		if ch, err := c.Choose(); err == nil || ch.Profile != cloud.EnvCredentials {
			t.Fatalf("%+v %v", ch, err)
		}
		if p, r := c.Options.Defaults(); p != "" || r != "" {
			t.Fatalf("a damaged file's choice was used: %q %q", p, r)
		}
	}
	if len(warned) != 1 {
		t.Fatalf("warned %d times, want once", len(warned))
	}
}

func TestChainRemembersOnlyRealProfilesOnAWS(t *testing.T) {
	id := cloud.Identity{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/me"}
	saved := &fakeSaved{}
	c := NewChain(ChainOptions{Getenv: func(string) string { return "" }, Saved: saved, Keyring: creds.NewSystemKeyring("x")})
	hook := c.IdentityHook(nil)
	hook("", id)
	hook("work", id)
	hook(cloud.EnvCredentials, id)
	if len(saved.remembered) != 2 || saved.remembered["default"] != id || saved.remembered["work"] != id {
		t.Fatalf("remembered %v; want default and work, not the environment's keys", saved.remembered)
	}
	sb := &fakeSaved{}
	custom := NewChain(ChainOptions{Getenv: func(k string) string {
		if k == "AWS_ENDPOINT_URL" {
			return "http://127.0.0.1:4566"
		}
		return ""
	}, Saved: sb, Keyring: creds.NewSystemKeyring("x")})
	custom.IdentityHook(nil)("work", id)
	if len(sb.remembered) != 0 {
		t.Fatalf("against a custom endpoint a first use was remembered: %v", sb.remembered)
	}
	if err := custom.Remember("work", id); err != nil || sb.remembered["work"] != id {
		t.Fatalf("whoami asked explicitly, and was not remembered: %v %v", sb.remembered, err)
	}
	var logged []string
	saved.err = errors.New("disk full")
	c.IdentityHook(func(msg string, _ ...any) { logged = append(logged, msg) })("work", id)
	if len(logged) != 1 {
		t.Fatalf("a failed write was not logged: %v", logged)
	}
}

// A keychain profile with a role, through the chain alone: its STS session
// goes to the endpoint the chain decided, and the session says who it is.
func TestChainConnectsAKeychainProfileThroughTheEndpoint(t *testing.T) {
	isolateAWS(t, "eu-west-1")
	_, _, url := keychainSandbox(t) // the sandbox, and the mock keychain
	asked := 0
	c := NewChain(ChainOptions{Profile: "vault", Endpoint: url, Keyring: creds.NewSystemKeyring("cloudcontrol-chain-test"),
		Prompt: func(context.Context, string, string) (string, error) { asked++; return sandbox.MFACode, nil }})
	if err := c.Creds.Store.Add(creds.KeychainProfile{Name: "vault", AccessKeyID: "AKIAVAULTKEY00000001",
		SecretAccessKey: "vault-secret-0123456789", RoleARN: "arn:aws:iam::111122223333:role/ops",
		MFASerial: "arn:aws:iam::123456789012:mfa/me", Region: "eu-west-3"}); err != nil {
		t.Fatal(err)
	}
	s, err := Load(ctx, c.Options)
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.Identity(ctx)
	if err != nil || id.Account != "111122223333" || !strings.Contains(id.ARN, "assumed-role/ops") || asked != 1 {
		t.Fatalf("identity %+v (%v), MFA asked %d times", id, err, asked)
	}
	if s.Profile() != "vault" || s.Region() != "eu-west-3" {
		t.Fatalf("profile/region %s/%s; want the keychain profile's own region", s.Profile(), s.Region())
	}
}
