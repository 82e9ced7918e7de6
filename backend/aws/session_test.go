package aws

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/creds"
)

func TestLoadUsesProfileRegionAndRetryOptions(t *testing.T) {
	isolateAWS(t, "ap-south-1")
	s, err := Load(ctx, Options{Profile: "contract", MaxAttempts: 7, RetryMaxBackoff: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if s.Region() != "ap-south-1" || s.Profile() != "contract" {
		t.Errorf("Region/Profile = %q/%q", s.Region(), s.Profile())
	}
	r := s.Config().Retryer()
	if _, ok := r.(*retry.AdaptiveMode); !ok || r.MaxAttempts() != 7 {
		t.Errorf("retryer = %T with %d attempts, want adaptive with 7", r, r.MaxAttempts())
	}
	// --region beats the profile; AWS_PROFILE is honoured.
	t.Setenv("AWS_PROFILE", "contract")
	s, err = Load(ctx, Options{Region: "sa-east-1"})
	if err != nil || s.Region() != "sa-east-1" || s.Profile() != "contract" {
		t.Errorf("Load(AWS_PROFILE, --region) = %v/%v, %v", s.Region(), s.Profile(), err)
	}
	t.Setenv("AWS_REGION", "eu-north-1")
	if s, err = Load(ctx, Options{}); err != nil || s.Region() != "eu-north-1" {
		t.Errorf("AWS_REGION ignored: %v", err)
	}
}

func TestLoadMissingProfile(t *testing.T) {
	isolateAWS(t, "eu-west-1")
	cfgFile := os.Getenv("AWS_CONFIG_FILE")
	_, err := Load(ctx, Options{Profile: "nope"})
	if err == nil || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), cfgFile) {
		t.Fatalf("missing --profile: %v; want the profile and %s named", err, cfgFile)
	}
	t.Setenv("AWS_PROFILE", "gone")
	_, err = Load(ctx, Options{})
	if err == nil || !strings.Contains(err.Error(), `"gone"`) || !strings.Contains(err.Error(), "AWS_PROFILE") {
		t.Fatalf("missing AWS_PROFILE: %v", err)
	}
}

