package desktop

import (
	"context"
	"errors"
	"sync"
)

// MFAQuestion is the payload of the "profiles:mfa" event.
type MFAQuestion struct {
	Profile   string `json:"profile"`
	MFASerial string `json:"mfaSerial"`
}

// mfaQuestions is the window's creds.Prompt: it asks the front end through
// "profiles:mfa", brings the window up (a tray stop may be what needs the
// code) and waits for the answer. It is made before the credential chain,
// which asks through it.
type mfaQuestions struct {
	emit   func(event string, data any)
	bring  func() // brings the window up
	mu     sync.Mutex
	answer chan string // the pending question's
}

func newMFAQuestions(emit func(string, any), bring func()) *mfaQuestions {
	return &mfaQuestions{emit: emit, bring: bring}
}

// ask is the creds.Prompt; it waits for submit (or cancel, or ctx).
func (m *mfaQuestions) ask(ctx context.Context, profile, serial string) (string, error) {
	ch := make(chan string, 1)
	m.mu.Lock()
	m.answer = ch
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		if m.answer == ch {
			m.answer = nil
		}
		m.mu.Unlock()
	}()
	m.emit(EventMFA, MFAQuestion{Profile: profile, MFASerial: serial})
	m.bring()
	select {
	case code, ok := <-ch:
		if !ok || code == "" {
			return "", errors.New("the MFA question was cancelled")
		}
		return code, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (m *mfaQuestions) submit(code string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.answer == nil {
		return errors.New("no MFA code was asked for")
	}
	m.answer <- code
	m.answer = nil
	return nil
}

func (m *mfaQuestions) cancel() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.answer != nil {
		close(m.answer)
		m.answer = nil
	}
}
