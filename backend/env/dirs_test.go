package env

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func envNames(s Set) []string {
	var out []string
	for _, e := range s.Envs {
		out = append(out, e.Name)
	}
	return out
}

const oneStage = "stages: [{name: a, instances: [i-01234567]}]\n"

func TestLoadDirsReadsOnlyTopLevelYAML(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"zeta.yaml":          oneStage,
		"alpha.yml":          oneStage,
		"Upper.YAML":         oneStage,
		"schema.json":        `{"not": "an environment"}`,
		"README.md":          "# notes",
		".alpha.yaml.swp":    "garbage",
		".hidden.yaml":       "garbage: [",
		"sandbox/world.yaml": "account: \"123456789012\"\n",
		"nested/deeper.yaml": oneStage,
		"folder.yaml/x.yaml": oneStage,
		"renamed.yaml":       "name: beta\n" + oneStage,
		"broken.yaml":        "stages: [{name: a}]\n",
		"notes.yaml.bak":     oneStage,
		"emptyish.yml":       "",
		"another-broken.yml": "stages:\n  - name: a\n   instances: [x]\n",
		"sandbox/nested.yml": "x: 1",
	})
	set := LoadDirs([]string{dir})
	if got, want := envNames(set), []string{"Upper", "alpha", "beta", "zeta"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Envs = %v, want %v", got, want)
	}
	want := []string{
		filepath.Join(dir, "another-broken.yml") + ":3:4: not valid YAML: did not find expected '-' indicator",
		filepath.Join(dir, "broken.yaml") + `:1:10: stage "a" has no instances; add instances: with at least one selector`,
		filepath.Join(dir, "emptyish.yml") + ":1:1: the file is empty; an environment needs at least a stages: list",
	}
	if got := problemStrings(set.Problems); !reflect.DeepEqual(got, want) {
		t.Errorf("Problems =\n%q\nwant\n%q", got, want)
	}
	if e := set.ByName("beta"); e == nil || e.File != filepath.Join(dir, "renamed.yaml") {
		t.Errorf("ByName(beta) = %+v, want the environment from renamed.yaml", e)
	}
	if e := set.ByName("broken"); e != nil {
		t.Errorf("ByName(broken) = %+v, want nil: a file with problems is left out", e)
	}
}

func TestLoadDirsDuplicateNames(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	writeFiles(t, first, map[string]string{
		"a.yaml": "name: shop\n" + oneStage,
		"b.yaml": "description: second\nname: shop\n" + oneStage, // same name, same folder
		"c.yaml": oneStage,
		"d.yml":  oneStage,
	})
	writeFiles(t, second, map[string]string{
		"c.yaml":    "description: from the second folder\n" + oneStage, // same name, later folder
		"other.yml": oneStage,
	})
	set := LoadDirs([]string{first, second, first}) // a folder given twice is read once
	if got, want := envNames(set), []string{"c", "d", "other", "shop"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Envs = %v, want %v", got, want)
	}
	if e := set.ByName("shop"); e == nil || e.File != filepath.Join(first, "a.yaml") {
		t.Errorf("shop comes from %v, want the first file a.yaml", e)
	}
	if e := set.ByName("c"); e == nil || e.File != filepath.Join(first, "c.yaml") {
		t.Errorf("c comes from %v, want the first folder", e)
	}
	got := problemStrings(set.Problems)
	wantProblems := []string{
		filepath.Join(first, "b.yaml") + `:2:7: environment "shop" is already defined by ` + filepath.Join(first, "a.yaml") +
			" (in this folder); this file is ignored until one of them is renamed",
		filepath.Join(second, "c.yaml") + `:1:1: environment "c" is already defined by ` + filepath.Join(first, "c.yaml") +
			" (in an earlier folder, which wins); this file is ignored until one of them is renamed",
	}
	if !reflect.DeepEqual(got, wantProblems) {
		t.Errorf("Problems =\n%q\nwant\n%q", got, wantProblems)
	}
}

func TestLoadDirsMissingFolder(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"ok.yaml": oneStage, "file.txt": "x"})
	// A link to a file is read; a dangling one is reported, not skipped.
	if err := os.Symlink(filepath.Join(dir, "ok.yaml"), filepath.Join(dir, "linked.yaml")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := os.Symlink(filepath.Join(dir, "gone.yaml"), filepath.Join(dir, "dangling.yaml")); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nope")
	notDir := filepath.Join(dir, "file.txt")
	set := LoadDirs([]string{missing, dir, notDir})
	want := []string{
		missing + ": the environment folder does not exist",
		filepath.Join(dir, "dangling.yaml") + ":1:1: cannot read the environment file: no such file or directory",
		notDir + ": is not a folder; give the folder that holds the environment files",
	}
	if got := problemStrings(set.Problems); !reflect.DeepEqual(got, want) {
		t.Errorf("Problems = %q, want %q", got, want)
	}
	if got := envNames(set); !reflect.DeepEqual(got, []string{"linked", "ok"}) {
		t.Errorf("Envs = %v, want [linked ok]", got)
	}
}
