package desktop

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/creds"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/paths"
)

func TestControlsShareTheKeychain(t *testing.T) {
	p, _, _, _ := newTestProfiles(t)
	var made []aws.Options
	c := newControls(aws.Options{Region: "eu-west-1", Keychain: p.creds}, func(client string, o aws.Options) *control.Service {
		made = append(made, o)
		return control.New(control.Options{Client: client, Connect: connector(o)})
	})
	window := c.get("window")
	if c.get("window") != window || c.get("tray") == window {
		t.Fatal("one service per lock client, made once")
	}
	if len(made) != 2 || made[0].Keychain != p.creds || made[1].Keychain != p.creds || made[0].Region != "eu-west-1" {
		t.Fatalf("services made with %+v; want the keychain and the window's options in each", made)
	}
	c.ResetSessions() // every service's sessions, without a service made for it
	if len(made) != 2 {
		t.Fatal("a reset made a service")
	}
}

func TestMFAQuestionsBringUpTheWindowAndProfileListsFeedTheTray(t *testing.T) {
	plat := newFakePlatform()
	plat.hidden = true
	scr := newScreen(plat)
	scr.setVisible(false)
	m := newMFAQuestions(plat.Emit, scr.show)
	done := make(chan string, 1)
	go func() { code, _ := m.ask(context.Background(), "work", "arn:mfa"); done <- code }()
	plat.waitFor(t, "the MFA question is asked", func() bool { return len(plat.sent(EventMFA)) == 1 })
	if err := m.submit("123456"); err != nil { // pending from before the event was sent
		t.Fatal(err)
	}
	if code := <-done; code != "123456" || plat.hidden || !scr.isVisible() {
		t.Fatalf("code %q, hidden %v; want the window brought up for the question", code, plat.hidden)
	}
	if q := plat.sent(EventMFA)[0].data.(MFAQuestion); q.Profile != "work" || q.MFASerial != "arn:mfa" {
		t.Fatalf("question %+v", q)
	}

	p, _, _, _ := newTestProfiles(t)
	var lists []ProfileList
	p.onList(func(l ProfileList) { lists = append(lists, l) })
	if err := p.Use("other", ""); err != nil {
		t.Fatal(err)
	}
	if len(lists) != 1 || lists[0].Active != "other" {
		t.Fatalf("the tray got %+v", lists)
	}
}

