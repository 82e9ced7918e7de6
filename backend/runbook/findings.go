package runbook

import (
	"fmt"
	"strings"
)

// Outcome says how faithfully the runbooks express one part of the file.
type Outcome string

const (
	// Translated means the runbook does what the app does.
	Translated Outcome = "translated"
	// Caveat means the runbook does it, with a difference Note explains.
	Caveat Outcome = "caveat"
	// Refused means the runbooks cannot express it; nothing is exported.
	Refused Outcome = "refused"
)

// What a finding is about.
const (
	KindGate     = "gate"
	KindSelector = "selector"
	KindStage    = "stage"
	KindDocument = "document"
	KindPolicy   = "policy"
)

// Finding is one part of the environment and how the export expresses it.
// Every gate and selector gets one, so nothing is dropped silently.
type Finding struct {
	Kind    string  `json:"kind"`
	Stage   string  `json:"stage,omitempty"`
	Subject string  `json:"subject"` // "tcp 5432", "name db-1", "start runbook", ...
	Outcome Outcome `json:"outcome"`
	// As says how the runbook expresses it; Note the caveat or the reason it is refused.
	As   string `json:"as,omitempty"`
	Note string `json:"note,omitempty"`
	// Position is FILE:LINE:COL in the environment file, when it has one.
	Position string `json:"position,omitempty"`
}

func (f Finding) String() string {
	var b strings.Builder
	if f.Position != "" {
		b.WriteString(f.Position + ": ")
	}
	if f.Stage != "" {
		fmt.Fprintf(&b, "stage %q: ", f.Stage)
	}
	b.WriteString(f.Subject + ": " + string(f.Outcome))
	if f.As != "" {
		b.WriteString(" as " + f.As)
	}
	if f.Note != "" {
		b.WriteString("; " + f.Note)
	}
	return b.String()
}

// RefusedError is Export's error when some part cannot be expressed.
type RefusedError struct {
	Env      string
	Findings []Finding // the refused ones
}

func (e *RefusedError) Error() string {
	parts := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		parts[i] = f.String()
	}
	return fmt.Sprintf("cannot export %s: %d part(s) the runbooks cannot express, so nothing was written:\n  %s",
		e.Env, len(e.Findings), strings.Join(parts, "\n  "))
}
