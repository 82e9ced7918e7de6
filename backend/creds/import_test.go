package creds

import (
	"errors"
	"maps"
	"os"
	"strings"
	"testing"
)

func TestImportThenRemove(t *testing.T) {
	credsPath := writeFile(t, "credentials", messyCredentials)
	cfgPath := writeFile(t, "config", "[profile work]\nregion = us-west-2\nmfa_serial = arn:aws:iam::1:mfa/me\n")
	files := Files{Config: cfgPath, Credentials: credsPath}
	store := NewStore(newMemKeyring())

	got, err := Import(files, "work", store)
	if err != nil {
		t.Fatal(err)
	}
	want := Profile{Name: "work", Kind: KindKeychain, Region: "us-west-2", MFASerial: "arn:aws:iam::1:mfa/me",
		KeyIDSuffix: "0003", Source: SourceKeychain}
	if got != want {
		t.Fatalf("Import = %+v, want %+v", got, want)
	}
	kp, err := store.Get("work")
	if err != nil || kp.AccessKeyID != "AKIAWORKKEY0000003" || kp.SecretAccessKey != "worksecret0000000000000" {
		t.Fatalf("stored %+v, %v", kp, err)
	}
	if data, _ := os.ReadFile(credsPath); string(data) != messyCredentials {
		t.Fatal("Import changed the credentials file")
	}
	if _, err := Import(files, "work", store); !errors.Is(err, ErrProfileExists) {
		t.Fatalf("second Import = %v", err)
	}
	if err := RemoveFromCredentialsFile(credsPath, "work"); err != nil {
		t.Fatal(err)
	}
	all, _ := ListAll(files, store)
	for _, p := range all {
		if p.Name == "work" && (p.Kind != KindKeychain || p.Plaintext) {
			t.Fatalf("after removal: %+v", p)
		}
	}
}

func TestImportRefusals(t *testing.T) {
	creds := "[temp]\naws_access_key_id = ASIATEMPKEY0000001\naws_secret_access_key = " + testSecret +
		"\naws_session_token = " + testSession + "\n[halfway]\naws_access_key_id = AKIAHALFKEY0000001\n" +
		"[badkey]\naws_access_key_id = not-a-key\naws_secret_access_key = " + testSecret + "\n[sp ace]\naws_access_key_id = AKIAWORKKEY0000003\naws_secret_access_key = " + testSecret + "\n"
	files := Files{Credentials: writeFile(t, "credentials", creds)}
	kr := newMemKeyring()
	store := NewStore(kr)
	for name, mention := range map[string]string{"temp": "temporary", "halfway": "no aws_access_key_id and",
		"nobody": "no such profile", "badkey": "access key id must be", "sp ace": "not usable"} {
		_, err := Import(files, name, store)
		if err == nil || !strings.Contains(err.Error(), mention) {
			t.Errorf("Import(%q) = %v; want mention of %q", name, err, mention)
		}
		if err != nil && (strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), testSession)) {
			t.Errorf("Import(%q) error shows a secret: %v", name, err)
		}
	}
	if len(kr.items) != 0 {
		t.Fatalf("refused imports stored %v", kr.items)
	}
}

func TestImportReadsPastBrokenLinesAndLockedKeychain(t *testing.T) {
	creds := "[other\nx\n[work]\naws_access_key_id = AKIAWORKKEY0000003\naws_secret_access_key = " + testSecret + "\n"
	files := Files{Credentials: writeFile(t, "credentials", creds)}
	kr := newMemKeyring()
	kr.lock()
	if _, err := Import(files, "work", NewStore(kr)); !errors.Is(err, ErrKeychainUnavailable) {
		t.Fatalf("Import into a locked keychain = %v", err)
	}
	kr.unlock()
	if len(kr.items) != 0 {
		t.Fatal("locked keychain changed")
	}
	before := maps.Clone(kr.items)
	if _, err := Import(files, "work", NewStore(kr)); err != nil {
		t.Fatalf("Import with a broken other section = %v", err)
	}
	if maps.Equal(before, kr.items) {
		t.Fatal("nothing stored")
	}
	if _, err := Import(files, "other", NewStore(kr)); err == nil || !strings.Contains(err.Error(), ":1:") {
		t.Fatalf("Import of the broken section = %v; want the parse error", err)
	}
}
