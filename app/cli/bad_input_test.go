package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// badDir holds one broken environment file per kind of mistake, checked
// against the example world (testdata/bad/*.yaml).
var badDir = filepath.Join("testdata", "bad")

// badCases: what `env start NAME` must say on stderr. where is the
// FILE:LINE:COL the message must start with ("" when the mistake is not in
// a file); inFile says `env validate FILE` finds it without asking AWS.
var badCases = []struct {
	name, where string
	want        []string
	inFile      bool
}{
	{"unknown-key", "unknown-key.yaml:5:5", []string{`unknown key "colour" in stage "a"`}, true},
	{"duplicate-stage", "duplicate-stage.yaml:5:11", []string{`duplicate stage name "a"`}, true},
	{"after-missing", "after-missing.yaml:6:13", []string{`starts after "nothere", which is not a stage`}, true},
	{"after-cycle", "after-cycle.yaml:4:13", []string{"after makes a cycle: a -> b -> a"}, true},
	{"bad-duration", "bad-duration.yaml:5:14", []string{`timeout "5 minutes" is not a duration`}, true},
	{"empty-stage", "empty-stage.yaml:3:5", []string{`stage "a" has no instances`}, true},
	{"matches-nothing", "matches-nothing.yaml:6:17", []string{"no instance in eu-west-1 has tags Role=nosuch"}, false},
	{"yaml-syntax", "yaml-syntax.yaml:4:32", []string{"not valid YAML"}, true},
	{"binary", "binary.yaml:1:1", []string{"not valid YAML"}, true},
	{"prose", "prose.yaml:1:1", []string{"an environment file must be a mapping"}, true},
	{"twin", "twin-2.yaml:1:7", []string{`"twin" is also defined by`, "twin-1.yaml"}, false},
	{"unknown-id", "unknown-id.yaml:4:17", []string{"instance i-0123456789abcdef0 does not exist in eu-west-1"}, false},
	{"unknown-region", "unknown-region.yaml:1:1", []string{`region "eu-west-9" does not exist`, "did you mean eu-west-1"}, false},
	{"nope", "", []string{`no environment "nope"`, "known: matches-nothing, other-account, twin, unknown-id, unknown-region"}, false},
}

// TestBadInputStartsNothing: every mistake is named where it is, exits 1,
// gives scripts one run-refused line and starts no instance.
func TestBadInputStartsNothing(t *testing.T) {
	h := newHarness(t, examplesWorld, 100, badDir)
	ctx := timeout(t, 20*time.Second)
	for _, c := range badCases {
		t.Run(c.name, func(t *testing.T) {
			for _, cmd := range []string{"start", "plan", "status"} {
				r := h.run(ctx, "env", cmd, c.name)
				if r.code != ExitFailed {
					t.Errorf("env %s %s: exit %d, want %d; stderr %q", cmd, c.name, r.code, ExitFailed, r.stderr)
				}
				checkMessage(t, r.stderr, c.where, c.want)
			}
			r := h.run(ctx, "env", "start", c.name, "--json")
			events := jsonLines(t, r.stdout)
			if len(events) != 1 || events[0]["type"] != "run-refused" || events[0]["env"] != c.name {
				t.Errorf("env start --json printed %v, want one run-refused line for %s", events, c.name)
			} else if msg, _ := events[0]["message"].(string); !strings.Contains(msg, c.want[0]) {
				t.Errorf("run-refused message %q does not say %q", msg, c.want[0])
			}
			if s := h.starts(); len(s) > 0 {
				t.Fatalf("StartInstances was sent: %v", s)
			}
		})
	}
}

func checkMessage(t *testing.T, stderr, where string, want []string) {
	t.Helper()
	if where != "" && !strings.HasPrefix(stderr, "cloudcontrol: "+filepath.Join(badDir, where)+": ") {
		t.Errorf("stderr %q does not start with the position %s", stderr, where)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr %q does not say %q", stderr, w)
		}
	}
}

var problemLine = regexp.MustCompile(`^(.+):(\d+):(\d+): \S.*$`)

// TestValidatePaths: `env validate PATH...` prints FILE:LINE:COL: message
// per problem, exits 1 for a broken file and 0 for good ones.
func TestValidatePaths(t *testing.T) {
	isolateAWS(t, "http://127.0.0.1:1") // validate must not need AWS at all
	ctx := timeout(t, 10*time.Second)
	run := func(args ...string) result {
		var out, errOut syncBuffer
		code := runCLI(ctx, &out, &errOut, append([]string{"env", "validate"}, args...)...)
		return result{code, out.String(), errOut.String()}
	}

	var paths, wantPos []string
	for _, c := range badCases {
		if c.inFile {
			file, _, _ := strings.Cut(c.where, ":")
			paths = append(paths, filepath.Join(badDir, file))
			wantPos = append(wantPos, filepath.Join(badDir, c.where))
		}
	}
	r := run(paths...)
	if r.code != ExitFailed {
		t.Fatalf("env validate of broken files: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	var got []string
	for _, l := range lines {
		if strings.HasPrefix(l, "cloudcontrol: ") {
			continue // the closing summary
		}
		m := problemLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("stderr line %q is not FILE:LINE:COL: message", l)
			continue
		}
		got = append(got, m[1]+":"+m[2]+":"+m[3])
	}
	for _, w := range wantPos {
		if !strings.Contains(strings.Join(got, "\n"), w) {
			t.Errorf("no problem reported at %s; got %v", w, got)
		}
	}
	if !strings.Contains(r.stderr, "problem(s) found") {
		t.Errorf("stderr does not end with the count of problems:\n%s", r.stderr)
	}

	// Files that parse are valid even when their selectors would match
	// nothing: that is a plan-time check against the account.
	r = run(filepath.Join(badDir, "matches-nothing.yaml"), filepath.Join(examplesDir, "three-tier.yaml"))
	if r.code != ExitOK || r.stderr != "" || !strings.Contains(r.stdout, "2 environment(s) valid") {
		t.Errorf("env validate of good files: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	// A folder with twins: the second is reported where its name is.
	r = run(badDir)
	if r.code != ExitFailed || !strings.Contains(r.stderr, filepath.Join(badDir, "twin-2.yaml")+`:1:7: environment "twin" is already defined`) {
		t.Errorf("env validate %s: exit %d, stderr:\n%s", badDir, r.code, r.stderr)
	}

	r = run(filepath.Join(badDir, "no-such-file.yaml"))
	if r.code != ExitFailed || !strings.Contains(r.stderr, "no-such-file.yaml") || !strings.Contains(r.stderr, "cannot read") {
		t.Errorf("env validate of a missing file: exit %d, stderr %q", r.code, r.stderr)
	}
}
