package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"cloudcontrol/app/launch"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
)

// Recognisable fakes: if either shows up where it must not, the test says where.
const (
	canaryKeyID  = "AKIACANARY0000001234"
	canarySecret = "CanarySecret/DoNotLeak+0123456789abcdef"
)

const canaryCredentials = `# my keys
[default]
aws_access_key_id = AKIAOTHERPROFILE0001
aws_secret_access_key = other-secret-0123456789

# the one to import
[canary]
aws_access_key_id = ` + canaryKeyID + `
aws_secret_access_key = ` + canarySecret + `
region = eu-west-1

[keep-me] ; stays
aws_access_key_id = AKIAKEEPME0000000001
aws_secret_access_key = keep-secret-0123456789
`

const canaryWorld = `account: "123456789012"
defaults: {timing: {start: 2s, stop: 2s, checks: 2s}}
regions:
  eu-west-1:
    instances:
      - {id: i-0ca0000000000001, state: stopped, tags: {Name: canary-db}}
      - {id: i-0ca0000000000002, state: stopped, tags: {Name: canary-app}}
`

const canaryEnv = `name: canary
region: eu-west-1
account: "123456789012"
stages:
  - name: db
    instances: [{name: canary-db}]
    ready: {status-checks: true}
  - name: app
    instances: [{name: canary-app}]
`

// pfWorld is an isolated home, AWS files and a sandbox for profile tests,
// with an in-memory keychain.
type pfWorld struct {
	t              *testing.T
	home, credFile string
	envDir         string
	sb             *sandbox.Sandbox
	outputs        []string // everything the commands printed, for the canary search
}

