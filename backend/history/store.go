// Package history is the usage history: an embedded SQLite database
// (modernc.org/sqlite, no C toolchain) in the user's data folder that records
// every operation (who, when, what, result, its events) and every running
// interval the app observes, with AWS's own launch and stop times, so that
// starts and stops made elsewhere are counted too. Report turns it into hours
// and estimated cost per environment and instance over a date range.
package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// FileName is the database's name in the data folder.
const FileName = "history.db"

// SchemaVersion is the schema this build writes (PRAGMA user_version). A
// file with a higher number comes from a newer Cloud Control and is refused,
// untouched.
const SchemaVersion = 1

// DefaultBusyTimeout is how long a write waits for another Cloud Control
// (the window, a terminal) that holds the database.
const DefaultBusyTimeout = 5 * time.Second

// Options tune Open.
type Options struct {
	BusyTimeout time.Duration // default DefaultBusyTimeout
	// Now names the file a corrupt database is moved to; default time.Now.
	Now func() time.Time
	// OnNotice, when set, is told what Store.Notice says (a damaged file
	// moved aside) as Open finds it: every program that opens the history
	// passes it on to its user, whichever command opened it first.
	OnNotice func(notice string)
	// Held, when set, says whether anyone holds an environment's lock now
	// (lock.Held): an operation marked running whose environment nobody
	// holds then reads ResultMaybeInterrupted.
	Held func(env string) bool
}

// Store is an open history database; safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	busy time.Duration // Options.BusyTimeout
	held func(env string) bool
	// Notice says something the user should know about opening it (a
	// corrupt file moved aside), or "".
	Notice string
}

// LockedError says another program holds the database longer than the busy
// timeout. It says neither that something was lost nor that nothing was:
// a report only has to be asked again, a run goes on unrecorded.
type LockedError struct {
	Path string
	Wait time.Duration // the busy timeout waited
	Err  error
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("the usage history %s was held by another program (another Cloud Control?) for more than %s (%v)",
		e.Path, e.Wait, e.Err)
}
func (e *LockedError) Unwrap() error { return e.Err }

// NewerError says the file was written by a newer Cloud Control.
type NewerError struct {
	Path           string
	Version, Reads int
}

func (e *NewerError) Error() string {
	return fmt.Sprintf("the usage history %s was written by a newer Cloud Control (schema version %d; this one reads up to %d): "+
		"it was left untouched; update Cloud Control to read it", e.Path, e.Version, e.Reads)
}

var schema = []string{
	`CREATE TABLE operations (
		id       INTEGER PRIMARY KEY,
		env      TEXT NOT NULL,
		action   TEXT NOT NULL,
		who      TEXT NOT NULL,
		client   TEXT NOT NULL,
		account  TEXT NOT NULL DEFAULT '',
		region   TEXT NOT NULL DEFAULT '',
		started  INTEGER NOT NULL,          -- unix ms
		finished INTEGER,                   -- unix ms; NULL while running (or if the app died)
		result   TEXT NOT NULL DEFAULT 'running',
		message  TEXT NOT NULL DEFAULT ''
	)`,
	`CREATE INDEX operations_by_env ON operations(env, started)`,
	`CREATE TABLE events (
		op       INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
		seq      INTEGER NOT NULL,
		time     INTEGER NOT NULL,
		type     TEXT NOT NULL,
		stage    TEXT NOT NULL DEFAULT '',
		instance TEXT NOT NULL DEFAULT '',
		name     TEXT NOT NULL DEFAULT '',
		state    TEXT NOT NULL DEFAULT '',
		gate     TEXT NOT NULL DEFAULT '',
		message  TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (op, seq)
	) WITHOUT ROWID`,
	// A series is what an instance was while it ran: its environment,
	// region, type and lifecycle. Runs refer to it by number so a report
	// over a year reads three integers per run.
	`CREATE TABLE series (
		id        INTEGER PRIMARY KEY,
		instance  TEXT NOT NULL,
		env       TEXT NOT NULL,
		region    TEXT NOT NULL,
		type      TEXT NOT NULL,
		lifecycle TEXT NOT NULL,
		name      TEXT NOT NULL DEFAULT '',
		UNIQUE (instance, env, region, type, lifecycle)
	)`,
	// One row per run of an instance: start is AWS's launch time of that run,
	// stop AWS's stop time (NULL while it runs), seen the last observation.
	`CREATE TABLE intervals (
		instance TEXT NOT NULL,
		start    INTEGER NOT NULL,
		stop     INTEGER,
		seen     INTEGER NOT NULL,
		series   INTEGER NOT NULL REFERENCES series(id),
		PRIMARY KEY (instance, start)
	) WITHOUT ROWID`,
	// Covering index: a report reads only the index.
	`CREATE INDEX intervals_by_start ON intervals(start, stop, series)`,
}

