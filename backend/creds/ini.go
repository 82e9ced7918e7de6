package creds

import (
	"bytes"
	"fmt"
	"strings"
)

// The AWS shared config files are INI files with a few quirks (nested
// "sub-properties", continuation lines, comments after whitespace). A small
// line reader here gives what the libraries do not: the line of every
// problem, reading on past a bad line, and exact line spans so one section
// can be cut out of a file without touching a byte of the rest.

// ParseError is one problem in a config or credentials file.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// iniSection is one [header] and its keys. Keys are lower-cased; a section
// header that repeats adds to the same name.
type iniSection struct {
	Name  string // as inside the brackets, trimmed
	Line  int    // of the header, 1-based
	Keys  map[string]string
	First int // index of the header in the file's lines
	Last  int // index of the section's last key or continuation line
}

// splitLines keeps each line's terminator so the file can be rebuilt byte
// for byte.
func splitLines(data []byte) [][]byte {
	return bytes.SplitAfter(data, []byte("\n"))
}

// lineText is a line without its terminator and, on the first line, a BOM.
func lineText(line []byte, idx int) string {
	s := strings.TrimRight(string(line), "\r\n")
	if idx == 0 {
		s = strings.TrimPrefix(s, "\uFEFF")
	}
	return s
}

// parseINI reads every section it can and reports every line it cannot.
// After a broken header its keys are skipped: they belong to no profile
// anyone could name.
func parseINI(file string, data []byte) ([]*iniSection, []error) {
	var (
		sections []*iniSection
		errs     []error
		cur      *iniSection
		skipping bool   // inside a section whose header was broken
		lastKey  string // for sub-properties and continuation lines
	)
	for i, raw := range splitLines(data) {
		line := lineText(raw, i)
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';' {
			continue
		}
		if trimmed[0] == '[' {
			name, ok := headerName(trimmed)
			if !ok {
				errs = append(errs, &ParseError{file, i + 1, fmt.Sprintf("broken section header %q: "+
					"write it as [name] (the lines up to the next section are ignored)", trimmed)})
				cur, skipping = nil, true
				continue
			}
			cur = &iniSection{Name: name, Line: i + 1, Keys: map[string]string{}, First: i, Last: i}
			sections = append(sections, cur)
			skipping, lastKey = false, ""
			continue
		}
		if skipping {
			continue
		}
		if cur == nil {
			errs = append(errs, &ParseError{file, i + 1, "a setting comes before any [section] (it and the lines up to the next section are ignored)"})
			skipping = true
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if lastKey != "" { // nested sub-property or continuation of the value above
				cur.Last = i
				continue
			}
		}
		key, value, ok := strings.Cut(trimmed, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		if !ok || key == "" {
			// The line itself is not quoted: in a credentials file it may be a stray secret.
			errs = append(errs, &ParseError{file, i + 1, fmt.Sprintf("expected key = value in [%s]", cur.Name)})
			continue
		}
		cur.Keys[key] = stripComment(strings.TrimSpace(value))
		cur.Last, lastKey = i, key
	}
	return sections, errs
}

func headerName(s string) (string, bool) {
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return "", false
	}
	if rest := strings.TrimSpace(s[end+1:]); rest != "" && rest[0] != '#' && rest[0] != ';' {
		return "", false
	}
	name := strings.Join(strings.Fields(s[1:end]), " ")
	return name, name != ""
}

// stripComment drops a comment that follows the value after whitespace, as
// the AWS CLI does; a # inside a value (e.g. a URL fragment) stays.
func stripComment(v string) string {
	for i := 1; i < len(v); i++ {
		if (v[i] == '#' || v[i] == ';') && (v[i-1] == ' ' || v[i-1] == '\t') {
			return strings.TrimSpace(v[:i])
		}
	}
	return v
}
