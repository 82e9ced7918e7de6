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
	"cloudcontrol/backend/creds"
)

// Options say how to reach AWS. Empty fields fall back to the standard AWS
// configuration: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ~/.aws/config, ...
type Options struct {
	Profile     string // --profile; default AWS_PROFILE, then "default"
	Region      string // --region; default AWS_REGION, then the profile's region
	EndpointURL string // --endpoint-url; overrides AWS_ENDPOINT_URL and per-service endpoints

	MaxAttempts     int           // attempts per API call, retries included; default 5
	RetryMaxBackoff time.Duration // longest wait between attempts; default 20s
	// CallTimeout is the most one API call may take, its retries and the
	// credentials it needs included, on every client made from the
	// session (EC2, STS, the Price List, CloudFormation, ...); default
	// CallTimeout. A caller's shorter deadline still wins.
	CallTimeout time.Duration

	HTTPClient *http.Client // default: the SDK's client
	Logger     *slog.Logger // default: slog.Default()

	// OnCall is told of every HTTP attempt sent to AWS, retries included,
	// because attempts are what AWS throttles and what a benchmark should
	// count. Service is "EC2" or "STS", action e.g. "DescribeInstances".
	// It may be called from many goroutines at once.
	OnCall func(service, action, region string)

	// Defaults, when set, gives the saved choice (backend/settings). It is
	// asked at every Load, so a long-running front end follows a switch made
	// elsewhere, and it applies only where nothing more explicit is set
	// (Choose).
	Defaults func() (profile, region string)
	// Files are the shared AWS files; none means creds.DefaultFiles. The SDK
	// is handed these, so it and the profile list read the same files.
	Files creds.Files
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
	inAWS    inAWS    // inaws.go
}

// Load reads the AWS configuration the way the AWS CLI does and checks that a
// region is known and the profile exists. It makes no network call.
func Load(ctx context.Context, o Options) (*Session, error) {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
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
	files := o.Files
	if files.Config == "" && files.Credentials == "" {
		files = creds.DefaultFiles()
	}
	// The SDK opens and reads these itself, whatever they are: a named pipe
	// or a device there must be refused before it does.
	if err := files.Check(); err != nil {
		return nil, err
	}
	var savedProfile, savedRegion string
	if o.Defaults != nil {
		savedProfile, savedRegion = o.Defaults()
	}
	choice := Choose(ChoiceInput{Profile: o.Profile, Region: o.Region, SavedProfile: savedProfile, SavedRegion: savedRegion, Getenv: os.Getenv})
	loadOpts := []func(*config.LoadOptions) error{config.WithRetryer(retryer), config.WithLogger(sdkLog),
		config.WithSharedConfigFiles(present(files.Config)), config.WithSharedCredentialsFiles(present(files.Credentials))}
	// A profile named anywhere is handed over explicitly: the SDK would
	// otherwise let keys in AWS_ACCESS_KEY_ID win over AWS_PROFILE, against
	// the documented order. Keys in the environment, or nothing named at
	// all, leave the SDK its own chain (web identity, IMDS...).
	if !choice.EnvKeys() && choice.ProfileFrom != FromDefault {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(choice.Profile))
	}
	if choice.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(choice.Region))
	}
	if o.HTTPClient != nil {
		loadOpts = append(loadOpts, config.WithHTTPClient(o.HTTPClient))
	}
	if o.EndpointURL != "" {
		loadOpts = append(loadOpts, config.WithBaseEndpoint(o.EndpointURL))
	}
	bound := o.CallTimeout
	if bound <= 0 {
		bound = CallTimeout
	}
	apiOpts := []func(*middleware.Stack) error{callBound(bound)}
	if o.OnCall != nil {
		apiOpts = append(apiOpts, callCounter(o.OnCall))
	}
	loadOpts = append(loadOpts, config.WithAPIOptions(apiOpts))

	profile := choice.Profile
	kc := o.keychainOptions(choice, files)
	defer kc.cleanup()
	cfg, err := config.LoadDefaultConfig(ctx, append(loadOpts, kc.opts...)...)
	if err != nil {
		if kc.err != nil {
			return nil, fmt.Errorf("profile %q: %w; and the keychain could not be checked for it: %w", profile, loadError(profile, files, err), kc.err)
		}
		return nil, loadError(profile, files, err)
	}
	if kc.err != nil {
		log.Warn("the keychain could not be checked for the profile; using the AWS files", "profile", profile, "err", kc.err)
	}
	if kc.opts == nil && !choice.EnvKeys() {
		if err := useSSOSignIn(&cfg, o.Keychain, profile); err != nil {
			log.Warn("the keychain could not be checked for an SSO sign-in", "profile", profile, "err", err)
		}
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("no AWS region is set for %s: pass --region, set AWS_REGION, "+
			"or add \"region = ...\" to the profile in %s", whose(profile), describeFiles(files))
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
	s.inAWS = newInAWS(s)
	log.Debug("aws config loaded", "profile", profile, "region", cfg.Region, "endpoint", s.endpointForLog())
	return s, nil
}

// Region is the default region: --region, AWS_REGION or the profile's.
func (s *Session) Region() string { return s.cfg.Region }

// Profile is the profile in use ("default" when none was named), or
// cloud.EnvCredentials when the keys come from the environment variables.
func (s *Session) Profile() string { return s.profile }

// Config is the SDK configuration, for callers that need another client.
func (s *Session) Config() sdkaws.Config { return s.cfg.Copy() }

// Fleet returns the EC2 side of the session; it is safe for concurrent use.
func (s *Session) Fleet() cloud.Fleet { return s.fleet }

// Identity asks STS who the credentials belong to. The credentials are
// got first, outside the call's bound: getting them may ask a person for
// an MFA code, which is not AWS being slow.
func (s *Session) Identity(ctx context.Context) (cloud.Identity, error) {
	if _, err := s.cfg.Credentials.Retrieve(ctx); err != nil {
		return cloud.Identity{}, s.apiError(s.cfg.Region, "GetCallerIdentity", err)
	}
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

// present drops an unknown path (no home folder): the SDK is told there is
// no such file rather than given "".
func present(path string) []string {
	if path == "" {
		return []string{}
	}
	return []string{path}
}

// describeFiles names where profiles are read from, for messages.
func describeFiles(f creds.Files) string { return f.Config + " and " + f.Credentials }

// whose names a session's credentials in messages.
func whose(profile string) string {
	if profile == cloud.EnvCredentials {
		return "the keys in the environment variables (AWS_ACCESS_KEY_ID)"
	}
	return fmt.Sprintf("profile %q", profile)
}

func loadError(profile string, f creds.Files, err error) error {
	var missing config.SharedConfigProfileNotExistError
	if errors.As(err, &missing) {
		files := describeFiles(f)
		if len(missing.Filename) > 0 {
			files = strings.Join(missing.Filename, " and ")
		}
		return fmt.Errorf("AWS profile %q does not exist in %s: check --profile and AWS_PROFILE, "+
			"or create it with \"aws configure --profile %s\": %w", missing.Profile, files, missing.Profile, err)
	}
	return fmt.Errorf("reading the AWS configuration (%s): %w", whose(profile), err)
}
