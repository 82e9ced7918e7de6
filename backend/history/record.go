package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
)

// Operation is one start or stop as it begins.
type Operation struct {
	Env, Action string
	Who         string // the OS user and, once known, the AWS identity
	Client      string // cli, window, tray
	Started     time.Time
}

// Op is an operation being recorded. Emit only buffers, so a run is never
// slowed by the disk; the buffer is written in the background whenever a
// stage begins or ends (so a crash mid-run keeps the events up to the last
// stage boundary), and End writes the rest and the result.
type Op struct {
	s   *Store
	id  int64
	env string

	mu              sync.Mutex
	events          []op.Event // not yet written
	account, region string
	flushing        sync.WaitGroup // background writes under way

	write sync.Mutex // one writer at a time, so events keep their order
	seq   int        // the next event's sequence number
}

// Begin records that an operation started.
func (s *Store) Begin(ctx context.Context, op Operation) (*Op, error) {
	res, err := s.db.ExecContext(ctx,
		`INSERT INTO operations(env, action, who, client, started) VALUES (?, ?, ?, ?, ?)`,
		op.Env, op.Action, op.Who, op.Client, ms(op.Started))
	if err != nil {
		return nil, s.wrap("writing to", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, s.wrap("writing to", err)
	}
	return &Op{s: s, id: id, env: op.Env}, nil
}

// ResultInterrupted marks an operation whose program ended mid-run.
const ResultInterrupted = "interrupted"

// ResultMaybeInterrupted is how an operation still marked running reads
// when nobody holds its environment's lock (Options.Held): its program has
// gone. It is not written; the next run of the environment writes
// ResultInterrupted (CloseInterrupted).
const ResultMaybeInterrupted = "interrupted?"

// CloseInterrupted ends the environment's other operations still marked
// running that had begun acting (they have events): the caller holds the
// environment's lock, so no program can still be running them. Each ends
// "interrupted" at its last event. It returns how many it closed.
func (o *Op) CloseInterrupted(ctx context.Context) (int64, error) {
	res, err := o.s.db.ExecContext(ctx, `UPDATE operations
		SET result = ?, message = ?, finished = (SELECT MAX(e.time) FROM events e WHERE e.op = operations.id)
		WHERE env = ? AND id <> ? AND finished IS NULL AND EXISTS (SELECT 1 FROM events e WHERE e.op = operations.id)`,
		ResultInterrupted, "the program running it ended before it finished; its events up to then are kept", o.env, o.id)
	if err != nil {
		return 0, o.s.wrap("writing to", err)
	}
	n, err := res.RowsAffected()
	return n, o.s.wrap("writing to", err)
}

// ID is the operation's row id.
func (o *Op) ID() int64 { return o.id }

// SetTarget records the account and region the operation acted on.
func (o *Op) SetTarget(account, region string) {
	o.mu.Lock()
	o.account, o.region = account, region
	o.mu.Unlock()
}

// boundary: events after which what is buffered is written.
func boundary(kind op.EventType) bool {
	switch kind {
	case op.EventRunStarted, op.EventStageStarted, op.EventStageSkipped,
		op.EventStageReady, op.EventStageFailed, op.EventStageCancelled:
		return true
	}
	return false
}

// Emit buffers one event of the run (an op.Sink); at a stage
// boundary it starts writing the buffer in the background.
func (o *Op) Emit(e op.Event) {
	o.mu.Lock()
	o.events = append(o.events, e)
	flush := boundary(e.Type)
	if flush {
		o.flushing.Add(1)
	}
	o.mu.Unlock()
	if flush {
		go func() {
			defer o.flushing.Done()
			// A failed write keeps its events buffered: End tries again
			// and reports the error.
			_ = o.flush(context.Background(), nil)
		}()
	}
}

// End writes the events not yet written and the result ("done", "failed",
// "cancelled", "refused") with its message.
func (o *Op) End(ctx context.Context, result, message string, at time.Time) error {
	o.flushing.Wait()
	return o.flush(ctx, func(tx *sql.Tx) error {
		o.mu.Lock()
		account, region := o.account, o.region
		o.mu.Unlock()
		_, err := tx.ExecContext(ctx,
			`UPDATE operations SET finished = ?, result = ?, message = ?, account = ?, region = ? WHERE id = ?`,
			ms(at), result, message, account, region, o.id)
		return err
	})
}

// flush writes the buffered events, and then runs also in the same
// transaction; on failure the events stay buffered.
func (o *Op) flush(ctx context.Context, also func(*sql.Tx) error) error {
	o.write.Lock()
	defer o.write.Unlock()
	o.mu.Lock()
	events := o.events
	o.events = nil
	o.mu.Unlock()
	if len(events) == 0 && also == nil {
		return nil
	}
	err := o.s.tx(ctx, func(tx *sql.Tx) error {
		if len(events) > 0 {
			stmt, err := tx.PrepareContext(ctx, `INSERT INTO events(op, seq, time, type, stage, instance, name, state, gate, message)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for i, e := range events {
				if _, err := stmt.ExecContext(ctx, o.id, o.seq+i, ms(e.Time), e.Type, e.Stage, e.Instance, e.Name, e.State, e.Gate, e.Message); err != nil {
					return err
				}
			}
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
	if err != nil {
		o.mu.Lock()
		o.events = append(events, o.events...)
		o.mu.Unlock()
		return err
	}
	o.seq += len(events)
	return nil
}

// txExec is what a transaction body uses.
type txExec = *sql.Tx

func (s *Store) tx(ctx context.Context, f func(txExec) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("writing to", err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return s.wrap("writing to", err)
	}
	return s.wrap("writing to", tx.Commit())
}

// Observe records what the instances' states say about when they ran. A
// running (or pending) instance has run since AWS's LaunchTime; a stopped
// one ran from its LaunchTime until the stop time EC2 states in
// StateTransitionReason (cloud.Instance.StateChanged). Earlier runs still
// open are closed at the last time the app saw them running.
func (s *Store) Observe(ctx context.Context, env string, insts []cloud.Instance, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, in := range insts {
			if err := observe(ctx, tx, env, in, at); err != nil {
				return err
			}
		}
		return nil
	})
}

func observe(ctx context.Context, tx *sql.Tx, env string, in cloud.Instance, at time.Time) error {
	if in.LaunchTime.IsZero() {
		return nil // nothing to anchor an interval on
	}
	launch := ms(in.LaunchTime)
	switch in.State {
	case cloud.Running, cloud.Pending:
		// Older runs left open were stopped elsewhere between observations.
		if _, err := tx.ExecContext(ctx, `UPDATE intervals SET stop = MIN(seen, ?) WHERE instance = ? AND stop IS NULL AND start < ?`,
			launch, in.ID, launch); err != nil {
			return err
		}
		sid, err := seriesID(ctx, tx, env, in)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO intervals(instance, start, stop, seen, series) VALUES (?, ?, NULL, ?, ?)
			ON CONFLICT(instance, start) DO UPDATE SET stop = NULL, seen = MAX(seen, excluded.seen), series = excluded.series`,
			in.ID, launch, ms(at), sid)
		return err
	default: // stopping, stopped, shutting-down, terminated
		stop := ms(in.StateChanged)
		if in.StateChanged.IsZero() || stop < launch {
			// No stop time from AWS: close whatever is open where last seen.
			_, err := tx.ExecContext(ctx, `UPDATE intervals SET stop = seen WHERE instance = ? AND stop IS NULL`, in.ID)
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE intervals SET stop = MIN(seen, ?) WHERE instance = ? AND stop IS NULL AND start < ?`,
			launch, in.ID, launch); err != nil {
			return err
		}
		sid, err := seriesID(ctx, tx, env, in)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO intervals(instance, start, stop, seen, series) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(instance, start) DO UPDATE SET stop = excluded.stop, seen = MAX(seen, excluded.seen), series = excluded.series`,
			in.ID, launch, stop, ms(at), sid)
		return err
	}
}

// seriesID returns (creating it if new) the series of what in is now; the
// Name tag is kept current.
func seriesID(ctx context.Context, tx *sql.Tx, env string, in cloud.Instance) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO series(instance, env, region, type, lifecycle, name) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(instance, env, region, type, lifecycle) DO UPDATE SET name = excluded.name RETURNING id`,
		in.ID, env, in.Region, in.Type, in.Lifecycle, in.Name).Scan(&id)
	return id, err
}

// OperationRow is one recorded operation.
type OperationRow struct {
	ID       int64     `json:"id"`
	Env      string    `json:"env"`
	Action   string    `json:"action"`
	Who      string    `json:"who"`
	Client   string    `json:"client"`
	Account  string    `json:"account,omitempty"`
	Region   string    `json:"region,omitempty"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	Result   string    `json:"result"`
	Message  string    `json:"message,omitempty"`
	Events   int       `json:"events"`
}

const operationColumns = `o.id, o.env, o.action, o.who, o.client, o.account, o.region, o.started,
	COALESCE(o.finished, 0), o.result, o.message, (SELECT COUNT(*) FROM events e WHERE e.op = o.id)`

// ErrNoOperation is returned when no operation has that id.
var ErrNoOperation = errors.New("no such operation in the usage history")

// Operation returns one operation by id (ErrNoOperation if there is none).
func (s *Store) Operation(ctx context.Context, id int64) (OperationRow, error) {
	ops, err := s.operations(ctx, `SELECT `+operationColumns+` FROM operations o WHERE o.id = ?`, id)
	if err != nil {
		return OperationRow{}, err
	}
	if len(ops) == 0 {
		return OperationRow{}, fmt.Errorf("operation %d: %w (`cloudcontrol history` lists them)", id, ErrNoOperation)
	}
	return ops[0], nil
}

// Operations lists operations started in [from, to), newest first; env ""
// means all.
func (s *Store) Operations(ctx context.Context, env string, from, to time.Time) ([]OperationRow, error) {
	return s.operations(ctx, `SELECT `+operationColumns+`
		FROM operations o WHERE (? = '' OR o.env = ?) AND o.started >= ? AND o.started < ? ORDER BY o.started DESC, o.id DESC`,
		env, env, ms(from), ms(to))
}

func (s *Store) operations(ctx context.Context, query string, args ...any) ([]OperationRow, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.wrap("reading", err)
	}
	defer rows.Close()
	var out []OperationRow
	heldCache := map[string]bool{}
	for rows.Next() {
		var r OperationRow
		var started, finished int64
		if err := rows.Scan(&r.ID, &r.Env, &r.Action, &r.Who, &r.Client, &r.Account, &r.Region, &started, &finished,
			&r.Result, &r.Message, &r.Events); err != nil {
			return nil, s.wrap("reading", err)
		}
		r.Started = fromMS(started)
		if finished > 0 {
			r.Finished = fromMS(finished)
		}
		s.readHeld(&r, heldCache)
		out = append(out, r)
	}
	return out, s.wrap("reading", rows.Err())
}

// readHeld reads a running operation as ResultMaybeInterrupted when
// nobody holds its environment; each environment's lock is asked once.
func (s *Store) readHeld(r *OperationRow, asked map[string]bool) {
	if s.held == nil || r.Result != "running" || !r.Finished.IsZero() {
		return
	}
	held, ok := asked[r.Env]
	if !ok {
		held = s.held(r.Env)
		asked[r.Env] = held
	}
	if !held {
		r.Result = ResultMaybeInterrupted
		r.Message = fmt.Sprintf("nobody holds %s, so the program running this has ended (crashed, killed, or its machine stopped); "+
			"its events up to then are kept, and the next run of %s records it as interrupted", r.Env, r.Env)
	}
}

// Events returns an operation's events in order.
func (s *Store) Events(ctx context.Context, id int64) ([]op.Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.time, o.env, o.action, e.type, e.stage, e.instance, e.name, e.state, e.gate, e.message
		FROM events e JOIN operations o ON o.id = e.op WHERE e.op = ? ORDER BY e.seq`, id)
	if err != nil {
		return nil, s.wrap("reading", err)
	}
	defer rows.Close()
	var out []op.Event
	for rows.Next() {
		var e op.Event
		var t int64
		if err := rows.Scan(&t, &e.Env, &e.Action, &e.Type, &e.Stage, &e.Instance, &e.Name, &e.State, &e.Gate, &e.Message); err != nil {
			return nil, s.wrap("reading", err)
		}
		e.Time = fromMS(t)
		out = append(out, e)
	}
	return out, s.wrap("reading", rows.Err())
}

// SetWho replaces who ran the operation once the AWS identity is known.
func (o *Op) SetWho(ctx context.Context, who string) error {
	_, err := o.s.db.ExecContext(ctx, `UPDATE operations SET who = ? WHERE id = ?`, who, o.id)
	return o.s.wrap("writing to", err)
}
