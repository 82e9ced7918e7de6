package control

import (
	"context"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
)

// whoSession is a Session whose credentials expire at a fixed time.
type whoSession struct {
	profile string
	expires time.Time
}

func (w *whoSession) Fleet() cloud.Fleet { return nil }
func (w *whoSession) Identity(context.Context) (cloud.Identity, error) {
	return cloud.Identity{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/" + w.profile}, nil
}
func (w *whoSession) Region() string  { return "eu-west-1" }
func (w *whoSession) Profile() string { return w.profile }
func (w *whoSession) CredentialsExpiry(context.Context) (time.Time, bool, error) {
	return w.expires, !w.expires.IsZero(), nil
}

func TestWhoAmIAndResetSessionsFollowTheActiveProfile(t *testing.T) {
	active := "first"
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	connects := 0
	s := New(Options{Connect: func(_ context.Context, profile, _ string) (Session, error) {
		connects++
		if profile == "" { // the connector's default: the active profile
			profile = active
		}
		return &whoSession{profile: profile, expires: exp}, nil
	}})
	w, err := s.WhoAmI(context.Background())
	if err != nil || w.Profile != "first" || w.Identity.Account != "111122223333" || w.Expires == nil || !w.Expires.Equal(exp) {
		t.Fatalf("whoami: %+v %v", w, err)
	}
	active = "second"
	if w, _ = s.WhoAmI(context.Background()); w.Profile != "first" || connects != 1 {
		t.Fatalf("the open session should be reused until reset: %+v after %d connects", w, connects)
	}
	s.ResetSessions()
	if w, _ = s.WhoAmI(context.Background()); w.Profile != "second" || connects != 2 {
		t.Fatalf("after reset: %+v after %d connects", w, connects)
	}
}

func TestOnIdentityIsToldOncePerNewSession(t *testing.T) {
	var told []string
	s := New(Options{
		Connect: func(_ context.Context, profile, _ string) (Session, error) {
			if profile == "" {
				profile = "work"
			}
			return &whoSession{profile: profile}, nil
		},
		OnIdentity: func(profile string, id cloud.Identity) { told = append(told, profile+"="+id.Account) },
	})
	for range 3 {
		if _, err := s.WhoAmI(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	s.ResetSessions()
	if _, err := s.WhoAmI(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(told) != 2 || told[0] != "work=111122223333" {
		t.Fatalf("told %v, want the identity once per new session (2 sessions)", told)
	}
}
