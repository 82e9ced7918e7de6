package creds

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

type harness struct {
	kr      *memKeyring
	store   *Store
	sts     *fakeSTS
	clock   *clockwork.FakeClock
	prompts []string
	code    string
	logs    bytes.Buffer
}

func newHarness(t *testing.T, profiles ...KeychainProfile) *harness {
	t.Helper()
	h := &harness{kr: newMemKeyring(), clock: clockwork.NewFakeClockAt(t0), code: "123456"}
	h.store = NewStore(h.kr)
	h.sts = &fakeSTS{now: h.clock.Now}
	for _, p := range profiles {
		if err := h.store.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func (h *harness) prompt(_ context.Context, profile, serial string) (string, error) {
	h.prompts = append(h.prompts, profile+" "+serial)
	return h.code, nil
}

func (h *harness) sessions(opts ...SessionOption) *Sessions {
	logger := slog.New(slog.NewTextHandler(&h.logs, nil))
	return NewSessions(h.store, h.sts, h.prompt, append([]SessionOption{WithClock(h.clock), WithLogger(logger)}, opts...)...)
}

func mfaProfile() KeychainProfile {
	p := sample("work")
	p.SessionDuration = time.Hour
	return p
}

func TestSessionsLongTermKeysNeedNoSTS(t *testing.T) {
	p := sample("plain")
	p.MFASerial = ""
	h := newHarness(t, p)
	c, err := h.sessions().Get(context.Background(), "plain")
	if err != nil {
		t.Fatal(err)
	}
	if c != (Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret}) || len(h.sts.calls) != 0 || len(h.prompts) != 0 {
		t.Fatalf("got %v, sts calls %v, prompts %v", c, h.sts.calls, h.prompts)
	}
}

func TestSessionsMFACachedThenRenewedBeforeExpiry(t *testing.T) {
	h := newHarness(t, mfaProfile())
	s := h.sessions()
	ctx := context.Background()
	first, err := s.Get(ctx, "work")
	if err != nil {
		t.Fatal(err)
	}
	wantCall := stsCall{Op: "GetSessionToken", KeyID: testKeyID, MFASerial: mfaProfile().MFASerial, Code: "123456", Duration: time.Hour}
	if len(h.sts.calls) != 1 || h.sts.calls[0] != wantCall || len(h.prompts) != 1 {
		t.Fatalf("calls %+v, prompts %v", h.sts.calls, h.prompts)
	}
	if first.SessionToken != testSession || !first.Expiration.Equal(t0.Add(time.Hour)) {
		t.Fatalf("session = %v", first)
	}
	h.clock.Advance(54 * time.Minute) // 6 minutes left: still good
	again, err := s.Get(ctx, "work")
	if err != nil || again != first || len(h.sts.calls) != 1 || len(h.prompts) != 1 {
		t.Fatalf("at 54m: %v, %v, %d calls, %d prompts", again, err, len(h.sts.calls), len(h.prompts))
	}
	// Another process (the CLI beside the window) finds the cache in the keychain.
	other, err := h.sessions().Get(ctx, "work")
	if err != nil || other != first || len(h.prompts) != 1 {
		t.Fatalf("second Sessions: %v, %v, %d prompts", other, err, len(h.prompts))
	}
	h.clock.Advance(time.Minute) // 5 minutes left: inside the margin
	renewed, err := s.Get(ctx, "work")
	if err != nil || renewed == first || len(h.sts.calls) != 2 || len(h.prompts) != 2 {
		t.Fatalf("at 55m: %v, %v, %d calls, %d prompts", renewed, err, len(h.sts.calls), len(h.prompts))
	}
	if !renewed.Expiration.Equal(h.clock.Now().Add(time.Hour)) {
		t.Fatalf("renewed expiration %v", renewed.Expiration)
	}
}

func TestSessionsCustomMargin(t *testing.T) {
	h := newHarness(t, mfaProfile())
	s := h.sessions(WithRenewMargin(20 * time.Minute))
	mustGet(t, s, "work")
	h.clock.Advance(39 * time.Minute)
	mustGet(t, s, "work")
	if len(h.sts.calls) != 1 {
		t.Fatalf("renewed too early: %d calls", len(h.sts.calls))
	}
	h.clock.Advance(time.Minute)
	mustGet(t, s, "work")
	if len(h.sts.calls) != 2 {
		t.Fatalf("not renewed 20m before expiry: %d calls", len(h.sts.calls))
	}
}

func TestSessionsAssumeRole(t *testing.T) {
	p := mfaProfile()
	p.Name, p.RoleARN = "admin", "arn:aws:iam::123456789012:role/Admin"
	h := newHarness(t, p)
	if _, err := h.sessions().Get(context.Background(), "admin"); err != nil {
		t.Fatal(err)
	}
	want := stsCall{Op: "AssumeRole", KeyID: testKeyID, RoleARN: p.RoleARN, SessionName: "cloudcontrol-admin",
		MFASerial: p.MFASerial, Code: "123456", Duration: time.Hour}
	if len(h.sts.calls) != 1 || h.sts.calls[0] != want {
		t.Fatalf("calls = %+v", h.sts.calls)
	}
	if long := roleSessionName(strings.Repeat("x", 64)); len(long) != 64 {
		t.Fatalf("role session name of %d characters", len(long))
	}
}

func TestSessionsSTSErrorsLeaveProfileIntact(t *testing.T) {
	cases := map[string]struct {
		err     error
		is      error
		mention string
	}{
		"wrong MFA code": {ErrMFARejected, ErrMFARejected, "MFA code"},
		"revoked keys":   {ErrKeysRejected, ErrKeysRejected, "access key ...1234"},
		"expired":        {ErrKeysExpired, ErrKeysExpired, "expired"},
		"other":          {errors.New("throttled"), nil, "getting an STS session"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, mfaProfile())
			before := h.kr.snapshot()
			h.sts.err = c.err
			_, err := h.sessions().Get(context.Background(), "work")
			if err == nil || !strings.Contains(err.Error(), c.mention) || (c.is != nil && !errors.Is(err, c.is)) {
				t.Fatalf("err = %v; want one mentioning %q", err, c.mention)
			}
			after := h.kr.snapshot()
			if len(after) != len(before) || after[profilePrefix+"work"] != before[profilePrefix+"work"] {
				t.Fatalf("keychain changed: %v", after)
			}
			// Fixed (a fresh code), the next try prompts again and works.
			h.sts.err = nil
			if _, err := h.sessions().Get(context.Background(), "work"); err != nil || len(h.prompts) != 2 {
				t.Fatalf("retry: %v, %d prompts", err, len(h.prompts))
			}
		})
	}
}

