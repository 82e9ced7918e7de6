// Package aws implements cloud.Fleet and cloud.Identifier with aws-sdk-go-v2.
// Load reads the standard AWS configuration (profiles, AWS_* variables) so the
// app behaves like the AWS CLI; --endpoint-url redirects every client, which
// is how the sandbox and moto are reached.
package aws

import (
	"context"
	"errors"
	"fmt"
	"github.com/aws/smithy-go/logging"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"

	"cloudcontrol/backend/cloud"
)

// Options say how to reach AWS. Empty fields fall back to the standard AWS
// configuration: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ~/.aws/config, ...
type Options struct {
	Profile     string // --profile; default AWS_PROFILE, then "default"
	Region      string // --region; default AWS_REGION, then the profile's region
	EndpointURL string // --endpoint-url; overrides AWS_ENDPOINT_URL and per-service endpoints

	MaxAttempts     int           // attempts per API call, retries included; default 5
	RetryMaxBackoff time.Duration // longest wait between attempts; default 20s

	HTTPClient *http.Client // default: the SDK's client
	Logger     *slog.Logger // default: slog.Default()

	// OnCall is told of every HTTP attempt sent to AWS, retries included,
	// because attempts are what AWS throttles and what a benchmark should
	// count. Service is "EC2" or "STS", action e.g. "DescribeInstances".
	// It may be called from many goroutines at once.
	OnCall func(service, action, region string)

	// DefaultProfile and DefaultRegion are the persisted choices
	// (backend/settings), used only when nothing more explicit is set:
	// Profile, AWS_PROFILE or keys in AWS_ACCESS_KEY_ID; Region or AWS_REGION.
	DefaultProfile string
	DefaultRegion  string
	// Defaults, when set, is asked for them at every Load instead, so a
	// long-running front end follows a switch made elsewhere.
	Defaults func() (profile, region string)
	// Keychain, when set, supplies profiles kept in the OS keychain and the
	// app's own SSO sign-ins (a *creds.Service).
	Keychain Keychain
}

const (
	defaultMaxAttempts = 5
	defaultMaxBackoff  = 20 * time.Second
)

// Session is a loaded AWS configuration, the root of the EC2 and STS clients.
type Session struct {
	cfg      sdkaws.Config
	profile  string
	endpoint string // Options.EndpointURL, applied to every client
	log      *slog.Logger
	fleet    *Fleet
	launch   adapters // launch.go
}

// Load reads the AWS configuration the way the AWS CLI does and checks that a
// region is known and the profile exists. It makes no network call.
func Load(ctx context.Context, o Options) (*Session, error) {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	o.choose()
	attempts := o.MaxAttempts
	if attempts <= 0 {
		attempts = defaultMaxAttempts
	}
	backoff := o.RetryMaxBackoff
	if backoff <= 0 {
		backoff = defaultMaxBackoff
	}
	// Adaptive mode adds client-side rate limiting on throttling on top of
	// the standard retries, which suits polling many instances.
	retryer := func() sdkaws.Retryer {
		return retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
			ao.StandardOptions = append(ao.StandardOptions, func(so *retry.StandardOptions) {
				so.MaxAttempts = attempts
				so.MaxBackoff = backoff
			})
		})
	}
	// The SDK's own warnings (an IMDS fallback, say) go to our log at debug
	// level instead of the terminal, where they read like failures.
	sdkLog := logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		log.Debug("aws sdk: "+fmt.Sprintf(format, v...), "class", string(c))
	})
	loadOpts := []func(*config.LoadOptions) error{config.WithRetryer(retryer), config.WithLogger(sdkLog)}
	if o.Profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(o.Region))
	}
	if o.HTTPClient != nil {
		loadOpts = append(loadOpts, config.WithHTTPClient(o.HTTPClient))
	}
	if o.EndpointURL != "" {
		loadOpts = append(loadOpts, config.WithBaseEndpoint(o.EndpointURL))
	}
	if o.OnCall != nil {
		loadOpts = append(loadOpts, config.WithAPIOptions([]func(*middleware.Stack) error{callCounter(o.OnCall)}))
	}

	profile := activeProfile(o.Profile)
	kc := o.keychainOptions(profile)
	defer kc.cleanup()
	cfg, err := config.LoadDefaultConfig(ctx, append(loadOpts, kc.opts...)...)
	if err != nil {
		if kc.err != nil {
			return nil, fmt.Errorf("profile %q: %w; and the keychain could not be checked for it: %w", profile, loadError(profile, err), kc.err)
		}
		return nil, loadError(profile, err)
	}
	if kc.err != nil {
		log.Warn("the keychain could not be checked for the profile; using the AWS files", "profile", profile, "err", kc.err)
	}
	if kc.opts == nil {
		if err := useSSOSignIn(&cfg, o.Keychain, profile); err != nil {
			log.Warn("the keychain could not be checked for an SSO sign-in", "profile", profile, "err", err)
		}
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("no AWS region is set for profile %q: pass --region, set AWS_REGION, "+
			"or add \"region = ...\" to the profile in %s", profile, configFiles())
	}
	if cfg.HTTPClient == nil { // the SDK picks its default only later, per client
		cfg.HTTPClient = awshttp.NewBuildableClient()
	}
	cfg.HTTPClient = bufferedClient{inner: cfg.HTTPClient}
	// Credential failures then name the profile instead of an SDK chain dump.
	cfg.Credentials = &credentials{inner: cfg.Credentials, profile: profile}

	s := &Session{cfg: cfg, profile: profile, endpoint: o.EndpointURL, log: log}
	s.fleet = newFleet(s)
	s.launch = newAdapters(s)
	log.Debug("aws config loaded", "profile", profile, "region", cfg.Region, "endpoint", s.endpointForLog())
	return s, nil
}

