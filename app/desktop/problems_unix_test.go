//go:build unix

package desktop

import (
	"os"
	"path/filepath"
	"testing"

	"cloudcontrol/backend/env"
	"cloudcontrol/internal/fifo"
)

// TestProblemViewsNeverWaitOnAPipe: the line shown with a problem is read
// only from a regular file; a named pipe used to block the window.
func TestProblemViewsNeverWaitOnAPipe(t *testing.T) {
	dir := t.TempDir()
	good, pipe := filepath.Join(dir, "good.yaml"), filepath.Join(dir, "x.yaml")
	if err := os.WriteFile(good, []byte("name: a\nstagez: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo.Make(t, pipe)
	v := fifo.Within(t, "problemViews on a named pipe", func() []ProblemView {
		return problemViews([]env.Problem{
			{Pos: env.Pos{File: good, Line: 2, Col: 1}, Message: "unknown key"},
			{Pos: env.Pos{File: pipe, Line: 1, Col: 1}, Message: "it is a named pipe"},
		})
	})
	if v[0].Source != "stagez: []" || v[1].Source != "" {
		t.Errorf("sources = %q, %q; want the good file's line 2 and nothing for the pipe", v[0].Source, v[1].Source)
	}
}

// TestTheLastKnownStateIsNeverReadFromAPipe: a named pipe where the last
// known state is kept used to block the window's launch; it is an empty
// cache now, at once.
func TestTheLastKnownStateIsNeverReadFromAPipe(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "dashboard.json")
	fifo.Make(t, pipe)
	if n := fifo.Within(t, "loading the last known state from a named pipe", func() int {
		return len((&stateCache{path: pipe}).load())
	}); n != 0 {
		t.Errorf("%d states read from a pipe", n)
	}
}
