package sandbox

import (
	"regexp"
	"strings"
	"testing"
)

// problemLine is one FILE:LINE:COL: message line of a world error.
var problemLine = regexp.MustCompile(`^w\.yaml:[1-9][0-9]*:[1-9][0-9]*: \S`)

func TestWorldSyntaxErrorsAndExtraDocumentsNamePlaces(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"second document", "regions: {}\n---\nregions: {eu-west-1: {}}\n",
			"w.yaml:2:1: a world file holds one world; remove this second YAML document (after ---)"},
		{"bad indentation", "regions:\n  eu-west-1:\n    instances:\n      - {id: i-0db0000000000001\n",
			"w.yaml:4:32: not valid YAML"}, // just past the unclosed mapping
		{"tab", "regions:\n\teu-west-1: {}\n", "w.yaml:2:1: not valid YAML"},
		{"empty", "# nothing\n", "w.yaml:1:1: the sandbox world is empty"},
		{"binary", "\x00\x01", "w.yaml:1:1: not valid YAML"},
		{"too many", "regions: {eu-west-1: {instances: [{count: 60001}]}}\n", "w.yaml:1:"},
	} {
		_, err := ParseWorld([]byte(c.doc), "w.yaml")
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !problemLine.MatchString(line) {
				t.Errorf("%s: %q has no FILE:LINE:COL", c.name, line)
			}
		}
	}
}

// FuzzParseWorld feeds the world parser valid, broken and odd documents: it
// never panics, and a world is either parsed or refused with every problem
// at FILE:LINE:COL.
func FuzzParseWorld(f *testing.F) {
	for _, s := range []string{
		twoInstances, "", "regions: {}\n", "---\n---\n", "[1, 2", "\t\x00",
		"regions: {eu-west-1: {instances: [{count: 3, tags: {Name: a}}, {services: [{port: 1}]}]}}\n",
		"a: &a [*a]\nregions: *a\n",
		"faults: [{kind: latency, latency: 1s}, {kind: throttle, count: 2}]\nregions: {}\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		w, err := ParseWorld([]byte(doc), "w.yaml")
		if (w == nil) == (err == nil) {
			t.Fatalf("ParseWorld returned world=%v, err=%v", w != nil, err)
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !problemLine.MatchString(line) {
					t.Fatalf("problem without FILE:LINE:COL: %q", line)
				}
			}
		}
	})
}

// A tag EC2's XML answers cannot carry (a C0 control such as ESC) is
// refused where the world writes it, rather than answered as U+FFFD, which
// would hide the real value from every client; the controls XML carries
// (C1, bidi overrides) come back exactly as written.
func TestTagsXMLCannotCarryAreRefused(t *testing.T) {
	_, err := ParseWorld([]byte("regions:\n  eu-west-1:\n    instances:\n      - {id: i-0db0000000000001, tags: {Name: \"db\\e]0;x\\a\"}}\n"), "w.yaml")
	if err == nil || !strings.Contains(err.Error(), `w.yaml:4:47: tag Name "db\x1b]0;x\a" holds U+001B`) {
		t.Errorf("a tag with ESC: %v", err)
	}
	e := newEnv(t, "regions:\n  eu-west-1:\n    instances:\n      - {id: i-0db0000000000001, tags: {Name: \"db\\u202E\\x85\"}}\n")
	got := e.describe(e.ec2("eu-west-1"), "i-0db0000000000001")
	if len(got.Tags) != 1 || *got.Tags[0].Value != "db\u202e\u0085" {
		t.Errorf("tags came back as %q", *got.Tags[0].Value)
	}
}
