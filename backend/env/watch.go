package env

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Snapshot is what watched folders hold after a change: the Set as
// LoadDirs reads it now, plus the last good version of every file that is
// broken now, so a typo being typed does not take an environment away.
type Snapshot struct {
	Set
	// LastGood maps a file that has problems now to its last good version.
	LastGood map[string]*Environment
}

// WatchOptions configure a Watcher.
type WatchOptions struct {
	// Debounce gathers a burst of changes (an editor writing a temp file
	// and renaming it over the original) into one reload; default 50ms.
	Debounce time.Duration
	// OnChange receives every reload, from the watcher's goroutine.
	OnChange func(Snapshot)
	Logger   *slog.Logger
}

// Watcher reloads environment folders when their files change.
type Watcher struct {
	opts WatchOptions
	fs   *fsnotify.Watcher

	mu       sync.Mutex
	dirs     []string
	watched  map[string]bool
	lastGood map[string]*Environment
	kick     chan struct{}
}

// NewWatcher watches dirs (folders that do not exist are reported as
// problems and watched once SetDirs names them again). Call Run.
func NewWatcher(dirs []string, o WatchOptions) (*Watcher, error) {
	if o.Debounce <= 0 {
		o.Debounce = 50 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.OnChange == nil {
		o.OnChange = func(Snapshot) {}
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching the environment folders: %w", err)
	}
	w := &Watcher{opts: o, fs: fw, watched: map[string]bool{}, lastGood: map[string]*Environment{}, kick: make(chan struct{}, 1)}
	w.SetDirs(dirs)
	return w, nil
}

// SetDirs replaces the watched folders and reloads.
func (w *Watcher) SetDirs(dirs []string) {
	w.mu.Lock()
	w.dirs = slices.Clone(dirs)
	want := map[string]bool{}
	for _, d := range dirs {
		want[filepath.Clean(d)] = true
	}
	for d := range w.watched {
		if !want[d] {
			_ = w.fs.Remove(d)
			delete(w.watched, d)
		}
	}
	for d := range want {
		if w.watched[d] {
			continue
		}
		if err := w.fs.Add(d); err != nil {
			w.opts.Logger.Warn("cannot watch environment folder", "dir", d, "err", err)
			continue
		}
		w.watched[d] = true
	}
	w.mu.Unlock()
	w.Reload()
}

// Reload asks for a reload as if a file had changed.
func (w *Watcher) Reload() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// Run reports the folders once, then after every burst of changes, until
// ctx ends; it closes the watcher on return.
func (w *Watcher) Run(ctx context.Context) error {
	defer w.fs.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-w.kick:
			w.load()
		case ev, ok := <-w.fs.Events:
			if !ok {
				return errors.New("the folder watcher stopped")
			}
			if !IsEnvFile(filepath.Base(ev.Name)) && !w.isDir(ev.Name) {
				continue // editors' swap and backup files
			}
			timer.Reset(w.opts.Debounce)
		case err, ok := <-w.fs.Errors:
			if !ok {
				return errors.New("the folder watcher stopped")
			}
			// An overflow loses events, so reload everything to be sure.
			w.opts.Logger.Warn("folder watcher", "err", err)
			timer.Reset(w.opts.Debounce)
		case <-timer.C:
			w.load()
		}
	}
}

func (w *Watcher) isDir(path string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.watched[filepath.Clean(path)]
}

func (w *Watcher) load() {
	w.mu.Lock()
	dirs := slices.Clone(w.dirs)
	w.mu.Unlock()
	set := LoadDirs(dirs)
	snap := Snapshot{Set: set, LastGood: map[string]*Environment{}}
	good := map[string]*Environment{}
	for _, e := range set.Envs {
		good[e.File] = e
	}
	broken := map[string]bool{}
	for _, p := range set.Problems {
		broken[p.Pos.File] = true
	}
	// Keep the last good version of files broken now; forget files gone
	// (deleted or renamed away), whose problems are not reported.
	for f := range broken {
		if e, ok := w.lastGood[f]; ok {
			good[f] = e
			snap.LastGood[f] = e
		}
	}
	w.lastGood = good
	w.opts.OnChange(snap)
}
