package env

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

var yamlLineRe = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)

// narrowBudget bounds the bytes syntax re-parses (a few hundred lines of
// a usual file); past it the library's line stands.
const narrowBudget = 4 << 20

// syntax reports a YAML error. The library names the line where the
// enclosing block starts (and, for some errors, one line early), which can
// be far from the mistake, and no column, so both are narrowed: the first
// prefix of the file, from that line on, that fails with the same message
// ends at the line at fault, and the shortest prefix of that line that
// still fails so ends at the column at fault.
func (d *decoder) syntax(data []byte, err error) {
	line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil && n > 0 {
			line, msg = n, m[2]
		}
	}
	end, spent, col := 0, 0, 1 // end: the offset just past line k
	for k := 1; end < len(data) && spent < narrowBudget; k++ {
		start := end
		if i := bytes.IndexByte(data[end:], '\n'); i >= 0 {
			end += i + 1
		} else {
			end = len(data)
		}
		if k < line {
			continue
		}
		spent += end
		if prefixErr := firstYAMLError(data[:end]); prefixErr != nil && errorText(prefixErr) == msg {
			line = k
			col, _ = failingColumn(data, start, end, msg, narrowBudget-spent)
			break
		}
	}
	d.problems = append(d.problems, Problem{Pos: Pos{File: d.file, Line: line, Col: col}, Message: "not valid YAML: " + msg})
}

// unterminated are the errors the library raises where the file ends
// inside something left open (a flow list or mapping, a quoted string), so
// any prefix fails with them: what is missing belongs after the line's text.
var unterminated = []string{"did not find expected ',' or ']'", "did not find expected ',' or '}'",
	"found unexpected end of stream", "could not find expected ':'"}

// failingColumn is the column (1-based, in characters) of the line
// data[start:end] at fault: where a prefix of the file first fails with
// msg, or just past the line's text for something left open; 1 when
// neither is found within budget bytes re-parsed.
func failingColumn(data []byte, start, end int, msg string, budget int) (int, bool) {
	line := strings.TrimRight(strings.TrimSuffix(string(data[start:end]), "\n"), " \t\r")
	if slices.Contains(unterminated, msg) {
		return utf8.RuneCountInString(line) + 1, true
	}
	col := 0
	for i := start; i < end && data[i] != '\n' && budget > 0; i++ {
		if data[i]&0xC0 == 0x80 {
			continue // inside a UTF-8 character: a column is a character
		}
		col++
		next := i + 1
		for next < end && data[next]&0xC0 == 0x80 {
			next++
		}
		budget -= next
		if err := firstYAMLError(data[:next]); err != nil && errorText(err) == msg {
			return col, true
		}
	}
	return 1, false
}

// firstYAMLError returns the first error met reading every document.
func firstYAMLError(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := decodeSafely(dec, &n)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func errorText(err error) string {
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		return m[2]
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}
