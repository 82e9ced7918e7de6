package aws

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/smithy-go"

	"cloudcontrol/backend/creds"
)

// Keychain is where Load finds the profiles kept in the OS keychain and the
// sign-ins made in the app; *creds.Service is the real one.
type Keychain interface {
	// KeychainCredentials returns how to get the credentials of a keychain
	// profile and its region; ok is false when the keychain has no such profile.
	KeychainCredentials(name string) (get func(context.Context) (creds.Credentials, error), region string, ok bool, err error)
	// SSOSignIn returns the app's own valid sign-in for an SSO profile; ok
	// is false when there is none (the AWS CLI's cached one may serve).
	SSOSignIn(profile string) (creds.SSOSignIn, bool, error)
}

// keychainPlan is what Load adds for a keychain profile.
type keychainPlan struct {
	opts    []func(*config.LoadOptions) error
	cleanup func()
	err     error // the keychain could not be read; reported if the files lack the profile too
}

// keychainOptions makes a keychain profile the credential source. Its
// settings come from the shared files when they also name it; otherwise
// the SDK reads a one-line stub instead of the user's files, since it
// refuses a profile those files lack (and a broken ~/.aws/config then
// cannot stop a keychain profile).
func (o *Options) keychainOptions(choice Choice, files creds.Files) keychainPlan {
	if o.Keychain == nil || choice.EnvKeys() {
		return keychainPlan{cleanup: func() {}}
	}
	profile := choice.Profile
	get, region, ok, err := o.Keychain.KeychainCredentials(profile)
	if err != nil || !ok {
		return keychainPlan{cleanup: func() {}, err: err}
	}
	provider := sdkaws.CredentialsProviderFunc(func(ctx context.Context) (sdkaws.Credentials, error) {
		c, err := get(ctx)
		if err != nil {
			return sdkaws.Credentials{}, err
		}
		return sdkaws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
			SessionToken: c.SessionToken, Source: creds.ProviderSource,
			CanExpire: !c.Expiration.IsZero(), Expires: c.Expiration}, nil
	})
	plan := keychainPlan{cleanup: func() {}, opts: []func(*config.LoadOptions) error{
		config.WithCredentialsProvider(provider),
		config.WithCredentialsCacheOptions(func(co *sdkaws.CredentialsCacheOptions) { co.ExpiryWindow = creds.DefaultRenewMargin }),
	}}
	if choice.Region == "" && region != "" {
		plan.opts = append(plan.opts, config.WithRegion(region))
	}
	if inSharedFiles(profile, files) {
		return plan
	}
	dir, err := os.MkdirTemp("", "cloudcontrol-profile-")
	if err != nil {
		return keychainPlan{cleanup: func() {}, err: fmt.Errorf("preparing keychain profile %q: %w", profile, err)}
	}
	header := "[profile " + profile + "]\n"
	if profile == "default" {
		header = "[default]\n"
	}
	stub := filepath.Join(dir, "config")
	if err := os.WriteFile(stub, []byte(header), 0o600); err != nil {
		os.RemoveAll(dir)
		return keychainPlan{cleanup: func() {}, err: fmt.Errorf("preparing keychain profile %q: %w", profile, err)}
	}
	plan.cleanup = func() { os.RemoveAll(dir) }
	plan.opts = append(plan.opts, config.WithSharedConfigProfile(profile),
		config.WithSharedConfigFiles([]string{stub}), config.WithSharedCredentialsFiles([]string{}))
	return plan
}

func inSharedFiles(profile string, files creds.Files) bool {
	_, err := config.LoadSharedConfigProfile(context.Background(), profile, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles, o.CredentialsFiles = present(files.Config), present(files.Credentials)
	})
	return err == nil
}

// useSSOSignIn makes the app's own SSO sign-in from the keychain the
// credential source of an SSO profile, when there is one.
func useSSOSignIn(cfg *sdkaws.Config, kc Keychain, profile string) error {
	if kc == nil {
		return nil
	}
	si, ok, err := kc.SSOSignIn(profile)
	if err != nil || !ok {
		return err
	}
	client := sso.NewFromConfig(*cfg, func(o *sso.Options) { o.Region = si.Config.Region })
	cfg.Credentials = sdkaws.NewCredentialsCache(sdkaws.CredentialsProviderFunc(func(ctx context.Context) (sdkaws.Credentials, error) {
		out, err := client.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: &si.Token.AccessToken,
			AccountId: &si.Config.AccountID, RoleName: &si.Config.RoleName})
		if err != nil {
			var api smithy.APIError
			if errors.As(err, &api) && api.ErrorCode() == "UnauthorizedException" {
				return sdkaws.Credentials{}, fmt.Errorf("the SSO sign-in for profile %q is no longer valid: sign in again "+
					"with \"cloudcontrol profile login %s\": %w", profile, profile, err)
			}
			return sdkaws.Credentials{}, fmt.Errorf("getting role %s in account %s through SSO: %w",
				si.Config.RoleName, si.Config.AccountID, err)
		}
		rc := out.RoleCredentials
		return sdkaws.Credentials{AccessKeyID: sdkaws.ToString(rc.AccessKeyId), SecretAccessKey: sdkaws.ToString(rc.SecretAccessKey),
			SessionToken: sdkaws.ToString(rc.SessionToken), Source: ssoSource,
			CanExpire: true, Expires: time.UnixMilli(rc.Expiration)}, nil
	}), func(co *sdkaws.CredentialsCacheOptions) { co.ExpiryWindow = creds.DefaultRenewMargin })
	return nil
}

// CredentialsExpiry tells when the session's credentials stop working;
// ok is false for long-term keys. It may start a session (and so ask for
// an MFA code) if none is cached.
func (s *Session) CredentialsExpiry(ctx context.Context) (expires time.Time, ok bool, err error) {
	c, err := s.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	if c.Source == creds.ProviderSource || c.Source == ssoSource {
		// The SDK's cache reports the end early by the window set above.
		c.Expires = c.Expires.Add(creds.DefaultRenewMargin)
	}
	return c.Expires, c.CanExpire, nil
}

const ssoSource = "CloudControlSSO"
