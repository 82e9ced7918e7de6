package aws

import (
	"os"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/creds"
)

// ChainOptions are what a front end knows of AWS when it starts: its
// flags, its environment, where the keychain is and how to ask for an MFA
// code. The command line and the window build their chain from these alone.
type ChainOptions struct {
	Profile, Region, Endpoint string // --profile, --region, --endpoint-url; "" when not given

	Getenv func(string) string // nil means os.Getenv
	// Home is the home folder holding ~/.aws; "" means os.UserHomeDir.
	Home    string
	Keyring creds.Keyring // the OS keychain (creds.NewSystemKeyring); tests give a mock
	Prompt  creds.Prompt  // asks for an MFA code: on the terminal, or in the window
	Saved   Saved         // the saved choice (a *settings.File); nil means none
	// Warn is told, once, that the saved choice could not be read (a
	// damaged settings file): it is then not used.
	Warn func(error)
}

// Saved is where the chosen profile and region are kept, and what each
// profile's credentials were last found to belong to (backend/settings).
type Saved interface {
	Choice() (profile, region string, err error)
	Remember(profile string, id cloud.Identity) error
}

// Chain is a front end's whole way to AWS, decided in one place: the
// options every session is loaded with, the keychain with its STS sessions,
// IAM Identity Center sign-ins, and the custom endpoint in effect.
type Chain struct {
	// Options are for Load: the explicit profile, region and endpoint, the
	// keychain, the shared files, and the saved choice read at every Load.
	Options Options
	Creds   *creds.Service
	OIDC    *creds.AWSOIDC
	// Endpoint is where STS calls go when not to AWS ("" for AWS): the
	// sandbox, moto. Identities learned there are not the profile's.
	Endpoint string

	in       ChainOptions
	warnOnce sync.Once
}

// NewChain builds the chain. Nothing is read from the keychain, the files
// or the settings until a session or a profile is asked for.
func NewChain(o ChainOptions) *Chain {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Home == "" {
		o.Home, _ = os.UserHomeDir() // none: only AWS_CONFIG_FILE and the like name files
	}
	files := creds.FilesFrom(o.Getenv, o.Home)
	c := &Chain{in: o, Endpoint: endpointFor(o, "STS")}
	store := creds.NewStore(o.Keyring)
	var stsOpts []func(*sts.Options)
	if ep := c.Endpoint; ep != "" {
		stsOpts = append(stsOpts, func(so *sts.Options) { so.BaseEndpoint = &ep })
	}
	// STS sessions of keychain profiles: in the region named by a flag or
	// the environment, else STS's global endpoint (us-east-1).
	stsRegion := Choose(ChoiceInput{Region: o.Region, Getenv: o.Getenv}).Region
	c.Creds = &creds.Service{Files: files, Store: store,
		Sessions: creds.NewSessions(store, creds.NewAWSSTS(stsRegion, stsOpts...), o.Prompt)}
	var oidcOpts []func(*ssooidc.Options)
	if ep := endpointFor(o, "SSO_OIDC"); ep != "" {
		oidcOpts = append(oidcOpts, func(so *ssooidc.Options) { so.BaseEndpoint = &ep })
	}
	c.OIDC = creds.NewAWSOIDC(oidcOpts...)
	c.Options = Options{Profile: o.Profile, Region: o.Region, EndpointURL: o.Endpoint, Files: files, Keychain: c.Creds,
		Defaults: func() (string, string) {
			p, r, _ := c.saved()
			return p, r
		}}
	return c
}

// endpointFor is the SDK's own order for a service's endpoint: the flag,
// AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL.
func endpointFor(o ChainOptions, service string) string {
	for _, v := range []string{o.Endpoint, o.Getenv("AWS_ENDPOINT_URL_" + service), o.Getenv("AWS_ENDPOINT_URL")} {
		if v != "" {
			return v
		}
	}
	return ""
}

// saved reads the saved choice; one it cannot read is warned of once and
// not used.
func (c *Chain) saved() (profile, region string, err error) {
	if c.in.Saved == nil {
		return "", "", nil
	}
	profile, region, err = c.in.Saved.Choice()
	if err != nil {
		if c.in.Warn != nil {
			c.warnOnce.Do(func() { c.in.Warn(err) })
		}
		return "", "", err
	}
	return profile, region, nil
}

// Choose is the profile and region in effect now, as Load will decide
// them without an environment file's pin; err says the saved choice could
// not be read (the choice is then made without it).
func (c *Chain) Choose() (Choice, error) {
	profile, region, err := c.saved()
	return Choose(ChoiceInput{Profile: c.in.Profile, Region: c.in.Region, SavedProfile: profile, SavedRegion: region,
		Getenv: c.in.Getenv}), err
}

// Remember records who a profile's credentials belong to, for the profile
// list, when asked to (whoami). Keys from the environment are no profile:
// nothing is remembered for them.
func (c *Chain) Remember(profile string, id cloud.Identity) error {
	if c.in.Saved == nil || profile == cloud.EnvCredentials {
		return nil
	}
	if profile == "" {
		profile = "default"
	}
	return c.in.Saved.Remember(profile, id)
}

// IdentityHook is a control.Options.OnIdentity: it remembers who a
// profile's credentials belong to when a session of it is first used.
// Against a custom endpoint (the sandbox, moto) it remembers nothing, since
// that identity is not the profile's. A failed write only loses a hint in
// the profile list, so it is logged, not returned.
func (c *Chain) IdentityHook(log func(msg string, args ...any)) func(profile string, id cloud.Identity) {
	return func(profile string, id cloud.Identity) {
		if c.Endpoint != "" {
			return
		}
		if err := c.Remember(profile, id); err != nil && log != nil {
			log("remembering the profile's account", "profile", profile, "err", err)
		}
	}
}
