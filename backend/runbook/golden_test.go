package runbook

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"cloudcontrol/backend/env"
	"cloudcontrol/backend/internal/schematest"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current output")

// goldenEnvs are the example environments and this package's own.
var goldenEnvs = []string{
	"../../environments/three-tier.yaml",
	"../../environments/analytics.yaml",
	"testdata/envs/mixed.yaml",
}

func load(t testing.TB, path string) *env.Environment {
	t.Helper()
	e, problems := env.LoadFile(path)
	if len(problems) > 0 {
		t.Fatalf("%s: %v", path, problems)
	}
	return e
}

func parseEnv(t testing.TB, doc string) *env.Environment {
	t.Helper()
	e, problems := env.Parse("f.yaml", []byte(doc))
	if len(problems) > 0 {
		t.Fatalf("%v", problems)
	}
	return e
}

func findingsText(fs []Finding) []byte {
	var b bytes.Buffer
	for _, f := range fs {
		if f.Position != "" {
			f.Position = filepath.Base(f.Position) // the same on every machine
		}
		b.WriteString(f.String() + "\n")
	}
	return b.Bytes()
}

// TestGoldenFiles pins the exact bytes of every file an export writes for
// the examples; go test ./backend/runbook -update rewrites them after a
// deliberate change (read the diff).
func TestGoldenFiles(t *testing.T) {
	for _, path := range goldenEnvs {
		e := load(t, path)
		x, err := Build(e, Options{})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		files := map[string][]byte{
			e.Name + ".start.ssm.yaml":         x.Start,
			e.Name + ".stop.ssm.yaml":          x.Stop,
			e.Name + ".automation-policy.json": x.AutomationPolicy,
			e.Name + ".scheduler-policy.json":  x.SchedulerPolicy,
			e.Name + ".findings.txt":           findingsText(x.Findings),
		}
		for name, got := range files {
			golden := filepath.Join("testdata", "golden", name)
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./backend/runbook -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the export; run go test ./backend/runbook -update and read the diff", golden)
			}
		}
	}
}

// TestExportIsDeterministic: the same file gives the same bytes, although
// Go's maps (tags, select) come back in a different order each time.
func TestExportIsDeterministic(t *testing.T) {
	for _, path := range goldenEnvs {
		first, err := Build(load(t, path), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			again, _ := Build(load(t, path), Options{})
			if !bytes.Equal(first.Start, again.Start) || !bytes.Equal(first.Stop, again.Stop) ||
				!bytes.Equal(first.AutomationPolicy, again.AutomationPolicy) || !bytes.Equal(first.SchedulerPolicy, again.SchedulerPolicy) ||
				!bytes.Equal(findingsText(first.Findings), findingsText(again.Findings)) {
				t.Fatalf("%s: two exports differ", path)
			}
		}
	}
}

// TestDocumentsPassValidateAndTheSchema: every runbook written is one SSM
// would take and Automation can resolve, checked by Validate and by a JSON
// Schema of the runbook format written from AWS's actions reference.
func TestDocumentsPassValidateAndTheSchema(t *testing.T) {
	schema := compileAutomationSchema(t)
	for _, path := range goldenEnvs {
		x, err := Build(load(t, path), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range [][]byte{x.Start, x.Stop} {
			if err := Validate(doc); err != nil {
				t.Errorf("%s: Validate: %v", path, err)
			}
			if err := schema.Validate(yamlToJSON(t, doc)); err != nil {
				t.Errorf("%s: the runbook schema refuses it: %v", path, err)
			}
			back, err := ParseDocument(doc)
			if err != nil {
				t.Fatal(err)
			}
			again, err := back.Marshal()
			if err != nil || !bytes.Equal(again, doc) {
				t.Errorf("%s: a runbook read back and written again differs", path)
			}
		}
		for _, pol := range [][]byte{x.AutomationPolicy, x.SchedulerPolicy} {
			var p Policy
			dec := json.NewDecoder(bytes.NewReader(pol))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&p); err != nil || p.Version != "2012-10-17" || len(p.Statement) == 0 {
				t.Errorf("%s: policy %s does not read back: %v", path, pol, err)
			}
		}
	}
}

func compileAutomationSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile("testdata/automation.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return schematest.Compile(t, "automation.json", b)
}

func yamlToJSON(t *testing.T, doc []byte) any { return schematest.YAML(t, doc) }