func TestSessionsPromptProblems(t *testing.T) {
	h := newHarness(t, mfaProfile())
	cancelled := errors.New("the person closed the MFA dialog")
	s := NewSessions(h.store, h.sts, func(context.Context, string, string) (string, error) { return "", cancelled },
		WithClock(h.clock))
	if _, err := s.Get(context.Background(), "work"); !errors.Is(err, cancelled) || len(h.sts.calls) != 0 {
		t.Fatalf("err = %v, sts calls %d", err, len(h.sts.calls))
	}
	noPrompt := NewSessions(h.store, h.sts, nil, WithClock(h.clock))
	if _, err := noPrompt.Get(context.Background(), "work"); err == nil || !strings.Contains(err.Error(), "needs an MFA code") {
		t.Fatalf("err = %v", err)
	}
	if _, err := noPrompt.Get(context.Background(), "nobody"); !errors.Is(err, ErrProfileNotFound) {
		t.Fatalf("unknown profile: %v", err)
	}
}

func TestSessionsDroppedOnUpdateAndForget(t *testing.T) {
	h := newHarness(t, mfaProfile())
	s := h.sessions()
	mustGet(t, s, "work")
	if err := h.store.Update(KeychainProfile{Name: "work", MFASerial: "arn:aws:iam::1:mfa/new"}); err != nil {
		t.Fatal(err)
	}
	mustGet(t, s, "work")
	if len(h.sts.calls) != 2 || h.sts.calls[1].MFASerial != "arn:aws:iam::1:mfa/new" {
		t.Fatalf("cached session survived Update: %+v", h.sts.calls)
	}
	if err := s.Forget("work"); err != nil {
		t.Fatal(err)
	}
	mustGet(t, s, "work")
	if len(h.sts.calls) != 3 {
		t.Fatalf("cached session survived Forget: %d calls", len(h.sts.calls))
	}
	if err := h.store.Delete("work"); err != nil {
		t.Fatal(err)
	}
	if len(h.kr.items) != 0 {
		t.Fatalf("Delete left %v", h.kr.snapshot())
	}
}

func TestSessionsCacheProblemsCostOnlyANewSession(t *testing.T) {
	h := newHarness(t, mfaProfile())
	h.kr.items[sessionPrefix+"work"] = "{damaged"
	h.kr.failSet = errors.New("keychain refuses writes")
	c, err := h.sessions().Get(context.Background(), "work")
	if err != nil || c.SessionToken != testSession {
		t.Fatalf("Get = %v, %v", c, err)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "damaged") || !strings.Contains(logs, "cannot cache") {
		t.Fatalf("logs do not explain: %s", logs)
	}
	if strings.Contains(logs, testSecret) || strings.Contains(logs, testSession) {
		t.Fatalf("secret in logs: %s", logs)
	}
}

// While one Get waits for the MFA code, a second one waits for it instead of
// prompting too, and gives up when its context ends.
func TestSessionsOnePromptAtATime(t *testing.T) {
	h := newHarness(t, mfaProfile())
	entered, release := make(chan struct{}), make(chan struct{})
	prompts := 0
	s := NewSessions(h.store, h.sts, func(ctx context.Context, _, _ string) (string, error) {
		prompts++
		close(entered)
		<-release
		return "123456", nil
	}, WithClock(h.clock))
	done := make(chan error)
	go func() { _, err := s.Get(context.Background(), "work"); done <- err }()
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Get(ctx, "work"); !errors.Is(err, context.Canceled) {
		t.Fatalf("second Get = %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(context.Background(), "work"); err != nil || prompts != 1 {
		t.Fatalf("third Get = %v after %d prompts", err, prompts)
	}
}
