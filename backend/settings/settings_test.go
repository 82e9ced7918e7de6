package settings

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
)

func TestUpdateAndLoadKeepEveryChange(t *testing.T) {
	f := Open(filepath.Join(t.TempDir(), "config"))
	if s, err := f.Load(); err != nil || s.Profile != "" {
		t.Fatalf("missing file: %+v %v", s, err)
	}
	var wg sync.WaitGroup
	for _, p := range []string{"a", "b", "c", "d"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.Remember(p, Identity{Account: "1", ARN: "arn:" + p, CheckedAt: time.Unix(1, 0)}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := f.Update(func(s *Settings) { s.Profile, s.Region = "dev", "eu-west-1" }); err != nil {
		t.Fatal(err)
	}
	s, err := f.Load()
	if err != nil || s.Profile != "dev" || s.Region != "eu-west-1" || len(s.Identities) != 4 || s.Identities["c"].ARN != "arn:c" {
		t.Fatalf("after updates: %+v %v", s, err)
	}
	if err := os.WriteFile(f.Path(), []byte("{nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Load(); err == nil || !strings.Contains(err.Error(), f.Path()) {
		t.Fatalf("damaged file: %v", err)
	}
}

func TestActiveProfilePrecedence(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	saved := Settings{Profile: "saved"}
	cases := []struct {
		flag      string
		env       map[string]string
		want, src string
	}{
		{"cli", map[string]string{"AWS_PROFILE": "envp"}, "cli", "flag"},
		{"", map[string]string{"AWS_PROFILE": "envp"}, "envp", "AWS_PROFILE"},
		{"", map[string]string{"AWS_ACCESS_KEY_ID": "AKIA"}, "", ""},
		{"", nil, "saved", "settings"},
	}
	for _, c := range cases {
		if got, src := ActiveProfile(c.flag, env(c.env), saved); got != c.want || src != c.src {
			t.Errorf("%q %v: got %q (%s), want %q (%s)", c.flag, c.env, got, src, c.want, c.src)
		}
	}
	if got, _ := ActiveProfile("", env(nil), Settings{}); got != "" {
		t.Errorf("nothing chosen: %q", got)
	}
}

func TestIdentityHookRemembersRealProfilesOnly(t *testing.T) {
	f := Open(filepath.Join(t.TempDir(), "config"))
	if f.IdentityHook("http://127.0.0.1:4566", nil) != nil {
		t.Fatal("against a custom endpoint the sandbox's identity must not be remembered as the profile's")
	}
	hook := f.IdentityHook("", nil)
	hook("", cloud.Identity{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/me"})
	hook("work", cloud.Identity{Account: "444455556666", ARN: "arn:aws:iam::444455556666:user/me"})
	s, err := f.Load()
	if err != nil || s.Identities["default"].Account != "111122223333" || s.Identities["work"].ARN != "arn:aws:iam::444455556666:user/me" ||
		s.Identities["work"].CheckedAt.IsZero() {
		t.Fatalf("remembered %+v (%v)", s.Identities, err)
	}
}
