package settings

import (
	"encoding/json"
	"os"
	"testing"
)

// The window's own settings (folders, geometry) share settings.json with
// the active profile: each writer keeps the other's keys.
func TestWritersKeepEachOthersKeys(t *testing.T) {
	f := Open(t.TempDir())
	type window struct {
		Folders []string `json:"folders"`
		Refresh int      `json:"refreshSeconds,omitempty"`
	}
	if err := WriteShared(f.Path(), window{Folders: []string{"/envs"}, Refresh: 30}); err != nil {
		t.Fatal(err)
	}
	if err := f.Update(func(s *Settings) { s.Profile, s.Region = "work", "eu-west-1" }); err != nil {
		t.Fatal(err)
	}
	if err := WriteShared(f.Path(), window{Folders: []string{"/envs", "/more"}}); err != nil {
		t.Fatal(err)
	}
	s, err := f.Load()
	if err != nil || s.Profile != "work" || s.Region != "eu-west-1" {
		t.Fatalf("the profile choice was lost by the window's write: %+v %v", s, err)
	}
	b, _ := os.ReadFile(f.Path())
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if fs, _ := doc["folders"].([]any); len(fs) != 2 {
		t.Fatalf("the folders were lost by the profile's write:\n%s", b)
	}
	if _, ok := doc["refreshSeconds"]; ok {
		t.Fatalf("an emptied field kept its old value:\n%s", b)
	}
	if err := f.Update(func(s *Settings) { s.Region = "" }); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.Load(); s.Region != "" || s.Profile != "work" {
		t.Fatalf("clearing the region: %+v", s)
	}
}
