// Package launch is what the command line hands the desktop window when it
// opens it, and what both front ends share to reach AWS the same way: the
// keychain's name and the one credential chain built from the flags. It
// imports neither cobra nor Wails, so either side can use it.
package launch

import (
	"context"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/creds"
	"cloudcontrol/backend/paths"
	"cloudcontrol/backend/settings"
)

// KeychainService is the keychain service name every front end uses.
const KeychainService = "cloudcontrol"

// AWSFlags are the command line's --profile, --region and --endpoint-url;
// "" when not given.
type AWSFlags struct {
	Profile, Region, Endpoint string
}

// Chain builds a front end's credential chain: the OS keychain, the saved
// choice in the config folder configDir, MFA codes asked with prompt, and
// warn told once when the saved choice cannot be read.
func (f AWSFlags) Chain(configDir string, prompt creds.Prompt, warn func(error)) *aws.Chain {
	return aws.NewChain(aws.ChainOptions{Profile: f.Profile, Region: f.Region, Endpoint: f.Endpoint,
		Keyring: creds.NewSystemKeyring(KeychainService), Prompt: prompt, Saved: settings.Open(configDir), Warn: warn})
}

// WindowOptions is what the desktop shell needs to open the window.
type WindowOptions struct {
	Dirs         []string
	DirsGiven    bool // --dir was given: these folders replace the saved ones
	Paths        paths.Dirs
	AWS          AWSFlags
	Sandbox      bool
	WorldFile    string
	SandboxSpeed float64
}

// OpenWindow opens the desktop app; main wires the Wails shell in. It is a
// function so the command line, and its tests, never import Wails.
type OpenWindow func(ctx context.Context, o WindowOptions) error
