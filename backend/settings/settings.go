// Package settings keeps the choices a person makes in any front end and
// expects the others to follow: the active AWS profile and region, and what
// was last learned about each profile (its account and ARN). It holds no
// secret. The file is settings.json in the app's config folder.
package settings

import (
	"cloudcontrol/backend/cloud"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// Settings is the file's content.
type Settings struct {
	Profile    string              `json:"profile,omitempty"` // active profile; empty means the default one
	Region     string              `json:"region,omitempty"`  // active region; empty means the profile's
	Identities map[string]Identity `json:"identities,omitempty"`
}

// Identity is what STS last said about a profile's credentials.
type Identity struct {
	Account   string    `json:"account"`
	ARN       string    `json:"arn"`
	CheckedAt time.Time `json:"checkedAt"`
}

// File is the settings file in dir.
type File struct{ path string }

// Open names the settings file in the config folder dir; nothing is read yet.
func Open(dir string) *File { return &File{path: filepath.Join(dir, "settings.json")} }

// Path is where the settings live.
func (f *File) Path() string { return f.path }

// Load reads the settings; a missing file means none chosen yet.
func (f *File) Load() (Settings, error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return Settings{}, nil
	}
	if err != nil {
		return Settings{}, fmt.Errorf("reading the settings: %w", err)
	}
	var s Settings
	if err := json.Unmarshal(data, &s); err != nil {
		return Settings{}, fmt.Errorf("the settings file %s is damaged (%v): fix or delete it", f.path, err)
	}
	return s, nil
}

// Update changes the settings under a file lock, so the window, the tray
// and a terminal changing them at once do not lose each other's change,
// and replaces the file atomically.
func (f *File) Update(change func(*Settings)) error {
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return fmt.Errorf("creating the settings folder: %w", err)
	}
	lk := flock.New(f.path + ".lock")
	if err := lk.Lock(); err != nil {
		return fmt.Errorf("locking the settings file %s: %w", f.path, err)
	}
	defer lk.Unlock()
	s, err := f.Load()
	if err != nil {
		return err
	}
	change(&s)
	return writeMerged(f.path, s)
}

// Remember records what STS said about profile.
func (f *File) Remember(profile string, id Identity) error {
	return f.Update(func(s *Settings) {
		if s.Identities == nil {
			s.Identities = map[string]Identity{}
		}
		s.Identities[profile] = id
	})
}

// IdentityHook is a control.Options.OnIdentity that remembers who a
// profile's credentials belong to when they are first used. Against a custom
// endpoint (the sandbox, moto) it remembers nothing: that identity is not the
// profile's. A failed write only loses a hint in the profile list, so it is
// logged, not returned.
func (f *File) IdentityHook(endpoint string, log func(msg string, args ...any)) func(profile string, id cloud.Identity) {
	if endpoint != "" {
		return nil
	}
	return func(profile string, id cloud.Identity) {
		if profile == "" {
			profile = "default"
		}
		if err := f.Remember(profile, Identity{Account: id.Account, ARN: id.ARN, CheckedAt: time.Now().UTC()}); err != nil && log != nil {
			log("remembering the profile's account", "profile", profile, "err", err)
		}
	}
}

// ActiveProfile applies the precedence of every front end: the --profile
// flag, then AWS_PROFILE, then (unless AWS_ACCESS_KEY_ID supplies keys
// directly) the persisted choice. Empty means the SDK's default. source
// says which one won, for messages: "flag", "AWS_PROFILE", "settings", "".
func ActiveProfile(flag string, getenv func(string) string, s Settings) (name, source string) {
	switch {
	case flag != "":
		return flag, "flag"
	case getenv("AWS_PROFILE") != "":
		return getenv("AWS_PROFILE"), "AWS_PROFILE"
	case getenv("AWS_ACCESS_KEY_ID") != "":
		return "", ""
	case s.Profile != "":
		return s.Profile, "settings"
	}
	return "", ""
}