// Open opens (or creates) the database at path. A file from a newer version
// is refused (*NewerError) and left as it is; a file that is not a readable
// database is renamed aside (history.db.corrupt-TIMESTAMP, never deleted)
// and a new one started, which Notice reports; a file locked by another
// program past the busy timeout is *LockedError.
func Open(ctx context.Context, path string, o Options) (*Store, error) {
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = DefaultBusyTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the folder of the usage history %s: %w", path, err)
	}
	s, err := open(ctx, path, o)
	if err == nil || !isCorrupt(err) {
		return s, err
	}
	aside := fmt.Sprintf("%s.corrupt-%s", path, o.Now().UTC().Format("20060102T150405Z"))
	if rerr := os.Rename(path, aside); rerr != nil {
		return nil, fmt.Errorf("the usage history %s is damaged (%v) and could not be moved aside: %w", path, err, rerr)
	}
	for _, suffix := range []string{"-journal", "-wal", "-shm"} { // keep its companions with it
		_ = os.Rename(path+suffix, aside+suffix)
	}
	s, err2 := open(ctx, path, o)
	if err2 != nil {
		return nil, err2
	}
	s.Notice = fmt.Sprintf("the usage history %s was damaged (%v); it was kept as %s and a new history was started", path, err, aside)
	if o.OnNotice != nil {
		o.OnNotice(s.Notice)
	}
	return s, nil
}

func open(ctx context.Context, path string, o Options) (*Store, error) {
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(o.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("opening the usage history %s: %w", path, err)
	}
	// One connection: writes from one process never contend with each
	// other, and the busy timeout handles other processes.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path, busy: o.BusyTimeout, held: o.Held}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return s.wrap("reading", err)
	}
	switch {
	case version > SchemaVersion:
		return &NewerError{Path: s.path, Version: version, Reads: SchemaVersion}
	case version == SchemaVersion:
		var check string
		if err := s.db.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&check); err != nil {
			return s.wrap("checking", err)
		}
		if check != "ok" {
			return s.wrap("checking", &corruptError{check})
		}
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("creating", err)
	}
	defer tx.Rollback()
	for _, stmt := range schema {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return s.wrap("creating", err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion)); err != nil {
		return s.wrap("creating", err)
	}
	return s.wrap("creating", tx.Commit())
}

type corruptError struct{ detail string }

func (e *corruptError) Error() string { return "integrity check failed: " + e.detail }

func isCorrupt(err error) bool {
	var ce *corruptError
	if errors.As(err, &ce) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		code := se.Code() & 0xff
		return code == sqlite3.SQLITE_NOTADB || code == sqlite3.SQLITE_CORRUPT
	}
	return false
}

// wrap words an SQLite error for the person reading it.
func (s *Store) wrap(doing string, err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &LockedError{Path: s.path, Wait: s.busy, Err: err}
		case sqlite3.SQLITE_FULL:
			return fmt.Errorf("%s the usage history %s: the disk is full: %w", doing, s.path, err)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN:
			// SQLite writes a journal beside the file: its folder must be writable.
			return fmt.Errorf("%s the usage history %s: cannot write to %s (read-only, or not this user's): %w",
				doing, s.path, filepath.Dir(s.path), err)
		}
	}
	return fmt.Errorf("%s the usage history %s: %w", doing, s.path, err)
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }
