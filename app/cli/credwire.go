package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"cloudcontrol/app/launch"
	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/paths"
	"cloudcontrol/backend/settings"
)

// console reads answers from the person: from the terminal without echo
// for secrets, or line by line from standard input when it is not one.
type console struct {
	in     io.Reader
	r      *bufio.Reader
	stderr io.Writer
}

func newConsole(g *globals) *console {
	return &console{in: g.stdin, r: bufio.NewReader(g.stdin), stderr: g.stderr}
}

// tty is the file descriptor of standard input when it is a terminal.
func (c *console) tty() (int, bool) {
	f, ok := c.in.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0, false
	}
	return int(f.Fd()), true
}

func (c *console) line() (string, error) {
	s, err := c.r.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && s != "") {
		return "", fmt.Errorf("reading standard input: %w", err)
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// secret asks for a value that must not be echoed or appear in arguments.
func (c *console) secret(prompt string) (string, error) {
	if fd, ok := c.tty(); ok {
		fmt.Fprint(c.stderr, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(c.stderr)
		if err != nil {
			return "", fmt.Errorf("reading from the terminal: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	s, err := c.line()
	return strings.TrimSpace(s), err
}

// ask asks a question on the terminal; without one it fails, so nothing
// destructive happens unasked in a script.
func (c *console) confirm(question string) (bool, error) {
	if _, ok := c.tty(); !ok {
		return false, errors.New("no terminal to confirm on; pass --yes to confirm")
	}
	fmt.Fprintf(c.stderr, "%s [y/N] ", question)
	s, err := c.line()
	if err != nil {
		return false, err
	}
	s = strings.ToLower(strings.TrimSpace(s))
	return s == "y" || s == "yes", nil
}

// mfaPrompt asks for an MFA code on the terminal, or reads one line of
// standard input when it is not a terminal.
func (c *console) mfaPrompt(ctx context.Context, profile, serial string) (string, error) {
	if _, ok := c.tty(); ok {
		fmt.Fprintf(c.stderr, "MFA code for %s (profile %s): ", serial, profile)
	}
	code, err := c.line()
	code = strings.TrimSpace(code)
	if err == nil && code == "" {
		err = errors.New("no MFA code given")
	}
	return code, err
}

// chain is this command line's way to AWS, made once per command: the
// same constructor the window uses, with MFA codes asked on the terminal and
// a damaged settings file warned of on standard error.
func (g *globals) chain() *aws.Chain {
	if g.ch == nil {
		g.ch = g.awsFlags().Chain(paths.Default().Config, g.console().mfaPrompt, func(err error) {
			fmt.Fprintf(g.stderr, "warning: %v; until then the saved profile and region are not used\n", err)
		})
	}
	return g.ch
}

func (g *globals) awsFlags() launch.AWSFlags {
	return launch.AWSFlags{Profile: g.profile, Region: g.region, Endpoint: g.endpoint}
}

// console is the one reader of standard input: two would each buffer
// part of it.
func (g *globals) console() *console {
	if g.con == nil {
		g.con = newConsole(g)
	}
	return g.con
}

func settingsFile() *settings.File { return settings.Open(paths.Default().Config) }
