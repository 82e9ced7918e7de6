package env

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

var yamlLineRe = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)

// narrowBudget bounds the bytes syntax re-parses (a few hundred lines of
// a usual file); past it the library's line stands.
const narrowBudget = 4 << 20

// syntax reports a YAML error. The library names the line where the
// enclosing block starts (and, for some errors, one line early), which can
// be far from the mistake, so the line is narrowed: the first prefix of
// the file, from that line on, that fails with the same message ends at
// the line at fault.
func (d *decoder) syntax(data []byte, err error) {
	line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil && n > 0 {
			line, msg = n, m[2]
		}
	}
	end, spent := 0, 0 // end: the offset just past line k
	for k := 1; end < len(data) && spent < narrowBudget; k++ {
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
			break
		}
	}
	d.problems = append(d.problems, Problem{Pos: Pos{File: d.file, Line: line, Col: 1}, Message: "not valid YAML: " + msg})
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
