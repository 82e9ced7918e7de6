package yamlpos

import (
	"strings"
	"testing"
)

func TestFieldsReadsKnownKeysInFileOrderAndReportsTheRest(t *testing.T) {
	d := &Decoder{File: "f.yaml"}
	root := d.Document([]byte("b: 2\na: x\ncolour: red\nb: 3\n"), "empty", "second")
	var order []string
	d.Fields(root, "the thing", map[string]func(Pair){
		"a":     func(p Pair) { s, _ := d.Str(p); order = append(order, "a="+s) },
		"b":     func(p Pair) { s, _ := d.Scalar(p); order = append(order, "b="+s) },
		"color": func(p Pair) {},
	})
	if strings.Join(order, ",") != "b=2,a=x" {
		t.Errorf("read %v, want b=2 then a=x", order)
	}
	err := d.Err()
	ps, ok := AsProblems(err)
	if !ok || len(ps) != 2 {
		t.Fatalf("problems %v", err)
	}
	if want := `f.yaml:3:1: unknown key "colour" in the thing; did you mean "color"? (allowed: a, b, color)`; ps[0].Error() != want {
		t.Errorf("got %q, want %q", ps[0], want)
	}
	if want := `f.yaml:4:1: duplicate key "b" (first at line 1)`; ps[1].Error() != want {
		t.Errorf("got %q, want %q", ps[1], want)
	}
}

func TestDocumentRefusesEmptyFilesSecondDocumentsAndBombs(t *testing.T) {
	for doc, want := range map[string]string{
		"":                         "f.yaml:1:1: nothing here",
		"a: 1\n---\nb: 2\n":        "f.yaml:2:1: one only",
		"a: [1,\n\nb: 2\n":         "f.yaml:3:5: not valid YAML", // just past the line where the list is still open
		"a: &a [*a, *a, *a, *a]\n": "f.yaml:1:1: the file expands through aliases",
	} {
		d := &Decoder{File: "f.yaml"}
		d.Document([]byte(doc), "nothing here", "one only")
		if err := d.Err(); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: %v, want %q", doc, err, want)
		}
	}
}
