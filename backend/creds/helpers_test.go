package creds

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// Fake secrets that tests look for in every output.
const (
	testKeyID   = "AKIAEXAMPLEKEY1234"
	testSecret  = "s3cr3t/FAKE+SecretAccessKey0123456789xyz"
	testSession = "FQoGZXIvYXdzFAKESESSIONTOKENabcdef"
)

// memKeyring is an in-memory Keyring whose operations can be made to fail,
// like a locked keychain.
type memKeyring struct {
	items            map[string]string
	failGet, failSet error
	failDelete       error
	sets             int
}

func newMemKeyring() *memKeyring { return &memKeyring{items: map[string]string{}} }

func (m *memKeyring) Get(key string) (string, error) {
	if m.failGet != nil {
		return "", m.failGet
	}
	v, ok := m.items[key]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

func (m *memKeyring) Set(key, value string) error {
	if m.failSet != nil {
		return m.failSet
	}
	m.sets++
	m.items[key] = value
	return nil
}

func (m *memKeyring) Delete(key string) error {
	if m.failDelete != nil {
		return m.failDelete
	}
	if _, ok := m.items[key]; !ok {
		return ErrNotFound
	}
	delete(m.items, key)
	return nil
}

func (m *memKeyring) Keys() ([]string, error) {
	if m.failGet != nil {
		return nil, m.failGet
	}
	return slices.Sorted(maps.Keys(m.items)), nil
}

func (m *memKeyring) lock() {
	err := &KeychainError{Op: "use", Key: "cloudcontrol", Err: errors.New("org.freedesktop.Secret.Error.IsLocked")}
	m.failGet, m.failSet, m.failDelete = err, err, err
}

func (m *memKeyring) unlock() { m.failGet, m.failSet, m.failDelete = nil, nil, nil }

func (m *memKeyring) snapshot() map[string]string { return maps.Clone(m.items) }

// fakeSTS records its calls and answers with canned credentials or an error.
type fakeSTS struct {
	calls []stsCall
	err   error
	now   func() time.Time
}

type stsCall struct {
	Op, KeyID, RoleARN, SessionName, MFASerial, Code string
	Duration                                         time.Duration
}

func (f *fakeSTS) answer(c stsCall, d time.Duration) (Credentials, error) {
	f.calls = append(f.calls, c)
	if f.err != nil {
		return Credentials{}, f.err
	}
	return Credentials{AccessKeyID: "ASIATEMPKEY" + string(rune('A'+len(f.calls))) + "0000000",
		SecretAccessKey: testSecret + "-temp", SessionToken: testSession, Expiration: f.now().Add(d)}, nil
}

func (f *fakeSTS) GetSessionToken(_ context.Context, keys Credentials, mfa, code string, d time.Duration) (Credentials, error) {
	return f.answer(stsCall{Op: "GetSessionToken", KeyID: keys.AccessKeyID, MFASerial: mfa, Code: code, Duration: d}, d)
}

func (f *fakeSTS) AssumeRole(_ context.Context, keys Credentials, role, name, mfa, code string, d time.Duration) (Credentials, error) {
	return f.answer(stsCall{Op: "AssumeRole", KeyID: keys.AccessKeyID, RoleARN: role, SessionName: name,
		MFASerial: mfa, Code: code, Duration: d}, d)
}

// mustGet gets name's credentials from s, for a test that counts the STS
// calls behind them.
func mustGet(t *testing.T, s *Sessions, name string) {
	t.Helper()
	if _, err := s.Get(context.Background(), name); err != nil {
		t.Fatalf("credentials for %s: %v", name, err)
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
