package safetext

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestTermEscapesWhatATerminalWouldActOn(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, é and 日本":        "plain text, é and 日本",
		"a\x1b]0;owned\a":             `a\x1b]0;owned\a`,
		"a\x00b\xffc\u200fd\ne\tf\rg": `a\x00b\xffc\u200fd\ne\tf\rg`,
		"\u202etxt.exe\u2066\u2069":   `\u202etxt.exe\u2066\u2069`,
		"del\x7f c1\u0085\u009b":      `del\u007f c1\u0085\u009b`,
	} {
		if got := Term(in); got != want {
			t.Errorf("Term(%q) = %q, want %q", in, got, want)
		}
	}
	if r, ok := Find("ok\x1b"); !ok || Name(r) != "U+001B" {
		t.Errorf("Find = %v %v", r, ok)
	}
	if _, ok := Find("fine: é, tabs\tare not fine"); !ok {
		t.Error("a tab is a control character")
	}
}

// The writer keeps the printer's newlines and tabs, escapes the rest, holds
// a rune split across writes, and keeps JSON valid JSON of the same value.
func TestTheWriterEscapesAndKeepsJSON(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	for _, part := range []string{"line one\tok\n", "esc\x1b[2J\n", "split \xe2\x80", "\xae rune\n"} {
		if n, err := w.Write([]byte(part)); err != nil || n != len(part) {
			t.Fatalf("Write(%q) = %d, %v", part, n, err)
		}
	}
	if want := "line one\tok\nesc\\x1b[2J\nsplit \\u202e rune\n"; out.String() != want {
		t.Errorf("wrote %q, want %q", out.String(), want)
	}

	value := "tag \u202e\u0085\x7f\x1b end"
	b, _ := json.Marshal(map[string]string{"v": value})
	out.Reset()
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	var back map[string]string
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || back["v"] != value {
		t.Errorf("JSON through the writer: %s -> %q, %v", out.String(), back["v"], err)
	}
	if bytes.ContainsAny(out.Bytes(), "\u202e\u0085\x7f\x1b") {
		t.Errorf("the JSON still holds raw controls: %q", out.String())
	}
}
