package env

//go:generate go run ./internal/genschema -o ../../environments/schema.json

import (
	"encoding/json"
	"fmt"

	"github.com/invopop/jsonschema"
	orderedmap "github.com/pb33f/ordered-map/v2"
)

// durationPattern is a non-negative Go duration ("0", "90s", "1h30m", "1.5h").
const durationPattern = `^(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`

// Schema returns the JSON Schema of an environment file, generated from the
// model so that editors and Parse agree; pretty-printed, ending in a newline.
func Schema() ([]byte, error) {
	r := &jsonschema.Reflector{Anonymous: true, ExpandedStruct: true}
	s := r.Reflect(&Environment{})
	s.Title = "Cloud Control environment file, version 1"
	s.Description = "One environment: stages of EC2 instances started in order and stopped in reverse. See docs/environment-file.md."
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("cannot encode the environment JSON Schema: %w", err)
	}
	return append(b, '\n'), nil
}

// JSONSchemaExtend takes the patterns from the regular expressions Parse
// uses, so the two cannot drift apart.
func (Environment) JSONSchemaExtend(s *jsonschema.Schema) {
	for key, re := range map[string]string{"name": nameRe.String(), "region": regionRe.String(), "account": accountRe.String()} {
		if p, ok := s.Properties.Get(key); ok {
			p.Pattern = re
		}
	}
}

// JSONSchema describes a duration as the string Parse accepts.
func (Duration) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Type:        "string",
		Pattern:     durationPattern,
		Description: "A Go duration such as 90s, 15m or 1h30m",
		Examples:    []any{"30s", "15m", "1h30m"},
	}
}

// JSONSchema describes the three selector forms: an id, {name} or {tags}.
func (Selector) JSONSchema() *jsonschema.Schema {
	object := func(key string, value *jsonschema.Schema) *jsonschema.Schema {
		props := orderedmap.New[string, *jsonschema.Schema]()
		props.Set(key, value)
		return &jsonschema.Schema{
			Type:                 "object",
			Properties:           props,
			Required:             []string{key},
			AdditionalProperties: jsonschema.FalseSchema,
		}
	}
	one := uint64(1)
	return &jsonschema.Schema{
		Description: "An instance id, {name: NAME} (the Name tag) or {tags: {KEY: VALUE}} (every tag equals)",
		OneOf: []*jsonschema.Schema{
			{Type: "string", Pattern: instanceIDRe.String(), Description: "An EC2 instance id"},
			object("name", &jsonschema.Schema{Type: "string", MinLength: &one, Description: "The Name tag equals this"}),
			object("tags", &jsonschema.Schema{
				Type: "object", MinProperties: &one, Description: "Every listed tag equals (AND)",
				AdditionalProperties: &jsonschema.Schema{Type: "string"},
			}),
		},
	}
}

// JSONSchemaExtend lets tcp, http and command take one value or a list, as Parse does.
func (Ready) JSONSchemaExtend(s *jsonschema.Schema) {
	oneOrList := func(key string, item *jsonschema.Schema) {
		old, _ := s.Properties.Get(key)
		prop := &jsonschema.Schema{OneOf: []*jsonschema.Schema{item, {Type: "array", Items: item}}}
		if old != nil {
			prop.Description = old.Description
		}
		s.Properties.Set(key, prop)
	}
	oneOrList("tcp", &jsonschema.Schema{Type: "integer", Minimum: "1", Maximum: "65535"})
	oneOrList("http", &jsonschema.Schema{Type: "string", Pattern: "^https?://"})
	oneOrList("command", &jsonschema.Schema{Type: "string", Pattern: `\S`})
	if c, ok := s.Properties.Get("command"); ok {
		one := uint64(1)
		c.OneOf[1].MinItems = &one
	}
}

// scheduleExpression is the shape of an EventBridge Scheduler expression;
// Parse checks the fields.
const scheduleExpression = `^(cron|rate|at)\(.+\)$`

// JSONSchemaExtend gives start and stop the expression shape and asks for
// at least one of them, as Parse does.
func (Schedule) JSONSchemaExtend(s *jsonschema.Schema) {
	for _, key := range []string{"start", "stop"} {
		if p, ok := s.Properties.Get(key); ok {
			p.Pattern = scheduleExpression
		}
	}
	if p, ok := s.Properties.Get("timezone"); ok {
		p.Pattern = `^[A-Z][A-Za-z0-9_+-]*(/[A-Z][A-Za-z0-9_+-]*)*$`
		p.Examples = []any{"UTC", "Europe/Berlin", "America/New_York"}
	}
	s.AnyOf = []*jsonschema.Schema{{Required: []string{"start"}}, {Required: []string{"stop"}}}
}

// JSONSchemaExtend lets order be "reverse" or a list of stage names.
func (StopSpec) JSONSchemaExtend(s *jsonschema.Schema) {
	one := uint64(1)
	s.Properties.Set("order", &jsonschema.Schema{
		Description: "reverse (the default: the reverse of the start order) or stage names, first stopped first; stages not listed stop after them",
		OneOf: []*jsonschema.Schema{
			{Const: "reverse"},
			{Type: "array", MinItems: &one, UniqueItems: true, Items: &jsonschema.Schema{Type: "string", MinLength: &one}},
		},
	})
}
