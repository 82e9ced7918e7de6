package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/term"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/creds"
	"cloudcontrol/backend/paths"
	"cloudcontrol/backend/settings"
)

// KeychainService is the keychain service name every front end uses.
const KeychainService = "cloudcontrol"

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

// endpoint is where STS and IAM Identity Center calls go: --endpoint-url,
// else the standard variables, else AWS.
func (g *globals) endpointFor(service string) string {
	for _, v := range []string{g.endpoint, os.Getenv("AWS_ENDPOINT_URL_" + service), os.Getenv("AWS_ENDPOINT_URL")} {
		if v != "" {
			return v
		}
	}
	return ""
}

// credentials wires the keychain profiles for this command line. Nothing
// touches the keychain until a profile is looked up.
func (g *globals) credentials(c *console) (*creds.Service, error) {
	files, err := creds.DefaultFiles()
	if err != nil {
		return nil, err
	}
	store := creds.NewStore(creds.NewSystemKeyring(KeychainService))
	var stsOpts []func(*sts.Options)
	if ep := g.endpointFor("STS"); ep != "" {
		stsOpts = append(stsOpts, func(o *sts.Options) { o.BaseEndpoint = &ep })
	}
	region := g.region
	if region == "" {
		region = os.Getenv("AWS_REGION")
	}
	sessions := creds.NewSessions(store, creds.NewAWSSTS(region, stsOpts...), c.mfaPrompt)
	return &creds.Service{Files: files, Store: store, Sessions: sessions}, nil
}

func (g *globals) oidc() *creds.AWSOIDC {
	if ep := g.endpointFor("SSO_OIDC"); ep != "" {
		return creds.NewAWSOIDC(func(o *ssooidc.Options) { o.BaseEndpoint = &ep })
	}
	return creds.NewAWSOIDC()
}

func settingsFile() *settings.File { return settings.Open(paths.Default().Config) }

// withCredentials adds the keychain and the persisted active profile and
// region to o; every command that talks to AWS goes through it.
func (g *globals) withCredentials(o aws.Options) aws.Options {
	if svc, err := g.credentials(newConsole(g)); err == nil {
		o.Keychain = svc
	}
	file := settingsFile()
	o.Defaults = func() (string, string) {
		s, _ := file.Load() // a damaged file is reported by "profile list"; here it means no choice
		return s.Profile, s.Region
	}
	return o
}
