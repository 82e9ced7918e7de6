//go:build linux

package creds

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	dbus "github.com/godbus/dbus/v5"
	"github.com/jonboulle/clockwork"
	ss "github.com/zalando/go-keyring/secret_service"
)

// These tests use the real Secret Service and run only when asked:
//
//	HOME=$(mktemp -d) dbus-run-session -- sh -c 'printf pw | gnome-keyring-daemon --unlock \
//	  --components=secrets >/dev/null && CLOUDCONTROL_REAL_KEYRING=1 go test ./backend/creds -run Real -v'
//
// CLOUDCONTROL_REAL_KEYRING=lock in such a throwaway session (it locks the
// login keyring, so never on a desktop's own), and, with no D-Bus session
// (DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent), =absent for the
// missing-keychain error. Run them alone (-run Real): other tests replace
// go-keyring's backend with its in-memory mock for the rest of the process.

func TestRealKeyringStoreAndSessions(t *testing.T) {
	if os.Getenv("CLOUDCONTROL_REAL_KEYRING") != "1" {
		t.Skip("set CLOUDCONTROL_REAL_KEYRING=1 (inside a Secret Service session) to run")
	}
	service := fmt.Sprintf("cloudcontrol-test-%d", time.Now().UnixNano())
	kr := NewSystemKeyring(service)
	t.Cleanup(func() {
		keys, err := kr.Keys()
		if err != nil {
			t.Errorf("listing the test's keychain items to delete them: %v", err)
		}
		for _, k := range keys {
			if err := kr.Delete(k); err != nil {
				t.Errorf("deleting the test's keychain item %s: %v", k, err)
			}
		}
	})
	store := NewStore(kr)
	if err := store.Add(sample("work")); err != nil {
		t.Fatal(err)
	}
	// Look the item up without go-keyring, to be sure it is really in the Secret Service.
	if n := secretServiceItems(t, service, profilePrefix+"work"); n != 1 {
		t.Fatalf("the Secret Service holds %d items for %s/profile/work; is go-keyring's mock active? run with -run Real", n, service)
	}
	got, err := store.Get("work")
	if err != nil || got != sample("work") {
		t.Fatalf("Get = %v, %v", got, err)
	}
	if err := store.Update(KeychainProfile{Name: "work", Region: "us-east-2"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.Get("work"); got.Region != "us-east-2" || got.SecretAccessKey != testSecret {
		t.Fatalf("after Update: %v", got)
	}
	if n := secretServiceItems(t, service, profilePrefix+"work"); n != 1 {
		t.Fatalf("Update left %d items instead of replacing the one", n)
	}
	if err := store.Add(sample("second")); err != nil {
		t.Fatal(err)
	}
	list, err := store.List()
	if err != nil || len(list) != 2 || list[0].Name != "second" || list[1].Name != "work" {
		t.Fatalf("List = %+v, %v", list, err)
	}

	clock := clockwork.NewFakeClockAt(t0)
	fake := &fakeSTS{now: clock.Now}
	prompts := 0
	sessions := NewSessions(store, fake, func(context.Context, string, string) (string, error) { prompts++; return "123456", nil },
		WithClock(clock))
	first, err := sessions.Get(context.Background(), "second")
	if err != nil {
		t.Fatal(err)
	}
	again, err := NewSessions(store, fake, nil, WithClock(clock)).Get(context.Background(), "second")
	if err != nil || again != first || prompts != 1 {
		t.Fatalf("cached session from the keychain: %v, %v, %d prompts", again, err, prompts)
	}
	if n := secretServiceItems(t, service, sessionPrefix+"second"); n != 1 {
		t.Fatalf("session cache items: %d", n)
	}

	for _, name := range []string{"work", "second"} {
		if err := store.Delete(name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.Get("work"); !errors.Is(err, ErrProfileNotFound) {
		t.Fatalf("Get after Delete = %v", err)
	}
	if keys, err := kr.Keys(); err != nil || len(keys) != 0 {
		t.Fatalf("keys left: %v, %v", keys, err)
	}
	if n := secretServiceItems(t, service, sessionPrefix+"second"); n != 0 {
		t.Fatalf("Delete left the cached session in the Secret Service")
	}
}

func TestRealKeyringAbsent(t *testing.T) {
	if os.Getenv("CLOUDCONTROL_REAL_KEYRING") != "absent" {
		t.Skip("set CLOUDCONTROL_REAL_KEYRING=absent (with no Secret Service running) to run")
	}
	store := NewStore(NewSystemKeyring("cloudcontrol-test-absent"))
	err := store.Add(sample("work"))
	if !errors.Is(err, ErrKeychainUnavailable) {
		t.Fatalf("Add = %v; want ErrKeychainUnavailable", err)
	}
	t.Logf("the error a person sees: %v", err)
	if _, err := store.List(); !errors.Is(err, ErrKeychainUnavailable) {
		t.Fatalf("List = %v", err)
	}
}

func TestRealKeyringLocked(t *testing.T) {
	if os.Getenv("CLOUDCONTROL_REAL_KEYRING") != "lock" {
		t.Skip("set CLOUDCONTROL_REAL_KEYRING=lock in a throwaway Secret Service session to run")
	}
	store := NewStore(NewSystemKeyring(fmt.Sprintf("cloudcontrol-test-%d", time.Now().UnixNano())))
	if err := store.Add(sample("work")); err != nil {
		t.Fatal(err)
	}
	conn, err := dbus.SessionBus()
	if err != nil {
		t.Fatal(err)
	}
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	err = conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets").Call("org.freedesktop.Secret.Service.Lock", 0,
		[]dbus.ObjectPath{"/org/freedesktop/secrets/collection/login"}).Store(&locked, &prompt)
	if err != nil || len(locked) != 1 {
		t.Fatalf("locking the login keyring: %v, %v", locked, err)
	}
	// With no display the unlock prompt cannot appear, so go-keyring fails
	// instead of waiting for a password.
	_, getErr := store.Get("work")
	_, listErr := store.List()
	for i, err := range []error{getErr, listErr, store.Add(sample("other")), store.Delete("work")} {
		if !errors.Is(err, ErrKeychainUnavailable) {
			t.Errorf("call %d on a locked keychain: %v", i, err)
		}
	}
	t.Logf("the error a person sees: %v", getErr)
}

func secretServiceItems(t *testing.T, service, user string) int {
	t.Helper()
	svc, err := ss.NewSecretService()
	if err != nil {
		t.Fatal(err)
	}
	items, err := svc.SearchItems(svc.GetLoginCollection(), map[string]string{"service": service, "username": user})
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}
