// Package paths says where Cloud Control keeps its files, following each
// OS's conventions (XDG on Linux, Application Support on macOS, AppData on
// Windows). CLOUDCONTROL_HOME puts everything under one folder instead,
// which tests and portable installs use.
package paths

import (
	"os"
	"path/filepath"

	"github.com/adrg/xdg"
)

const app = "cloudcontrol"

// Dirs are the folders the app writes to. None is created until needed.
type Dirs struct {
	Config string // settings, and the default environment folder below it
	State  string // locks, last known state
	Cache  string // price caches and the like
	Data   string // history database
	Logs   string
}

// Default returns the folders for this user on this OS.
func Default() Dirs {
	if home := os.Getenv("CLOUDCONTROL_HOME"); home != "" {
		return Under(home)
	}
	xdg.Reload()
	state := filepath.Join(xdg.StateHome, app)
	return Dirs{
		Config: filepath.Join(xdg.ConfigHome, app),
		State:  state,
		Cache:  filepath.Join(xdg.CacheHome, app),
		Data:   filepath.Join(xdg.DataHome, app),
		Logs:   filepath.Join(state, "logs"),
	}
}

// Under returns the folders of a self-contained home folder.
func Under(home string) Dirs {
	return Dirs{
		Config: filepath.Join(home, "config"),
		State:  filepath.Join(home, "state"),
		Cache:  filepath.Join(home, "cache"),
		Data:   filepath.Join(home, "data"),
		Logs:   filepath.Join(home, "logs"),
	}
}

// Locks is where operation locks live.
func (d Dirs) Locks() string { return filepath.Join(d.State, "locks") }

// Environments is the user's own environment folder.
func (d Dirs) Environments() string { return filepath.Join(d.Config, "environments") }
