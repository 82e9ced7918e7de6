package creds

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

func sample(name string) KeychainProfile {
	return KeychainProfile{Name: name, AccessKeyID: testKeyID, SecretAccessKey: testSecret,
		MFASerial: "arn:aws:iam::123456789012:mfa/tester", Region: "eu-west-1", SessionDuration: 2 * time.Hour}
}

// Both the fake and the go-keyring mock behind SystemKeyring must behave alike.
func keyrings() map[string]func() Keyring {
	return map[string]func() Keyring{
		"mem":    func() Keyring { return newMemKeyring() },
		"system": func() Keyring { keyring.MockInit(); return NewSystemKeyring("cloudcontrol-test") },
	}
}

func TestStoreLifecycle(t *testing.T) {
	for kind, mk := range keyrings() {
		t.Run(kind, func(t *testing.T) {
			s := NewStore(mk())
			if err := s.Add(sample("work")); err != nil {
				t.Fatal(err)
			}
			if err := s.Add(sample("work")); !errors.Is(err, ErrProfileExists) {
				t.Fatalf("second Add = %v, want ErrProfileExists", err)
			}
			role := sample("admin")
			role.RoleARN, role.MFASerial = "arn:aws:iam::123456789012:role/Admin", ""
			if err := s.Add(role); err != nil {
				t.Fatal(err)
			}
			got, err := s.Get("work")
			if err != nil || got != sample("work") {
				t.Fatalf("Get = %+v, %v", got, err)
			}
			list, err := s.List()
			if err != nil || len(list) != 2 || list[0].Name != "admin" || list[1].Name != "work" {
				t.Fatalf("List = %+v, %v", list, err)
			}
			want := Profile{Name: "work", Kind: KindKeychain, Region: "eu-west-1", MFASerial: sample("work").MFASerial,
				KeyIDSuffix: "1234", Source: SourceKeychain}
			if list[1] != want {
				t.Fatalf("List[1] = %+v, want %+v", list[1], want)
			}
			// Update without keys keeps the stored keys.
			if err := s.Update(KeychainProfile{Name: "work", Region: "us-east-2"}); err != nil {
				t.Fatal(err)
			}
			got, _ = s.Get("work")
			if got.Region != "us-east-2" || got.SecretAccessKey != testSecret || got.MFASerial != "" {
				t.Fatalf("after Update: %+v", got)
			}
			if err := s.Update(sample("nobody")); !errors.Is(err, ErrProfileNotFound) {
				t.Fatalf("Update missing = %v", err)
			}
			if err := s.Delete("work"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get("work"); !errors.Is(err, ErrProfileNotFound) {
				t.Fatalf("Get after Delete = %v", err)
			}
			if err := s.Delete("work"); !errors.Is(err, ErrProfileNotFound) {
				t.Fatalf("second Delete = %v", err)
			}
			if list, _ := s.List(); len(list) != 1 || list[0].Name != "admin" {
				t.Fatalf("List after Delete = %+v", list)
			}
		})
	}
}

func TestStoreValidates(t *testing.T) {
	s := NewStore(newMemKeyring())
	bad := map[string]func(*KeychainProfile){
		"empty name":      func(p *KeychainProfile) { p.Name = "" },
		"bracket in name": func(p *KeychainProfile) { p.Name = "a]b" },
		"key id":          func(p *KeychainProfile) { p.AccessKeyID = "akia-lower" },
		"no secret":       func(p *KeychainProfile) { p.SecretAccessKey = "" },
		"role":            func(p *KeychainProfile) { p.RoleARN = "Admin" },
		"region":          func(p *KeychainProfile) { p.Region = "Europe" },
		"duration":        func(p *KeychainProfile) { p.SessionDuration = time.Minute },
		"role 13h":        func(p *KeychainProfile) { p.RoleARN, p.SessionDuration = "arn:aws:iam::1:role/x", 13*time.Hour },
	}
	for name, change := range bad {
		p := sample("work")
		change(&p)
		err := s.Add(p)
		if err == nil {
			t.Errorf("%s: Add accepted %v", name, p)
		} else if strings.Contains(err.Error(), testSecret) {
			t.Errorf("%s: error shows the secret: %v", name, err)
		}
	}
	if list, _ := s.List(); len(list) != 0 {
		t.Fatalf("invalid profiles were stored: %v", list)
	}
	// Surrounding spaces from a paste are not part of a key.
	p := sample("work")
	p.AccessKeyID, p.SecretAccessKey = " "+p.AccessKeyID+"\n", p.SecretAccessKey+" "
	if err := s.Add(p); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get("work"); got.AccessKeyID != testKeyID || got.SecretAccessKey != testSecret {
		t.Fatalf("keys not trimmed: %q", got.AccessKeyID)
	}
}

// A locked keychain fails every call with a clear error and changes nothing.
func TestStoreLockedKeychainChangesNothing(t *testing.T) {
	kr := newMemKeyring()
	s := NewStore(kr)
	if err := s.Add(sample("work")); err != nil {
		t.Fatal(err)
	}
	before := kr.snapshot()
	kr.lock()
	_, getErr := s.Get("work")
	_, listErr := s.List()
	errs := []error{s.Add(sample("new")), s.Update(sample("work")), s.Delete("work"), getErr, listErr}
	for i, err := range errs {
		if !errors.Is(err, ErrKeychainUnavailable) {
			t.Errorf("call %d: %v; want ErrKeychainUnavailable", i, err)
		}
	}
	kr.unlock()
	if !maps.Equal(before, kr.snapshot()) {
		t.Fatalf("locked keychain changed: %v -> %v", before, kr.snapshot())
	}
	// Locked only for writing: Add still fails cleanly without a partial write.
	kr.failSet = errors.New("write refused")
	if err := s.Add(sample("new")); err == nil {
		t.Fatal("Add succeeded with writes refused")
	}
	kr.unlock()
	if !maps.Equal(before, kr.snapshot()) {
		t.Fatal("failed Add left something behind")
	}
}

func TestStoreDamagedItemDoesNotLeakSecret(t *testing.T) {
	kr := newMemKeyring()
	kr.items[profilePrefix+"work"] = `{"aws_secret_access_key": "` + testSecret + `", broken`
	_, err := NewStore(kr).Get("work")
	if err == nil || strings.Contains(err.Error(), testSecret) || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("Get = %v", err)
	}
}
