package creds

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

const ssoConfigFile = `[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer

[profile legacy]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = Admin

[profile broken]
sso_session = nowhere

[profile plain]
region = eu-west-1
`

func TestSSOConfigOf(t *testing.T) {
	files := Files{Config: writeFile(t, "config", ssoConfigFile)}
	dev, err := SSOConfigOf(files, "dev")
	want := SSOConfig{Profile: "dev", Session: "corp", StartURL: "https://corp.awsapps.com/start",
		Region: "eu-central-1", AccountID: "111122223333", RoleName: "Developer"}
	if err != nil || dev != want || dev.TokenKey() != "corp" {
		t.Fatalf("dev: %+v %v", dev, err)
	}
	legacy, err := SSOConfigOf(files, "legacy")
	if err != nil || legacy.TokenKey() != "https://old.awsapps.com/start" || legacy.Region != "us-east-1" {
		t.Fatalf("legacy: %+v %v", legacy, err)
	}
	if _, err := SSOConfigOf(files, "broken"); err == nil || !strings.Contains(err.Error(), "[sso-session nowhere]") {
		t.Fatalf("broken: %v", err)
	}
	if _, err := SSOConfigOf(files, "plain"); err == nil || !strings.Contains(err.Error(), "sso_start_url") {
		t.Fatalf("plain: %v", err)
	}
	if _, err := SSOConfigOf(files, "ghost"); !errors.Is(err, ErrProfileNotFound) {
		t.Fatalf("ghost: %v", err)
	}
}

// fakeOIDC approves after a number of polls, or answers with a fixed error.
type fakeOIDC struct {
	pendingPolls int
	final        error
	polls        int
	clock        clockwork.Clock
	pollTimes    []time.Time
}

func (f *fakeOIDC) RegisterClient(context.Context, string, string) (string, string, error) {
	return "client", "client-secret", nil
}

func (f *fakeOIDC) StartDeviceAuthorization(_ context.Context, region, id, secret, url string) (Device, error) {
	if id != "client" || secret != "client-secret" {
		return Device{}, fmt.Errorf("unregistered client %s", id)
	}
	return Device{DeviceCode: "dev-code", UserCode: "ABCD-EFGH", VerificationURI: "https://device.sso/",
		VerificationURIComplete: "https://device.sso/?user_code=ABCD-EFGH", ExpiresIn: time.Minute, Interval: 5 * time.Second}, nil
}

func (f *fakeOIDC) CreateToken(_ context.Context, region, id, secret, code string) (SSOToken, error) {
	f.polls++
	f.pollTimes = append(f.pollTimes, f.clock.Now())
	if f.polls <= f.pendingPolls {
		return SSOToken{}, ErrSSOPending
	}
	if f.final != nil {
		return SSOToken{}, f.final
	}
	return SSOToken{AccessToken: "sso-access-" + testSecret, Expires: f.clock.Now().Add(8 * time.Hour)}, nil
}

// runLogin runs Login while advancing the fake clock whenever it waits.
func runLogin(t *testing.T, l *SSOLogin, clk *clockwork.FakeClock, cfg SSOConfig) (SSOToken, Device, error) {
	t.Helper()
	type result struct {
		tok SSOToken
		err error
	}
	var shown Device
	done := make(chan result, 1)
	go func() {
		tok, err := l.Login(context.Background(), cfg, func(d Device) { shown = d })
		done <- result{tok, err}
	}()
	for {
		select {
		case r := <-done:
			return r.tok, shown, r.err
		default:
		}
		if err := clk.BlockUntilContext(ctxWithTimeout(t), 1); err != nil {
			r := <-done
			return r.tok, shown, r.err
		}
		clk.Advance(5 * time.Second)
	}
}

func ctxWithTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	t.Cleanup(cancel)
	return ctx
}

func TestSSOLoginWaitsForApprovalAndKeepsTheTokenInTheKeychain(t *testing.T) {
	clk := clockwork.NewFakeClock()
	kr := newMemKeyring()
	store := NewStore(kr)
	oidc := &fakeOIDC{pendingPolls: 2, clock: clk}
	cfg := SSOConfig{Profile: "dev", Session: "corp", StartURL: "https://corp.awsapps.com/start", Region: "eu-central-1"}
	tok, shown, err := runLogin(t, &SSOLogin{OIDC: oidc, Store: store, Clock: clk}, clk, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if shown.UserCode != "ABCD-EFGH" || oidc.polls != 3 {
		t.Fatalf("shown %+v after %d polls", shown, oidc.polls)
	}
	if gap := oidc.pollTimes[1].Sub(oidc.pollTimes[0]); gap != 5*time.Second {
		t.Fatalf("polled every %v, want the service's 5s", gap)
	}
	got, err := store.SSOToken("corp")
	if err != nil || got.AccessToken != tok.AccessToken {
		t.Fatalf("keychain token %v %v", got, err)
	}
	if s := fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok); strings.Contains(s, testSecret) {
		t.Fatalf("the token printed itself: %s", s)
	}
}

