package creds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"
)

// SSOConfig is what an SSO profile of ~/.aws/config says about where to
// sign in and which role to use.
type SSOConfig struct {
	Profile   string
	Session   string // the [sso-session] name; empty for a legacy profile
	StartURL  string
	Region    string // of IAM Identity Center (sso_region)
	AccountID string
	RoleName  string
}

// TokenKey names the sign-in as the AWS CLI does: one sign-in per
// sso-session, or per start URL for legacy profiles.
func (c SSOConfig) TokenKey() string {
	if c.Session != "" {
		return c.Session
	}
	return c.StartURL
}

// SSOConfigOf reads the SSO settings of profile name from the config file.
func SSOConfigOf(files Files, name string) (SSOConfig, error) {
	sections, readErr := readSections(files.Config)
	var kv map[string]string
	sessions := map[string]map[string]string{}
	for _, s := range sections {
		if n, ok := configProfileName(s.Name); ok && n == name {
			kv = s.Keys
		} else if sn, ok := strings.CutPrefix(s.Name, "sso-session "); ok {
			sessions[strings.TrimSpace(sn)] = s.Keys
		}
	}
	if kv == nil {
		if readErr != nil {
			return SSOConfig{}, fmt.Errorf("profile %q: %w", name, readErr)
		}
		return SSOConfig{}, fmt.Errorf("profile %q is not in %s: %w", name, files.Config, ErrProfileNotFound)
	}
	c := SSOConfig{Profile: name, Session: kv["sso_session"], StartURL: kv["sso_start_url"], Region: kv["sso_region"],
		AccountID: kv["sso_account_id"], RoleName: kv["sso_role_name"]}
	if c.Session != "" {
		s, ok := sessions[c.Session]
		if !ok {
			return SSOConfig{}, fmt.Errorf("profile %q names sso_session %q, but %s has no [sso-session %s] section",
				name, c.Session, files.Config, c.Session)
		}
		c.StartURL, c.Region = first(s["sso_start_url"], c.StartURL), first(s["sso_region"], c.Region)
	}
	var missing []string
	for k, v := range map[string]string{"sso_start_url": c.StartURL, "sso_region": c.Region} {
		if v == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return SSOConfig{}, fmt.Errorf("profile %q is not an SSO profile with a sign-in (missing %s in %s)",
			name, strings.Join(missing, ", "), files.Config)
	}
	return c, nil
}

// SSOToken is an IAM Identity Center access token. It redacts itself.
type SSOToken struct {
	AccessToken string
	Expires     time.Time
}

// String shows the expiry and masks the token.
func (t SSOToken) String() string {
	return fmt.Sprintf("SSOToken{AccessToken: %s, Expires: %s}", mask(t.AccessToken), t.Expires.UTC().Format(time.RFC3339))
}

// GoString redacts %#v like String.
func (t SSOToken) GoString() string { return "creds." + t.String() }

// Format redacts every fmt verb (%v, %+v, %s, %q...) like String.
func (t SSOToken) Format(f fmt.State, verb rune) { formatRedacted(f, verb, t.String()) }

// LogValue logs only the expiry.
func (t SSOToken) LogValue() slog.Value { return slog.GroupValue(slog.Time("expires", t.Expires)) }

// MarshalJSON masks the token, so JSON never carries it either.
func (t SSOToken) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"AccessToken": mask(t.AccessToken), "Expires": t.Expires})
}

const ssoPrefix = "sso/"

// storedToken is the keychain item of a sign-in; only the keychain sees it.
type storedToken struct {
	AccessToken string    `json:"accessToken"`
	Expires     time.Time `json:"expiresAt"`
}

func (t storedToken) Format(f fmt.State, verb rune) { SSOToken(t).Format(f, verb) }
func (t storedToken) LogValue() slog.Value          { return SSOToken(t).LogValue() }

// SaveSSOToken keeps a sign-in in the keychain under key (SSOConfig.TokenKey).
func (s *Store) SaveSSOToken(key string, t SSOToken) error {
	raw, err := json.Marshal(storedToken(t))
	if err != nil {
		return fmt.Errorf("encoding the SSO sign-in: %w", err)
	}
	if err := s.kr.Set(ssoPrefix+key, string(raw)); err != nil {
		return fmt.Errorf("saving the SSO sign-in for %s: %w", key, err)
	}
	return nil
}

// SSOToken returns the sign-in kept under key, or an error matching ErrNotFound.
func (s *Store) SSOToken(key string) (SSOToken, error) {
	raw, err := s.kr.Get(ssoPrefix + key)
	if err != nil {
		return SSOToken{}, err
	}
	var t storedToken
	if err := json.Unmarshal([]byte(raw), &t); err != nil || t.AccessToken == "" {
		return SSOToken{}, fmt.Errorf("the SSO sign-in for %s in the keychain is damaged; sign in again: %w", key, ErrNotFound)
	}
	return SSOToken(t), nil
}

