package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cloudcontrol/backend/env"
	"cloudcontrol/backend/runbook"
)

// export runs the command line with no AWS in reach: export never calls it.
func export(t *testing.T, args ...string) result {
	t.Helper()
	isolateAWS(t, "http://127.0.0.1:1")
	var out, errOut syncBuffer
	code := runCLI(context.Background(), &out, &errOut, args...)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

var exportedSuffixes = []string{".start.ssm.yaml", ".stop.ssm.yaml", ".automation-policy.json", ".scheduler-policy.json"}

func TestExportWritesTheFourFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "new", "folder")
	r := export(t, "--dir", examplesDir, "env", "export", "three-tier", "--out", out)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	e, problems := env.LoadFile(filepath.Join(examplesDir, "three-tier.yaml"))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	x, err := runbook.Build(e, runbook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]byte{x.Start, x.Stop, x.AutomationPolicy, x.SchedulerPolicy}
	for i, suffix := range exportedSuffixes {
		path := filepath.Join(out, "three-tier"+suffix)
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want[i]) {
			t.Errorf("%s: %v, or not what runbook.Build exports", path, err)
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v %v", path, st.Mode(), err)
		}
		if !strings.Contains(r.stdout, path) {
			t.Errorf("stdout does not name %s:\n%s", path, r.stdout)
		}
	}
	for _, want := range []string{"runbook CloudControl-three-tier-start", "policy for the role CloudControl-three-tier-scheduler",
		"Expected in AWS: start about 15m2s (the app: 5m17s)", `stage "database": tcp 5432: caveat`, "with a caveat:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 4 {
		t.Errorf("%d files in the folder, want 4 (no temporary file left)", len(entries))
	}
	// Again, the same bytes.
	if r := export(t, "--dir", examplesDir, "env", "export", "three-tier", "--out", out); r.code != ExitOK {
		t.Fatal(r.stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "three-tier.start.ssm.yaml")); !bytes.Equal(got, x.Start) {
		t.Error("a second export wrote different bytes")
	}
}

