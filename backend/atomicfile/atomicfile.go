// Package atomicfile replaces files so that a crash, a full disk or a
// reader at the wrong moment sees either the old content or the new, never
// half of one: the new content goes to a temporary file in the same folder
// (a rename across file systems is not atomic), is flushed to disk, given
// its permissions, and renamed over the old name.
//
// It is written here rather than taken from renameio, which does the same
// on Unix but leaves Windows out, where the app also runs: there os.Rename
// replaces an existing file (MoveFileEx with MOVEFILE_REPLACE_EXISTING).
package atomicfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces path with data, readable as perm says. The folder is
// created (private, 0700) when missing: every caller writes into the app's
// own folders or one the person just chose.
func Write(path string, data []byte, perm fs.FileMode) error {
	return WriteWith(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteJSON replaces path with v as indented JSON and a final newline.
func WriteJSON(path string, v any, perm fs.FileMode) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding %s: %w", filepath.Base(path), err)
	}
	return Write(path, b.Bytes(), perm)
}

// WriteWith replaces path with what write writes, for content produced as a
// stream. When write fails nothing is replaced and the temporary file goes.
func WriteWith(path string, perm fs.FileMode, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the folder for %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// Chmod on the open file, before the rename: the new name is never
	// readable wider than perm, not even for a moment.
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes the rename itself durable where the OS allows it (not on
// Windows, where a folder cannot be opened for syncing); failing that only
// risks the old content after a power cut, never a broken file.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
