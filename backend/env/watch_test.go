package env

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const goodEnv = "name: web\nregion: eu-west-1\nstages:\n  - name: app\n    instances: [i-0123456789abcdef0]\n"

// startWatcher watches dir and returns a channel of every snapshot.
func startWatcher(t *testing.T, dir string) (*Watcher, <-chan Snapshot) {
	t.Helper()
	ch := make(chan Snapshot, 64)
	w, err := NewWatcher([]string{dir}, WatchOptions{Debounce: 20 * time.Millisecond, OnChange: func(s Snapshot) { ch <- s }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return w, ch
}

// next waits for the first snapshot that satisfies ok.
func next(t *testing.T, ch <-chan Snapshot, what string, ok func(Snapshot) bool) Snapshot {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case s := <-ch:
			if ok(s) {
				return s
			}
		case <-deadline:
			t.Fatalf("no snapshot where %s", what)
		}
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWatcherFollowsEditsBreakageRenamesAndDeletes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "web.yaml")
	write(t, file, goodEnv)
	_, ch := startWatcher(t, dir)
	next(t, ch, "web is loaded", func(s Snapshot) bool { return s.ByName("web") != nil })

	write(t, file, strings.Replace(goodEnv, "eu-west-1", "us-east-1", 1))
	next(t, ch, "the edit is seen", func(s Snapshot) bool { e := s.ByName("web"); return e != nil && e.Region == "us-east-1" })

	write(t, file, strings.Replace(goodEnv, "stages:", "stagez:", 1))
	s := next(t, ch, "the file is broken", func(s Snapshot) bool { return len(s.Problems) > 0 })
	if s.ByName("web") != nil {
		t.Error("a broken file is still in Envs")
	}
	lg := s.LastGood[file]
	if lg == nil || lg.Region != "us-east-1" {
		t.Fatalf("last good of the broken file = %+v, want the us-east-1 version", lg)
	}
	if !slices.ContainsFunc(s.Problems, func(p Problem) bool { return p.Pos.File == file && p.Pos.Line == 3 }) {
		t.Errorf("problems %v, want one at %s:3 (the misspelt key)", s.Problems, file)
	}

	write(t, file, goodEnv)
	next(t, ch, "the fix is seen", func(s Snapshot) bool { return s.ByName("web") != nil && len(s.Problems) == 0 && len(s.LastGood) == 0 })

	// An editor's safe save: write a temp file, then rename it over the original.
	tmp := filepath.Join(dir, ".web.yaml.swp")
	write(t, tmp, strings.Replace(goodEnv, "eu-west-1", "ap-south-1", 1))
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
	next(t, ch, "the renamed-over file is seen", func(s Snapshot) bool { e := s.ByName("web"); return e != nil && e.Region == "ap-south-1" })

	if err := os.Rename(file, filepath.Join(dir, "shop.yml")); err != nil {
		t.Fatal(err)
	}
	next(t, ch, "the renamed file is seen", func(s Snapshot) bool {
		e := s.ByName("web") // the name: key wins over the file name
		return e != nil && filepath.Base(e.File) == "shop.yml"
	})

	if err := os.Remove(filepath.Join(dir, "shop.yml")); err != nil {
		t.Fatal(err)
	}
	next(t, ch, "the deletion is seen", func(s Snapshot) bool { return len(s.Envs) == 0 && len(s.Problems) == 0 })
}

func TestWatcherForgetsLastGoodOfDeletedFiles(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "web.yaml")
	write(t, file, goodEnv)
	_, ch := startWatcher(t, dir)
	next(t, ch, "loaded", func(s Snapshot) bool { return s.ByName("web") != nil })
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	next(t, ch, "deleted", func(s Snapshot) bool { return len(s.Envs) == 0 })
	write(t, file, "stages: [")
	s := next(t, ch, "broken again", func(s Snapshot) bool { return len(s.Problems) > 0 })
	if s.LastGood[file] != nil {
		t.Error("a file recreated broken after a delete got its old definition back")
	}
}

func TestWatcherSetDirsWatchesTheNewFolder(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	w, ch := startWatcher(t, a)
	next(t, ch, "first load", func(s Snapshot) bool { return true })
	w.SetDirs([]string{a, b})
	next(t, ch, "reload after SetDirs", func(s Snapshot) bool { return true })
	write(t, filepath.Join(b, "web.yaml"), goodEnv)
	next(t, ch, "a file in the added folder is seen", func(s Snapshot) bool { return s.ByName("web") != nil })
	w.SetDirs([]string{a})
	next(t, ch, "the removed folder is dropped", func(s Snapshot) bool { return s.ByName("web") == nil })
}

// TestWatcherLatency prints how long a write takes to reach OnChange with
// the default debounce; the window promises under 300ms.
func TestWatcherLatency(t *testing.T) {
	dir := t.TempDir()
	ch := make(chan Snapshot, 64)
	w, err := NewWatcher([]string{dir}, WatchOptions{OnChange: func(s Snapshot) { ch <- s }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = w.Run(ctx) }()
	next(t, ch, "first load", func(Snapshot) bool { return true })
	var worst time.Duration
	for i := range 5 {
		region := []string{"eu-west-1", "us-east-1"}[i%2]
		began := time.Now()
		write(t, filepath.Join(dir, "web.yaml"), strings.Replace(goodEnv, "eu-west-1", region, 1))
		next(t, ch, "the write", func(s Snapshot) bool { e := s.ByName("web"); return e != nil && e.Region == region })
		worst = max(worst, time.Since(began))
	}
	t.Logf("watcher latency, write to OnChange, worst of 5: %s", worst)
	if worst > 300*time.Millisecond {
		t.Errorf("a change took %s to arrive, want under 300ms", worst)
	}
}