func TestExportDefaultsToTheCurrentFolder(t *testing.T) {
	dir, _ := filepath.Abs(examplesDir)
	t.Chdir(t.TempDir())
	if r := export(t, "--dir", dir, "env", "export", "analytics"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, suffix := range exportedSuffixes {
		if _, err := os.Stat("analytics" + suffix); err != nil {
			t.Error(err)
		}
	}
}

func TestExportJSONSaysWhatItWroteAndHowEachGateCameOut(t *testing.T) {
	out := t.TempDir()
	r := export(t, "--dir", examplesDir, "env", "export", "three-tier", "--out", out, "--json")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep struct {
		Env      string
		Exported bool
		Files    []struct {
			Path, Kind, Name string
			Bytes            int
		}
		Findings []runbook.Finding
		Timing   struct{ Start, Stop runbook.Timing }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if rep.Env != "three-tier" || !rep.Exported || len(rep.Files) != 4 || rep.Files[0].Kind != "start-runbook" ||
		rep.Files[0].Name != "CloudControl-three-tier-start" || rep.Files[0].Path != filepath.Join(out, "three-tier.start.ssm.yaml") || rep.Files[0].Bytes == 0 {
		t.Errorf("report %+v", rep)
	}
	gates := map[string]runbook.Outcome{}
	for _, f := range rep.Findings {
		if f.Kind == runbook.KindGate {
			gates[f.Stage+" "+f.Subject] = f.Outcome
		}
	}
	for gate, outcome := range map[string]runbook.Outcome{"database status-checks": runbook.Translated, "database tcp 5432": runbook.Caveat,
		"api http http://{{.PrivateIP}}:8080/health": runbook.Caveat, "api delay 2s": runbook.Caveat, "worker tcp 9000": runbook.Caveat,
		"web http http://{{.PrivateIP}}:8000/": runbook.Caveat, "web running": runbook.Caveat} {
		if gates[gate] != outcome {
			t.Errorf("gate %s: %q, want %q (all: %v)", gate, gates[gate], outcome, gates)
		}
	}
	if rep.Timing.Start.Runbook <= rep.Timing.Start.App || len(rep.Timing.Stop.Stages) != 4 {
		t.Errorf("timing %+v", rep.Timing)
	}
}

// refusing holds a gate the runbooks cannot express and one with a secret.
const refusing = `name: refusing
stages:
  - name: web
    instances: [{name: web-1}]
    ready:
      http:
        - http://{{.PublicIP}}/health
        - https://ops:hunter2@{{.PrivateIP}}/health
`

func TestExportRefusesWhatItCannotExpress(t *testing.T) {
	dir := writeEnvs(t, map[string]string{"refusing.yaml": refusing})
	out := filepath.Join(t.TempDir(), "out")
	r := export(t, "--dir", dir, "env", "export", "refusing", "--out", out)
	if r.code != ExitFailed {
		t.Fatalf("exit %d, want %d", r.code, ExitFailed)
	}
	for _, want := range []string{"cannot export refusing: 2 part(s) the runbooks cannot express, so nothing was written",
		"refusing.yaml:3:5: stage \"web\": http http://{{.PublicIP}}/health: refused; {{.PublicIP}} cannot be checked from the instance itself",
		"http https://***@{{.PrivateIP}}/health: refused; its URL holds user information"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the output folder was created: %v", err)
	}
	if strings.Contains(r.stdout+r.stderr, "hunter2") {
		t.Error("the password is printed")
	}
	r = export(t, "--dir", dir, "env", "export", "refusing", "--out", out, "--json")
	var rep struct {
		Exported bool
		Files    []any
		Refused  []runbook.Finding
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != ExitFailed || rep.Exported || len(rep.Files) != 0 || len(rep.Refused) != 2 {
		t.Errorf("--json: exit %d, %+v, %v\n%s", r.code, rep, err, r.stdout)
	}
	if strings.Contains(r.stdout, "hunter2") {
		t.Error("the password is in the JSON")
	}
}

func TestExportBadInput(t *testing.T) {
	dir := writeEnvs(t, map[string]string{
		"broken.yaml": "stages:\n  - name: a\n    instances: [{name: x}]\nschedule:\n  start: cron(0 8 * * MON-FRI *)\n",
		"valid.yaml":  "stages: [{name: a, instances: [{name: x}]}]\n",
		"esc.yaml":    "stages: [{name: \"web\\e[2J\", instances: [{name: x}], ready: {http: 'http://{{.PublicIP}}/'}}]\n",
	})
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"invalid file", []string{"env", "export", "broken"}, ExitFailed,
			"broken.yaml:5:23: start \"cron(0 8 * * MON-FRI *)\": one of day-of-month and day-of-week must be ?"},
		{"unknown environment", []string{"env", "export", "nope"}, ExitFailed, `no environment "nope"`},
		{"file text is escaped", []string{"env", "export", "esc"}, ExitFailed, `esc.yaml:1:17: stage name "web\x1b[2J" holds U+001B`},
		{"no name", []string{"env", "export"}, ExitUsage, "accepts 1 arg(s), received 0"},
		{"two names", []string{"env", "export", "valid", "broken"}, ExitUsage, "accepts 1 arg(s), received 2"},
		{"unknown flag", []string{"env", "export", "valid", "--output", "x"}, ExitUsage, "unknown flag: --output"},
		{"out is a file", []string{"env", "export", "valid", "--out", filepath.Join(dir, "valid.yaml")}, ExitFailed, "cannot create the folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := export(t, append([]string{"--dir", dir}, c.args...)...)
			if r.code != c.code || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, c.code, c.want)
			}
			if strings.Contains(r.stderr, "\x1b") {
				t.Errorf("a file name reaches the terminal unescaped: %q", r.stderr)
			}
		})
	}
}

// TestExportEscapesPathsForTheTerminal: a folder name with a terminal
// escape is printed escaped, never raw.
func TestExportEscapesPathsForTheTerminal(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out\x1b]0;owned\a\u202e")
	r := export(t, "--dir", examplesDir, "env", "export", "three-tier", "--out", out)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.ContainsAny(r.stdout, "\x1b\a\u202e") || !strings.Contains(r.stdout, `out\x1b]0;owned\a\u202e`) {
		t.Errorf("stdout is not escaped:\n%q", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(out, "three-tier.start.ssm.yaml")); err != nil {
		t.Error(err)
	}
	if got := termSafe("a\x00b\xffc\u200fd\ne"); got != `a\x00b\xffc\u200fd\ne` {
		t.Errorf("termSafe = %q", got)
	}
}