// Region is the default region: --region, AWS_REGION or the profile's.
func (s *Session) Region() string { return s.cfg.Region }

// Profile is the profile in use ("default" when none was named).
func (s *Session) Profile() string { return s.profile }

// Config is the SDK configuration, for callers that need another client.
func (s *Session) Config() sdkaws.Config { return s.cfg.Copy() }

// Fleet returns the EC2 side of the session; it is safe for concurrent use.
func (s *Session) Fleet() cloud.Fleet { return s.fleet }

// Identity asks STS who the credentials belong to.
func (s *Session) Identity(ctx context.Context) (cloud.Identity, error) {
	client := sts.NewFromConfig(s.cfg, func(o *sts.Options) {
		if s.endpoint != "" {
			o.BaseEndpoint = sdkaws.String(s.endpoint)
		}
	})
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return cloud.Identity{}, s.apiError(s.cfg.Region, "GetCallerIdentity", err)
	}
	return cloud.Identity{
		Account: sdkaws.ToString(out.Account),
		ARN:     sdkaws.ToString(out.Arn),
		UserID:  sdkaws.ToString(out.UserId),
	}, nil
}

func (s *Session) endpointForLog() string {
	if s.endpoint != "" {
		return s.endpoint
	}
	if s.cfg.BaseEndpoint != nil {
		return *s.cfg.BaseEndpoint
	}
	return "AWS"
}

// activeProfile names the profile the SDK will use, for messages.
func activeProfile(p string) string {
	if p != "" {
		return p
	}
	if p := os.Getenv("AWS_PROFILE"); p != "" {
		return p
	}
	if p := os.Getenv("AWS_DEFAULT_PROFILE"); p != "" {
		return p
	}
	return "default"
}

// configFiles names where profiles are read from, as the SDK resolves them.
func configFiles() string {
	cfgFile := os.Getenv("AWS_CONFIG_FILE")
	if cfgFile == "" {
		cfgFile = config.DefaultSharedConfigFilename()
	}
	credFile := os.Getenv("AWS_SHARED_CREDENTIALS_FILE")
	if credFile == "" {
		credFile = config.DefaultSharedCredentialsFilename()
	}
	return cfgFile + " and " + credFile
}

func loadError(profile string, err error) error {
	var missing config.SharedConfigProfileNotExistError
	if errors.As(err, &missing) {
		files := configFiles()
		if len(missing.Filename) > 0 {
			files = strings.Join(missing.Filename, " and ")
		}
		return fmt.Errorf("AWS profile %q does not exist in %s: check --profile and AWS_PROFILE, "+
			"or create it with \"aws configure --profile %s\": %w", missing.Profile, files, missing.Profile, err)
	}
	return fmt.Errorf("reading the AWS configuration (profile %q): %w", profile, err)
}
