package env

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Set is what a group of environment folders holds: the environments that
// parsed, sorted by name, and every problem met on the way. A file with
// problems is left out of Envs; so is a second environment of a name
// already taken (by an earlier file in the folder or an earlier folder).
type Set struct {
	Envs     []*Environment
	Problems []Problem
}

// ByName returns the environment of that name, or nil.
func (s Set) ByName(name string) *Environment {
	for _, e := range s.Envs {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// IsEnvFile says whether a folder entry is read as an environment: a
// *.yaml or *.yml file (any case) that is not hidden, since editors leave
// hidden lock and swap files next to the ones being edited.
func IsEnvFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return (ext == ".yaml" || ext == ".yml") && !strings.HasPrefix(name, ".")
}

// LoadDirs reads the environment files of each folder in order. Folders
// are flat: subfolders (such as environments/sandbox) and other files
// (such as schema.json) are not read. A folder that does not exist or
// cannot be read is one problem whose position is just the folder path.
// The first folder that defines a name wins.
func LoadDirs(dirs []string) Set {
	var set Set
	owner := map[string]*Environment{} // name -> the environment that has it
	seenDir := map[string]bool{}
	for _, dir := range dirs {
		clean := filepath.Clean(dir)
		if seenDir[clean] {
			continue // the same folder twice would only report every name twice
		}
		seenDir[clean] = true
		for _, path := range set.files(dir) {
			e, problems := LoadFile(path)
			set.Problems = append(set.Problems, problems...)
			if e == nil {
				continue
			}
			if first, taken := owner[e.Name]; taken {
				where := "this folder"
				if filepath.Dir(first.File) != filepath.Dir(e.File) {
					where = "an earlier folder, which wins"
				}
				set.Problems = append(set.Problems, Problem{Pos: e.NamePos, Message: fmt.Sprintf(
					"environment %q is already defined by %s (in %s); this file is ignored until one of them is renamed",
					e.Name, first.File, where)})
				continue
			}
			owner[e.Name] = e
			set.Envs = append(set.Envs, e)
		}
	}
	sort.Slice(set.Envs, func(i, j int) bool { return set.Envs[i].Name < set.Envs[j].Name })
	return set
}

// files lists a folder's environment files in name order, following
// symbolic links to files.
func (s *Set) files(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		cause := err
		var pe *fs.PathError
		if errors.As(err, &pe) {
			cause = pe.Err // the position already names the folder
		}
		msg := fmt.Sprintf("cannot read the environment folder: %v", cause)
		if errors.Is(err, fs.ErrNotExist) {
			msg = "the environment folder does not exist"
		} else if info, statErr := os.Stat(dir); statErr == nil && !info.IsDir() {
			msg = "is not a folder; give the folder that holds the environment files"
		}
		s.Problems = append(s.Problems, Problem{Pos: Pos{File: dir}, Message: msg})
		return nil
	}
	var out []string
	for _, entry := range entries {
		if !IsEnvFile(entry.Name()) {
			continue
		}
		path := filepath.Join(dir, entry.Name())
		// A folder named x.yaml is skipped; a dangling link is kept so
		// that LoadFile reports it.
		if info, err := os.Stat(path); err == nil && info.IsDir() {
			continue
		}
		out = append(out, path)
	}
	return out
}
