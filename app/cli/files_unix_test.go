//go:build unix

package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cloudcontrol/internal/fifo"
)

// TestFilesThatAreNotFiles: a named pipe named x.yaml and a link to
// /dev/zero are reported at FILE:1:1 by list and validate, which used to
// wait on the pipe forever (deaf to Ctrl-C) or read /dev/zero until the
// memory ran out.
func TestFilesThatAreNotFiles(t *testing.T) {
	isolateAWS(t, "http://127.0.0.1:1")
	dir := writeEnvs(t, map[string]string{"ok.yaml": "stages: [{name: a, instances: [i-0123456789abcdef0]}]\n"})
	pipe, zero := filepath.Join(dir, "x.yaml"), filepath.Join(dir, "zero.yaml")
	fifo.Make(t, pipe)
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yml")
	for _, args := range [][]string{
		{"--dir", dir, "env", "list"},
		{"--dir", dir, "env", "validate"},
		{"env", "validate", pipe, zero, missing},
	} {
		_, text := runWithin(t, args...)
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

// runWithin runs the command line, failing the test if it has not
// returned within fifo.Bound; it gives the exit code and stdout followed
// by stderr.
func runWithin(t *testing.T, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), fifo.Bound)
	defer cancel()
	var out, errOut syncBuffer
	code := fifo.Within(t, strings.Join(args, " "), func() int { return runCLI(ctx, &out, &errOut, args...) })
	return code, out.String() + errOut.String()
}

// TestStrayAWSAndSettingsFiles: a named pipe as ~/.aws/config, where the
// AWS SDK would wait on it for good, stops a command that connects at once,
// naming it, and is a warning in profile list; a named pipe as
// settings.json is a damaged settings file, which profile use refuses to
// overwrite.
func TestStrayAWSAndSettingsFiles(t *testing.T) {
	isolateAWS(t, "http://127.0.0.1:1")
	pipe := filepath.Join(t.TempDir(), "config")
	fifo.Make(t, pipe)
	t.Setenv("AWS_CONFIG_FILE", pipe)
	t.Setenv("AWS_ACCESS_KEY_ID", "") // a profile, so that the files are what it reads
	t.Setenv("AWS_PROFILE", "work")
	said := "cannot read the AWS config file " + pipe + ": it is a named pipe, not a regular file"
	if code, text := runWithin(t, "profile", "whoami"); code != ExitFailed || !strings.Contains(text, said) {
		t.Errorf("profile whoami: exit %d,\n%s\nwant exit %d saying %q", code, text, ExitFailed, said)
	}
	if code, text := runWithin(t, "profile", "list"); code != ExitOK || !strings.Contains(text, "warning: reading AWS profiles from "+pipe+": it is a named pipe") {
		t.Errorf("profile list: exit %d,\n%s\nwant a warning naming the pipe", code, text)
	}

	config := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(config, []byte("[profile dev]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", config)
	settingsFile := filepath.Join(os.Getenv("CLOUDCONTROL_HOME"), "config", "settings.json")
	if err := os.MkdirAll(filepath.Dir(settingsFile), 0o700); err != nil {
		t.Fatal(err)
	}
	fifo.Make(t, settingsFile)
	damaged := "the settings file " + settingsFile + " is damaged (it is a named pipe, not a regular file): fix it or remove it"
	if code, text := runWithin(t, "profile", "use", "dev"); code == ExitOK || !strings.Contains(text, damaged) {
		t.Errorf("profile use: exit %d,\n%s\nwant it refused saying %q", code, text, damaged)
	}
	if info, err := os.Lstat(settingsFile); err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("settings.json was replaced: %v, %v", info, err)
	}
}