// DeleteSSOToken forgets the sign-in kept under key.
func (s *Store) DeleteSSOToken(key string) error {
	if err := s.kr.Delete(ssoPrefix + key); err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("forgetting the SSO sign-in for %s: %w", key, err)
	}
	return nil
}

// Device is a started device authorization: the person opens
// VerificationURIComplete (or VerificationURI and types UserCode).
type Device struct {
	DeviceCode              string `json:"-"`
	UserCode                string `json:"userCode"`
	VerificationURI         string `json:"verificationUri"`
	VerificationURIComplete string `json:"verificationUriComplete"`
	ExpiresIn               time.Duration
	Interval                time.Duration
}

// OIDC is the part of IAM Identity Center's OIDC service the device flow
// needs. CreateToken errors wrap ErrSSOPending, ErrSSOSlowDown, ErrSSODenied
// or ErrSSOExpired when the service says so; NewAWSOIDC is the real one.
type OIDC interface {
	RegisterClient(ctx context.Context, region, name string) (clientID, clientSecret string, err error)
	StartDeviceAuthorization(ctx context.Context, region, clientID, clientSecret, startURL string) (Device, error)
	CreateToken(ctx context.Context, region, clientID, clientSecret, deviceCode string) (SSOToken, error)
}

// What OIDC.CreateToken can say about a device sign-in, for errors.Is.
var (
	ErrSSOPending  = errors.New("the sign-in is not approved yet")
	ErrSSOSlowDown = errors.New("polling too fast")
	ErrSSODenied   = errors.New("the sign-in was refused in the browser")
	ErrSSOExpired  = errors.New("the sign-in code expired before it was approved")
)

// SSOLogin runs the device authorization flow and keeps the token in the
// keychain.
type SSOLogin struct {
	OIDC  OIDC
	Store *Store
	Clock clockwork.Clock // nil means the real clock
	// Interval overrides the service's polling interval (tests); 0 keeps it.
	Interval time.Duration
}

// Login signs in for cfg: show receives the code and the address to open
// (the caller prints it and opens the browser), then Login waits until the
// person approves, refuses, or the code expires.
func (l *SSOLogin) Login(ctx context.Context, cfg SSOConfig, show func(Device)) (SSOToken, error) {
	clock := l.Clock
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	where := fmt.Sprintf("signing in to %s for profile %q", cfg.StartURL, cfg.Profile)
	id, secret, err := l.OIDC.RegisterClient(ctx, cfg.Region, "cloudcontrol")
	if err != nil {
		return SSOToken{}, fmt.Errorf("%s: registering with IAM Identity Center in %s: %w", where, cfg.Region, err)
	}
	dev, err := l.OIDC.StartDeviceAuthorization(ctx, cfg.Region, id, secret, cfg.StartURL)
	if err != nil {
		return SSOToken{}, fmt.Errorf("%s: %w", where, err)
	}
	show(dev)
	interval := dev.Interval
	if l.Interval > 0 {
		interval = l.Interval
	}
	if interval <= 0 {
		interval = 5 * time.Second
	}
	deadline := clock.Now().Add(dev.ExpiresIn)
	for {
		select {
		case <-ctx.Done():
			return SSOToken{}, fmt.Errorf("%s: %w", where, ctx.Err())
		case <-clock.After(interval):
		}
		tok, err := l.OIDC.CreateToken(ctx, cfg.Region, id, secret, dev.DeviceCode)
		switch {
		case err == nil:
			if err := l.Store.SaveSSOToken(cfg.TokenKey(), tok); err != nil {
				return SSOToken{}, fmt.Errorf("%s: %w", where, err)
			}
			return tok, nil
		case errors.Is(err, ErrSSOSlowDown):
			interval += 5 * time.Second
		case errors.Is(err, ErrSSOPending):
		case errors.Is(err, ErrSSODenied):
			return SSOToken{}, fmt.Errorf("%s: %w; run the sign-in again to retry", where, err)
		case errors.Is(err, ErrSSOExpired):
			return SSOToken{}, fmt.Errorf("%s: %w; run the sign-in again for a new code", where, err)
		default:
			return SSOToken{}, fmt.Errorf("%s: %w", where, err)
		}
		if dev.ExpiresIn > 0 && !clock.Now().Before(deadline) {
			return SSOToken{}, fmt.Errorf("%s: %w; run the sign-in again for a new code", where, ErrSSOExpired)
		}
	}
}
