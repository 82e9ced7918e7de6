//go:build unix

package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFilesThatAreNotFiles: a named pipe named x.yaml and a link to
// /dev/zero are reported at FILE:1:1 by list and validate, which used to
// wait on the pipe forever (deaf to Ctrl-C) or read /dev/zero until the
// memory ran out.
func TestFilesThatAreNotFiles(t *testing.T) {
	isolateAWS(t, "http://127.0.0.1:1")
	dir := writeEnvs(t, map[string]string{"ok.yaml": "stages: [{name: a, instances: [i-0123456789abcdef0]}]\n"})
	pipe, zero := filepath.Join(dir, "x.yaml"), filepath.Join(dir, "zero.yaml")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	t.Cleanup(func() { // releases a reader still blocked on it (the bug)
		if f, err := os.OpenFile(pipe, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yml")
	for _, args := range [][]string{
		{"--dir", dir, "env", "list"},
		{"--dir", dir, "env", "validate"},
		{"env", "validate", pipe, zero, missing},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		var out, errOut syncBuffer
		done := make(chan int, 1)
		go func() { done <- runCLI(ctx, &out, &errOut, args...) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cancel()
			t.Fatalf("%v did not return within 5s", args)
		}
		cancel()
		text := out.String() + errOut.String()
		for _, want := range []string{
			pipe + ":1:1: cannot read the environment file: it is a named pipe, not a regular file",
			zero + ":1:1: cannot read the environment file: it is a device, not a regular file",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%v printed\n%s\nwant a line %q", args, text, want)
			}
		}
		if args[0] != "--dir" && !strings.Contains(text, missing+":1:1: cannot read the environment file: no such file or directory") {
			t.Errorf("%v printed\n%s\nwant the missing file at :1:1", args, text)
		}
	}
}
