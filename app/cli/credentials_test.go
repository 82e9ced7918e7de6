package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/settings"
)

// Keys in AWS_ACCESS_KEY_ID (the harness's) are no profile: the plan
// header, whoami and a refusal say "environment variables", never
// "profile default".
func TestEnvironmentKeysAreNamedAsSuch(t *testing.T) {
	h := newHarness(t, examplesWorld, 100, examplesDir)
	ctx := timeout(t, 10*time.Second)
	r := h.run(ctx, "env", "plan", "three-tier")
	if r.code != ExitOK || !strings.Contains(r.stdout, "(environment variables, region eu-west-1, account 123456789012)") ||
		strings.Contains(r.stdout, "profile") {
		t.Errorf("plan header:\n%s%s", r.stdout, r.stderr)
	}
	r = h.run(ctx, "profile", "whoami")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Profile:  environment variables (AWS_ACCESS_KEY_ID)") {
		t.Errorf("whoami:\n%s%s", r.stdout, r.stderr)
	}
	r = h.run(ctx, "profile", "whoami", "--json")
	var who struct{ Profile string }
	if err := json.Unmarshal([]byte(r.stdout), &who); err != nil || who.Profile != cloud.EnvCredentials {
		t.Errorf("whoami --json: %s (%v)", r.stdout, err)
	}
	// Nothing is remembered as the "default" profile's account.
	if s, _ := settings.Open(filepath.Join(os.Getenv("CLOUDCONTROL_HOME"), "config")).Load(); len(s.Identities) != 0 {
		t.Errorf("remembered %v for keys from the environment", s.Identities)
	}
	bad := newHarness(t, examplesWorld, 100, badDir)
	r = bad.run(ctx, "env", "plan", "other-account")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "the credentials from environment variables belong to account 123456789012") {
		t.Errorf("refusal: exit %d\n%s", r.code, r.stderr)
	}
}

// A damaged settings file is warned of where a command uses it, and left
// as it is; `profile use` refuses to overwrite it.
func TestADamagedSettingsFileIsWarnedOfAndKept(t *testing.T) {
	h := newHarness(t, examplesWorld, 100, examplesDir)
	ctx := timeout(t, 10*time.Second)
	path := filepath.Join(os.Getenv("CLOUDCONTROL_HOME"), "config", "settings.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	damaged := `{"profile": "prod", "region": "eu-`
	if err := os.WriteFile(path, []byte(damaged), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "") // else the keys outrank the saved profile and it is never read
	keyring.MockInit()
	if err := os.WriteFile(os.Getenv("AWS_CONFIG_FILE"), []byte("[default]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := h.run(ctx, "env", "plan", "three-tier")
	if n := strings.Count(r.stderr, "warning: the settings file "+path+" is damaged"); n != 1 ||
		!strings.Contains(r.stderr, "the saved profile and region are not used") {
		t.Errorf("plan: %d warnings naming the file in stderr:\n%s", n, r.stderr)
	}
	r = h.run(ctx, "profile", "list")
	if !strings.Contains(r.stderr, "warning: the settings file "+path+" is damaged") {
		t.Errorf("profile list does not warn:\n%s", r.stderr)
	}
	r = h.run(ctx, "profile", "use", "default")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "not saved") || !strings.Contains(r.stderr, path) {
		t.Errorf("profile use over a damaged file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(path); string(b) != damaged {
		t.Fatalf("the damaged file was changed to %q", b)
	}
}
