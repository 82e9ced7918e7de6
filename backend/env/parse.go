package env

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"cloudcontrol/backend/userfile"
	"cloudcontrol/backend/yamlpos"
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
	d := &decoder{yamlpos.Decoder{File: file}}
	root := d.Document(data, "the file is empty; an environment needs at least a stages: list",
		"a file holds one environment; remove this second YAML document (after ---)")
	if root != nil {
		e := d.environment(root)
		if len(d.Problems) == 0 {
			return e, nil
		}
	}
	return nil, d.Sorted()
}

// environment reads the top-level mapping.
func (d *decoder) environment(root *yaml.Node) *Environment {
	e := &Environment{Version: Version, File: d.File, Pos: d.Pos(root)}
	pairs, ok := d.Mapping(root, "an environment file")
	if !ok {
		return nil
	}
	f := d.Known(pairs, "the environment",
		"version", "name", "description", "account", "profile", "region", "select", "stages", "stop", "schedule", "launch")

	if p, ok := f["version"]; ok {
		if v, good := d.Int(p.Val, "version"); good && v != Version {
			d.Errorf(p.Val, "version %d is not supported; the only environment file version is %d", v, Version)
		}
	}
	base := filepath.Base(d.File)
	e.Name, e.NamePos = strings.TrimSuffix(base, filepath.Ext(base)), e.Pos
	if p, ok := f["name"]; ok {
		if s, good := d.Str(p); good {
			e.Name, e.NamePos = s, d.Pos(p.Val)
			if !nameRe.MatchString(s) {
				d.Errorf(p.Val, "environment name %q %s", s, nameRule)
			}
		}
	} else if !nameRe.MatchString(e.Name) {
		d.Errorf(root, "environment name %q comes from the file name and %s; rename the file or set name:", e.Name, nameRule)
	}
	if p, ok := f["description"]; ok {
		e.Description, _ = d.Str(p)
	}
	if p, ok := f["account"]; ok {
		if s, good := d.Str(p); good && !accountRe.MatchString(s) {
			d.Errorf(p.Val, "account %q must be a 12-digit AWS account id, e.g. \"123456789012\"", s)
		} else {
			e.Account = s
		}
	}
	if p, ok := f["profile"]; ok {
		if s, good := d.Str(p); good && strings.TrimSpace(s) == "" {
			d.Errorf(p.Val, "profile is empty; remove it to use the active AWS profile")
		} else {
			e.Profile = s
		}
	}
	if p, ok := f["region"]; ok {
		if s, good := d.Str(p); good && !regionRe.MatchString(s) {
			d.Errorf(p.Val, "region %q does not look like an AWS region such as eu-west-1 or us-gov-west-1", s)
		} else {
			e.Region = s
		}
	}
	if p, ok := f["select"]; ok {
		e.Select, _ = d.StringMap(p)
	}

	var stages []stageSrc
	if p, ok := f["stages"]; ok {
		stages = d.stages(p)
	} else {
		d.Errorf(root, "stages is missing; an environment needs at least one stage")
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
	if p, ok := f["launch"]; ok {
		e.Launch = d.launchSection(e, p) // launch.go
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
	out.spec.Pos = d.Pos(p.Key)
	pairs, ok := d.Mapping(p.Val, "stop")
	if !ok {
		return out
	}
	f := d.Known(pairs, "stop", "order", "timeout")
	if o, ok := f["order"]; ok {
		v := yamlpos.Deref(o.Val)
		switch {
		case v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && v.Value == "reverse":
		case v != nil && v.Kind == yaml.SequenceNode:
			out.order = v.Content
			if len(v.Content) == 0 {
				d.Errorf(o.Val, "stop order is an empty list; write reverse or list stage names, first stopped first")
			}
		default:
			d.Errorf(o.Val, "stop order must be reverse or a list of stage names, first stopped first, not %s", yamlpos.Describe(v))
		}
	}
	if t, ok := f["timeout"]; ok {
		out.spec.Timeout, _ = d.duration(t, false)
	}
	return out
}
