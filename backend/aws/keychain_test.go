package aws

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/zalando/go-keyring"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/creds"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
)

const kcWorld = "account: \"123456789012\"\nregions:\n  eu-west-1:\n    instances: []\n"

// keychainSandbox serves a sandbox and returns a creds.Service whose STS is it.
func keychainSandbox(t *testing.T) (*creds.Service, *sandbox.Sandbox, string) {
	t.Helper()
	keyring.MockInit()
	w, err := sandbox.ParseWorld([]byte(kcWorld), "w.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.New(w, sandbox.Options{AddressBlock: sandboxtest.Block(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	store := creds.NewStore(creds.NewSystemKeyring("cloudcontrol-test"))
	st := creds.NewAWSSTS("eu-west-1", func(o *sts.Options) { o.BaseEndpoint = &srv.URL })
	prompt := func(context.Context, string, string) (string, error) { return sandbox.MFACode, nil }
	files := creds.FilesFrom(os.Getenv, t.TempDir())
	return &creds.Service{Files: files, Store: store, Sessions: creds.NewSessions(store, st, prompt)}, sb, srv.URL
}

func TestLoadUsesAKeychainOnlyProfileEvenWithABrokenConfigFile(t *testing.T) {
	isolateAWS(t, "eu-west-1")
	svc, _, url := keychainSandbox(t)
	if err := svc.Store.Add(creds.KeychainProfile{Name: "vault", AccessKeyID: "AKIAVAULTKEY00000001",
		SecretAccessKey: "vault-secret-0123456789", RoleARN: "arn:aws:iam::111122223333:role/ops",
		MFASerial: "arn:aws:iam::123456789012:mfa/me", Region: "eu-west-3"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv("AWS_CONFIG_FILE"), []byte("[profile broken\nregion = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_PROFILE", "vault") // the SDK insists such a profile exist in its files
	s, err := Load(ctx, Options{EndpointURL: url, Keychain: svc})
	if err != nil {
		t.Fatal(err)
	}
	if s.Region() != "eu-west-3" || s.Profile() != "vault" {
		t.Fatalf("region/profile %s/%s", s.Region(), s.Profile())
	}
	id, err := s.Identity(ctx)
	if err != nil || id.Account != "111122223333" || !strings.Contains(id.ARN, "assumed-role/ops/cloudcontrol-vault") {
		t.Fatalf("identity %+v %v", id, err)
	}
	exp, ok, err := s.CredentialsExpiry(ctx)
	if err != nil || !ok || exp.IsZero() {
		t.Fatalf("expiry %v %v %v", exp, ok, err)
	}
	if got, ok := svc.Sessions.Expiration("vault"); !ok || !got.Equal(exp) {
		t.Fatalf("the session is not cached in the keychain: %v %v", got, ok)
	}
}

func TestLoadPersistedDefaultsYieldToExplicitChoices(t *testing.T) {
	isolateAWS(t, "eu-west-1")
	svc, _, url := keychainSandbox(t)
	if err := svc.Store.Add(creds.KeychainProfile{Name: "saved", AccessKeyID: "AKIASAVEDKEY00000001",
		SecretAccessKey: "saved-secret-0123456789"}); err != nil {
		t.Fatal(err)
	}
	saved := func() (string, string) { return "saved", "us-west-2" }
	s, err := Load(ctx, Options{EndpointURL: url, Keychain: svc, Defaults: saved})
	if err != nil || s.Profile() != "saved" || s.Region() != "us-west-2" {
		t.Fatalf("persisted choice: %v %v", s, err)
	}
	// --profile and --region win.
	s, err = Load(ctx, Options{EndpointURL: url, Keychain: svc, Profile: "contract", Region: "sa-east-1", Defaults: saved})
	if err != nil || s.Profile() != "contract" || s.Region() != "sa-east-1" {
		t.Fatalf("explicit choice: %v %v", s, err)
	}
	// Keys in the environment win over the saved profile, and say so.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVKEY0000000001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
	if s, err = Load(ctx, Options{EndpointURL: url, Keychain: svc, Defaults: saved, Region: "eu-west-1"}); err != nil || s.Profile() != cloud.EnvCredentials {
		t.Fatalf("environment keys: %v %v", s, err)
	}
	if c, err := s.Config().Credentials.Retrieve(ctx); err != nil || c.AccessKeyID != "AKIAENVKEY0000000001" {
		t.Fatalf("environment keys not used: %v %v", c.AccessKeyID, err)
	}
	// AWS_PROFILE wins over them (the SDK alone would let the keys win).
	t.Setenv("AWS_PROFILE", "saved")
	if s, err = Load(ctx, Options{EndpointURL: url, Keychain: svc, Region: "eu-west-1"}); err != nil || s.Profile() != "saved" {
		t.Fatalf("AWS_PROFILE with keys in the environment: %v %v", s, err)
	}
	if c, err := s.Config().Credentials.Retrieve(ctx); err != nil || c.AccessKeyID == "AKIAENVKEY0000000001" {
		t.Fatalf("AWS_PROFILE=saved used the environment's keys: %v", err)
	}
}

func TestLoadLockedKeychainFallsBackToTheFilesOrSaysSo(t *testing.T) {
	isolateAWS(t, "eu-west-1")
	svc, _, url := keychainSandbox(t)
	keyring.MockInitWithError(keyring.ErrUnsupportedPlatform)
	if s, err := Load(ctx, Options{EndpointURL: url, Keychain: svc, Profile: "contract"}); err != nil || s.Profile() != "contract" {
		t.Fatalf("file profile with a locked keychain: %v", err)
	}
	_, err := Load(ctx, Options{EndpointURL: url, Keychain: svc, Profile: "vault"})
	if err == nil || !strings.Contains(err.Error(), "keychain") || !strings.Contains(err.Error(), `"vault"`) {
		t.Fatalf("keychain-only profile with a locked keychain: %v", err)
	}
}
