package control

import (
	"context"
	"time"

	"cloudcontrol/backend/env"
)

// Whoami is the account and identity of the front end's active profile and
// region (no environment pins apply), and when its credentials expire.
type Whoami struct {
	Target
	// Expires is nil for long-term keys.
	Expires *time.Time `json:"expires,omitempty"`
}

// expirer is what an aws.Session adds to Session: when its credentials end.
type expirer interface {
	CredentialsExpiry(ctx context.Context) (time.Time, bool, error)
}

// WhoAmI asks STS who the active credentials belong to. Getting them may
// start an STS session, and so ask for an MFA code.
func (s *Service) WhoAmI(ctx context.Context) (Whoami, error) {
	var w Whoami
	err := s.Bounded(ctx, func(ctx context.Context) error {
		sess, target, err := s.connect(ctx, &env.Environment{Name: "the active profile"})
		if err != nil {
			return err
		}
		w = Whoami{Target: target}
		if x, ok := sess.(expirer); ok {
			if exp, ok, err := x.CredentialsExpiry(ctx); err == nil && ok {
				w.Expires = &exp
			}
		}
		return nil
	})
	return w, err
}

// ResetSessions drops every open connection, so the next operation loads
// the AWS configuration again: after the active profile or region was
// switched, or a profile's keys changed.
func (s *Service) ResetSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
}