func TestSSOLoginRefusedOrExpiredSaysSoAndStoresNothing(t *testing.T) {
	for _, final := range []error{ErrSSODenied, ErrSSOExpired} {
		clk := clockwork.NewFakeClock()
		kr := newMemKeyring()
		oidc := &fakeOIDC{final: final, clock: clk}
		_, _, err := runLogin(t, &SSOLogin{OIDC: oidc, Store: NewStore(kr), Clock: clk}, clk,
			SSOConfig{Profile: "dev", StartURL: "https://x/start", Region: "us-east-1"})
		if !errors.Is(err, final) || !strings.Contains(err.Error(), `profile "dev"`) || !strings.Contains(err.Error(), "again") {
			t.Fatalf("%v: got %v", final, err)
		}
		if len(kr.snapshot()) != 0 {
			t.Fatalf("%v: the keychain changed: %v", final, kr.snapshot())
		}
	}
	// Never approved: the code's lifetime ends the wait.
	clk := clockwork.NewFakeClock()
	oidc := &fakeOIDC{pendingPolls: 1000, clock: clk}
	_, _, err := runLogin(t, &SSOLogin{OIDC: oidc, Store: NewStore(newMemKeyring()), Clock: clk}, clk,
		SSOConfig{Profile: "dev", StartURL: "https://x/start", Region: "us-east-1"})
	if !errors.Is(err, ErrSSOExpired) || oidc.polls != 12 {
		t.Fatalf("never approved: %v after %d polls", err, oidc.polls)
	}
}

func TestServiceSSOSignInAndKeychainCredentials(t *testing.T) {
	clk := clockwork.NewFakeClockAt(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	kr := newMemKeyring()
	store := NewStore(kr)
	files := Files{Config: writeFile(t, "config", ssoConfigFile)}
	sts := &fakeSTS{now: clk.Now}
	svc := &Service{Files: files, Store: store, Sessions: NewSessions(store, sts, nil, WithClock(clk)), Clock: clk}

	if _, ok, err := svc.SSOSignIn("dev"); ok || err != nil {
		t.Fatalf("no sign-in yet: ok=%v err=%v", ok, err)
	}
	if err := store.SaveSSOToken("corp", SSOToken{AccessToken: "tok", Expires: clk.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	si, ok, err := svc.SSOSignIn("dev")
	if !ok || err != nil || si.Config.AccountID != "111122223333" || si.Token.AccessToken != "tok" {
		t.Fatalf("sign-in: %+v %v %v", si, ok, err)
	}
	list, _ := svc.List()
	for _, p := range list {
		if p.Name == "dev" && (p.SessionExpires == nil || !p.SessionExpires.Equal(clk.Now().Add(time.Hour))) {
			t.Fatalf("dev's sign-in expiry not listed: %+v", p)
		}
	}
	clk.Advance(time.Hour)
	if _, ok, _ := svc.SSOSignIn("dev"); ok {
		t.Fatal("an expired sign-in is offered")
	}

	if _, _, ok, err := svc.KeychainCredentials("ghost"); ok || err != nil {
		t.Fatalf("ghost: %v %v", ok, err)
	}
	if err := store.Add(KeychainProfile{Name: "kc", AccessKeyID: testKeyID, SecretAccessKey: testSecret,
		MFASerial: "", RoleARN: "arn:aws:iam::111122223333:role/ops", Region: "eu-west-3"}); err != nil {
		t.Fatal(err)
	}
	get, region, ok, err := svc.KeychainCredentials("kc")
	if !ok || err != nil || region != "eu-west-3" {
		t.Fatalf("kc: %v %v %v", region, ok, err)
	}
	c, err := get(context.Background())
	if err != nil || c.SessionToken != testSession || len(sts.calls) != 1 || sts.calls[0].Op != "AssumeRole" {
		t.Fatalf("credentials %v %v calls %+v", c, err, sts.calls)
	}
	list, _ = svc.List()
	found := false
	for _, p := range list {
		if p.Name == "kc" {
			found = p.SessionExpires != nil && p.SessionExpires.Equal(clk.Now().Add(time.Hour))
		}
	}
	if !found {
		t.Fatalf("kc's session expiry not listed: %+v", list)
	}
	kr.lock()
	if _, _, _, err := svc.KeychainCredentials("kc"); !errors.Is(err, ErrKeychainUnavailable) {
		t.Fatalf("locked keychain: %v", err)
	}
}
