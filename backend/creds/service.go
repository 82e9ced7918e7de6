package creds

import (
	"context"
	"errors"
	"time"

	"github.com/jonboulle/clockwork"
)

// Service brings the shared files, the keychain and its sessions together
// for the front ends and for the AWS adapter (backend/aws.Options.Keychain).
type Service struct {
	Files    Files
	Store    *Store
	Sessions *Sessions
	Clock    clockwork.Clock // nil means the real clock
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return time.Now()
	}
	return s.Clock.Now()
}

// ProfileInfo is a listed profile with when its current session ends, if
// the app holds one (a cached STS session or an SSO sign-in in the keychain).
type ProfileInfo struct {
	Profile
	SessionExpires *time.Time `json:"sessionExpires,omitempty"`
}

// List returns every profile, keychain ones included. As with ListAll, a
// malformed file or a locked keychain still yields the profiles that could
// be read, together with the error.
func (s *Service) List() ([]ProfileInfo, error) {
	ps, err := ListAll(s.Files, s.Store)
	out := make([]ProfileInfo, 0, len(ps))
	for _, p := range ps {
		info := ProfileInfo{Profile: p}
		switch p.Kind {
		case KindKeychain:
			if s.Sessions != nil {
				if exp, ok := s.Sessions.Expiration(p.Name); ok {
					info.SessionExpires = &exp
				}
			}
		case KindSSO:
			if si, ok, _ := s.SSOSignIn(p.Name); ok {
				info.SessionExpires = &si.Token.Expires
			}
		}
		out = append(out, info)
	}
	return out, err
}

// KeychainCredentials returns how to get credentials for the keychain
// profile name and its region; ok is false when the keychain has no such
// profile. err reports a keychain that could not be read.
func (s *Service) KeychainCredentials(name string) (get func(context.Context) (Credentials, error), region string, ok bool, err error) {
	if s.Store == nil || s.Sessions == nil {
		return nil, "", false, nil
	}
	p, err := s.Store.Get(name)
	if errors.Is(err, ErrProfileNotFound) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, err
	}
	return func(ctx context.Context) (Credentials, error) { return s.Sessions.Get(ctx, name) }, p.Region, true, nil
}

// SSOSignIn is an SSO profile's role with the app's own, still valid
// sign-in from the keychain.
type SSOSignIn struct {
	Config SSOConfig
	Token  SSOToken
}

// SSOSignIn returns the keychain sign-in for an SSO profile; ok is false
// when the profile is not an SSO one, or the app holds no valid sign-in
// for it (the AWS CLI's own cached sign-in may still serve).
func (s *Service) SSOSignIn(profile string) (SSOSignIn, bool, error) {
	if s.Store == nil {
		return SSOSignIn{}, false, nil
	}
	cfg, err := SSOConfigOf(s.Files, profile)
	if err != nil {
		return SSOSignIn{}, false, nil // not an SSO profile: nothing to add
	}
	tok, err := s.Store.SSOToken(cfg.TokenKey())
	if errors.Is(err, ErrNotFound) {
		return SSOSignIn{}, false, nil
	}
	if err != nil {
		return SSOSignIn{}, false, err
	}
	if !s.now().Before(tok.Expires) {
		return SSOSignIn{}, false, nil
	}
	return SSOSignIn{Config: cfg, Token: tok}, true, nil
}