func TestProfilesPushTheListAfterEveryChange(t *testing.T) {
	p, payloads, mu, _ := newTestProfiles(t)
	if _, err := p.Add(KeychainInput{Name: "work", AccessKeyID: "AKIAWORK000000001234", SecretAccessKey: deskSecret}); err != nil {
		t.Fatal(err)
	}
	if err := p.Use("work", "eu-central-1"); err != nil {
		t.Fatal(err)
	}
	if err := p.Delete("work"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var lists []ProfileList
	for _, x := range *payloads {
		m := x.(map[string]any)
		if m["event"] == EventProfiles {
			lists = append(lists, m["data"].(ProfileList))
		}
	}
	if len(lists) != 3 {
		t.Fatalf("%d lists pushed, want one after add, use and delete", len(lists))
	}
	has := func(l ProfileList, name string) bool {
		return slices.ContainsFunc(l.Profiles, func(v ProfileView) bool { return v.Name == name })
	}
	if !has(lists[0], "work") || lists[1].Active != "work" || lists[1].Region != "eu-central-1" || has(lists[2], "work") {
		t.Fatalf("lists pushed: %+v", lists)
	}
	b, _ := json.Marshal(lists)
	if strings.Contains(string(b), deskSecret) || !strings.Contains(string(b), `"keyIdSuffix":"1234"`) {
		t.Fatalf("pushed lists:\n%s", b)
	}
}

// fakeOIDC approves the device sign-in once approved is closed.
type fakeOIDC struct{ approved chan struct{} }

func (f *fakeOIDC) RegisterClient(context.Context, string, string) (string, string, error) {
	return "id", "secret", nil
}
func (f *fakeOIDC) StartDeviceAuthorization(context.Context, string, string, string, string) (creds.Device, error) {
	return creds.Device{DeviceCode: "dev-code", UserCode: "ABCD-EFGH", VerificationURI: "https://sso.example/device",
		VerificationURIComplete: "https://sso.example/device?code=ABCD-EFGH", ExpiresIn: time.Minute, Interval: time.Millisecond}, nil
}
func (f *fakeOIDC) CreateToken(context.Context, string, string, string, string) (creds.SSOToken, error) {
	select {
	case <-f.approved:
		return creds.SSOToken{AccessToken: "tok", Expires: time.Now().Add(time.Hour)}, nil
	default:
		return creds.SSOToken{}, creds.ErrSSOPending
	}
}

func TestSSOSignInShowsTheCodeOpensTheBrowserAndCanBeCancelled(t *testing.T) {
	p, payloads, mu, _ := newTestProfiles(t)
	if err := os.WriteFile(p.creds.Files.Config, []byte("[profile dev]\nsso_start_url = https://start.example\nsso_region = eu-west-1\nsso_account_id = 1\nsso_role_name = r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	oidc := &fakeOIDC{approved: make(chan struct{})}
	p.oidc = oidc
	var opened []string
	p.openURL = func(u string) { mu.Lock(); opened = append(opened, u); mu.Unlock() }
	if err := p.OpenSignInPage(); err == nil {
		t.Fatal("opened a sign-in page with no sign-in under way")
	}

	// Cancelled while waiting for approval.
	done := make(chan error, 1)
	go func() { done <- p.Login("dev") }()
	waitSSO(t, payloads, mu, "code")
	if err := p.OpenSignInPage(); err != nil {
		t.Fatal(err)
	}
	p.CancelLogin()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("cancelled sign-in: %v", err)
	}
	mu.Lock()
	if len(opened) != 2 || opened[0] != "https://sso.example/device?code=ABCD-EFGH" {
		t.Fatalf("browser opened %v; want the verification page at once and again on request", opened)
	}
	*payloads = nil
	mu.Unlock()

	// Approved.
	go func() { done <- p.Login("dev") }()
	waitSSO(t, payloads, mu, "code")
	close(oidc.approved)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	waitSSO(t, payloads, mu, "done")
	mu.Lock()
	defer mu.Unlock()
	b, _ := json.Marshal(*payloads)
	if !strings.Contains(string(b), `"userCode":"ABCD-EFGH"`) || strings.Contains(string(b), "dev-code") || strings.Contains(string(b), `"tok"`) {
		t.Fatalf("sign-in events must show the code and never the device code or token:\n%s", b)
	}
}

func waitSSO(t *testing.T, payloads *[]any, mu interface {
	Lock()
	Unlock()
}, state string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		for _, x := range *payloads {
			m := x.(map[string]any)
			if sp, ok := m["data"].(SSOProgress); ok && m["event"] == EventSSO && sp.State == SSOState(state) {
				mu.Unlock()
				return
			}
		}
		mu.Unlock()
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("no sign-in event %q", state)
}

func TestTrayProfileSubmenuSwitchesAndKeepsTheDocumentedIDs(t *testing.T) {
	act := &fakeActions{}
	m := newTrayMenu(act)
	sw := &fakeSwitcher{}
	m.switcher = sw
	items := m.setProfiles(ProfileList{Active: "work", Region: "eu-west-1", Profiles: []ProfileView{
		{ProfileInfo: creds.ProfileInfo{Profile: creds.Profile{Name: "default", Kind: creds.KindStaticPlaintext}}},
		{ProfileInfo: creds.ProfileInfo{Profile: creds.Profile{Name: "corp", Kind: creds.KindSSOSession}}},
		{ProfileInfo: creds.ProfileInfo{Profile: creds.Profile{Name: "work", Kind: creds.KindKeychain}}},
	}})
	for i, it := range items {
		if it.ID != uint32(i+1) {
			t.Fatalf("item %d has id %d", i, it.ID)
		}
	}
	// The ids API.md documents, and Quit last.
	if len(items) != 44 || items[43].Title != "Quit" || items[27].Title != "Stop all running environments" || items[29].Parent != 0 || items[30].Parent != 30 {
		t.Fatal("the documented ids moved")
	}
	if got := items[trayProfileMenu-1]; got.Title != "Profile: work (eu-west-1)" || !got.Visible || !items[traySep3-1].Separator {
		t.Fatalf("profile menu item %+v", got)
	}
	first, second, third := items[trayFirstProf-1], items[trayFirstProf], items[trayFirstProf+1]
	if first.Title != "default" || first.Parent != trayProfileMenu || second.Title != "✓ work" || second.Enabled || third.Visible {
		t.Fatalf("profile slots %+v %+v %+v; want default, the active work marked (the sso-session left out)", first, second, third)
	}
	if err := m.click(trayFirstProf); err != nil {
		t.Fatal(err)
	}
	if err := m.click(trayFirstProf + 1); err != nil { // the active one: nothing to do
		t.Fatal(err)
	}
	if !slices.Equal(sw.used, []string{"default/"}) {
		t.Fatalf("switched to %v; want default with its own region", sw.used)
	}
	sw.err = errors.New("keychain locked")
	if err := m.click(trayFirstProf); err == nil {
		t.Fatal("a failed switch was not reported")
	}
}

type fakeSwitcher struct {
	used []string
	err  error
}

func (f *fakeSwitcher) Use(name, region string) error {
	if f.err != nil {
		return f.err
	}
	f.used = append(f.used, name+"/"+region)
	return nil
}

func TestTrayLabelsShowTheHourlyCostOfWhatRuns(t *testing.T) {
	book, err := cost.Default("")
	if err != nil {
		t.Fatal(err)
	}
	m := newTrayMenu(&fakeActions{})
	m.price = trayPrice(book, func() time.Time { return time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC) })
	inst := func(id, typ, state string) cloud.Instance {
		return cloud.Instance{ID: id, Type: typ, State: state, Region: "us-east-1"}
	}
	items := m.update([]EnvView{
		{Name: "shop", State: op.StateRunning, InstanceState: op.StateRunning, Usable: true, Stages: []StageView{{Instances: []cloud.Instance{
			inst("i-1", "t3.micro", cloud.Running), inst("i-2", "t3.micro", cloud.Running), inst("i-3", "t3.micro", cloud.Stopped)}}}},
		{Name: "odd", State: op.StatePartly, InstanceState: op.StatePartly, Usable: true, Stages: []StageView{{Instances: []cloud.Instance{inst("i-4", "x9.huge", cloud.Running)}}}},
		{Name: "idle", State: op.StateStopped, InstanceState: op.StateStopped, Usable: true, Stages: []StageView{{Instances: []cloud.Instance{inst("i-5", "t3.micro", cloud.Stopped)}}}},
	})
	if got := items[2].Title; got != "shop — running — $0.02/hour" {
		t.Errorf("running label %q; want two t3.micro at the table's $0.0104", got)
	}
	if got := items[4].Title; got != "odd — partly running — cost unknown" {
		t.Errorf("unpriced label %q; never $0", got)
	}
	if got := items[6].Title; got != "idle — stopped" {
		t.Errorf("stopped label %q; no hourly cost while stopped", got)
	}
}

func TestSaveCSVWritesWhereTheDialogSays(t *testing.T) {
	p := paths.Under(t.TempDir())
	hist := windowHistory(p, newFakePlatform(), slog.New(slog.DiscardHandler))
	defer hist.Close()
	var asked []string
	dest := filepath.Join(t.TempDir(), "usage.csv")
	answer := dest
	c := newCosts(&fakeCoster{}, hist, p, func(title, name string, f FileFilter) (string, error) {
		asked = append(asked, name+" "+f.Pattern)
		return answer, nil
	})
	c.now = func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.Local) }
	got, err := c.SaveCSV(ReportRequest{From: "2026-11-01", To: "2026-11-30"})
	if err != nil || got != dest {
		t.Fatalf("SaveCSV = %q, %v", got, err)
	}
	b, err := os.ReadFile(dest)
	if err != nil || !strings.HasPrefix(string(b), "env,instance,name,region,type,runs,hours") {
		t.Fatalf("saved file: %q %v", b, err)
	}
	if len(asked) != 1 || asked[0] != "cloudcontrol-usage-2026-11-01-to-2026-11-30.csv *.csv" {
		t.Fatalf("the dialog suggested %v", asked)
	}
	answer = ""
	if got, err := c.SaveCSV(ReportRequest{}); err != nil || got != "" {
		t.Fatalf("a cancelled dialog: %q %v", got, err)
	}
}
