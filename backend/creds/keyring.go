package creds

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/zalando/go-keyring"
)

// Keyring is the keychain as this package needs it: one service's items,
// addressed by key, plus the list of keys (which the OS keychains do not all
// offer, so SystemKeyring keeps its own index).
type Keyring interface {
	Get(key string) (string, error)
	Set(key, value string) error
	Delete(key string) error
	Keys() ([]string, error)
}

// ErrNotFound means the keychain holds no item under that key.
var ErrNotFound = errors.New("not found in the keychain")

// ErrKeychainUnavailable means the keychain could not be used at all: it is
// locked, the unlock prompt was dismissed, or no keychain service is running.
var ErrKeychainUnavailable = errors.New("the system keychain is locked or unavailable")

// KeychainError says which keychain operation failed and why, worded for the
// person reading it. The underlying error never carries a secret: go-keyring
// only reports D-Bus, Security framework or Credential Manager failures.
type KeychainError struct {
	Op  string // "read", "save", "delete"
	Key string
	Err error
}

func (e *KeychainError) Error() string {
	if errors.Is(e.Err, keyring.ErrSetDataTooBig) {
		return fmt.Sprintf("could not %s %q in the system keychain: the value is too big for it", e.Op, e.Key)
	}
	return fmt.Sprintf("could not %s %q: %v: %v; unlock the keychain (or start a keychain service "+
		"such as gnome-keyring or KWallet) and try again", e.Op, e.Key, ErrKeychainUnavailable, e.Err)
}

func (e *KeychainError) Unwrap() []error { return []error{ErrKeychainUnavailable, e.Err} }

// indexKey names the item that lists every other key of the service.
const indexKey = "index"

// keyringMu serializes every go-keyring call in the process. go-keyring's
// backend is one per process, and the one keyring.MockInit installs for
// tests is a bare map, unsafe for concurrent use (the OS keychains are
// safe, but nothing here should depend on which backend is in). Held across
// an item's write and its index update, it also keeps each service's index
// consistent within this process, whichever SystemKeyring value writes; two
// processes writing new keys at the same instant could still lose an index
// entry.
var keyringMu sync.Mutex

// SystemKeyring stores items in the OS keychain (macOS Keychain, Windows
// Credential Manager, Secret Service on Linux) under one service name,
// through go-keyring. keyring.MockInit swaps the backend for tests.
type SystemKeyring struct {
	service string
}

// NewSystemKeyring uses the OS keychain under the given service name
// (for the app: "cloudcontrol").
func NewSystemKeyring(service string) *SystemKeyring {
	return &SystemKeyring{service: service}
}

func (k *SystemKeyring) wrap(op, key string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("%q: %w", key, ErrNotFound)
	}
	return &KeychainError{Op: op, Key: k.service + "/" + key, Err: err}
}

// Get returns the item, or an error matching ErrNotFound.
func (k *SystemKeyring) Get(key string) (string, error) {
	keyringMu.Lock()
	defer keyringMu.Unlock()
	v, err := keyring.Get(k.service, key)
	return v, k.wrap("read", key, err)
}

// Set writes the item and, when it is new, adds it to the index. If the
// index cannot be written the new item is removed again, so a failure
// leaves the keychain as it was.
func (k *SystemKeyring) Set(key, value string) error {
	if key == indexKey {
		return fmt.Errorf("%q is reserved for the keychain index", key)
	}
	keyringMu.Lock()
	defer keyringMu.Unlock()
	keys, err := k.readIndex()
	if err != nil {
		return err
	}
	if err := k.wrap("save", key, keyring.Set(k.service, key, value)); err != nil {
		return err
	}
	if slices.Contains(keys, key) {
		return nil
	}
	if err := k.writeIndex(append(keys, key)); err != nil {
		_ = keyring.Delete(k.service, key)
		return err
	}
	return nil
}

// Delete removes the item and its index entry. A key missing from the
// keychain but still in the index is dropped from the index, so the index
// heals itself, and the result matches ErrNotFound.
func (k *SystemKeyring) Delete(key string) error {
	keyringMu.Lock()
	defer keyringMu.Unlock()
	keys, err := k.readIndex()
	if err != nil {
		return err
	}
	delErr := k.wrap("delete", key, keyring.Delete(k.service, key))
	if delErr != nil && !errors.Is(delErr, ErrNotFound) {
		return delErr
	}
	if i := slices.Index(keys, key); i >= 0 {
		if err := k.writeIndex(slices.Delete(keys, i, i+1)); err != nil {
			return err
		}
	}
	return delErr
}

// Keys lists the keys recorded in the index.
func (k *SystemKeyring) Keys() ([]string, error) {
	keyringMu.Lock()
	defer keyringMu.Unlock()
	return k.readIndex()
}

func (k *SystemKeyring) readIndex() ([]string, error) {
	raw, err := keyring.Get(k.service, indexKey)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, k.wrap("read", indexKey, err)
	}
	var keys []string
	if err := json.Unmarshal([]byte(raw), &keys); err != nil {
		return nil, fmt.Errorf("the keychain index %s/%s is damaged (%v): delete that keychain item "+
			"and add the profiles again", k.service, indexKey, err)
	}
	return keys, nil
}

func (k *SystemKeyring) writeIndex(keys []string) error {
	slices.Sort(keys)
	raw, err := json.Marshal(slices.Compact(keys))
	if err != nil {
		return fmt.Errorf("encoding the keychain index: %w", err)
	}
	return k.wrap("save", indexKey, keyring.Set(k.service, indexKey, string(raw)))
}
