// Package userfile reads files a user points Cloud Control at (environment
// files, the sandbox's world file) without trusting what they are: only a
// regular file is read, never a named pipe (a read would wait for a writer
// forever, deaf to Ctrl-C) nor a device (/dev/zero never ends), and never
// more than a limit, so a stray file costs a bounded amount of memory.
package userfile

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// NotRegularError says the path (after following symbolic links) is not a
// regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("it is %s, not a regular file", Kind(e.Mode))
}

// TooLargeError says the file holds more than Limit bytes. Size is what it
// held when looked at (at least Limit+1).
type TooLargeError struct {
	Path        string
	Size, Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the file has %d bytes; the limit is %d", e.Size, e.Limit)
}

// Kind names a file mode for people: "a named pipe", "a device", ...
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsRegular():
		return "a regular file"
	}
	return "not a file"
}

// Read returns the contents of the regular file at path, following
// symbolic links. Errors are *fs.PathError from the OS (missing, denied,
// a symbolic link loop), *NotRegularError or *TooLargeError.
//
// The mode is checked before opening (opening some devices has effects of
// its own) and again on the opened file, which is opened without blocking
// in case a named pipe took the file's place in between.
func Read(path string, limit int64) ([]byte, error) {
	if err := Check(path, limit); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := check(path, info, limit); err != nil {
		return nil, err
	}
	// The file may grow while it is read: read one byte past the limit to
	// tell, and no more.
	var buf bytes.Buffer
	buf.Grow(int(min(info.Size(), limit)) + 1)
	n, err := buf.ReadFrom(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err // an *fs.PathError from the file
	}
	if n > limit {
		return nil, &TooLargeError{Path: path, Size: n, Limit: limit}
	}
	return buf.Bytes(), nil
}

// Check says whether Read would read path, without reading it: for a file
// another reader opens itself (the AWS SDK reads ~/.aws/config), so that a
// named pipe there cannot hang it nor /dev/zero exhaust it. Errors are as
// Read's; a file that is not there is the OS's not-exist *fs.PathError.
func Check(path string, limit int64) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return check(path, info, limit)
}

func check(path string, info fs.FileInfo, limit int64) error {
	if !info.Mode().IsRegular() {
		return &NotRegularError{Path: path, Mode: info.Mode()}
	}
	if info.Size() > limit {
		return &TooLargeError{Path: path, Size: info.Size(), Limit: limit}
	}
	return nil
}
