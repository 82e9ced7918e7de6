package op

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestEnumListsNameEveryConstant: every typed constant of the package is in
// its type's All* list once, with a TypeScript name used once, so the
// window's generated enums never miss a value.
func TestEnumListsNameEveryConstant(t *testing.T) {
	listed := map[string][][2]string{}
	add := func(typ, value, ts string) { listed[typ] = append(listed[typ], [2]string{value, ts}) }
	for _, v := range AllActions {
		add("Action", string(v.Value), v.TSName)
	}
	for _, v := range AllEventTypes {
		add("EventType", string(v.Value), v.TSName)
	}
	for _, v := range AllOutcomes {
		add("Outcome", string(v.Value), v.TSName)
	}
	for _, v := range AllStates {
		add("State", string(v.Value), v.TSName)
	}
	for _, v := range AllStageStatuses {
		add("StageStatus", string(v.Value), v.TSName)
	}

	declared := map[string][]string{}
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				id, ok := vs.Type.(*ast.Ident)
				if !ok || len(vs.Values) != 1 {
					continue
				}
				lit, ok := vs.Values[0].(*ast.BasicLit)
				if !ok {
					continue
				}
				v, _ := strconv.Unquote(lit.Value)
				declared[id.Name] = append(declared[id.Name], v)
			}
		}
	}
	if len(declared) != len(listed) {
		t.Errorf("typed constants of %d types, lists of %d", len(declared), len(listed))
	}
	for typ, values := range declared {
		var got, names []string
		for _, l := range listed[typ] {
			got = append(got, l[0])
			if slices.Contains(names, l[1]) {
				t.Errorf("%s: TypeScript name %s used twice", typ, l[1])
			}
			names = append(names, l[1])
		}
		slices.Sort(values)
		slices.Sort(got)
		if !slices.Equal(values, got) {
			t.Errorf("%s: declared %v, listed %v", typ, values, got)
		}
	}
}
