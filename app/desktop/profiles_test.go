package desktop

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/creds"
	"cloudcontrol/backend/settings"
)

const deskSecret = "DesktopCanarySecret/0123456789+abcdef"

func newTestProfiles(t *testing.T) (*Profiles, *[]any, *sync.Mutex, string) {
	t.Helper()
	keyring.MockInit()
	dir := t.TempDir()
	credFile := filepath.Join(dir, "credentials")
	if err := os.WriteFile(credFile, []byte("# keep\n[old]\naws_access_key_id = AKIAOLDKEY0000000009\naws_secret_access_key = "+deskSecret+"\n\n[other]\nregion = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": credFile}
	var mu sync.Mutex
	var payloads []any
	emit := func(e string, d any) {
		mu.Lock()
		payloads = append(payloads, map[string]any{"event": e, "data": d})
		mu.Unlock()
	}
	mfa := newMFAQuestions(emit, func() {})
	saved := settings.Open(filepath.Join(dir, "cc"))
	chain := aws.NewChain(aws.ChainOptions{Getenv: func(k string) string { return files[k] }, Home: dir,
		Keyring: creds.NewSystemKeyring("cloudcontrol-desktop-test"), Prompt: mfa.ask, Saved: saved})
	p := newProfiles(profilesOptions{Chain: chain, Settings: saved, MFA: mfa, Emit: emit, OpenURL: func(string) {},
		Who: func(context.Context) (control.Whoami, error) {
			w := control.Whoami{}
			w.Profile, w.Identity.Account, w.Identity.ARN = "old", "123456789012", "arn:aws:iam::123456789012:user/me"
			return w, nil
		},
		Reset: func() {}})
	return p, &payloads, &mu, credFile
}

func TestProfilesNeverReturnOrEmitASecret(t *testing.T) {
	p, payloads, mu, credFile := newTestProfiles(t)
	var returned []any
	add, err := p.Add(KeychainInput{Name: "new", AccessKeyID: "AKIANEWKEY0000005678", SecretAccessKey: deskSecret, Region: "eu-west-1"})
	if err != nil || add.KeyIDSuffix != "5678" {
		t.Fatalf("add: %+v %v", add, err)
	}
	imp, err := p.Import("old")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.RemoveFromFile("old"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(credFile); strings.Contains(string(b), deskSecret) || !strings.Contains(string(b), "[other]") || !strings.Contains(string(b), "# keep") {
		t.Fatalf("credentials file after removal:\n%s", b)
	}
	if err := p.Use("old", "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	who, _ := p.WhoAmI()
	list, _ := p.List()
	if list.Active != "old" || len(list.Profiles) < 2 {
		t.Fatalf("list: %+v", list)
	}
	for _, v := range list.Profiles {
		if v.Name == "old" && (v.Kind != creds.KindKeychain || v.Account != "123456789012") {
			t.Fatalf("old after import and whoami: %+v", v)
		}
	}
	returned = append(returned, add, imp, who, list)

	// The MFA dialog round trip.
	done := make(chan string, 1)
	go func() {
		code, _ := p.mfa.ask(context.Background(), "new", "arn:aws:iam::1:mfa/me")
		done <- code
	}()
	deadline := time.Now().Add(2 * time.Second)
	for p.SubmitMFA("123456") != nil {
		if time.Now().After(deadline) {
			t.Fatal("the MFA question was never asked")
		}
		time.Sleep(time.Millisecond)
	}
	if code := <-done; code != "123456" {
		t.Fatalf("MFA code %q", code)
	}
	mu.Lock()
	all := append(returned, *payloads...)
	mu.Unlock()
	b, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), deskSecret) || !strings.Contains(string(b), "profiles:mfa") {
		t.Fatalf("payloads:\n%s", b)
	}
}

// The list says which profile the window really uses: the saved choice,
// unless the environment the app was started in outranks it.
func TestProfileListSaysWhatIsInUse(t *testing.T) {
	p, _, _, _ := newTestProfiles(t)
	if err := p.Use("old", ""); err != nil {
		t.Fatal(err)
	}
	if l, _ := p.List(); l.Active != "old" || l.InUse != "old" || len(l.Problems) != 0 {
		t.Fatalf("saved choice: %+v", l)
	}
	env := map[string]string{"AWS_PROFILE": "ci"}
	p.chain = aws.NewChain(aws.ChainOptions{Getenv: func(k string) string { return env[k] }, Keyring: creds.NewSystemKeyring("x"),
		Saved: p.settings})
	l, _ := p.List()
	if l.Active != "old" || l.InUse != "ci" || len(l.Problems) != 1 || !strings.Contains(l.Problems[0], "AWS_PROFILE=ci") {
		t.Fatalf("AWS_PROFILE outranking the choice: %+v", l)
	}
	env = map[string]string{"AWS_ACCESS_KEY_ID": "AKIA"}
	if l, _ := p.List(); l.InUse != creds.EnvProfileName || !strings.Contains(l.Problems[0], "the window uses environment variables") {
		t.Fatalf("keys in the environment: %+v", l)
	}
	p.note = sandboxNote
	if l, _ := p.List(); len(l.Problems) != 1 || l.Problems[0] != sandboxNote {
		t.Fatalf("in the sandbox its note says it: %+v", l.Problems)
	}
}
