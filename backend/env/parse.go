package env

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"cloudcontrol/backend/userfile"
)

var (
	// Environment names become file and lock names, hence the narrow set.
	nameRe    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	accountRe = regexp.MustCompile(`^[0-9]{12}$`)
	// Covers eu-west-1, us-gov-west-1, cn-north-1, us-isob-east-1, ...
	regionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)?-[a-z]+-[0-9]{1,2}$`)
)

// MaxFileSize is the largest environment file read (1 MiB): a real one is
// a few kilobytes, and the YAML tree of a file takes some 25 times its size
// in memory, so the cap bounds what a stray file can cost.
const MaxFileSize = 1 << 20

const nameRule = `may hold letters, digits, ".", "_" and "-" and must start with a letter or digit (it names files and locks)`

// LoadFile reads and parses one environment file; see Parse. Only a
// regular file of at most MaxFileSize bytes is read (userfile.Read); any
// other file, and one that cannot be read, is one problem at FILE:1:1.
func LoadFile(path string) (*Environment, []Problem) {
	data, err := userfile.Read(path, MaxFileSize)
	if err != nil {
		return nil, []Problem{{Pos: Pos{File: path, Line: 1, Col: 1}, Message: readProblem(err)}}
	}
	return Parse(path, data)
}

func readProblem(err error) string {
	var big *userfile.TooLargeError
	if errors.As(err, &big) {
		return fmt.Sprintf("the file has %d bytes; an environment file may have at most 1 MiB (%d bytes)", big.Size, big.Limit)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the position already names the file
	}
	return fmt.Sprintf("cannot read the environment file: %v", err)
}

// Parse reads one environment file, applies defaults and validates it. It
// returns every problem found, sorted by position, and a nil Environment
// when there is any; otherwise Stage.After and Stop.Order are resolved.
// file is used for positions and for the default name.
func Parse(file string, data []byte) (*Environment, []Problem) {
	d := &decoder{file: file}
	if root := d.document(data); root != nil {
		e := d.environment(root)
		if len(d.problems) == 0 {
			return e, nil
		}
	}
	sort.SliceStable(d.problems, func(i, j int) bool {
		a, b := d.problems[i].Pos, d.problems[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	return nil, d.problems
}

// document returns the root node of the file's only YAML document.
func (d *decoder) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := decodeSafely(dec, &doc)
	if errors.Is(err, io.EOF) || err == nil && (len(doc.Content) == 0 || isNull(doc.Content[0])) {
		d.errorf(nil, "the file is empty; an environment needs at least a stages: list")
		return nil
	}
	if err != nil {
		d.syntax(data, err)
		return nil
	}
	if aliasedValues(&doc, map[*yaml.Node]int{}) > maxExpanded {
		d.errorf(nil, "the file expands through aliases (*name) to more than %d values, or an alias refers to a value that holds it; write the values out", maxExpanded)
		return nil
	}
	var next yaml.Node
	switch err := decodeSafely(dec, &next); {
	case err == nil:
		d.errorf(&next, "a file holds one environment; remove this second YAML document (after ---)")
	case !errors.Is(err, io.EOF):
		d.syntax(data, err)
	}
	return doc.Content[0]
}

// aliasedValues counts the values the aliases of n stand for, each alias
// counted as its anchor's expanded size, stopping past maxExpanded. The
// values written out in the file are not counted: their number is bounded
// by MaxFileSize, and only aliases multiply it.
func aliasedValues(n *yaml.Node, memo map[*yaml.Node]int) int {
	if n.Kind == yaml.AliasNode {
		return expandedSize(n.Alias, memo)
	}
	total := 0
	for _, c := range n.Content {
		if total > maxExpanded {
			break
		}
		total += aliasedValues(c, memo)
	}
	return total
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

func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// environment reads the top-level mapping.
func (d *decoder) environment(root *yaml.Node) *Environment {
	e := &Environment{Version: Version, File: d.file, Pos: d.pos(root)}
	pairs, ok := d.mapping(root, "an environment file")
	if !ok {
		return nil
	}
	f := d.known(pairs, "the environment",
		"version", "name", "description", "account", "profile", "region", "select", "stages", "stop", "schedule")

	if p, ok := f["version"]; ok {
		if v, good := d.integer(p.val, "version"); good && v != Version {
			d.errorf(p.val, "version %d is not supported; the only environment file version is %d", v, Version)
		}
	}
	base := filepath.Base(d.file)
	e.Name, e.NamePos = strings.TrimSuffix(base, filepath.Ext(base)), e.Pos
	if p, ok := f["name"]; ok {
		if s, good := d.str(p); good {
			e.Name, e.NamePos = s, d.pos(p.val)
			if !nameRe.MatchString(s) {
				d.errorf(p.val, "environment name %q %s", s, nameRule)
			}
		}
	} else if !nameRe.MatchString(e.Name) {
		d.errorf(root, "environment name %q comes from the file name and %s; rename the file or set name:", e.Name, nameRule)
	}
	if p, ok := f["description"]; ok {
		e.Description, _ = d.str(p)
	}
	if p, ok := f["account"]; ok {
		if s, good := d.str(p); good && !accountRe.MatchString(s) {
			d.errorf(p.val, "account %q must be a 12-digit AWS account id, e.g. \"123456789012\"", s)
		} else {
			e.Account = s
		}
	}
	if p, ok := f["profile"]; ok {
		if s, good := d.str(p); good && strings.TrimSpace(s) == "" {
			d.errorf(p.val, "profile is empty; remove it to use the active AWS profile")
		} else {
			e.Profile = s
		}
	}
	if p, ok := f["region"]; ok {
		if s, good := d.str(p); good && !regionRe.MatchString(s) {
			d.errorf(p.val, "region %q does not look like an AWS region such as eu-west-1 or us-gov-west-1", s)
		} else {
			e.Region = s
		}
	}
	if p, ok := f["select"]; ok {
		e.Select, _ = d.stringMap(p)
	}

	var stages []stageSrc
	if p, ok := f["stages"]; ok {
		stages = d.stages(p)
	} else {
		d.errorf(root, "stages is missing; an environment needs at least one stage")
	}
	var stop stopSrc
	if p, ok := f["stop"]; ok {
		stop = d.stop(p)
	}
	if p, ok := f["schedule"]; ok {
		e.Schedule = d.schedule(p)
	}
	e.Stop = stop.spec
	e.Stop.Timeout = Duration(DefaultStopTimeout)
	if stop.spec.Timeout != 0 {
		e.Stop.Timeout = stop.spec.Timeout
	}
	for _, s := range stages {
		e.Stages = append(e.Stages, s.stage)
	}
	d.resolve(e, stages, stop)
	return e
}

// stopSrc is the stop: section plus what resolve needs to know about it.
type stopSrc struct {
	spec  StopSpec
	order []*yaml.Node // nil when the order is reverse
}

func (d *decoder) stop(p pair) stopSrc {
	var out stopSrc
	out.spec.Pos = d.pos(p.key)
	pairs, ok := d.mapping(p.val, "stop")
	if !ok {
		return out
	}
	f := d.known(pairs, "stop", "order", "timeout")
	if o, ok := f["order"]; ok {
		v := deref(o.val)
		switch {
		case v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && v.Value == "reverse":
		case v != nil && v.Kind == yaml.SequenceNode:
			out.order = v.Content
			if len(v.Content) == 0 {
				d.errorf(o.val, "stop order is an empty list; write reverse or list stage names, first stopped first")
			}
		default:
			d.errorf(o.val, "stop order must be reverse or a list of stage names, first stopped first, not %s", describe(v))
		}
	}
	if t, ok := f["timeout"]; ok {
		out.spec.Timeout, _ = d.duration(t, false)
	}
	return out
}
