package desktop

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// osOpener opens files, folders and terminals with the desktop's own
// programs. Each is run directly with its arguments, never through a
// shell, so a path or an instance id cannot become a command.
type osOpener struct {
	goos string
	// start runs a program and returns once it is running (it is reaped
	// in the background); look finds a program on the PATH.
	start func(name string, args ...string) error
	look  func(name string) (string, error)
}

func newOSOpener() osOpener {
	return osOpener{goos: runtime.GOOS, look: exec.LookPath, start: func(name string, args ...string) error {
		cmd := exec.Command(name, args...)
		if err := cmd.Start(); err != nil {
			return err
		}
		go func() { _ = cmd.Wait() }() // a terminal lives on; only reap it
		return nil
	}}
}

// OpenPath opens path with its default program.
func (o osOpener) OpenPath(path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("%q is not an absolute path", path)
	}
	var err error
	switch o.goos {
	case "darwin":
		err = o.start("open", path)
	case "windows":
		err = o.start("explorer", path)
	default:
		err = o.start("xdg-open", path)
	}
	if err != nil {
		return fmt.Errorf("opening %s: %w", path, err)
	}
	return nil
}

// RevealPath shows path in its folder (selected where the file manager can).
func (o osOpener) RevealPath(path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("%q is not an absolute path", path)
	}
	var err error
	switch o.goos {
	case "darwin":
		err = o.start("open", "-R", path)
	case "windows":
		err = o.start("explorer", "/select,"+path)
	default:
		err = o.start("xdg-open", filepath.Dir(path))
	}
	if err != nil {
		return fmt.Errorf("showing %s in its folder: %w", path, err)
	}
	return nil
}

// linuxTerminals are tried in order; each with the option after which it
// takes the command and its arguments as separate words.
var linuxTerminals = [][2]string{
	{"x-terminal-emulator", "-e"}, {"gnome-terminal", "--"}, {"konsole", "-e"},
	{"xfce4-terminal", "-x"}, {"kitty", ""}, {"alacritty", "-e"}, {"xterm", "-e"},
}

// OpenTerminal runs argv in a new terminal window.
func (o osOpener) OpenTerminal(argv []string) error {
	if len(argv) == 0 {
		return errors.New("no command to run in a terminal")
	}
	switch o.goos {
	case "darwin":
		// Terminal takes one command line: every word is quoted for it.
		quoted := make([]string, len(argv))
		for i, a := range argv {
			quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		script := `tell application "Terminal" to do script "` +
			strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(strings.Join(quoted, " ")) + `"`
		return o.start("osascript", "-e", script, "-e", `tell application "Terminal" to activate`)
	case "windows":
		return o.start("cmd", append([]string{"/c", "start", "", "cmd", "/k"}, argv...)...)
	}
	for _, t := range linuxTerminals {
		if _, err := o.look(t[0]); err != nil {
			continue
		}
		args := argv
		if t[1] != "" {
			args = append([]string{t[1]}, argv...)
		}
		return o.start(t[0], args...)
	}
	return errors.New("no terminal program found (x-terminal-emulator, gnome-terminal, konsole, xfce4-terminal, kitty, alacritty or xterm): run " +
		strings.Join(argv, " ") + " in one yourself")
}
