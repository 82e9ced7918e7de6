package env

import "testing"

// FuzzParse feeds Parse valid, broken and odd documents. It must never
// panic, every problem must point at a real line, and a result is either
// an environment or problems, never both or neither.
func FuzzParse(f *testing.F) {
	seeds := []string{
		contractExample,
		"",
		"stages: [{name: a, instances: [i-01234567]}]\n",
		"stages:\n  - name: a\n    after: [b]\n    instances: [i-01234567]\n  - name: b\n    instances: [{tags: {A: b}}]\n",
		"stages:\n  - &s {name: a, instances: [{name: x}]}\n  - <<: *s\n    name: b\nstop: {order: [b]}\n",
		"a: &a [*a]\n",
		"x: &x {<<: *x}\nstages: [{<<: *x}]\n",
		"stages: [{name: a, instances: [i-01234567], ready: {http: 'http://{{.ID}}/', tcp: [1, 65535], delay: 1s}}]\n",
		"stages:\n  - name: a\n   instances: [x]\n",
		"---\n---\n",
		"\t\x00",
		"[1, 2",
		"stop: {order: [a, a]}\nstages: [{name: a, after: [a], instances: [{}]}]\n",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		e, problems := Parse("fuzz.yaml", []byte(doc))
		if (e == nil) == (len(problems) == 0) {
			t.Fatalf("Parse returned env=%v with %d problems", e != nil, len(problems))
		}
		for _, p := range problems {
			if p.Pos.Line < 1 || p.Pos.Col < 1 || p.Pos.File != "fuzz.yaml" || p.Message == "" {
				t.Fatalf("bad problem %#v", p)
			}
		}
		if e != nil {
			if len(e.Stages) == 0 || len(e.Stop.Order) != len(e.Stages) || len(e.StartOrder()) != len(e.Stages) {
				t.Fatalf("valid environment with unresolved orders: %+v", e)
			}
		}
	})
}
