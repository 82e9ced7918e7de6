// Package settings owns settings.json, the choices a person makes in one
// front end and expects the others to follow: the window's watched folders,
// refresh pace and geometry, the active AWS profile and region, and what was
// last learned about each profile (its account and ARN). It holds no secret.
//
// Every writer goes through File.Update: the file is read under a file lock,
// changed, and replaced atomically, so the window, the tray and a terminal
// changing it at once keep each other's changes. A damaged file is reported
// and left as it is: nothing overwrites it until it is fixed or removed, since
// it may hold the active profile (a save would silently switch accounts).
// Keys this version does not know (written by a newer one) are kept as they
// were.
package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"

	"cloudcontrol/backend/atomicfile"
	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/userfile"
)

// File names: in sandbox mode the window keeps its own folders and
// geometry apart, since the sandbox's folders are not the user's; the active
// profile and region stay in the one file.
const (
	FileName        = "settings.json"
	SandboxFileName = "settings-sandbox.json"
)

// Settings is the file's content.
type Settings struct {
	// The window's part. Folders nil means none saved yet (the defaults
	// apply); empty means the person removed them all.
	Folders        []string  `json:"folders,omitzero"`
	RefreshSeconds int       `json:"refreshSeconds,omitempty"`
	Window         *Geometry `json:"window,omitempty"`
	// ColorScheme is the window's colour scheme ("system", "light", "dark"; empty
	// is system); Notifications which finished runs it tells ("all",
	// "problems", "off"; empty is all).
	ColorScheme   string `json:"colorScheme,omitempty"`
	Notifications string `json:"notifications,omitempty"`

	Profile    string              `json:"profile,omitempty"` // active profile; empty means none chosen
	Region     string              `json:"region,omitempty"`  // active region; empty means the profile's
	Identities map[string]Identity `json:"identities,omitempty"`

	// unknown holds the keys of a newer version, written back unchanged.
	unknown map[string]json.RawMessage
}

// knownKeys are Settings' JSON names; a test keeps the list complete.
var knownKeys = []string{"folders", "refreshSeconds", "window", "colorScheme", "notifications", "profile", "region", "identities"}

// Geometry is the window's place on screen, kept across launches.
type Geometry struct {
	X         int  `json:"x"`
	Y         int  `json:"y"`
	Width     int  `json:"width"`
	Height    int  `json:"height"`
	Maximised bool `json:"maximised"`
}

// Identity is what STS last said about a profile's credentials.
type Identity struct {
	Account   string    `json:"account"`
	ARN       string    `json:"arn"`
	CheckedAt time.Time `json:"checkedAt"`
}

// DamagedError says the file cannot be read as settings; it is left as it
// is for the person to fix or remove.
type DamagedError struct {
	Path string
	Err  error
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("the settings file %s is damaged (%v): fix it or remove it", e.Path, e.Err)
}

func (e *DamagedError) Unwrap() error { return e.Err }

// File is one settings file.
type File struct {
	path string
	now  func() time.Time
}

// Open names settings.json in the config folder dir; nothing is read yet.
func Open(dir string) *File { return at(filepath.Join(dir, FileName)) }

// WindowFile is the file holding the window's part: settings.json, or
// settings-sandbox.json in sandbox mode.
func WindowFile(dir string, sandbox bool) *File {
	if sandbox {
		return at(filepath.Join(dir, SandboxFileName))
	}
	return Open(dir)
}

func at(path string) *File { return &File{path: path, now: time.Now} }

// Path is where the settings live.
func (f *File) Path() string { return f.path }

// MaxFileSize is the largest settings file read (1 MiB): a real one is a
// few kilobytes, and the cap keeps a stray file from exhausting the process.
const MaxFileSize = 1 << 20

// Load reads the settings; a missing file means nothing chosen yet. A file
// that is not a regular one (a named pipe, a device) or is larger than
// MaxFileSize is not read: it is damaged, as one that is not JSON is.
func (f *File) Load() (Settings, error) {
	data, err := userfile.Read(f.path, MaxFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return Settings{}, nil
	}
	var nr *userfile.NotRegularError
	var big *userfile.TooLargeError
	if errors.As(err, &nr) || errors.As(err, &big) {
		return Settings{}, &DamagedError{Path: f.path, Err: err}
	}
	if err != nil {
		return Settings{}, fmt.Errorf("reading the settings: %w", err)
	}
	return decode(f.path, data)
}

func decode(path string, data []byte) (Settings, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return Settings{}, &DamagedError{Path: path, Err: err}
	}
	if doc == nil { // the file says null
		return Settings{}, &DamagedError{Path: path, Err: errors.New("not a JSON object")}
	}
	var s Settings
	if err := json.Unmarshal(data, &s); err != nil {
		return Settings{}, &DamagedError{Path: path, Err: err}
	}
	for _, k := range knownKeys {
		delete(doc, k)
	}
	if len(doc) > 0 {
		s.unknown = doc
	}
	return s, nil
}

func encode(s Settings) ([]byte, error) {
	mine, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	doc := map[string]json.RawMessage{}
	if err := json.Unmarshal(mine, &doc); err != nil {
		return nil, err
	}
	for k, v := range s.unknown {
		doc[k] = v
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n'), err
}

// Update changes the settings under a file lock and replaces the file
// atomically; it returns what was saved. change sees the file as it is on
// disk now (another process may have changed it); when change fails,
// nothing is written. A damaged file is not overwritten: the error says
// which file to fix or remove.
func (f *File) Update(change func(*Settings) error) (_ Settings, err error) {
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return Settings{}, fmt.Errorf("creating the settings folder: %w", err)
	}
	lk := flock.New(f.path + ".lock")
	if err := lk.Lock(); err != nil {
		return Settings{}, fmt.Errorf("locking the settings file %s: %w", f.path, err)
	}
	// A lock left held would block every other front end's next save, so
	// failing to release it is reported (after an otherwise good save too).
	defer func() {
		if uerr := lk.Unlock(); uerr != nil && err == nil {
			err = fmt.Errorf("the settings were saved, but unlocking %s failed: %w", lk.Path(), uerr)
		}
	}()
	s, err := f.Load()
	if err != nil {
		return Settings{}, fmt.Errorf("not saved: %w", err)
	}
	if err := change(&s); err != nil {
		return Settings{}, err
	}
	data, err := encode(s)
	if err != nil {
		return Settings{}, fmt.Errorf("encoding the settings: %w", err)
	}
	if err := atomicfile.Write(f.path, data, 0o600); err != nil {
		return Settings{}, fmt.Errorf("saving the settings: %w", err)
	}
	return s, nil
}

// Choice is the saved active profile and region ("" when none).
func (f *File) Choice() (profile, region string, err error) {
	s, err := f.Load()
	return s.Profile, s.Region, err
}

// Use saves profile and region as the active choice of every front end.
func (f *File) Use(profile, region string) error {
	_, err := f.Update(func(s *Settings) error {
		s.Profile, s.Region = profile, region
		return nil
	})
	return err
}

// Remember records who a profile's credentials belong to, now.
func (f *File) Remember(profile string, id cloud.Identity) error {
	_, err := f.Update(func(s *Settings) error {
		if s.Identities == nil {
			s.Identities = map[string]Identity{}
		}
		s.Identities[profile] = Identity{Account: id.Account, ARN: id.ARN, CheckedAt: f.now().UTC()}
		return nil
	})
	return err
}
