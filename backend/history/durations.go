package history

import (
	"context"
	"time"

	"cloudcontrol/backend/op"
)

// recentOps is how many of an environment's latest operations are read for
// stage durations: enough to find every stage's last real run, few enough to
// stay instant.
const recentOps = 10

// StageDurations returns, per stage, how long it took the last time it did
// real work in an `action` of env: from its stage-started to its stage-ready
// event. A skipped stage (already up, or already down) is not a measure of
// anything and is passed over, and so is a stage that failed.
func (s *Store) StageDurations(ctx context.Context, env, action string) (map[string]time.Duration, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM operations WHERE env = ? AND action = ? AND finished IS NOT NULL
		ORDER BY started DESC, id DESC LIMIT ?`, env, action, recentOps)
	if err != nil {
		return nil, s.wrap("reading", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, s.wrap("reading", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap("reading", err)
	}
	out := map[string]time.Duration{}
	for _, id := range ids { // newest first: the first measure of a stage wins
		evs, err := s.Events(ctx, id)
		if err != nil {
			return nil, err
		}
		began := map[string]time.Time{}
		for _, e := range evs {
			switch e.Type {
			case op.EventStageStarted:
				began[e.Stage] = e.Time
			case op.EventStageReady:
				if t, ok := began[e.Stage]; ok {
					if _, have := out[e.Stage]; !have {
						out[e.Stage] = e.Time.Sub(t)
					}
				}
			}
		}
	}
	return out, nil
}

// StageDurations opens the database if needed (see Store.StageDurations).
func (l *Lazy) StageDurations(ctx context.Context, env, action string) (map[string]time.Duration, error) {
	st, err := l.Store(ctx)
	if err != nil {
		return nil, err
	}
	return st.StageDurations(ctx, env, action)
}
