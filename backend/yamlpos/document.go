package yamlpos

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxExpanded bounds how many values a file may expand to through
// aliases: a "billion laughs" file is refused instead of walked.
const MaxExpanded = 100_000

// Document returns the root node of the file's only YAML document, or nil
// after recording why there is none. empty is the problem for a file with
// no content ("the file is empty; ..."); second the one for a second
// document after "---", which is never silently ignored.
func (d *Decoder) Document(data []byte, empty, second string) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := decodeSafely(dec, &doc)
	if errors.Is(err, io.EOF) || err == nil && (len(doc.Content) == 0 || IsNull(doc.Content[0])) {
		d.Errorf(nil, "%s", empty)
		return nil
	}
	if err != nil {
		d.syntax(data, err)
		return nil
	}
	if aliasedValues(&doc, map[*yaml.Node]int{}) > MaxExpanded {
		d.Errorf(nil, "the file expands through aliases (*name) to more than %d values, or an alias refers to a value that holds it; write the values out", MaxExpanded)
		return nil
	}
	var next yaml.Node
	switch err := decodeSafely(dec, &next); {
	case err == nil:
		d.Errorf(&next, "%s", second)
	case !errors.Is(err, io.EOF):
		d.syntax(data, err)
	}
	return doc.Content[0]
}

// decodeSafely turns a panic inside the YAML library into an error: a
// malformed file must never take the program down.
func decodeSafely(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: the YAML parser failed on this file: %v", r)
		}
	}()
	return dec.Decode(n)
}

// aliasedValues counts the values the aliases under n stand for, each
// alias counted as its anchor's expanded size, stopping past MaxExpanded.
// The values written out in the file are not counted: they cost what the
// file's size does (an environment file is at most 1 MiB), and only
// aliases multiply it, so a large file without aliases is read.
func aliasedValues(n *yaml.Node, memo map[*yaml.Node]int) int {
	if n.Kind == yaml.AliasNode {
		return ExpandedSize(n.Alias, memo)
	}
	total := 0
	for _, c := range n.Content {
		if total > MaxExpanded {
			break
		}
		total += aliasedValues(c, memo)
	}
	return total
}

// ExpandedSize counts the values of n with aliases expanded, stopping
// past MaxExpanded. A node met again while being counted refers to
// itself and counts as too big.
func ExpandedSize(n *yaml.Node, memo map[*yaml.Node]int) int {
	if n == nil {
		return 0
	}
	if size, ok := memo[n]; ok {
		return size
	}
	memo[n] = MaxExpanded + 1
	size := 1
	if n.Kind == yaml.AliasNode {
		size = ExpandedSize(n.Alias, memo)
	}
	for _, c := range n.Content {
		if size > MaxExpanded {
			break
		}
		size += ExpandedSize(c, memo)
	}
	memo[n] = min(size, MaxExpanded+1)
	return memo[n]
}

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
func (d *Decoder) syntax(data []byte, err error) {
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
			col = failingColumn(data, start, end, msg, narrowBudget-spent)
			break
		}
	}
	d.Problems = append(d.Problems, Problem{Pos: Pos{File: d.File, Line: line, Col: col}, Message: "not valid YAML: " + msg})
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
func failingColumn(data []byte, start, end int, msg string, budget int) int {
	line := strings.TrimRight(strings.TrimSuffix(string(data[start:end]), "\n"), " \t\r")
	if slices.Contains(unterminated, msg) {
		return utf8.RuneCountInString(line) + 1
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
			return col
		}
	}
	return 1
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
