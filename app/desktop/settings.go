package desktop

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"cloudcontrol/backend/settings"
)

// DefaultRefresh is how often the dashboard reads AWS while visible.
const DefaultRefresh = 15 * time.Second

// settingsFile is the settings JSON in the OS config folder.
type settingsFile struct {
	Folders        []string  `json:"folders"`
	RefreshSeconds int       `json:"refreshSeconds,omitempty"`
	Window         *Geometry `json:"window,omitempty"`
}

// settingsStore keeps the settings and writes every change at once, so a
// crash loses nothing.
type settingsStore struct {
	path string
	mu   sync.Mutex
	data settingsFile
}

// loadSettings reads path; a missing file starts from the given folders.
// A damaged file is set aside (renamed .bad) rather than lost or fatal.
func loadSettings(path string, folders []string) (*settingsStore, error) {
	s := &settingsStore{path: path, data: settingsFile{Folders: absAll(folders)}}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s, nil
	case err != nil:
		return s, fmt.Errorf("reading the settings %s: %w", path, err)
	}
	var f settingsFile
	if err := json.Unmarshal(b, &f); err != nil {
		_ = os.Rename(path, path+".bad")
		return s, fmt.Errorf("the settings file %s is damaged (%v); it was renamed to %s.bad and defaults are used", path, err, filepath.Base(path))
	}
	if f.Folders == nil {
		f.Folders = s.data.Folders
	}
	s.data = f
	return s, nil
}

func absAll(dirs []string) []string {
	out := []string{}
	for _, d := range dirs {
		if a, err := filepath.Abs(d); err == nil {
			d = a
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

func (s *settingsStore) folders() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.data.Folders)
}

func (s *settingsStore) refresh() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.data.RefreshSeconds <= 0 {
		return DefaultRefresh
	}
	return time.Duration(s.data.RefreshSeconds) * time.Second
}

func (s *settingsStore) view() SettingsView {
	return SettingsView{Folders: s.folders(), RefreshSeconds: int(s.refresh() / time.Second)}
}

func (s *settingsStore) geometry() *Geometry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.data.Window == nil {
		return nil
	}
	g := *s.data.Window
	return &g
}

func (s *settingsStore) addFolder(dir string) error {
	dir = absAll([]string{dir})[0]
	return s.update(func(f *settingsFile) error {
		if slices.Contains(f.Folders, dir) {
			return fmt.Errorf("%s is already watched", dir)
		}
		f.Folders = append(f.Folders, dir)
		return nil
	})
}

func (s *settingsStore) removeFolder(dir string) error {
	return s.update(func(f *settingsFile) error {
		i := slices.Index(f.Folders, dir)
		if i < 0 {
			return fmt.Errorf("%s is not a watched folder", dir)
		}
		f.Folders = slices.Delete(f.Folders, i, i+1)
		return nil
	})
}

// setFolders replaces the watched folders: `--dir` on the command line
// means these folders, whatever was saved before.
func (s *settingsStore) setFolders(dirs []string) error {
	dirs = absAll(dirs)
	return s.update(func(f *settingsFile) error { f.Folders = dirs; return nil })
}

func (s *settingsStore) setRefresh(n int) error {
	return s.update(func(f *settingsFile) error { f.RefreshSeconds = n; return nil })
}

func (s *settingsStore) setGeometry(g Geometry) {
	if g.Width <= 0 || g.Height <= 0 {
		return // a hidden or not yet drawn window reports nothing useful
	}
	_ = s.update(func(f *settingsFile) error { f.Window = &g; return nil })
}

func (s *settingsStore) update(change func(*settingsFile) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.data
	next.Folders = slices.Clone(s.data.Folders)
	if err := change(&next); err != nil {
		return err
	}
	// settings.json also holds the active profile (backend/settings): keep its keys.
	if err := settings.WriteShared(s.path, next); err != nil {
		return fmt.Errorf("saving the settings: %w", err)
	}
	s.data = next
	return nil
}
