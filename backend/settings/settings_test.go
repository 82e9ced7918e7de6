package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"cloudcontrol/backend/cloud"
)

func TestUpdateAndLoadKeepEveryChange(t *testing.T) {
	f := Open(filepath.Join(t.TempDir(), "config"))
	if s, err := f.Load(); err != nil || s.Profile != "" || s.Folders != nil {
		t.Fatalf("missing file: %+v %v", s, err)
	}
	var wg sync.WaitGroup
	for _, p := range []string{"a", "b", "c", "d"} {
		wg.Go(func() {
			if err := f.Remember(p, cloud.Identity{Account: "1", ARN: "arn:" + p}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Go(func() {
		if _, err := f.Update(func(s *Settings) error { s.Folders, s.RefreshSeconds = []string{"/envs"}, 30; return nil }); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	if err := f.Use("dev", "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	s, err := f.Load()
	if err != nil || s.Profile != "dev" || s.Region != "eu-west-1" || len(s.Identities) != 4 || s.Identities["c"].ARN != "arn:c" ||
		s.Identities["c"].CheckedAt.IsZero() || !slices.Equal(s.Folders, []string{"/envs"}) || s.RefreshSeconds != 30 {
		t.Fatalf("after updates: %+v %v", s, err)
	}
	if err := f.Use("dev", ""); err != nil {
		t.Fatal(err)
	}
	if p, r, err := f.Choice(); p != "dev" || r != "" || err != nil {
		t.Fatalf("clearing the region: %q %q %v", p, r, err)
	}
}

func TestAFailedChangeWritesNothing(t *testing.T) {
	f := Open(t.TempDir())
	if err := f.Use("work", ""); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(f.Path())
	no := errors.New("already watched")
	if _, err := f.Update(func(s *Settings) error { s.Profile = "other"; return no }); !errors.Is(err, no) {
		t.Fatalf("Update = %v, want the change's error", err)
	}
	if after, _ := os.ReadFile(f.Path()); !bytes.Equal(before, after) {
		t.Fatalf("a refused change was written:\n%s", after)
	}
}

// A damaged file may hold the active profile: it is reported, never
// renamed away, and never overwritten by a later save.
func TestADamagedFileIsReportedAndLeftUntouched(t *testing.T) {
	dir := t.TempDir()
	for _, bad := range []string{`{"profile": "prod", "region": `, `null`, `{"refreshSeconds": "soon"}`, `[1]`} {
		f := Open(dir)
		if err := os.WriteFile(f.Path(), []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		var damaged *DamagedError
		if _, err := f.Load(); !errors.As(err, &damaged) || !strings.Contains(err.Error(), f.Path()) || !strings.Contains(err.Error(), "fix it or remove it") {
			t.Fatalf("%s: Load = %v; want a DamagedError naming the file and what to do", bad, err)
		}
		if _, _, err := f.Choice(); !errors.As(err, &damaged) {
			t.Fatalf("%s: Choice = %v", bad, err)
		}
		for name, save := range map[string]func() error{
			"use":      func() error { return f.Use("dev", "") },
			"remember": func() error { return f.Remember("dev", cloud.Identity{Account: "1"}) },
			"update":   func() error { _, err := f.Update(func(*Settings) error { return nil }); return err },
		} {
			err := save()
			if !errors.As(err, &damaged) || !strings.Contains(err.Error(), "not saved") || !strings.Contains(err.Error(), f.Path()) {
				t.Errorf("%s over %s: %v; want it refused, naming the file", name, bad, err)
			}
		}
		if b, _ := os.ReadFile(f.Path()); string(b) != bad {
			t.Fatalf("the damaged file was changed to %q", b)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 2 { // the file and its lock
			t.Fatalf("files beside it: %v; nothing may be renamed or left behind", entries)
		}
	}
	// Fixed (or removed), saving works again.
	f := Open(dir)
	if err := os.Remove(f.Path()); err != nil {
		t.Fatal(err)
	}
	if err := f.Use("dev", ""); err != nil {
		t.Fatal(err)
	}
}

// A newer version's keys survive an older version's save.
func TestKeysOfANewerVersionAreKept(t *testing.T) {
	f := Open(t.TempDir())
	future := `{"profile":"work","theme":{"dark":true,"accent":"#ff0000"},"pinnedEnvs":["a","b"]}`
	if err := os.WriteFile(f.Path(), []byte(future), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.Use("dev", "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	b, _ := os.ReadFile(f.Path())
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"profile": "dev", "region": "eu-west-1",
		"theme": map[string]any{"dark": true, "accent": "#ff0000"}, "pinnedEnvs": []any{"a", "b"}}
	if !reflect.DeepEqual(doc, want) {
		t.Fatalf("after a save:\n%s\nwant the unknown keys unchanged", b)
	}
}

// Folders nil (never saved: the defaults apply) and empty (all removed)
// stay apart across a save.
func TestNoFoldersSavedDiffersFromAllRemoved(t *testing.T) {
	f := WindowFile(t.TempDir(), false)
	if err := f.Use("work", ""); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.Load(); s.Folders != nil {
		t.Fatalf("folders %#v before any were saved", s.Folders)
	}
	if _, err := f.Update(func(s *Settings) error { s.Folders = []string{}; return nil }); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.Load(); s.Folders == nil || len(s.Folders) != 0 {
		t.Fatalf("folders %#v after removing them all", s.Folders)
	}
}

func TestTheSandboxWindowHasItsOwnFile(t *testing.T) {
	dir := t.TempDir()
	if got := WindowFile(dir, true).Path(); got != filepath.Join(dir, "settings-sandbox.json") {
		t.Fatalf("sandbox window file %s", got)
	}
	if got := WindowFile(dir, false).Path(); got != Open(dir).Path() || filepath.Base(got) != "settings.json" {
		t.Fatalf("window file %s", got)
	}
}

// knownKeys decides which keys are this version's: it must name every field.
func TestKnownKeysNameEveryField(t *testing.T) {
	var names []string
	for f := range reflect.TypeFor[Settings]().Fields() {
		if f.IsExported() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			names = append(names, name)
		}
	}
	if !slices.Equal(names, knownKeys) {
		t.Fatalf("fields %v, knownKeys %v", names, knownKeys)
	}
}

// Two processes (a window and a terminal) saving at once keep each
// other's changes: the file lock serialises them across processes.
func TestTwoProcessesKeepEachOthersChanges(t *testing.T) {
	if os.Getenv("SETTINGS_WRITER") != "" {
		return // the writer's work is in writerProcess, run by TestMain
	}
	dir := t.TempDir()
	const each = 25
	var cmds []*exec.Cmd
	for _, who := range []string{"window", "terminal"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTwoProcessesKeepEachOthersChanges$")
		cmd.Env = append(os.Environ(), "SETTINGS_WRITER="+who, "SETTINGS_DIR="+dir, "SETTINGS_COUNT="+strconv.Itoa(each))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("writer process: %v", err)
		}
	}
	s, err := Open(dir).Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Identities) != 2*each || len(s.Folders) != 2*each {
		t.Fatalf("%d identities and %d folders kept, want %d of each", len(s.Identities), len(s.Folders), 2*each)
	}
}

func TestMain(m *testing.M) {
	if who := os.Getenv("SETTINGS_WRITER"); who != "" {
		if err := writerProcess(who, os.Getenv("SETTINGS_DIR"), os.Getenv("SETTINGS_COUNT")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// writerProcess alternates the window's kind of change (a folder) with the
// terminal's kind (an identity), each under its own name.
func writerProcess(who, dir, count string) error {
	n, err := strconv.Atoi(count)
	if err != nil {
		return err
	}
	f := Open(dir)
	for i := range n {
		name := fmt.Sprintf("%s-%d", who, i)
		if err := f.Remember(name, cloud.Identity{Account: "1"}); err != nil {
			return err
		}
		if _, err := f.Update(func(s *Settings) error { s.Folders = append(s.Folders, "/"+name); return nil }); err != nil {
			return err
		}
	}
	return nil
}
