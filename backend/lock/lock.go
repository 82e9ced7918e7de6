// Package lock gives one operation at a time per environment across the
// window, the tray and the command line: an OS file lock (released by the OS
// when the holder dies, so never stale) plus a sidecar saying who holds it.
package lock

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"cloudcontrol/backend/atomicfile"
)

// Holder says who holds a lock; it is written next to the lock file.
type Holder struct {
	PID    int       `json:"pid"`
	Host   string    `json:"host,omitempty"`
	User   string    `json:"user,omitempty"`
	Action string    `json:"action"`           // "start", "stop", ...
	Client string    `json:"client,omitempty"` // "cli", "window", "tray"
	Since  time.Time `json:"since"`
}

// Lock is a held lock; Release it when the operation ends.
type Lock struct {
	fl      *flock.Flock
	sidecar string
}

// BusyError says a lock is held, by whom and since when.
type BusyError struct {
	Name   string
	Holder *Holder // nil when the holder did not say (yet)
	// Now is when the lock was tried, for the "3m ago" of the message.
	Now time.Time
}

func (e *BusyError) Error() string {
	if e.Holder == nil {
		return fmt.Sprintf("%s is busy: another operation holds its lock", e.Name)
	}
	h := e.Holder
	who := h.User
	if who == "" {
		who = "pid " + fmt.Sprint(h.PID)
	}
	detail := []string{fmt.Sprintf("pid %d", h.PID)}
	if h.Host != "" {
		detail[0] += " on " + h.Host
	}
	if h.Client != "" {
		detail = append(detail, h.Client)
	}
	msg := fmt.Sprintf("%s is busy: %q by %s (%s)", e.Name, h.Action, who, strings.Join(detail, ", "))
	if !h.Since.IsZero() {
		msg += fmt.Sprintf(" since %s, %s ago", h.Since.Local().Format("15:04:05"), ago(e.Now.Sub(h.Since)))
	}
	return msg
}

func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// Acquire takes DIR/NAME.lock without waiting and records who in
// DIR/NAME.json. If another process, or another goroutine of this one, holds
// it, it returns a *BusyError. Empty Host, User, PID and Since are filled in.
func Acquire(dir, name string, who Holder) (*Lock, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, fmt.Errorf("lock: %q is not a usable lock name", name)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the lock folder %s: %w", dir, err)
	}
	// flock(2) and LockFileEx locks belong to an open file, not to the
	// process, so a second Acquire in this process (its own open file)
	// conflicts just like another process does.
	fl := flock.New(filepath.Join(dir, name+".lock"))
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", fl.Path(), err)
	}
	sidecar := filepath.Join(dir, name+".json")
	if !ok {
		return nil, &BusyError{Name: name, Holder: readHolder(sidecar), Now: time.Now()}
	}
	fill(&who)
	if err := writeHolder(sidecar, who); err != nil {
		_ = fl.Unlock()
		return nil, err
	}
	return &Lock{fl: fl, sidecar: sidecar}, nil
}

// Release removes the sidecar while still holding the lock (so it never
// deletes the next holder's), then unlocks. The lock file itself stays: a
// file removed while another process waits on it would give two holders.
func (l *Lock) Release() error {
	if l == nil || l.fl == nil {
		return nil
	}
	rmErr := os.Remove(l.sidecar)
	if errors.Is(rmErr, os.ErrNotExist) {
		rmErr = nil
	}
	err := l.fl.Unlock()
	l.fl = nil
	if err != nil {
		return fmt.Errorf("unlocking %s: %w", l.sidecar, err)
	}
	if rmErr != nil {
		return fmt.Errorf("removing %s: %w", l.sidecar, rmErr)
	}
	return nil
}

// Who reads who holds the lock DIR/NAME, as its sidecar says. It is a
// hint for display (a crashed holder leaves its sidecar): the OS lock is the truth.
func Who(dir, name string) *Holder { return readHolder(filepath.Join(dir, name+".json")) }

func fill(h *Holder) {
	if h.PID == 0 {
		h.PID = os.Getpid()
	}
	if h.Host == "" {
		h.Host, _ = os.Hostname()
	}
	if h.User == "" {
		if u, err := user.Current(); err == nil {
			h.User = u.Username
		}
	}
	if h.Since.IsZero() {
		h.Since = time.Now()
	}
}

// writeHolder replaces the sidecar atomically, so a reader never sees half.
func writeHolder(path string, h Holder) error {
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the lock holder: %w", err)
	}
	if err := atomicfile.Write(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("writing the lock holder %s: %w", path, err)
	}
	return nil
}

func readHolder(path string) *Holder {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var h Holder
	if json.Unmarshal(b, &h) != nil {
		return nil
	}
	return &h
}