func TestLoadNoRegion(t *testing.T) {
	isolateAWS(t, "eu-west-1")
	// A profile without a region, and no AWS_REGION.
	if err := os.WriteFile(os.Getenv("AWS_CONFIG_FILE"), []byte("[profile bare]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(ctx, Options{Profile: "bare"})
	if err == nil || !strings.Contains(err.Error(), "--region") || !strings.Contains(err.Error(), "AWS_REGION") || !strings.Contains(err.Error(), `"bare"`) {
		t.Fatalf("no region: %v; want how to set one", err)
	}
}

func TestNoCredentialsSaidPlainly(t *testing.T) {
	isolateAWS(t, "eu-west-1")
	s, err := Load(ctx, Options{Profile: "nokeys", EndpointURL: deadEndpoint, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Fleet().Describe(ctx, "", []string{"i-1"})
	var ce *CredentialsError
	if !errors.As(err, &ce) {
		t.Fatalf("Describe without credentials: %v, want a *CredentialsError", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "eu-west-1: DescribeInstances: no usable AWS credentials for profile \"nokeys\"") {
		t.Errorf("message %q", msg)
	}
}

// apiErr builds the error the SDK returns for an AWS error response.
func apiErr(code, msg string) error {
	return &smithy.OperationError{ServiceID: "EC2", OperationName: "X",
		Err: fmt.Errorf("https response error StatusCode: 400: %w", &smithy.GenericAPIError{Code: code, Message: msg})}
}

func TestAPIErrorWording(t *testing.T) {
	s := &Session{profile: "work"}
	cases := []struct {
		code, msg, want string
		conflict        bool
	}{
		{"IncorrectInstanceState", "The instance 'i-0aa' is not in a state from which it can be stopped.",
			"eu-west-1: StopInstances: The instance 'i-0aa' is not in a state from which it can be stopped. (IncorrectInstanceState)", true},
		{"AuthFailure", "AWS was not able to validate the provided access credentials",
			`eu-west-1: StopInstances: AWS refused the credentials of profile "work": AWS was not able to validate the provided access credentials (AuthFailure); refresh them (aws sso login --profile work, or new access keys)`, false},
		{"UnrecognizedClientException", "The security token included in the request is invalid.",
			`eu-west-1: StopInstances: AWS refused the credentials of profile "work": The security token included in the request is invalid. (UnrecognizedClientException); refresh them (aws sso login --profile work, or new access keys)`, false},
		{"ExpiredToken", "The security token included in the request is expired",
			`eu-west-1: StopInstances: AWS refused the credentials of profile "work": The security token included in the request is expired (ExpiredToken); refresh them (aws sso login --profile work, or new access keys)`, false},
		{"UnauthorizedOperation", "You are not authorized to perform this operation.",
			`eu-west-1: StopInstances: profile "work" is not allowed to do this: You are not authorized to perform this operation. (UnauthorizedOperation)`, false},
		{"RequestLimitExceeded", "Request limit exceeded.", "eu-west-1: StopInstances: Request limit exceeded. (RequestLimitExceeded)", false},
	}
	env := &Session{profile: cloud.EnvCredentials}
	for _, c := range cases {
		if err := env.apiError("eu-west-1", "StopInstances", apiErr(c.code, c.msg)); strings.Contains(err.Error(), `profile "`) {
			t.Errorf("%s with keys from the environment names a profile: %s", c.code, err)
		}
		err := s.apiError("eu-west-1", "StopInstances", apiErr(c.code, c.msg), "i-0aa")
		if err.Error() != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.code, err, c.want)
		}
		if errors.Is(err, cloud.ErrStateConflict) != c.conflict {
			t.Errorf("%s: ErrStateConflict = %v, want %v", c.code, !c.conflict, c.conflict)
		}
		var api smithy.APIError
		if !errors.As(err, &api) || api.ErrorCode() != c.code {
			t.Errorf("%s: the SDK error is not kept for errors.As", c.code)
		}
	}
	err := s.apiError("us-east-1", "StartInstances", apiErr("InvalidInstanceID.NotFound", "The instance IDs 'i-0aa, i-0bb' do not exist"))
	var nf *cloud.NotFoundError
	if !errors.As(err, &nf) || len(nf.IDs) != 2 || err.Error() != "us-east-1: StartInstances: instances i-0aa, i-0bb do not exist" {
		t.Errorf("not found: %v", err)
	}
}

// A keychain profile's own failures are passed on in their words, without
// the SSO and environment-variable hints meant for the SDK's chain.
func TestKeychainCredentialFailuresKeepTheirWords(t *testing.T) {
	s := &Session{profile: "work"}
	mfa := fmt.Errorf("AWS did not accept the MFA code for work: %w", creds.ErrMFARejected)
	err := s.apiError("eu-west-1", "GetCallerIdentity", &CredentialsError{Profile: "work", Err: mfa})
	want := `eu-west-1: GetCallerIdentity: no usable AWS credentials for keychain profile "work": AWS did not accept the MFA code for work: AWS rejected the MFA code`
	if err.Error() != want || !errors.Is(err, creds.ErrMFARejected) {
		t.Errorf("got  %s\nwant %s", err, want)
	}
	chain := s.apiError("eu-west-1", "GetCallerIdentity", &CredentialsError{Profile: "work", Err: errors.New("no EC2 IMDS role found")})
	if !strings.Contains(chain.Error(), "aws sso login --profile work") {
		t.Errorf("the SDK chain's failure lost its hints: %s", chain)
	}
}

// Keys in AWS_ACCESS_KEY_ID are no profile: refusals say where they come from.
func TestEnvironmentKeysAreNamedAsSuch(t *testing.T) {
	s := &Session{profile: cloud.EnvCredentials}
	for _, c := range []struct {
		err  error
		want string
	}{
		{apiErr("AuthFailure", "not valid"), "eu-west-1: X: AWS refused the keys in the environment variables (AWS_ACCESS_KEY_ID): not valid (AuthFailure); set new ones, or unset them to use a profile"},
		{apiErr("UnauthorizedOperation", "no"), "eu-west-1: X: the keys in the environment variables (AWS_ACCESS_KEY_ID) are not allowed to do this: no (UnauthorizedOperation)"},
		{&CredentialsError{Profile: cloud.EnvCredentials, Err: errors.New("no secret")}, "eu-west-1: X: no usable AWS credentials in the environment variables: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or unset them to use a profile (no secret)"},
	} {
		if got := s.apiError("eu-west-1", "X", c.err).Error(); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}
