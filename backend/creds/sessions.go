package creds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// STS is the part of AWS STS that turns keychain keys into sessions. Its
// errors wrap ErrMFARejected, ErrKeysRejected or ErrKeysExpired when AWS says
// so; NewAWSSTS is the real one.
type STS interface {
	GetSessionToken(ctx context.Context, keys Credentials, mfaSerial, code string, duration time.Duration) (Credentials, error)
	AssumeRole(ctx context.Context, keys Credentials, roleARN, sessionName, mfaSerial, code string, duration time.Duration) (Credentials, error)
}

// Prompt asks the person for the current code of an MFA device.
type Prompt func(ctx context.Context, profile, mfaSerial string) (string, error)

// What STS can say about a request, for callers to tell apart with errors.Is.
var (
	ErrMFARejected  = errors.New("AWS rejected the MFA code")
	ErrKeysRejected = errors.New("AWS rejected the access key (deleted, deactivated or mistyped)")
	ErrKeysExpired  = errors.New("the credentials have expired")
)

// Defaults: how long an STS session lasts when the profile does not say, and
// how long before it expires a session is renewed.
const (
	DefaultSessionDuration = time.Hour
	DefaultRenewMargin     = 5 * time.Minute
)

// Sessions hands out credentials for keychain profiles: the profile's own
// keys when it needs neither MFA nor a role, else an STS session, cached in
// the keychain and renewed Margin before it expires.
type Sessions struct {
	store  *Store
	sts    STS
	prompt Prompt
	clock  clockwork.Clock
	margin time.Duration
	log    *slog.Logger

	mu    sync.Mutex
	locks map[string]chan struct{} // one renewal per profile at a time: one MFA prompt, not several
}

// SessionOption changes a default of NewSessions.
type SessionOption func(*Sessions)

// WithClock sets the clock expiry is judged by (a fake one in tests).
func WithClock(c clockwork.Clock) SessionOption { return func(s *Sessions) { s.clock = c } }

// WithRenewMargin sets how long before expiry a session is renewed
// (DefaultRenewMargin otherwise).
func WithRenewMargin(d time.Duration) SessionOption { return func(s *Sessions) { s.margin = d } }

// WithLogger sets where renewals and cache problems are logged (nowhere otherwise).
func WithLogger(l *slog.Logger) SessionOption { return func(s *Sessions) { s.log = l } }

