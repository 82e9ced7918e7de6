package env

import (
	"fmt"
	"testing"
)

const (
	allowedTop   = "(allowed: version, name, description, account, profile, region, select, stages, stop, schedule, launch)"
	allowedStage = "(allowed: name, after, instances, ready, timeout)"
	allowedReady = "(allowed: status-checks, tcp, http, delay, command, ssm-grace)"
	durHint      = "write a Go duration such as 90s, 15m or 1h30m"
	// okStages is a valid stages list for cases about other keys.
	okStages = "stages: [{name: a, instances: [i-01234567]}]\n"
)

// TestParseProblems covers every rule: each case wants exactly these
// problems, in position order, worded as the user will read them.
func TestParseProblems(t *testing.T) {
	cases := []struct {
		name, doc string
		want      []string
	}{
		// The file as a whole.
		{"empty file", "", []string{"f.yaml:1:1: the file is empty; an environment needs at least a stages: list"}},
		{"only comments", "# nothing yet\n", []string{"f.yaml:1:1: the file is empty; an environment needs at least a stages: list"}},
		{"not a mapping", "- a\n- b\n", []string{"f.yaml:1:1: an environment file must be a mapping (key: value), not a list"}},
		{"plain text", "hello world\n", []string{`f.yaml:1:1: an environment file must be a mapping (key: value), not the text "hello world"`}},
		{"binary", "\x00\x01\x02", []string{"f.yaml:1:1: not valid YAML: control characters are not allowed"}},
		{"syntax error narrowed to its line", "stages:\n  - name: a\n   instances: [x]\n",
			[]string{"f.yaml:3:4: not valid YAML: did not find expected '-' indicator"}}, // at the mis-indented key
		{"an unclosed list", "stages:\n  - name: a\n    instances: [i-01234567, i-89abcdef\n",
			[]string{"f.yaml:3:39: not valid YAML: did not find expected ',' or ']'"}},
		{"a stray character", "stages:\n  - name: a\n    instances: [i-01234567]\n    ready: {tcp: @5432}\n",
			[]string{"f.yaml:4:18: not valid YAML: found character that cannot start any token"}},
		{"tab indentation", okStages + "stop:\n\ttimeout: 5m\n",
			[]string{"f.yaml:3:1: not valid YAML: found character that cannot start any token"}},
		{"two documents", okStages + "---\n" + okStages,
			[]string{"f.yaml:2:1: a file holds one environment; remove this second YAML document (after ---)"}},
		{"duplicate top-level key", okStages + "profile: a\nprofile: b\n",
			[]string{`f.yaml:3:1: duplicate key "profile" (first at line 2)`}},
		{"duplicate key in a stage", "stages:\n  - name: a\n    name: b\n    instances: [i-01234567]\n",
			[]string{`f.yaml:3:5: duplicate key "name" (first at line 2)`}},

		// Unknown keys, with a suggestion when it looks like a typo.
		{"typo at top level", "stage:\n  - {name: a, instances: [i-01234567]}\n", []string{
			`f.yaml:1:1: unknown key "stage" in the environment; did you mean "stages"? ` + allowedTop,
			"f.yaml:1:1: stages is missing; an environment needs at least one stage",
		}},
		{"unknown key without suggestion", "colour: red\n" + okStages,
			[]string{`f.yaml:1:1: unknown key "colour" in the environment ` + allowedTop}},
		{"typo in a stage", "stages:\n  - name: a\n    instance: [i-01234567]\n", []string{
			`f.yaml:2:5: stage "a" has no instances; add instances: with at least one selector`,
			`f.yaml:3:5: unknown key "instance" in stage "a"; did you mean "instances"? ` + allowedStage,
		}},
		{"typo in ready", "stages:\n  - name: a\n    instances: [i-01234567]\n    ready: {status_checks: true}\n",
			[]string{`f.yaml:4:13: unknown key "status_checks" in ready of stage "a"; did you mean "status-checks"? ` + allowedReady}},
		{"typo in stop", okStages + "stop: {ordr: reverse}\n",
			[]string{`f.yaml:2:8: unknown key "ordr" in stop; did you mean "order"? (allowed: order, timeout)`}},
		{"typo in a selector", "stages: [{name: a, instances: [{nam: db}]}]\n",
			[]string{`f.yaml:1:33: unknown key "nam" in a selector; did you mean "name"? (allowed: name, tags)`}},

		// Wrong types.
		{"stages a mapping", "stages: {a: 1}\n",
			[]string{"f.yaml:1:9: stages must be a list, e.g. [{name: app, instances: [...]}], not a mapping"}},
		{"stages empty value", "stages:\n",
			[]string{"f.yaml:1:8: stages must be a list, e.g. [{name: app, instances: [...]}], not empty"}},
		{"stage a string", "stages: [web]\n",
			[]string{`f.yaml:1:10: stage 1 must be a mapping (key: value), not the text "web"`}},
		{"name a number", "name: 5\n" + okStages,
			[]string{`f.yaml:1:7: name must be text, not the number 5; quote it: "5"`}},
		{"select value a number", "select: {Env: 2}\n" + okStages,
			[]string{`f.yaml:1:15: tag "Env" in select must be text, not the number 2; quote it: "2"`}},
		{"select a list", "select: [Env]\n" + okStages,
			[]string{"f.yaml:1:9: select must be a mapping (key: value), not a list"}},
		{"after a string", "stages: [{name: a, instances: [i-01234567]}, {name: b, after: a, instances: [i-01234567]}]\n",
			[]string{`f.yaml:1:63: after must be a list, e.g. [data] or [] for none, not the text "a"`}},
		{"after a number item", "stages: [{name: a, after: [1], instances: [i-01234567]}]\n",
			[]string{"f.yaml:1:28: after lists stage names, not the number 1"}},
		{"status-checks not a bool", "stages: [{name: a, instances: [i-01234567], ready: {status-checks: yes}}]\n",
			[]string{`f.yaml:1:68: status-checks must be true or false, not the text "yes"`}},
		{"tcp a string", "stages: [{name: a, instances: [i-01234567], ready: {tcp: \"80\"}}]\n",
			[]string{`f.yaml:1:58: a tcp port must be a whole number, not the text "80"`}},
		{"http a number", "stages: [{name: a, instances: [i-01234567], ready: {http: 80}}]\n",
			[]string{"f.yaml:1:59: an http check must be a URL such as http://{{.PrivateIP}}:8080/health, not the number 80"}},
		{"stop a number", okStages + "stop: 5\n",
			[]string{"f.yaml:2:7: stop must be a mapping (key: value), not the number 5"}},

		// Top-level values.
		{"version 2", "version: 2\n" + okStages,
			[]string{"f.yaml:1:10: version 2 is not supported; the only environment file version is 1"}},
		{"version as text", "version: \"1\"\n" + okStages,
			[]string{`f.yaml:1:10: version must be a whole number, not the text "1"`}},
		{"account too short", "account: \"123\"\n" + okStages,
			[]string{`f.yaml:1:10: account "123" must be a 12-digit AWS account id, e.g. "123456789012"`}},
		{"account unquoted", "account: 123456789012\n" + okStages,
			[]string{`f.yaml:1:10: account must be text, not the number 123456789012; quote it: "123456789012"`}},
		{"region", "region: eu-west\n" + okStages,
			[]string{`f.yaml:1:9: region "eu-west" does not look like an AWS region such as eu-west-1 or us-gov-west-1`}},
		{"empty profile", "profile: \"\"\n" + okStages,
			[]string{"f.yaml:1:10: profile is empty; remove it to use the active AWS profile"}},
		{"bad environment name", "name: my env\n" + okStages,
			[]string{`f.yaml:1:7: environment name "my env" ` + nameRule}},
		{"name starting with a dot", "name: .hidden\n" + okStages,
			[]string{`f.yaml:1:7: environment name ".hidden" ` + nameRule}},

		// Stages.
		{"no stages key", "name: x\n", []string{"f.yaml:1:1: stages is missing; an environment needs at least one stage"}},
		{"empty stages list", "stages: []\n", []string{"f.yaml:1:9: stages is an empty list; an environment needs at least one stage"}},
		{"stage without name", "stages:\n  - instances: [i-01234567]\n", []string{"f.yaml:2:5: stage 1 has no name; add name:"}},
		{"stage with empty name", "stages: [{name: \"\", instances: [i-01234567]}]\n", []string{`f.yaml:1:17: stage 1 has an empty name`}},
		// Names are printed to terminals: no escape sequence, CR or bidi override in them.
		{"stage name with an escape", "stages:\n  - name: \"db\\e]0;owned\\a\"\n    instances: [i-01234567]\n",
			[]string{`f.yaml:2:11: stage name "db\x1b]0;owned\a" holds U+001B, a control character a terminal would act on; use letters, digits, spaces and punctuation`}},
		{"stage name with a bidi override", "stages:\n  - name: \"web\\u202Eexe\"\n    instances: [i-01234567]\n",
			[]string{`f.yaml:2:11: stage name "web\u202eexe" holds U+202E, a control character a terminal would act on; use letters, digits, spaces and punctuation`}},
		{"stage name with a CR", "stages:\n  - name: \"a\\rb\"\n    instances: [i-01234567]\n",
			[]string{`f.yaml:2:11: stage name "a\rb" holds U+000D, a control character a terminal would act on; use letters, digits, spaces and punctuation`}},
		{"environment name with a C1 control", "name: \"a\\x85\"\n" + okStages,
			[]string{`f.yaml:1:7: environment name "a\u0085" ` + nameRule}},
		{"empty instances", "stages:\n  - name: a\n    instances: []\n",
			[]string{`f.yaml:3:16: stage "a" has no instances; list at least one selector`}},
		{"instances missing", "stages:\n  - name: a\n", []string{`f.yaml:2:5: stage "a" has no instances; add instances: with at least one selector`}},
		{"duplicate stage name", "stages:\n  - name: a\n    instances: [i-01234567]\n  - name: a\n    instances: [i-01234567]\n",
			[]string{`f.yaml:4:11: duplicate stage name "a" (first at line 2)`}},
		{"after a missing stage", "stages:\n  - {name: data, instances: [i-01234567]}\n  - {name: app, after: [dta], instances: [i-01234567]}\n",
			[]string{`f.yaml:3:25: stage "app" starts after "dta", which is not a stage; did you mean "data"? (stages: data, app)`}},
		{"after itself", "stages: [{name: a, after: [a], instances: [i-01234567]}]\n",
			[]string{`f.yaml:1:28: stage "a" cannot start after itself`}},
		{"after twice", "stages: [{name: a, instances: [i-01234567]}, {name: b, after: [a, a], instances: [i-01234567]}]\n",
			[]string{`f.yaml:1:67: after lists "a" twice`}},
		{"cycle through the default after", "stages:\n  - name: a\n    after: [b]\n    instances: [i-01234567]\n  - name: b\n    instances: [i-01234567]\n",
			[]string{"f.yaml:3:13: after makes a cycle: a -> b -> a (each starts after the next); remove one of these after: entries"}},
		{"three-stage cycle", "stages:\n  - {name: x, after: [], instances: [i-01234567]}\n  - {name: a, after: [c], instances: [i-01234567]}\n" +
			"  - {name: b, after: [a], instances: [i-01234567]}\n  - {name: c, after: [b, x], instances: [i-01234567]}\n",
			[]string{"f.yaml:3:23: after makes a cycle: a -> c -> b -> a (each starts after the next); remove one of these after: entries"}},
		{"timeout not a duration", "stages: [{name: a, instances: [i-01234567], timeout: 1d}]\n",
			[]string{`f.yaml:1:54: timeout "1d" is not a duration; ` + durHint}},
		{"timeout a bare number", "stages: [{name: a, instances: [i-01234567], timeout: 15}]\n",
			[]string{"f.yaml:1:54: timeout must be a duration, not the number 15 (a number needs a unit: 15s or 15m?); " + durHint}},
		{"timeout negative", "stages: [{name: a, instances: [i-01234567], timeout: -5m}]\n",
			[]string{`f.yaml:1:54: timeout "-5m" cannot be negative; ` + durHint}},
		{"timeout zero", "stages: [{name: a, instances: [i-01234567], timeout: 0s}]\n",
			[]string{`f.yaml:1:54: timeout "0s" must be more than zero; ` + durHint}},

		// Selectors.
		{"short id", "stages: [{name: a, instances: [i-123]}]\n",
			[]string{`f.yaml:1:32: "i-123" is not an instance id (i- and 8 or 17 hex digits, e.g. i-0123456789abcdef0); to select by the Name tag write {name: i-123}`}},
		{"a name where an id goes", "stages: [{name: a, instances: [db-1]}]\n",
			[]string{`f.yaml:1:32: "db-1" is not an instance id (i- and 8 or 17 hex digits, e.g. i-0123456789abcdef0); to select by the Name tag write {name: db-1}`}},
		{"name and tags", "stages: [{name: a, instances: [{name: x, tags: {a: b}}]}]\n",
			[]string{"f.yaml:1:42: a selector takes name or tags, not both; use {tags: {Name: ..., ...}} to combine them"}},
		{"empty selector", "stages: [{name: a, instances: [{}]}]\n",
			[]string{"f.yaml:1:32: an empty selector selects nothing; write an instance id (i-0123456789abcdef0), {name: NAME} or {tags: {KEY: VALUE}}"}},
		{"empty tags", "stages: [{name: a, instances: [{tags: {}}]}]\n",
			[]string{"f.yaml:1:39: tags of a selector cannot be empty; give at least one KEY: VALUE"}},
		{"empty selector name", "stages: [{name: a, instances: [{name: \"\"}]}]\n",
			[]string{"f.yaml:1:39: the name of a selector cannot be empty"}},
		{"selector a list", "stages: [{name: a, instances: [[x]]}]\n",
			[]string{"f.yaml:1:32: a selector must be an instance id (i-0123456789abcdef0), {name: NAME} or {tags: {KEY: VALUE}}, not a list"}},

		// Ready gates.
		{"tcp out of range", "stages: [{name: a, instances: [i-01234567], ready: {tcp: [22, 70000]}}]\n",
			[]string{"f.yaml:1:63: tcp port 70000 is out of range; ports are 1 to 65535"}},
		{"tcp listed twice", "stages: [{name: a, instances: [i-01234567], ready: {tcp: [22, 22]}}]\n",
			[]string{"f.yaml:1:63: tcp port 22 is listed twice"}},
		{"http not http", "stages: [{name: a, instances: [i-01234567], ready: {http: \"ftp://{{.PrivateIP}}/\"}}]\n",
			[]string{`f.yaml:1:59: http "ftp://{{.PrivateIP}}/": must be an http:// or https:// URL, e.g. http://{{.PrivateIP}}:8080/health`}},
		{"http unknown field", "stages: [{name: a, instances: [i-01234567], ready: {http: [\"http://{{.PrivateIP}}/\", \"http://{{.Host}}/\"]}}]\n",
			[]string{`f.yaml:1:86: http "http://{{.Host}}/": only {{.PrivateIP}}, {{.PublicIP}}, {{.ID}} and {{.Name}} may be used, not {{.Host}}`}},
		{"http function call", "stages: [{name: a, instances: [i-01234567], ready: {http: 'http://{{printf \"%s\" .ID}}/'}}]\n",
			[]string{`f.yaml:1:59: http "http://{{printf \"%s\" .ID}}/": only {{.PrivateIP}}, {{.PublicIP}}, {{.ID}} and {{.Name}} may be used, not {{printf "%s" .ID}}`}},
		{"http broken template", "stages: [{name: a, instances: [i-01234567], ready: {http: \"http://{{.ID\"}}]\n",
			[]string{`f.yaml:1:59: http "http://{{.ID": bad template (only {{.PrivateIP}}, {{.PublicIP}}, {{.ID}} and {{.Name}} may be used): unclosed action`}},
		{"delay negative", "stages: [{name: a, instances: [i-01234567], ready: {delay: -1s}}]\n",
			[]string{`f.yaml:1:60: delay "-1s" cannot be negative; ` + durHint}},

		// Stop.
		{"stop order word", okStages + "stop: {order: forward}\n",
			[]string{`f.yaml:2:15: stop order must be reverse or a list of stage names, first stopped first, not the text "forward"`}},
		{"stop order missing stage", okStages + "stop: {order: [a, zz]}\n",
			[]string{`f.yaml:2:19: stop order names "zz", which is not a stage (stages: a)`}},
		{"stop order twice", okStages + "stop: {order: [a, a]}\n",
			[]string{`f.yaml:2:19: stop order lists "a" twice`}},
		{"stop order empty", okStages + "stop: {order: []}\n",
			[]string{"f.yaml:2:15: stop order is an empty list; write reverse or list stage names, first stopped first"}},
		{"stop timeout", okStages + "stop: {timeout: soon}\n",
			[]string{`f.yaml:2:17: timeout "soon" is not a duration; ` + durHint}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkProblems(t, c.doc, c.want...) })
	}
}

