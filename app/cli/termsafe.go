package cli

import (
	"errors"
	"strings"

	"cloudcontrol/backend/safetext"
)

// Everything a command prints goes through safetext.NewWriter (NewRoot
// and Execute wrap stdout and stderr), so no text from a file or from AWS
// reaches the terminal as an escape sequence, a carriage return or a bidi
// override, whichever printer writes it. What the writer must leave alone,
// the printers' own newlines and tabs, is escaped where a value could hold
// one: termSafe for a value (a file name, a Name tag), safeError for an
// error whose lines are the printer's own.

// termSafe escapes what a terminal would act on in one value printed as
// text, newlines and tabs included.
func termSafe(s string) string { return safetext.Term(s) }

// safeError escapes an error's lines for the terminal, keeping its line
// breaks (a list of FILE:LINE:COL problems is one per line).
func safeError(err error) error {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = termSafe(l)
	}
	return errors.New(strings.Join(lines, "\n"))
}
