// Package cfn reads and evaluates CloudFormation templates, JSON or YAML
// (with the short-form tags !Ref, !Sub, !GetAtt, ...): their parameters,
// conditions, intrinsic functions, resources in dependency order and
// outputs. The sandbox's CloudFormation runs on it; errors are worded as
// CloudFormation's ValidationError messages.
package cfn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"cloudcontrol/backend/yamlpos"
)

// A template value is nil, a string (numbers are kept as written), a bool,
// a []any or a *Map.

// Map is a mapping that keeps its keys in template order.
type Map struct {
	Keys []string
	Vals map[string]any
}

// NewMap builds a map from key, value pairs.
func NewMap(kv ...any) *Map {
	m := &Map{Vals: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Set(kv[i].(string), kv[i+1])
	}
	return m
}

// Get returns the value of k.
func (m *Map) Get(k string) (any, bool) {
	if m == nil {
		return nil, false
	}
	v, ok := m.Vals[k]
	return v, ok
}

// Set adds or replaces k.
func (m *Map) Set(k string, v any) {
	if _, ok := m.Vals[k]; !ok {
		m.Keys = append(m.Keys, k)
	}
	m.Vals[k] = v
}

// Len is the number of keys.
func (m *Map) Len() int {
	if m == nil {
		return 0
	}
	return len(m.Keys)
}

// Plain converts a value to plain Go (map[string]any, []any, string,
// bool, nil), for JSON.
func Plain(v any) any {
	switch x := v.(type) {
	case *Map:
		out := make(map[string]any, x.Len())
		for _, k := range x.Keys {
			out[k] = Plain(x.Vals[k])
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Plain(e)
		}
		return out
	}
	return v
}

// Error is a template problem, worded as CloudFormation's ValidationError.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errf(format string, args ...any) error { return &Error{fmt.Sprintf(format, args...)} }

// decode reads a template body: JSON when it starts with {, else YAML.
func decode(body []byte) (any, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, errf("Template format error: the template is empty; it needs at least a Resources section")
	}
	if trimmed[0] == '{' {
		return decodeJSON(trimmed)
	}
	return decodeYAML(body)
}

func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, err := jsonValue(dec)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("there is more after the template's closing brace")
		}
	}
	if err != nil {
		line, col := lineCol(body, int(dec.InputOffset()))
		return nil, errf("Template format error: JSON not well-formed. (line %d, column %d): %v", line, col, err)
	}
	return v, nil
}

func jsonValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := &Map{Vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				if _, dup := m.Vals[k]; dup {
					return nil, fmt.Errorf("duplicate key %q", k)
				}
				v, err := jsonValue(dec)
				if err != nil {
					return nil, err
				}
				m.Set(k, v)
			}
			_, err := dec.Token()
			return m, err
		case '[':
			list := []any{}
			for dec.More() {
				v, err := jsonValue(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token()
			return list, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		return t.String(), nil
	}
	return tok, nil // string, bool or nil
}

func lineCol(body []byte, off int) (int, int) {
	off = min(off, len(body))
	line := 1 + bytes.Count(body[:off], []byte("\n"))
	return line, off - bytes.LastIndexByte(body[:off], '\n')
}

func decodeYAML(body []byte) (any, error) {
	d := &yamlpos.Decoder{File: "template"}
	root := d.Document(body, "the template is empty; it needs at least a Resources section",
		"a template holds one YAML document; remove the second one (after ---)")
	var v any
	if root != nil {
		v = yamlValue(d, root)
	}
	if len(d.Problems) > 0 {
		p := d.Sorted()[0]
		return nil, errf("Template format error: YAML not well-formed. (line %d, column %d): %s", p.Pos.Line, p.Pos.Col, p.Message)
	}
	return v, nil
}

// shortForms maps YAML tags to their functions; any other !Name is Fn::Name.
var shortForms = map[string]string{"!Ref": "Ref", "!Condition": "Condition"}

func yamlValue(d *yamlpos.Decoder, n *yaml.Node) any {
	n = yamlpos.Deref(n)
	var v any
	switch n.Kind {
	case yaml.MappingNode:
		m := &Map{Vals: map[string]any{}}
		pairs, _ := d.Mapping(n, "a mapping")
		for _, p := range pairs {
			m.Set(p.Name, yamlValue(d, p.Val))
		}
		v = m
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			list = append(list, yamlValue(d, c))
		}
		v = list
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			v = nil
		case "!!bool":
			v = strings.EqualFold(n.Value, "true")
		default:
			v = n.Value
		}
	}
	if tag := n.Tag; strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") {
		fn, ok := shortForms[tag]
		if !ok {
			fn = "Fn::" + tag[1:]
		}
		if fn == "Fn::GetAtt" {
			if s, ok := v.(string); ok {
				res, attr, _ := strings.Cut(s, ".")
				v = []any{res, attr}
			}
		}
		return NewMap(fn, v)
	}
	return v
}