// TestValidateFindsWhatSSMWouldRefuse: each broken runbook is refused for
// its own reason.
func TestValidateFindsWhatSSMWouldRefuse(t *testing.T) {
	x, err := Build(load(t, "../../environments/three-tier.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	good := string(x.Start)
	cases := []struct{ name, from, to, want string }{
		{"unknown output", "'{{ s01_database_find.InstanceIds }}'", "'{{ s01_database_find.Ids }}'", "{{ s01_database_find.Ids }} is neither a parameter nor an output of an earlier step"},
		{"a later step's output", "running\n    InstanceIds: '{{ s02_api_find.InstanceIds }}'", "running\n    InstanceIds: '{{ s04_web_find.InstanceIds }}'", "s04_web_find.InstanceIds }} is neither"},
		{"unknown parameter", "'{{ AutomationAssumeRole }}'", "'{{ AssumeRole }}'", "assumeRole: {{ AssumeRole }} is neither"},
		{"stray braces", "Up to ssm-grace (3m0s)", "Up to {{ ssm-grace", "the description holds {{"},
		{"bad step name", "name: s01_database_find", "name: s01-database-find", "a step name holds only letters, digits and _"},
		{"duplicate step", "name: s01_database_start", "name: s01_database_find", "the step name is used twice"},
		{"unknown action", "action: aws:sleep", "action: aws:snooze", `action "aws:snooze" is not one`},
		{"missing input", "DesiredState: running\n    InstanceIds: '{{ s01_database_find.InstanceIds }}'", "DesiredState: running", "aws:changeInstanceState needs the input InstanceIds"},
		{"bad desired state", "DesiredState: running", "DesiredState: started", "DesiredState started is not running, stopped or terminated"},
		{"bad onFailure", "onFailure: Abort", "onFailure: Stop", `onFailure "Stop" is not Abort, Continue or step:NAME`},
		{"schema version", `schemaVersion: "0.3"`, `schemaVersion: "2.2"`, `schemaVersion is "2.2", not "0.3"`},
		{"unknown key", "onFailure: Abort", "onFailure: Abort\n  retries: 3", "field retries not found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(good, c.from) {
				t.Fatalf("the golden runbook has no %q", c.from)
			}
			err := Validate([]byte(strings.Replace(good, c.from, c.to, 1)))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Validate = %v, want %q", err, c.want)
			}
		})
	}
	big := good + strings.Repeat("# padding\n", MaxDocumentBytes/10)
	if err := Validate([]byte(big)); err == nil || !strings.Contains(err.Error(), "SSM takes at most 65536") {
		t.Errorf("a runbook over 64 KB: %v", err)
	}
	if err := Validate([]byte("schemaVersion: '0.3'\nmainSteps: []\n")); err == nil || !strings.Contains(err.Error(), "mainSteps is empty") {
		t.Errorf("no steps: %v", err)
	}
	if err := Validate([]byte("- a\n")); err == nil {
		t.Error("a list is not a runbook")
	}
	var re *RefusedError
	if errors.As(Validate([]byte(good)), &re) {
		t.Error("Validate returns plain errors")
	}
}

// TestDocumentReadsTheCommonStepProperties: a runbook written elsewhere, with
// the properties every action shares, reads back and writes the same.
func TestDocumentReadsTheCommonStepProperties(t *testing.T) {
	doc := `schemaVersion: "0.3"
description: x
assumeRole: '{{ AutomationAssumeRole }}'
parameters:
  AutomationAssumeRole: {type: String, description: the role}
mainSteps:
- name: wait
  action: aws:sleep
  maxAttempts: 3
  timeoutSeconds: 60
  onFailure: step:done
  onCancel: Abort
  nextStep: done
  isCritical: false
  inputs:
    Duration: PT1S
- name: done
  action: aws:sleep
  isEnd: true
  inputs:
    Duration: PT1S
outputs: [wait.Output]
`
	d, err := ParseDocument([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if s := d.MainSteps[0]; s.MaxAttempts != 3 || s.OnCancel != "Abort" || s.NextStep != "done" || s.IsCritical == nil || *s.IsCritical || !d.MainSteps[1].IsEnd {
		t.Errorf("steps %+v", d.MainSteps)
	}
	again, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if back, err := ParseDocument(again); err != nil || !reflect.DeepEqual(back, d) {
		t.Errorf("written again: %v\n%s", err, again)
	}
}
