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
	"cloudcontrol/backend/userfile"
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
	sidecar string // the holder record written, "" when it could not be
	note    string
}

// Note says what is different about this lock because the lock folder is
// read-only or full: the holder could not be recorded, or the whole folder
// is locked instead of the environment. "" when nothing is.
func (l *Lock) Note() string { return l.note }

// BusyError says a lock is held, by whom and since when.
type BusyError struct {
	Name   string
	Holder *Holder // nil when the holder did not say (yet)
	// Now is when the lock was tried, for the "3m ago" of the message.
	Now time.Time
	// Folder is set when the whole lock folder is locked (see Acquire).
	Folder string
}

func (e *BusyError) Error() string {
	if e.Folder != "" {
		return fmt.Sprintf("%s is busy: the lock folder %s is read-only or full, so the start or stop running now "+
			"locks the whole folder and the others wait for it", e.Name, e.Folder)
	}
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
//
// A read-only or full lock folder does not stop it: the OS lock needs no
// space, and the record of who holds it is a hint for display, so a record
// that cannot be written is only a Note. Where even the lock file cannot
// be created (an environment never run here), the folder itself is locked:
// one start or stop at a time then, which the Note says.
func Acquire(dir, name string, who Holder) (*Lock, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, fmt.Errorf("lock: %q is not a usable lock name", name)
	}
	mkdirErr := os.MkdirAll(dir, 0o700)
	sidecar := filepath.Join(dir, name+".json")
	// flock(2) and LockFileEx locks belong to an open file, not to the
	// process, so a second Acquire in this process (its own open file)
	// conflicts just like another process does.
	fl := flock.New(filepath.Join(dir, name+".lock"))
	ok, err := tryLock(fl)
	var notes []string
	folder := ""
	if err != nil {
		why := err // why the lock file could not be had: the folder's own failure first
		if mkdirErr != nil {
			why = mkdirErr
		}
		folder = existingFolder(dir)
		ffl := flock.New(folder, flock.SetFlag(os.O_RDONLY))
		if ok, err = tryLock(ffl); err != nil {
			return nil, fmt.Errorf("locking %s: %w (nor could its folder %s be locked: %v)", fl.Path(), cause(why), folder, cause(err))
		}
		fl = ffl
		notes = append(notes, fmt.Sprintf("cannot create the lock file %s (%v): the whole lock folder is locked instead, "+
			"so other starts and stops wait for this one", filepath.Join(dir, name+".lock"), cause(why)))
	}
	if !ok {
		return nil, &BusyError{Name: name, Holder: readHolder(sidecar), Now: time.Now(), Folder: folder}
	}
	fill(&who)
	l := &Lock{fl: fl, sidecar: sidecar}
	if err := writeHolder(sidecar, who); err != nil {
		l.sidecar = ""
		msg := fmt.Sprintf("who holds the lock could not be recorded (%v): other programs see %s busy without knowing who holds it", err, name)
		// A record left by a crashed holder would name the wrong one. (A
		// read-only folder refuses even to remove a file that is not there.)
		if _, err := os.Lstat(sidecar); err == nil && os.Remove(sidecar) != nil {
			msg += fmt.Sprintf("; an older record, %s, could not be removed and may name an earlier holder", sidecar)
		}
		notes = append(notes, msg)
	}
	l.note = strings.Join(notes, "; ")
	return l, nil
}

// existingFolder is dir, or its nearest ancestor that exists when dir
// cannot be created.
func existingFolder(dir string) string {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if info, err := os.Stat(d); (err == nil && info.IsDir()) || filepath.Dir(d) == d {
			return d
		}
	}
}

// cause drops the path an *fs.PathError repeats.
func cause(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Release removes the sidecar while still holding the lock (so it never
// deletes the next holder's), then unlocks. The lock file itself stays: a
// file removed while another process waits on it would give two holders.
func (l *Lock) Release() error {
	if l == nil || l.fl == nil {
		return nil
	}
	var rmErr error
	if l.sidecar != "" {
		if rmErr = os.Remove(l.sidecar); errors.Is(rmErr, os.ErrNotExist) {
			rmErr = nil
		}
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

// Who reads who holds the lock DIR/NAME, as its sidecar says, or nil when
// nobody holds it: a crashed holder leaves its sidecar behind, so the OS
// lock (Held) decides whether the sidecar is believed.
func Who(dir, name string) *Holder {
	if !Held(dir, name) {
		return nil
	}
	return readHolder(filepath.Join(dir, name+".json"))
}

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

// writeFile is atomicfile.Write; tests make its write fail as a full disk does.
var writeFile = atomicfile.Write

// writeHolder replaces the sidecar atomically, so a reader never sees half.
func writeHolder(path string, h Holder) error {
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the lock holder: %w", err)
	}
	// atomicfile's error already names the sidecar.
	return writeFile(path, append(b, '\n'), 0o600)
}

// maxHolder bounds the sidecar read: a real one is a few hundred bytes.
const maxHolder = 64 << 10

func readHolder(path string) *Holder {
	b, err := userfile.Read(path, maxHolder)
	if err != nil {
		return nil
	}
	var h Holder
	if json.Unmarshal(b, &h) != nil {
		return nil
	}
	return &h
}
