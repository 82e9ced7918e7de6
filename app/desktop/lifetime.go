package desktop

import (
	"context"
	"sync"
)

// lifetime is a service's context from its start on: what it does for the
// window (a sign-in, a report) ends when the app quits. Before start it is
// context.Background, as in tests that never start the app.
type lifetime struct {
	lifeMu sync.Mutex
	ctx    context.Context
}

func (l *lifetime) begin(ctx context.Context) {
	l.lifeMu.Lock()
	defer l.lifeMu.Unlock()
	l.ctx = ctx
}

func (l *lifetime) context() context.Context {
	l.lifeMu.Lock()
	defer l.lifeMu.Unlock()
	if l.ctx == nil {
		return context.Background()
	}
	return l.ctx
}