func newPFWorld(t *testing.T) *pfWorld {
	t.Helper()
	keyring.MockInit()
	tmp := t.TempDir()
	w, err := sandbox.ParseWorld([]byte(canaryWorld), "canary-world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := sandboxtest.Serve(t, w, 100)
	pw := &pfWorld{t: t, home: filepath.Join(tmp, "cchome"), credFile: filepath.Join(tmp, "credentials"),
		envDir: filepath.Join(tmp, "envs"), sb: srv.Sandbox}
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(pw.credFile, canaryCredentials)
	write(filepath.Join(tmp, "config"), "[profile canary]\nregion = eu-west-1\n")
	write(filepath.Join(pw.envDir, "canary.yaml"), canaryEnv)
	for k, v := range map[string]string{
		"CLOUDCONTROL_HOME": pw.home, "HOME": tmp, "AWS_ENDPOINT_URL": srv.URL,
		"AWS_CONFIG_FILE": filepath.Join(tmp, "config"), "AWS_SHARED_CREDENTIALS_FILE": pw.credFile,
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_DEFAULT_PROFILE": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_CA_BUNDLE": "",
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	return pw
}

// run runs one command with stdin and returns exit code and outputs.
func (pw *pfWorld) run(stdin string, args ...string) (int, string, string) {
	pw.t.Helper()
	var out, errOut bytes.Buffer
	root := NewRoot(nil, strings.NewReader(stdin), &out, &errOut)
	root.SetArgs(append(args, "--poll", "20ms"))
	code := Execute(context.Background(), root, &errOut)
	pw.outputs = append(pw.outputs, out.String(), errOut.String())
	return code, out.String(), errOut.String()
}

func (pw *pfWorld) must(stdin string, args ...string) string {
	pw.t.Helper()
	code, out, errOut := pw.run(stdin, args...)
	if code != 0 {
		pw.t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
	}
	return out
}

func TestCanarySecretAndSessionTokenStayInTheKeychain(t *testing.T) {
	pw := newPFWorld(t)
	pw.must("", "profile", "import", "canary", "--remove-from-file", "--yes")
	data, _ := os.ReadFile(pw.credFile)
	if strings.Contains(string(data), canarySecret) || strings.Contains(string(data), "[canary]") ||
		!strings.Contains(string(data), "[keep-me] ; stays") || !strings.Contains(string(data), "# my keys") ||
		!strings.Contains(string(data), "other-secret-0123456789") {
		t.Fatalf("credentials file after import:\n%s", data)
	}
	pw.must("", "profile", "edit", "canary", "--mfa-serial", "arn:aws:iam::123456789012:mfa/tester")
	pw.must("", "profile", "use", "canary")

	// The MFA code comes from standard input (no terminal here).
	var who struct {
		Profile  string
		Identity struct{ Account, ARN string }
		Expires  *string
	}
	if err := json.Unmarshal([]byte(pw.must(sandbox.MFACode+"\n", "profile", "whoami", "--json")), &who); err != nil {
		t.Fatal(err)
	}
	if who.Profile != "canary" || who.Identity.Account != "123456789012" || who.Expires == nil {
		t.Fatalf("whoami: %+v", who)
	}
	token, err := keyring.Get(launch.KeychainService, "session/canary")
	if err != nil || !strings.Contains(token, "SANDBOXSESSION") {
		t.Fatalf("no STS session cached in the keychain: %v", err)
	}
	var session struct {
		Token string `json:"aws_session_token"`
	}
	_ = json.Unmarshal([]byte(token), &session)

	// A full run on the saved profile, with the cached session (no prompt).
	if out := pw.must("", "env", "plan", "canary", "--dir", pw.envDir); !strings.Contains(out, "123456789012") {
		t.Fatalf("the plan does not say its account:\n%s", out)
	}
	if out := pw.must("", "env", "start", "canary", "--dir", pw.envDir); !strings.Contains(out, "done") {
		t.Fatalf("the run did not finish:\n%s", out)
	}
	list := pw.must("", "profile", "list", "--json")
	var entries []profileEntry
	if err := json.Unmarshal([]byte(list), &entries); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		if e.Name == "canary" {
			found = e.Kind == "keychain" && e.Active && e.Account == "123456789012" && e.SessionExpires != nil &&
				e.KeyIDSuffix == "1234" && !e.Plaintext
		}
	}
	if !found {
		t.Fatalf("canary not listed as the active keychain profile with its account and session:\n%s", list)
	}
	pw.must("", "profile", "list")

	// credential-process prints the session by design (for the AWS CLI);
	// it is the one output left out of the search below.
	code, cp, _ := pw.run("", "credential-process", "--profile", "canary")
	if code != 0 || !strings.Contains(cp, session.Token) || !strings.Contains(cp, `"Version":1`) {
		t.Fatalf("credential-process: %d %s", code, cp)
	}
	pw.outputs = pw.outputs[:len(pw.outputs)-2]

	for _, secret := range []string{canarySecret, session.Token} {
		for i, o := range pw.outputs {
			if strings.Contains(o, secret) {
				t.Errorf("a command printed a secret (output %d):\n%s", i, o)
			}
		}
		err := filepath.WalkDir(pw.home, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err == nil && bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds a secret", p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range pw.sb.Requests() {
			if strings.Contains(r.Message, secret) {
				t.Errorf("the sandbox logged a secret: %+v", r)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(pw.home, "config", "settings.json")); err != nil {
		t.Fatalf("the active profile was not saved: %v", err)
	}
}

func TestProfileFailuresSayWhatToDoAndKeepTheProfile(t *testing.T) {
	pw := newPFWorld(t)
	pw.must(canarySecret+"\n", "profile", "add", "mfa", "--key-id", canaryKeyID,
		"--mfa-serial", "arn:aws:iam::123456789012:mfa/tester", "--region", "eu-west-1")
	code, _, errOut := pw.run("000000\n", "--profile", "mfa", "profile", "whoami")
	if code != ExitFailed || !strings.Contains(errOut, "did not accept the MFA code") {
		t.Fatalf("wrong MFA code: %d %s", code, errOut)
	}
	// Revoked keys.
	pw.sb.RevokeKey(canaryKeyID)
	code, _, errOut = pw.run(sandbox.MFACode+"\n", "--profile", "mfa", "profile", "whoami")
	if code != ExitFailed || !strings.Contains(errOut, "did not accept access key ...1234") {
		t.Fatalf("revoked key: %d %s", code, errOut)
	}
	if out := pw.must("", "profile", "list"); !strings.Contains(out, "mfa") {
		t.Fatalf("the profile is gone after failures:\n%s", out)
	}
	// The secret is never taken from an argument, and add needs a key id.
	if code, _, _ := pw.run("", "profile", "add", "x", "--secret", canarySecret); code != ExitUsage {
		t.Fatalf("--secret accepted: %d", code)
	}
	// Removing from the file needs a confirmation: no terminal, no --yes, no change.
	before, _ := os.ReadFile(pw.credFile)
	code, _, errOut = pw.run("y\n", "profile", "import", "canary", "--remove-from-file")
	after, _ := os.ReadFile(pw.credFile)
	if code != ExitUsage || !bytes.Equal(before, after) || !strings.Contains(errOut, "--yes") {
		t.Fatalf("unconfirmed removal: %d %s", code, errOut)
	}
	// A malformed config file: a clear file:line warning, the rest still listed.
	if err := os.WriteFile(os.Getenv("AWS_CONFIG_FILE"), []byte("[profile ok]\nregion = eu-west-1\n[profile broken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := pw.run("", "profile", "list")
	if code != 0 || !strings.Contains(errOut, os.Getenv("AWS_CONFIG_FILE")+":3") || !strings.Contains(out, "ok") || !strings.Contains(out, "mfa") {
		t.Fatalf("malformed config: %d\n%s%s", code, out, errOut)
	}
	// A locked keychain: a clear message, nothing changed.
	keyring.MockInitWithError(keyring.ErrUnsupportedPlatform)
	code, _, errOut = pw.run("", "--profile", "mfa", "profile", "whoami")
	if code != ExitFailed || !strings.Contains(errOut, "keychain") {
		t.Fatalf("locked keychain: %d %s", code, errOut)
	}
	keyring.MockInit() // a fresh, empty mock: absent keychain content
	code, _, errOut = pw.run("", "credential-process", "--profile", "mfa")
	if code != ExitFailed || !strings.Contains(errOut, "profile add or import") {
		t.Fatalf("absent profile: %d %s", code, errOut)
	}
}

func TestSSOLoginThroughTheSandbox(t *testing.T) {
	pw := newPFWorld(t)
	cfg := "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\n" +
		"[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Tester\nregion = eu-west-1\n"
	if err := os.WriteFile(os.Getenv("AWS_CONFIG_FILE"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	// Play the person: approve the sign-in as soon as the code is shown.
	go func() {
		for range 500 {
			for _, r := range pw.sb.Requests() {
				if r.Action == "StartDeviceAuthorization" {
					approveAll(pw.sb)
					return
				}
			}
			sleepShort()
		}
	}()
	out := pw.must("", "profile", "login", "dev", "--no-browser")
	if !strings.Contains(out, "enter the code") || !strings.Contains(out, "Signed in for dev") {
		t.Fatalf("login:\n%s", out)
	}
	who := pw.must("", "--profile", "dev", "profile", "whoami")
	if !strings.Contains(who, "111122223333") || !strings.Contains(who, "AWSReservedSSO_Tester") {
		t.Fatalf("whoami through the SSO sign-in:\n%s", who)
	}
}
