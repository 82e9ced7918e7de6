package creds

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const messyCredentials = "# Keys for all my accounts\n" +
	";   managed by hand   \n" +
	"\n" +
	"[default]\n" +
	"aws_access_key_id=AKIADEFAULTKEY0001\n" +
	"aws_secret_access_key   =   defaultsecret0000000000\n" +
	"\n" +
	"\n" +
	"# the old personal account\n" +
	"[ personal ]\n" +
	"aws_access_key_id = AKIAPERSONALKEY002\n" +
	"# previous key: aws_secret_access_key = oldoldoldoldoldold\n" +
	"aws_secret_access_key = " + testSecret + "   ; rotated in May\n" +
	"region = eu-west-1\n" +
	"\n" +
	"   # about work, indented\n" +
	"[work]\t# inline after header\n" +
	"aws_access_key_id = AKIAWORKKEY0000003\n" +
	"aws_secret_access_key = worksecret0000000000000\n" +
	"\n" +
	"[personal]\n" +
	"mfa_serial = arn:aws:iam::1:mfa/me\n" +
	"[last]\n" +
	"aws_access_key_id = AKIALASTKEY0000004\n" +
	"aws_secret_access_key = lastsecret0000000000" // no final newline

func TestRemoveFromCredentialsFileKeepsEverythingElse(t *testing.T) {
	path := writeFile(t, "credentials", messyCredentials)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := RemoveFromCredentialsFile(path, "personal"); err != nil {
		t.Fatal(err)
	}
	want := "# Keys for all my accounts\n" +
		";   managed by hand   \n" +
		"\n" +
		"[default]\n" +
		"aws_access_key_id=AKIADEFAULTKEY0001\n" +
		"aws_secret_access_key   =   defaultsecret0000000000\n" +
		"\n" +
		"\n" +
		"# the old personal account\n" +
		"\n" +
		"   # about work, indented\n" +
		"[work]\t# inline after header\n" +
		"aws_access_key_id = AKIAWORKKEY0000003\n" +
		"aws_secret_access_key = worksecret0000000000000\n" +
		"\n" +
		"[last]\n" +
		"aws_access_key_id = AKIALASTKEY0000004\n" +
		"aws_secret_access_key = lastsecret0000000000"
	got, _ := os.ReadFile(path)
	if string(got) != want {
		t.Fatalf("file after removal:\n%s\n--- want ---\n%s", got, want)
	}
	if strings.Contains(string(got), testSecret) || strings.Contains(string(got), "oldoldold") {
		t.Fatal("a secret of the removed profile is still in the file")
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, want 0600", info.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestRemoveLastSectionAndCRLF(t *testing.T) {
	in := "[a]\r\nk = 1\r\n\r\n[b]\r\nk = 2\r\n"
	path := writeFile(t, "credentials", in)
	if err := RemoveFromCredentialsFile(path, "b"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "[a]\r\nk = 1\r\n\r\n" {
		t.Fatalf("got %q", got)
	}
	if err := RemoveFromCredentialsFile(path, "a"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "\r\n" {
		t.Fatalf("got %q", got)
	}
}

func TestRemoveThroughSymlinkKeepsLink(t *testing.T) {
	target := writeFile(t, "real-credentials", "[a]\nk = 1\n[b]\nk = 2\n")
	link := filepath.Join(t.TempDir(), "credentials")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := RemoveFromCredentialsFile(link, "a"); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the symlink was replaced by a file")
	}
	if got, _ := os.ReadFile(target); string(got) != "[b]\nk = 2\n" {
		t.Fatalf("target = %q", got)
	}
}

func TestRemoveRefusesAndLeavesFileAlone(t *testing.T) {
	cases := map[string]struct {
		content, name string
		is            error
		mention       string
	}{
		"missing profile": {"[a]\nk = 1\n", "zzz", ErrProfileNotFound, "no profile [zzz]"},
		"malformed file":  {"[a]\nk = 1\n[b\nk = 2\n", "a", nil, ":3:"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, "credentials", c.content)
			err := RemoveFromCredentialsFile(path, c.name)
			if err == nil || !strings.Contains(err.Error(), c.mention) || (c.is != nil && !errors.Is(err, c.is)) {
				t.Fatalf("err = %v; want one mentioning %q", err, c.mention)
			}
			if got, _ := os.ReadFile(path); string(got) != c.content {
				t.Fatalf("file changed to %q", got)
			}
		})
	}
	if err := RemoveFromCredentialsFile(filepath.Join(t.TempDir(), "none"), "a"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}
