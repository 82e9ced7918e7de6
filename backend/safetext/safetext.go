// Package safetext keeps text from files and from AWS from acting on a
// terminal: control characters (ESC sequences that retitle the window or
// forge output, CR that overwrites a line, NUL, BEL, the C1 controls) and
// the bidirectional overrides that reorder what is shown. It is the one
// place that says which characters those are (Unsafe, used by backend/env to
// refuse them in names) and how they are shown escaped (Term for a string,
// NewWriter for everything a command line prints).
//
// An escape is Go's for the C0 controls (\x1b, \r, \a, \n) and \uXXXX for
// the rest (DEL, the C1 controls, bidi controls, line and paragraph
// separators); a byte that is not UTF-8 is \xHH. Inside a JSON string every
// such escape is still valid JSON for the same value, so JSON output can
// pass through NewWriter unchanged in meaning.
package safetext

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unsafe reports whether a terminal may act on r rather than show it: a
// C0 or C1 control or DEL, a bidirectional control (U+061C, U+200E,
// U+200F, U+202A-U+202E, U+2066-U+2069), or a line or paragraph
// separator (U+2028, U+2029).
func Unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}

// Find returns the first unsafe rune of s (or utf8.RuneError for a byte
// that is not UTF-8) and whether there is one.
func Find(s string) (rune, bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 || Unsafe(r) {
			return r, true
		}
		i += size
	}
	return 0, false
}

// Name is how a rune Find returned is named in messages: "U+001B".
func Name(r rune) string { return fmt.Sprintf("U+%04X", r) }

// Term is s with every unsafe rune, newlines and tabs included, and every
// byte that is not UTF-8 escaped: safe to print on one line of a terminal.
func Term(s string) string {
	if _, bad := Find(s); !bad {
		return s
	}
	var b strings.Builder
	escape(&b, s, false)
	return b.String()
}

// escape writes s to b escaped; keepLines leaves \n and \t as they are.
func escape(b *strings.Builder, s string, keepLines bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(b, `\x%02x`, s[i])
		case keepLines && (r == '\n' || r == '\t'), !Unsafe(r):
			b.WriteString(s[i : i+size])
		case r < 0x20:
			b.WriteString(c0[r])
		default:
			fmt.Fprintf(b, `\u%04x`, r)
		}
		i += size
	}
}

// c0 are the C0 controls as Go writes them in a quoted string.
var c0 = func() [0x20]string {
	var t [0x20]string
	for r := range rune(0x20) {
		t[r] = fmt.Sprintf(`\x%02x`, r)
	}
	for r, e := range map[rune]string{'\a': `\a`, '\b': `\b`, '\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`, '\v': `\v`} {
		t[r] = e
	}
	return t
}()

// NewWriter returns a writer that escapes everything unsafe written to w
// except newlines and tabs, which are the printer's own layout. A rune
// split across two writes is held until the rest arrives.
func NewWriter(w io.Writer) io.Writer {
	if _, ok := w.(*writer); ok {
		return w
	}
	return &writer{w: w}
}

type writer struct {
	w    io.Writer
	held []byte // the start of a rune whose rest is still to come
}

func (t *writer) Write(p []byte) (int, error) {
	data := append(t.held, p...)
	t.held = nil
	// Hold back an incomplete rune at the end (at most 3 bytes).
	for k := 1; k <= 3 && k <= len(data); k++ {
		if tail := data[len(data)-k:]; utf8.RuneStart(tail[0]) {
			if !utf8.FullRune(tail) {
				t.held = append([]byte{}, tail...)
				data = data[:len(data)-k]
			}
			break
		}
	}
	s := string(data)
	if _, bad := Find(strings.NewReplacer("\n", "", "\t", "").Replace(s)); !bad {
		if _, err := io.WriteString(t.w, s); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	var b strings.Builder
	escape(&b, s, true)
	if _, err := io.WriteString(t.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}