// NewSessions makes sessions for the profiles in store.
func NewSessions(store *Store, sts STS, prompt Prompt, opts ...SessionOption) *Sessions {
	s := &Sessions{store: store, sts: sts, prompt: prompt, clock: clockwork.NewRealClock(),
		margin: DefaultRenewMargin, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		locks: map[string]chan struct{}{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// cachedSession is the keychain item of a session; only the keychain sees it.
type cachedSession struct {
	AccessKeyID     string    `json:"aws_access_key_id"`
	SecretAccessKey string    `json:"aws_secret_access_key"`
	SessionToken    string    `json:"aws_session_token"`
	Expiration      time.Time `json:"expiration"`
}

// Get returns working credentials for the keychain profile name, asking
// for an MFA code only when a new session is needed. A failure leaves the
// stored profile as it was.
func (s *Sessions) Get(ctx context.Context, name string) (Credentials, error) {
	unlock, err := s.lock(ctx, name)
	if err != nil {
		return Credentials{}, err
	}
	defer unlock()
	p, err := s.store.Get(name)
	if err != nil {
		return Credentials{}, err
	}
	keys := Credentials{AccessKeyID: p.AccessKeyID, SecretAccessKey: p.SecretAccessKey}
	if p.MFASerial == "" && p.RoleARN == "" {
		return keys, nil
	}
	if c, ok := s.cached(name); ok {
		return c, nil
	}
	code := ""
	if p.MFASerial != "" {
		if s.prompt == nil {
			return Credentials{}, fmt.Errorf("profile %q needs an MFA code for %s, and nothing can ask for one here", name, p.MFASerial)
		}
		if code, err = s.prompt(ctx, name, p.MFASerial); err != nil {
			return Credentials{}, fmt.Errorf("profile %q: asking for the MFA code: %w", name, err)
		}
	}
	dur := p.SessionDuration
	if dur == 0 {
		dur = DefaultSessionDuration
	}
	var c Credentials
	if p.RoleARN != "" {
		c, err = s.sts.AssumeRole(ctx, keys, p.RoleARN, roleSessionName(name), p.MFASerial, code, dur)
	} else {
		c, err = s.sts.GetSessionToken(ctx, keys, p.MFASerial, code, dur)
	}
	if err != nil {
		return Credentials{}, explainSTS(name, p, err)
	}
	s.save(name, c)
	return c, nil
}

// Forget drops the cached session of a profile, e.g. after AWS refused it,
// so the next Get starts a new one.
func (s *Sessions) Forget(name string) error { return s.store.dropSession(name) }

func (s *Sessions) lock(ctx context.Context, name string) (func(), error) {
	s.mu.Lock()
	ch, ok := s.locks[name]
	if !ok {
		ch = make(chan struct{}, 1)
		s.locks[name] = ch
	}
	s.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the session of profile %q: %w", name, ctx.Err())
	}
}

// cached returns the stored session while it is good for longer than the
// margin. A damaged or unreadable cache only costs a new session.
func (s *Sessions) cached(name string) (Credentials, bool) {
	raw, err := s.store.kr.Get(sessionPrefix + name)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			s.log.Warn("cannot read the cached session; starting a new one", "profile", name, "err", err)
		}
		return Credentials{}, false
	}
	var cs cachedSession
	if err := json.Unmarshal([]byte(raw), &cs); err != nil || cs.AccessKeyID == "" {
		s.log.Warn("the cached session is damaged; starting a new one", "profile", name)
		return Credentials{}, false
	}
	if !s.clock.Now().Add(s.margin).Before(cs.Expiration) {
		return Credentials{}, false
	}
	return Credentials(cs), true
}

func (s *Sessions) save(name string, c Credentials) {
	raw, err := json.Marshal(cachedSession(c))
	if err == nil {
		err = s.store.kr.Set(sessionPrefix+name, string(raw))
	}
	if err != nil {
		// The session works; without the cache the next run just asks again.
		s.log.Warn("cannot cache the session in the keychain", "profile", name, "err", err)
	}
}

func explainSTS(name string, p KeychainProfile, err error) error {
	switch {
	case errors.Is(err, ErrMFARejected):
		return fmt.Errorf("profile %q: AWS did not accept the MFA code for %s; wait for a new code "+
			"(and check the device's clock), then try again: %w", name, p.MFASerial, err)
	case errors.Is(err, ErrKeysRejected):
		return fmt.Errorf("profile %q: AWS did not accept access key ...%s; it may have been deleted or "+
			"deactivated: update the profile with working keys: %w", name, KeyIDSuffix(p.AccessKeyID), err)
	case errors.Is(err, ErrKeysExpired):
		return fmt.Errorf("profile %q: the credentials have expired; update the profile with long-term "+
			"keys: %w", name, err)
	}
	return fmt.Errorf("profile %q: getting an STS session: %w", name, err)
}

// roleSessionName shows in CloudTrail who assumed the role, within STS's
// 64-character limit (profile names use only characters STS allows).
func roleSessionName(profile string) string {
	n := "cloudcontrol-" + profile
	if len(n) > 64 {
		n = n[:64]
	}
	return n
}

// The keychain wire types must marshal their secrets, so they only redact
// when formatted or logged.
func (c cachedSession) Format(f fmt.State, verb rune) { Credentials(c).Format(f, verb) }
func (c cachedSession) GoString() string              { return Credentials(c).GoString() }
func (c cachedSession) LogValue() slog.Value          { return Credentials(c).LogValue() }

// Expiration tells when the cached session of a profile ends, if one is
// cached and still usable. It reads no secret out of the keychain item for
// the caller, only the time.
func (s *Sessions) Expiration(name string) (time.Time, bool) {
	c, ok := s.cached(name)
	if !ok {
		return time.Time{}, false
	}
	return c.Expiration, true
}
