package desktop

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"cloudcontrol/backend/settings"
)

// DefaultRefresh is how often the dashboard reads AWS while visible.
const DefaultRefresh = 15 * time.Second

// windowSettings is the window's part of the settings file (watched
// folders, refresh pace, geometry), kept by backend/settings, the file's one
// owner: every change goes through its Update, which keeps the other
// front ends' keys (the active profile) and changes made meanwhile.
type windowSettings struct {
	file     *settings.File
	defaults []string // the folders to watch while none are saved

	mu   sync.Mutex
	data settings.Settings // as last read or saved
	// problem says why the file cannot be read (damaged); saving refuses
	// until it is fixed or removed, and the window shows it.
	problem string
}

// loadWindowSettings reads file; a missing one starts from the given
// folders. A damaged one is left untouched, reported (the error, and
// view().Problem), and the defaults are used meanwhile.
func loadWindowSettings(file *settings.File, folders []string) (*windowSettings, error) {
	s := &windowSettings{file: file, defaults: absAll(folders)}
	data, err := file.Load()
	s.data = data
	if err != nil {
		s.problem = err.Error()
	}
	return s, err
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

func (s *windowSettings) folders() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.foldersLocked()
}

func (s *windowSettings) foldersLocked() []string {
	if s.data.Folders == nil {
		return slices.Clone(s.defaults)
	}
	return slices.Clone(s.data.Folders)
}

func (s *windowSettings) refresh() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.data.RefreshSeconds <= 0 {
		return DefaultRefresh
	}
	return time.Duration(s.data.RefreshSeconds) * time.Second
}

func (s *windowSettings) view() SettingsView {
	folders, refresh := s.folders(), s.refresh()
	s.mu.Lock()
	defer s.mu.Unlock()
	return SettingsView{Folders: folders, RefreshSeconds: int(refresh / time.Second), Problem: s.problem,
		Theme: themeOf(s.data.ColorScheme), Notifications: notificationsOf(s.data.Notifications)}
}

// themeOf reads the saved scheme; anything else (a newer version's word, a
// hand edit) is the system's.
func themeOf(v string) Theme {
	if t := Theme(v); t == ThemeLight || t == ThemeDark {
		return t
	}
	return ThemeSystem
}

func notificationsOf(v string) Notifications {
	if n := Notifications(v); n == NotifyProblems || n == NotifyOff {
		return n
	}
	return NotifyAll
}

func (s *windowSettings) notifications() Notifications {
	s.mu.Lock()
	defer s.mu.Unlock()
	return notificationsOf(s.data.Notifications)
}

func (s *windowSettings) setTheme(t Theme) error {
	if t != ThemeSystem && t != ThemeLight && t != ThemeDark {
		return fmt.Errorf("the colour scheme must be system, light or dark, not %q", t)
	}
	return s.update(func(f *settings.Settings) error { f.ColorScheme = string(t); return nil })
}

func (s *windowSettings) setNotifications(n Notifications) error {
	if n != NotifyAll && n != NotifyProblems && n != NotifyOff {
		return fmt.Errorf("notifications must be all, problems or off, not %q", n)
	}
	return s.update(func(f *settings.Settings) error { f.Notifications = string(n); return nil })
}

func (s *windowSettings) geometry() *Geometry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.data.Window == nil {
		return nil
	}
	g := *s.data.Window
	return &g
}

func (s *windowSettings) addFolder(dir string) error {
	dir = absAll([]string{dir})[0]
	return s.update(func(f *settings.Settings) error {
		if slices.Contains(f.Folders, dir) {
			return fmt.Errorf("%s is already watched", dir)
		}
		f.Folders = append(f.Folders, dir)
		return nil
	})
}

func (s *windowSettings) removeFolder(dir string) error {
	return s.update(func(f *settings.Settings) error {
		i := slices.Index(f.Folders, dir)
		if i < 0 {
			return fmt.Errorf("%s is not a watched folder", dir)
		}
		f.Folders = slices.Delete(f.Folders, i, i+1)
		return nil
	})
}

// setFolders replaces the watched folders: `--dir` on the command line
// means these folders, whatever was saved before. They are watched even
// when they cannot be saved.
func (s *windowSettings) setFolders(dirs []string) error {
	dirs = absAll(dirs)
	err := s.update(func(f *settings.Settings) error { f.Folders = dirs; return nil })
	if err != nil {
		s.mu.Lock()
		s.data.Folders = dirs
		s.mu.Unlock()
	}
	return err
}

func (s *windowSettings) setRefresh(n int) error {
	return s.update(func(f *settings.Settings) error { f.RefreshSeconds = n; return nil })
}

func (s *windowSettings) setGeometry(g Geometry) error {
	if g.Width <= 0 || g.Height <= 0 {
		return nil // a hidden or not yet drawn window reports nothing useful
	}
	return s.update(func(f *settings.Settings) error { f.Window = &g; return nil })
}

// update saves one change; the folders shown until now (the defaults,
// while none were saved) are what the change starts from.
func (s *windowSettings) update(change func(*settings.Settings) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	shown := s.foldersLocked()
	saved, err := s.file.Update(func(f *settings.Settings) error {
		if f.Folders == nil {
			f.Folders = shown
		}
		return change(f)
	})
	var damaged *settings.DamagedError
	switch {
	case errors.As(err, &damaged):
		s.problem = err.Error()
		return err
	case err != nil:
		return err
	}
	s.data, s.problem = saved, ""
	return nil
}
