//go:build unix

package env

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"cloudcontrol/internal/fifo"
)

func TestLoadDirsReportsFilesThatAreNotFiles(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"ok.yaml": oneStage})
	fifo.Make(t, filepath.Join(dir, "pipe.yaml"))
	for name, target := range map[string]string{"zero.yaml": "/dev/zero", "loop-a.yaml": "loop-b.yaml", "loop-b.yaml": "loop-a.yaml"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	set := fifo.Within(t, "LoadDirs on a named pipe and /dev/zero", func() Set { return LoadDirs([]string{dir}) })
	loop := "cannot read the environment file: too many levels of symbolic links"
	want := []string{
		filepath.Join(dir, "loop-a.yaml") + ":1:1: " + loop,
		filepath.Join(dir, "loop-b.yaml") + ":1:1: " + loop,
		filepath.Join(dir, "pipe.yaml") + ":1:1: cannot read the environment file: it is a named pipe, not a regular file",
		filepath.Join(dir, "zero.yaml") + ":1:1: cannot read the environment file: it is a device, not a regular file",
	}
	if got := problemStrings(set.Problems); !reflect.DeepEqual(got, want) {
		t.Errorf("Problems =\n%q\nwant\n%q", got, want)
	}
	if got := envNames(set); !reflect.DeepEqual(got, []string{"ok"}) {
		t.Errorf("Envs = %v, want [ok]", got)
	}
}

func TestLoadFileOnANamedPipe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.yaml")
	fifo.Make(t, path)
	problems := fifo.Within(t, "LoadFile on a named pipe", func() []Problem { _, ps := LoadFile(path); return ps })
	if len(problems) != 1 || !strings.HasPrefix(problems[0].Error(), path+":1:1: ") || !strings.Contains(problems[0].Message, "named pipe") {
		t.Errorf("problems = %v, want one at %s:1:1 naming the named pipe", problems, path)
	}
}

func TestWatcherReportsANamedPipe(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "web.yaml"), goodEnv)
	_, ch := startWatcher(t, dir)
	next(t, ch, "web is loaded", func(s Snapshot) bool { return s.ByName("web") != nil })
	pipe := filepath.Join(dir, "x.yaml")
	fifo.Make(t, pipe)
	s := next(t, ch, "the named pipe is reported", func(s Snapshot) bool { return len(s.Problems) > 0 })
	if p := s.Problems[0]; p.Pos != (Pos{File: pipe, Line: 1, Col: 1}) || !strings.Contains(p.Message, "named pipe") {
		t.Errorf("problem = %v, want %s:1:1 naming the named pipe", p, pipe)
	}
	if s.ByName("web") == nil {
		t.Error("the good file next to the pipe is gone")
	}
}
