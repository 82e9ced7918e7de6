// Package yamlpos decodes YAML files by walking their node tree, so that
// every problem keeps the FILE:LINE:COL of the value at fault and one bad
// value does not hide the next. The environment files (backend/env), the
// sandbox's world file and CloudFormation templates in YAML all read
// through it.
package yamlpos

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Pos is a place in a file, 1-based.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Problem is one thing wrong with a file, at a place in it.
type Problem struct {
	Pos     Pos
	Message string
}

func (p Problem) Error() string { return p.Pos.String() + ": " + p.Message }

// Problems is every problem of one file, in position order, as one error:
// one FILE:LINE:COL line each.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Decoder collects the problems found while reading one file.
type Decoder struct {
	File     string
	Problems []Problem
}

// Pos is where n is; a nil node is the start of the file.
func (d *Decoder) Pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: d.File, Line: 1, Col: 1}
	}
	return Pos{File: d.File, Line: max(n.Line, 1), Col: max(n.Column, 1)}
}

// Errorf records a problem at n.
func (d *Decoder) Errorf(n *yaml.Node, format string, args ...any) {
	d.Problems = append(d.Problems, Problem{Pos: d.Pos(n), Message: fmt.Sprintf(format, args...)})
}

// Sorted returns the problems in position order (stable for one place).
func (d *Decoder) Sorted() []Problem {
	sort.SliceStable(d.Problems, func(i, j int) bool {
		a, b := d.Problems[i].Pos, d.Problems[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	return d.Problems
}

// Err is nil without problems, else the sorted Problems.
func (d *Decoder) Err() error {
	if len(d.Problems) == 0 {
		return nil
	}
	return Problems(d.Sorted())
}

// AsProblems returns the problems an error from Err holds, if it is one.
func AsProblems(err error) ([]Problem, bool) {
	var ps Problems
	if errors.As(err, &ps) {
		return ps, true
	}
	return nil, false
}

// Deref follows aliases so anchors and aliases work as in any YAML file.
// An alias always points at a non-alias node; the bound is only a guard.
func Deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

// IsNull reports an absent or empty value.
func IsNull(n *yaml.Node) bool {
	n = Deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// Describe names what a node is, for "must be X, not Y" messages.
func Describe(n *yaml.Node) string {
	n = Deref(n)
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "empty"
		case "!!bool":
			return "true/false"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!str":
			return fmt.Sprintf("the text %q", n.Value)
		case "!!timestamp":
			return "a date"
		}
	}
	return "a " + strings.TrimPrefix(n.ShortTag(), "!!") + " value"
}