func TestParseNameFromBadFileName(t *testing.T) {
	_, problems := Parse("envs/my env.yaml", []byte("\n"+okStages))
	want := `envs/my env.yaml:2:1: environment name "my env" comes from the file name and ` + nameRule + "; rename the file or set name:"
	if len(problems) != 1 || problems[0].Error() != want {
		t.Errorf("problems = %v, want [%s]", problems, want)
	}
	// An explicit name fixes it.
	if _, problems := Parse("envs/my env.yaml", []byte("name: my-env\n"+okStages)); len(problems) > 0 {
		t.Errorf("with name: set, problems = %v", problems)
	}
}

// TestParseReportsEveryProblem checks that one bad value does not hide
// the others: all of them come back, in position order.
func TestParseReportsEveryProblem(t *testing.T) {
	checkProblems(t, `nme: x
region: nowhere
stages:
  - name: a
    after: [c]
    instances: []
    timeout: 1d
  - name: b
    instances: [db-1, {name: x, tags: {a: b}}]
    ready: {tcp: [0, 80, 80], http: "ftp://x", status_checks: true}
  - name: c
    instances: [i-12345678]
  - name: a
stop:
  order: [zz]
  timeout: 0s
`,
		`f.yaml:1:1: unknown key "nme" in the environment; did you mean "name"? `+allowedTop,
		`f.yaml:2:9: region "nowhere" does not look like an AWS region such as eu-west-1 or us-gov-west-1`,
		"f.yaml:5:13: after makes a cycle: a -> c -> b -> a (each starts after the next); remove one of these after: entries",
		`f.yaml:6:16: stage "a" has no instances; list at least one selector`,
		`f.yaml:7:14: timeout "1d" is not a duration; `+durHint,
		`f.yaml:9:17: "db-1" is not an instance id (i- and 8 or 17 hex digits, e.g. i-0123456789abcdef0); to select by the Name tag write {name: db-1}`,
		"f.yaml:9:33: a selector takes name or tags, not both; use {tags: {Name: ..., ...}} to combine them",
		"f.yaml:10:19: tcp port 0 is out of range; ports are 1 to 65535",
		"f.yaml:10:26: tcp port 80 is listed twice",
		`f.yaml:10:37: http "ftp://x": must be an http:// or https:// URL, e.g. http://{{.PrivateIP}}:8080/health`,
		`f.yaml:10:48: unknown key "status_checks" in ready of stage "b"; did you mean "status-checks"? `+allowedReady,
		`f.yaml:13:5: stage "a" has no instances; add instances: with at least one selector`,
		`f.yaml:13:11: duplicate stage name "a" (first at line 4)`,
		`f.yaml:15:11: stop order names "zz", which is not a stage (stages: a, b, c)`,
		`f.yaml:16:12: timeout "0s" must be more than zero; `+durHint,
	)
}

// TestParseRefusesAliasBombs checks that files which expand through
// aliases to huge or endless trees are refused quickly, not walked.
func TestParseRefusesAliasBombs(t *testing.T) {
	laughs := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g"} {
		laughs += name + ": &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
			", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = name
	}
	want := "f.yaml:1:1: the file expands through aliases (*name) to more than 100000 values, or an alias refers to a value that holds it; write the values out"
	checkProblems(t, laughs+okStages, want)
	checkProblems(t, "stages: &s [*s]\n", want)

	// Merging the same mapping many times over is expanded once.
	merges := "x: &m0 {name: a, instances: [i-01234567]}\n"
	for i := 1; i <= 7; i++ {
		p := fmt.Sprintf("*m%d", i-1)
		merges = fmt.Sprintf("%sx%d: &m%d {<<: [%s, %s, %s]}\n", merges, i, i, p, p, p)
	}
	_, problems := Parse("f.yaml", []byte(merges+"stages: [{<<: *m7}]\n"))
	if got := problemStrings(problems); len(got) != 8 || got[0] != `f.yaml:1:1: unknown key "x" in the environment `+allowedTop {
		t.Errorf("merge fan-out problems = %q, want 8 unknown keys (x, x1..x7)", got)
	}
}
