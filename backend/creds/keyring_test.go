package creds

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestSystemKeyringKeepsAnIndex(t *testing.T) {
	keyring.MockInit()
	k := NewSystemKeyring("cloudcontrol-test")
	for _, key := range []string{"profile/b", "profile/a", "profile/b"} {
		if err := k.Set(key, "v-"+key); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := k.Keys()
	if err != nil || !slices.Equal(keys, []string{"profile/a", "profile/b"}) {
		t.Fatalf("Keys() = %v, %v; want [profile/a profile/b]", keys, err)
	}
	if v, err := k.Get("profile/a"); err != nil || v != "v-profile/a" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if err := k.Delete("profile/a"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get("profile/a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
	if keys, _ := k.Keys(); !slices.Equal(keys, []string{"profile/b"}) {
		t.Fatalf("Keys() after delete = %v", keys)
	}
	// The index is an item of the same service, so other services do not see these keys.
	if keys, _ := NewSystemKeyring("other").Keys(); len(keys) != 0 {
		t.Fatalf("other service sees %v", keys)
	}
	if err := k.Set(indexKey, "x"); err == nil {
		t.Fatal("writing the index key directly should be refused")
	}
}

// Reads and writes of several values of one service at once (a window
// refreshing while the SDK saves a session) lose no index entry and, under
// -race, touch go-keyring's backend one at a time: the mock's is a bare map.
func TestSystemKeyringIsSafeForConcurrentUse(t *testing.T) {
	keyring.MockInit()
	kr := []*SystemKeyring{NewSystemKeyring("cloudcontrol-test"), NewSystemKeyring("cloudcontrol-test")}
	var want []string
	var wg sync.WaitGroup
	for i := range 20 {
		k, key := kr[i%2], fmt.Sprintf("profile/%02d", i)
		want = append(want, key)
		wg.Go(func() {
			if err := k.Set(key, "v-"+key); err != nil {
				t.Error(err)
			}
			if v, err := k.Get(key); err != nil || v != "v-"+key {
				t.Errorf("Get(%s) = %q, %v", key, v, err)
			}
		})
	}
	wg.Wait()
	if keys, err := kr[0].Keys(); err != nil || !slices.Equal(keys, want) {
		t.Fatalf("Keys() = %v, %v; want all %d", keys, err, len(want))
	}
}

func TestSystemKeyringHealsIndexOfVanishedItem(t *testing.T) {
	keyring.MockInit()
	k := NewSystemKeyring("cloudcontrol-test")
	if err := k.Set("profile/gone", "v"); err != nil {
		t.Fatal(err)
	}
	// Removed behind our back, e.g. with the OS keychain app.
	if err := keyring.Delete("cloudcontrol-test", "profile/gone"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete("profile/gone"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Delete = %v, want ErrNotFound", err)
	}
	if keys, _ := k.Keys(); len(keys) != 0 {
		t.Fatalf("index still lists %v", keys)
	}
}

func TestSystemKeyringMapsUnavailableKeychain(t *testing.T) {
	cause := errors.New("The name org.freedesktop.secrets was not provided by any .service files")
	keyring.MockInitWithError(cause)
	defer keyring.MockInit()
	k := NewSystemKeyring("cloudcontrol")
	checks := map[string]error{}
	_, checks["Get"] = k.Get("profile/x")
	checks["Set"] = k.Set("profile/x", "v")
	checks["Delete"] = k.Delete("profile/x")
	_, checks["Keys"] = k.Keys()
	for op, err := range checks {
		if !errors.Is(err, ErrKeychainUnavailable) || !errors.Is(err, cause) {
			t.Errorf("%s: %v; want ErrKeychainUnavailable wrapping the cause", op, err)
		}
		if err != nil && !strings.Contains(err.Error(), "unlock the keychain") {
			t.Errorf("%s: %q does not say what to do", op, err)
		}
	}
}

func TestSystemKeyringTooBig(t *testing.T) {
	keyring.MockInitWithError(keyring.ErrSetDataTooBig)
	defer keyring.MockInit()
	err := NewSystemKeyring("cloudcontrol").Set("profile/x", "v")
	if err == nil || !strings.Contains(err.Error(), "too big") {
		t.Fatalf("Set = %v, want a too-big error", err)
	}
}

func TestSystemKeyringDamagedIndex(t *testing.T) {
	keyring.MockInit()
	if err := keyring.Set("cc", indexKey, "not json"); err != nil {
		t.Fatal(err)
	}
	_, err := NewSystemKeyring("cc").Keys()
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("Keys = %v, want a damaged-index error", err)
	}
}
