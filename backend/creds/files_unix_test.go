//go:build unix

package creds

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cloudcontrol/internal/fifo"
)

// TestStrayAWSFilesAreRefusedAtOnce: a named pipe as ~/.aws/config or
// /dev/zero behind ~/.aws/credentials is refused, naming it, by the profile
// list, the section removal and Check (what backend/aws asks before the SDK
// reads them), instead of a read that never ends or never stops growing.
func TestStrayAWSFilesAreRefusedAtOnce(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "config")
	fifo.Make(t, pipe)
	zero := filepath.Join(dir, "credentials")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	files := Files{Config: pipe, Credentials: zero}
	err := fifo.Within(t, "ListProfiles", func() error { _, err := ListProfiles(files); return err })
	mustSay(t, "ListProfiles", err, pipe+": it is a named pipe, not a regular file", zero+": it is a device, not a regular file")
	err = fifo.Within(t, "RemoveFromCredentialsFile", func() error { return RemoveFromCredentialsFile(zero, "old") })
	mustSay(t, "RemoveFromCredentialsFile", err, `removing profile "old" from `+zero+": it is a device, not a regular file")
	err = fifo.Within(t, "Check", files.Check)
	mustSay(t, "Check", err, "cannot read the AWS config file "+pipe+": it is a named pipe",
		"cannot read the AWS credentials file "+zero+": it is a device")
}

// TestCheckLetsMissingAndOrdinaryFilesBe: what the SDK reads as usual
// (no file, a regular one, one it cannot open and skips) passes; only a
// file past MaxFileSize is refused too.
func TestCheckLetsMissingAndOrdinaryFilesBe(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	if err := os.WriteFile(config, []byte("[default]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink("loop", loop); err != nil {
		t.Fatal(err)
	}
	for _, f := range []Files{{Config: config, Credentials: filepath.Join(dir, "none")}, {Config: loop}, {}} {
		if err := f.Check(); err != nil {
			t.Errorf("Check(%+v) = %v, want nil", f, err)
		}
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	mustSay(t, "Check(big)", Files{Credentials: big}.Check(), "cannot read the AWS credentials file "+big+": the file has 4194305 bytes; the limit is 4194304")
	_, err := ListProfiles(Files{Credentials: big})
	mustSay(t, "ListProfiles(big)", err, "reading AWS profiles from "+big+": the file has 4194305 bytes")
}

func mustSay(t *testing.T, what string, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want one saying %q", what, parts)
		return
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s = %v, want it to say %q", what, err, p)
		}
	}
}
