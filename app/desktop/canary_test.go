package desktop

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/zalando/go-keyring"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/creds"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/paths"
)

const (
	windowCanary = "WindowCanarySecret/9876543210+zyxwvu"
	gatePassword = "GateCanaryPassw0rd"
	gateToken    = "GateCanaryT0ken"
)

// A keychain profile that assumes a role drives a whole start from the
// window; neither its secret key nor the STS session token, nor the
// password and token of a gate's URL, may appear in anything pushed to the
// front end, returned by a bound method, or written to the app's folders.
func TestCanaryWindowRunOnAKeychainProfile(t *testing.T) {
	keyring.MockInit()
	srv := serveExamples(t)
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "") // the keychain profile, not the environment, supplies the keys
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")

	store := creds.NewStore(creds.NewSystemKeyring("cloudcontrol-window-canary"))
	if err := store.Add(creds.KeychainProfile{Name: "canary", AccessKeyID: "AKIACANARYWINDOW1234", SecretAccessKey: windowCanary,
		RoleARN: "arn:aws:iam::123456789012:role/tester", Region: "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	url := srv.URL
	keychain := &creds.Service{Store: store, Sessions: creds.NewSessions(store,
		creds.NewAWSSTS("eu-west-1", func(o *sts.Options) { o.BaseEndpoint = &url }),
		func(context.Context, string, string) (string, error) {
			t.Error("no MFA was configured")
			return "", nil
		})}

	home := t.TempDir()
	dir := filepath.Join(home, "envs")
	copyExamples(t, dir, "three-tier.yaml")
	// A gate URL with a password and a token: the check uses them, nothing
	// the window is sent or writes may hold them.
	file := filepath.Join(dir, "three-tier.yaml")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	withSecret := strings.Replace(string(b), "http: http://{{.PrivateIP}}:8080/health",
		`http: "http://admin:`+gatePassword+`@{{.PrivateIP}}:8080/health?token=`+gateToken+`"`, 1)
	if withSecret == string(b) {
		t.Fatal("the example's api gate moved; the canary no longer covers a gate URL")
	}
	if err := os.WriteFile(file, []byte(withSecret), 0o600); err != nil {
		t.Fatal(err)
	}
	p := paths.Under(filepath.Join(home, "cc"))
	plat := newFakePlatform()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := newShell(shellOptions{Plat: plat, Log: log, Paths: p, Folders: []string{dir}, SandboxURL: url, Debounce: 10 * time.Millisecond,
		Cores: func(client string) core {
			return control.New(control.Options{Dirs: []string{dir}, Paths: p, Tick: 20 * time.Millisecond, Client: client, Logger: log,
				Connect: connector(aws.Options{EndpointURL: url, Region: "eu-west-1", Profile: "canary", Keychain: keychain}), Profile: "canary"})
		}})
	if err != nil {
		t.Fatal(err)
	}
	s.start(context.Background())
	t.Cleanup(s.shutdown)

	envs := &Environments{s: s}
	plan, err := envs.Plan("three-tier", "start")
	if err != nil || !strings.Contains(plan.Account, "123456789012") {
		t.Fatalf("plan on the keychain profile: %+v, %v", plan, err)
	}
	if err := envs.Start("three-tier"); err != nil {
		t.Fatal(err)
	}
	plat.waitFor(t, "the run finished", func() bool { return len(plat.sent(EventFinished)) > 0 })
	fin := plat.sent(EventFinished)[0].data.(op.Progress)
	if fin.Outcome != "done" {
		t.Fatalf("the run ended %q: %+v", fin.Outcome, fin)
	}
	token := sessionToken(t, "cloudcontrol-window-canary", "canary")

	// Everything the front end got: pushed events and bound methods' answers.
	var seen bytes.Buffer
	plat.mu.Lock()
	for _, e := range plat.events {
		j, _ := json.Marshal(e.data)
		seen.WriteString(e.name + " " + string(j) + "\n")
	}
	plat.mu.Unlock()
	for _, v := range []any{envs.Overview(), envs.RunLog("three-tier"), plan} {
		j, _ := json.Marshal(v)
		seen.Write(j)
	}
	if !strings.Contains(seen.String(), "http://***@") {
		t.Error("the window is not shown the gate's URL, redacted")
	}
	// Stopped before its files are read: a refresh saving the last known
	// state meanwhile renames a temporary file away from under the walk.
	s.shutdown()
	for _, secret := range []string{windowCanary, token, gatePassword, gateToken} {
		if strings.Contains(seen.String(), secret) {
			t.Errorf("a payload for the front end holds a secret (%.12s...)", secret)
		}
		err := filepath.WalkDir(home, func(path string, d fs.DirEntry, err error) error {
			if path == dir && secret != windowCanary && secret != token {
				return fs.SkipDir // the environment file is the person's own, where the gate's URL is written
			}
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds a secret (%.12s...)", path, secret)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("reading what the window wrote: %v", err)
		}
	}
}

// sessionToken is the STS session cached in the (mock) keychain for profile.
func sessionToken(t *testing.T, service, profile string) string {
	t.Helper()
	raw, err := keyring.Get(service, "session/"+profile)
	if err != nil {
		t.Fatalf("no STS session cached for %s: %v", profile, err)
	}
	var s struct {
		Token string `json:"aws_session_token"`
	}
	if json.Unmarshal([]byte(raw), &s) != nil || s.Token == "" {
		t.Fatalf("the cached session has no token: %.40s", raw)
	}
	return s.Token
}
