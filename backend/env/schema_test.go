package env

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"cloudcontrol/backend/internal/schematest"
)

const schemaFile = "../../environments/schema.json"

func TestSchemaFileIsCurrent(t *testing.T) {
	want, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatalf("cannot read %s (%v); create it with: go generate ./backend/env", schemaFile, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("environments/schema.json is stale: it differs from env.Schema(). Regenerate it from the repository root with:\n\tgo generate ./backend/env")
	}
	if !bytes.HasSuffix(want, []byte("}\n")) {
		t.Errorf("Schema() should end with a newline")
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	return schematest.Compile(t, "environment.json", b)
}

// yamlToJSON turns a YAML document into the value a JSON Schema validator
// sees, the way editors' YAML language servers do.
func yamlToJSON(t *testing.T, doc string) any { return schematest.YAML(t, []byte(doc)) }

// TestSchemaAgreesWithParse checks that the schema an editor uses accepts
// and refuses the same documents as Parse, for the rules a schema can say.
// (Cycles, duplicate names and zero timeouts need Parse.)
func TestSchemaAgreesWithParse(t *testing.T) {
	s := compileSchema(t)
	const st = "stages: [{name: a, instances: [i-01234567]}]\n"
	cases := []struct {
		name, doc string
		valid     bool
	}{
		{"contract example", contractExample, true},
		{"one port and a list of URLs", "stages: [{name: a, instances: [{name: x}], ready: {tcp: 22, http: [\"https://{{.ID}}/\"], delay: 1.5s}}]\n", true},
		{"list of ports", "stages: [{name: a, instances: [{tags: {A: b}}], ready: {tcp: [22, 80]}}]\n", true},
		{"stop order list", st + "stop: {order: [a], timeout: 1h30m}\n", true},
		{"version 1 and account", "version: 1\naccount: \"123456789012\"\nregion: cn-north-1\n" + st, true},
		{"after empty", "stages: [{name: a, after: [], instances: [i-0123456789abcdef0]}]\n", true},
		{"unknown key", "colour: red\n" + st, false},
		{"unknown stage key", "stages: [{name: a, instances: [i-01234567], wait: 5m}]\n", false},
		{"no stages", "name: x\n", false},
		{"empty stages", "stages: []\n", false},
		{"empty instances", "stages: [{name: a, instances: []}]\n", false},
		{"short id", "stages: [{name: a, instances: [i-123]}]\n", false},
		{"name and tags", "stages: [{name: a, instances: [{name: x, tags: {a: b}}]}]\n", false},
		{"empty tags", "stages: [{name: a, instances: [{tags: {}}]}]\n", false},
		{"port as text", "stages: [{name: a, instances: [i-01234567], ready: {tcp: \"80\"}}]\n", false},
		{"port out of range", "stages: [{name: a, instances: [i-01234567], ready: {tcp: 70000}}]\n", false},
		{"ftp URL", "stages: [{name: a, instances: [i-01234567], ready: {http: \"ftp://x/\"}}]\n", false},
		{"duration as number", "stages: [{name: a, instances: [i-01234567], timeout: 15}]\n", false},
		{"duration without unit", "stages: [{name: a, instances: [i-01234567], timeout: \"15\"}]\n", false},
		{"negative delay", "stages: [{name: a, instances: [i-01234567], ready: {delay: -1s}}]\n", false},
		{"stop order word", st + "stop: {order: forward}\n", false},
		{"version 2", "version: 2\n" + st, false},
		{"account number", "account: 123456789012\n" + st, false},
		{"region", "region: eu-west\n" + st, false},
		{"bad name", "name: my env\n" + st, false},
		{"select number", "select: {Env: 2}\n" + st, false},
		// The "In AWS" keys.
		{"command and grace", "stages: [{name: a, instances: [i-01234567], ready: {command: [a, b], ssm-grace: 90s}}]\n", true},
		{"only a stop", st + "schedule: {stop: at(2026-12-24T18:00:00)}\n", true},
		{"schedule with a zone", st + "schedule: {timezone: Europe/Berlin, start: 'cron(0 8 ? * MON-FRI *)', stop: rate(1 day)}\n", true},
		{"command a number", "stages: [{name: a, instances: [i-01234567], ready: {command: 5}}]\n", false},
		{"empty command list", "stages: [{name: a, instances: [i-01234567], ready: {command: []}}]\n", false},
		{"blank command", "stages: [{name: a, instances: [i-01234567], ready: {command: \" \"}}]\n", false},
		{"grace a number", "stages: [{name: a, instances: [i-01234567], ready: {command: ls, ssm-grace: 3}}]\n", false},
		{"no start or stop", st + "schedule: {timezone: UTC}\n", false},
		{"not an expression", st + "schedule: {start: every monday}\n", false},
		{"zone in lower case", st + "schedule: {timezone: utc, start: rate(1 hour)}\n", false},
		{"unknown schedule key", st + "schedule: {start: rate(1 hour), every: day}\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, problems := Parse("f.yaml", []byte(c.doc))
			if (len(problems) == 0) != c.valid {
				t.Errorf("Parse problems = %v, want valid=%v", problems, c.valid)
			}
			err := s.Validate(yamlToJSON(t, c.doc))
			if (err == nil) != c.valid {
				t.Errorf("schema validation error = %v, want valid=%v", err, c.valid)
			}
		})
	}
}

// TestSchemaAcceptsExampleFiles validates every example environment in
// environments/ (when there are any) and this package's valid test files.
func TestSchemaAcceptsExampleFiles(t *testing.T) {
	s := compileSchema(t)
	var files []string
	for _, pattern := range []string{"../../environments/*.y*ml", "testdata/valid/*.y*ml"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no example files found")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(yamlToJSON(t, string(b))); err != nil {
			t.Errorf("%s does not validate against the schema: %v", f, err)
		}
		if _, problems := Parse(f, b); len(problems) > 0 {
			t.Errorf("%s: Parse problems %v", f, problems)
		}
	}
}
