package creds

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"cloudcontrol/backend/atomicfile"
	"cloudcontrol/backend/userfile"
)

// RemoveFromCredentialsFile deletes the [name] section from a credentials
// file (every one, if the name repeats) and leaves every other byte alone:
// other profiles, comments, blank lines, spacing and line endings. Comments
// inside the section go with it, since they often hold old keys; comments and
// blank lines after its last setting stay, since they usually introduce the
// next section. The file is replaced atomically and stays private (0600 at
// most).
func RemoveFromCredentialsFile(path, name string) error {
	target, err := filepath.EvalSymlinks(path) // keep a dotfiles symlink a symlink
	if err != nil {
		return fmt.Errorf("removing profile %q from %s: %w", name, path, err)
	}
	info, err := os.Stat(target)
	if err != nil {
		return fmt.Errorf("removing profile %q from %s: %w", name, path, err)
	}
	data, err := userfile.Read(target, MaxFileSize)
	if err != nil {
		return fmt.Errorf("removing profile %q from %s: %w", name, path, pathless(err))
	}
	out, err := cutSection(path, data, name)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(target, out, info.Mode().Perm()&0o600); err != nil {
		return fmt.Errorf("removing profile %q from %s: %w", name, path, err)
	}
	return nil
}

// cutSection refuses to edit a file it cannot fully read: with a broken
// header, it cannot be sure where the section ends.
func cutSection(path string, data []byte, name string) ([]byte, error) {
	sections, errs := parseINI(path, data)
	if len(errs) > 0 {
		return nil, fmt.Errorf("not editing %s until it is fixed: %w", path, errors.Join(errs...))
	}
	lines := splitLines(data)
	drop := make([]bool, len(lines))
	found := false
	for _, s := range sections {
		if s.Name != name {
			continue
		}
		found = true
		for i := s.First; i <= s.Last; i++ {
			drop[i] = true
		}
		// Avoid leaving two blank lines where the section was.
		if after := s.Last + 1; s.First > 0 && after < len(lines) &&
			isBlank(lines[s.First-1]) && isBlank(lines[after]) {
			drop[after] = true
		}
	}
	if !found {
		return nil, fmt.Errorf("%s has no profile [%s]: %w", path, name, ErrProfileNotFound)
	}
	var buf bytes.Buffer
	for i, l := range lines {
		if !drop[i] {
			buf.Write(l)
		}
	}
	return buf.Bytes(), nil
}

func isBlank(line []byte) bool { return len(bytes.TrimSpace(line)) == 0 && len(line) > 0 }
