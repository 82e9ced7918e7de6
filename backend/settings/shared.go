package settings

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/gofrs/flock"
)

// WriteShared replaces, in the JSON object stored at path, the keys that
// v's struct owns (its json field names) and keeps every other key. The
// window's folders and geometry live in the same settings.json as the
// active profile and region, and neither writer may drop the other's keys.
// It holds the same file lock as File.Update.
func WriteShared(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating the settings folder: %w", err)
	}
	lk := flock.New(path + ".lock")
	if err := lk.Lock(); err != nil {
		return fmt.Errorf("locking the settings file %s: %w", path, err)
	}
	defer lk.Unlock()
	return writeMerged(path, v)
}

// writeMerged does WriteShared's work; the caller holds the lock.
func writeMerged(path string, v any) error {
	doc := map[string]json.RawMessage{}
	if old, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(old, &doc) // a damaged file keeps nothing; its owner reports it when loading
		if doc == nil {
			doc = map[string]json.RawMessage{}
		}
	}
	for _, k := range ownedKeys(v) {
		delete(doc, k) // an omitted (emptied) field must not keep its old value
	}
	mine, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding the settings: %w", err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(mine, &fields); err != nil {
		return fmt.Errorf("encoding the settings: %w", err)
	}
	for k, raw := range fields {
		doc[k] = raw
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the settings: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".settings-*.json")
	if err != nil {
		return fmt.Errorf("writing the settings: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the settings: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the settings: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing the settings: %w", err)
	}
	return nil
}

// ownedKeys are the JSON names of a struct's exported fields.
func ownedKeys(v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		keys = append(keys, name)
	}
	return keys
}
