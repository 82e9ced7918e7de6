package desktop

import (
	"context"
	"time"

	"cloudcontrol/backend/history"
	"cloudcontrol/backend/op"
)

// followOthers shows the starts and stops another process runs (a
// terminal's `env start`, a second window): while one holds an
// environment its progress comes from the usage history, which that
// process writes at every stage boundary; once it lets go, its final
// record says how it ended. The window renders them like its own runs.
func (s *shell) followOthers(ctx context.Context) {
	if s.hist == nil {
		return
	}
	for _, e := range s.board.usable() {
		name := e.Name
		h := s.board.holder(name)
		prev, id, known := s.board.other(name)
		switch {
		case h != nil && (h.Action == string(op.Start) || h.Action == string(op.Stop)) && !s.runs.isActive(name):
			row, ok := s.heldOperation(ctx, name, h.Action, h.Since)
			if !ok {
				continue
			}
			if p, ok := s.recorded(ctx, row); ok && s.board.setOther(row.ID, p) {
				s.plat.Emit(EventProgress, p)
			}
		case known && !prev.Finished() && (h == nil || s.runs.isActive(name)):
			row, err := s.historyOperation(ctx, id)
			if err != nil {
				continue
			}
			if p, ok := s.recorded(ctx, row); ok && s.board.setOther(id, p) {
				s.plat.Emit(EventFinished, p)
			}
		}
	}
}

// heldOperation is the recorded operation of the holder of name's lock.
func (s *shell) heldOperation(ctx context.Context, name, action string, since time.Time) (history.OperationRow, bool) {
	ops, err := s.hist.Operations(ctx, name, since.Add(-time.Minute), time.Now().Add(time.Minute))
	if err != nil {
		return history.OperationRow{}, false
	}
	for _, o := range ops { // newest first
		if o.Action == action && o.Result == string(op.OutcomeRunning) {
			return o, true
		}
	}
	return history.OperationRow{}, false
}

func (s *shell) historyOperation(ctx context.Context, id int64) (history.OperationRow, error) {
	store, err := s.hist.Store(ctx)
	if err != nil {
		return history.OperationRow{}, err
	}
	return store.Operation(ctx, id)
}

// recorded folds an operation's recorded events; one that ended without
// its last event (its program died) takes the outcome the record says.
func (s *shell) recorded(ctx context.Context, row history.OperationRow) (op.Progress, bool) {
	evs, err := s.hist.Events(ctx, row.ID)
	if err != nil || len(evs) == 0 {
		return op.Progress{}, false
	}
	for i := range evs { // the record keeps times; the fold wants seconds into the run
		evs[i].Elapsed = evs[i].Time.Sub(evs[0].Time).Seconds()
	}
	p := op.Fold(op.Outline{}, evs...)
	if !p.Finished() && row.Result != string(op.OutcomeRunning) && row.Result != "" {
		p.Outcome = op.Outcome(row.Result)
		if p.Message == "" || p.Outcome != op.OutcomeRunning {
			p.Message = row.Message
		}
	}
	return p, true
}

// otherLog is the recorded events of another process's run of name, when
// that is the environment's latest run; nil otherwise.
func (s *shell) otherLog(name string) []op.Event {
	p, id, ok := s.board.other(name)
	if !ok || s.hist == nil {
		return nil
	}
	if latest := s.board.latest(name); latest == nil || !latest.Started.Equal(p.Started) {
		return nil
	}
	evs, err := s.hist.Events(s.context(), id)
	if err != nil {
		return nil
	}
	return evs
}
