//go:build unix

package desktop

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"cloudcontrol/backend/env"
)

// TestProblemViewsNeverWaitOnAPipe: the line shown with a problem is read
// only from a regular file; a named pipe used to block the window.
func TestProblemViewsNeverWaitOnAPipe(t *testing.T) {
	dir := t.TempDir()
	good, pipe := filepath.Join(dir, "good.yaml"), filepath.Join(dir, "x.yaml")
	if err := os.WriteFile(good, []byte("name: a\nstagez: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(pipe, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	done := make(chan []ProblemView, 1)
	go func() {
		done <- problemViews([]env.Problem{
			{Pos: env.Pos{File: good, Line: 2, Col: 1}, Message: "unknown key"},
			{Pos: env.Pos{File: pipe, Line: 1, Col: 1}, Message: "it is a named pipe"},
		})
	}()
	select {
	case v := <-done:
		if v[0].Source != "stagez: []" || v[1].Source != "" {
			t.Errorf("sources = %q, %q; want the good file's line 2 and nothing for the pipe", v[0].Source, v[1].Source)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("problemViews did not return within 5s on a named pipe")
	}
}

// TestTheLastKnownStateIsNeverReadFromAPipe: a named pipe where the last
// known state is kept used to block the window's launch; it is an empty
// cache now, at once.
func TestTheLastKnownStateIsNeverReadFromAPipe(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "dashboard.json")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(pipe, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	done := make(chan int, 1)
	go func() { done <- len((&stateCache{path: pipe}).load()) }()
	select {
	case n := <-done:
		if n != 0 {
			t.Errorf("%d states read from a pipe", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("loading the last known state from a named pipe did not return within 5s")
	}
}
