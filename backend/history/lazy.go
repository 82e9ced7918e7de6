package history

import (
	"context"
	"errors"
	"sync"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
)

// Lazy opens the database on first use, so commands that never record
// (env list, validate) never touch it. A file from a newer version is
// refused at every call; any other failure to open (a read-only or full
// folder, another program holding it) is tried again at the next use, so a
// long-running window gets its history back. Safe for concurrent use.
type Lazy struct {
	path string
	opts Options

	mu    sync.Mutex
	store *Store
	err   error
}

// NewLazy returns a Lazy for the database at path.
func NewLazy(path string, o Options) *Lazy { return &Lazy{path: path, opts: o} }

// Store opens the database if needed.
func (l *Lazy) Store(ctx context.Context) (*Store, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.store != nil || l.err != nil {
		return l.store, l.err
	}
	s, err := Open(ctx, l.path, l.opts)
	var newer *NewerError
	if errors.As(err, &newer) {
		l.err = err
	}
	l.store = s
	return s, err
}

// Begin records an operation's start (see Store.Begin).
func (l *Lazy) Begin(ctx context.Context, op Operation) (*Op, error) {
	s, err := l.Store(ctx)
	if err != nil {
		return nil, err
	}
	return s.Begin(ctx, op)
}

// Observe records instance runs (see Store.Observe).
func (l *Lazy) Observe(ctx context.Context, env string, insts []cloud.Instance, at time.Time) error {
	s, err := l.Store(ctx)
	if err != nil {
		return err
	}
	return s.Observe(ctx, env, insts, at)
}

// Close closes the database if it was opened.
func (l *Lazy) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.store == nil {
		return nil
	}
	err := l.store.Close()
	l.store = nil
	return err
}

// Path is the database file.
func (l *Lazy) Path() string { return l.path }

// Operations lists operations (see Store.Operations).
func (l *Lazy) Operations(ctx context.Context, env string, from, to time.Time) ([]OperationRow, error) {
	s, err := l.Store(ctx)
	if err != nil {
		return nil, err
	}
	return s.Operations(ctx, env, from, to)
}

// Events returns an operation's events (see Store.Events).
func (l *Lazy) Events(ctx context.Context, id int64) ([]op.Event, error) {
	s, err := l.Store(ctx)
	if err != nil {
		return nil, err
	}
	return s.Events(ctx, id)
}
