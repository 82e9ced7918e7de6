package desktop

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// The OS opener runs each program with its arguments: a path or an id is
// one argument, never part of a command line a shell would read.
func TestTheOSOpenerRunsProgramsWithTheirArguments(t *testing.T) {
	var ran [][]string
	have := map[string]bool{}
	o := func(goos string) osOpener {
		return osOpener{goos: goos,
			start: func(name string, args ...string) error {
				ran = append(ran, append([]string{name}, args...))
				return nil
			},
			look: func(name string) (string, error) {
				if have[name] {
					return "/usr/bin/" + name, nil
				}
				return "", errors.New("not found")
			}}
	}
	odd := "/home/t/envs/shop; rm -rf ~.yaml"
	ssm := []string{"aws", "ssm", "start-session", "--target", "i-0abc", "--region", "eu-west-1", "--profile", "it's"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(o("linux").OpenPath(odd))
	must(o("linux").RevealPath(odd))
	must(o("darwin").RevealPath(odd))
	must(o("windows").RevealPath(odd))
	if err := o("linux").OpenPath("relative.yaml"); err == nil {
		t.Error("a relative path was opened")
	}
	if err := o("linux").OpenTerminal(ssm); err == nil || !strings.Contains(err.Error(), "aws ssm start-session --target i-0abc") {
		t.Errorf("without a terminal program: %v; want the command to run named", err)
	}
	have["konsole"], have["xterm"] = true, true
	must(o("linux").OpenTerminal(ssm))
	must(o("darwin").OpenTerminal(ssm))
	want := [][]string{
		{"xdg-open", odd},
		{"xdg-open", "/home/t/envs"},
		{"open", "-R", odd},
		{"explorer", "/select," + odd},
		append([]string{"konsole", "-e"}, ssm...),
	}
	if len(ran) != 6 || !slices.EqualFunc(ran[:5], want, slices.Equal[[]string]) {
		t.Fatalf("ran %q\nwant %q", ran, want)
	}
	// Terminal.app takes one command line: every word is quoted for it.
	if osa := ran[5]; osa[0] != "osascript" || !strings.Contains(osa[2], `'--profile' 'it'\\''s'`) {
		t.Errorf("darwin terminal: %q", osa)
	}
}
