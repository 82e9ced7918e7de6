package creds

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
)

// AWSSTS is the STS of aws-sdk-go-v2. Each call signs with the keys it is
// given, so one value serves every profile.
type AWSSTS struct {
	region  string
	options []func(*sts.Options)
}

// NewAWSSTS calls STS in region ("" means us-east-1); options can point it
// at another endpoint, such as the sandbox.
func NewAWSSTS(region string, options ...func(*sts.Options)) *AWSSTS {
	if region == "" {
		region = "us-east-1"
	}
	return &AWSSTS{region: region, options: options}
}

func (a *AWSSTS) client(keys Credentials) *sts.Client {
	static := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: keys.AccessKeyID, SecretAccessKey: keys.SecretAccessKey,
			SessionToken: keys.SessionToken, Source: ProviderSource}, nil
	})
	return sts.New(sts.Options{Region: a.region, Credentials: static}, a.options...)
}

// GetSessionToken starts a session with the keys, with MFA when mfaSerial is set.
func (a *AWSSTS) GetSessionToken(ctx context.Context, keys Credentials, mfaSerial, code string, duration time.Duration) (Credentials, error) {
	in := &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(int32(duration / time.Second))}
	if mfaSerial != "" {
		in.SerialNumber, in.TokenCode = aws.String(mfaSerial), aws.String(code)
	}
	out, err := a.client(keys).GetSessionToken(ctx, in)
	if err != nil {
		return Credentials{}, classifySTS("GetSessionToken", err)
	}
	return fromSTS(out.Credentials)
}

// AssumeRole assumes roleARN with the keys, with MFA when mfaSerial is set.
func (a *AWSSTS) AssumeRole(ctx context.Context, keys Credentials, roleARN, sessionName, mfaSerial, code string, duration time.Duration) (Credentials, error) {
	in := &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String(sessionName),
		DurationSeconds: aws.Int32(int32(duration / time.Second))}
	if mfaSerial != "" {
		in.SerialNumber, in.TokenCode = aws.String(mfaSerial), aws.String(code)
	}
	out, err := a.client(keys).AssumeRole(ctx, in)
	if err != nil {
		return Credentials{}, classifySTS("AssumeRole", err)
	}
	return fromSTS(out.Credentials)
}

func fromSTS(c *types.Credentials) (Credentials, error) {
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil || c.Expiration == nil {
		return Credentials{}, errors.New("STS answered without complete credentials")
	}
	return Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey,
		SessionToken: aws.ToString(c.SessionToken), Expiration: *c.Expiration}, nil
}

// classifySTS maps STS error codes to this package's sentinels. AWS's own
// error is kept: it names the request, never the secret.
func classifySTS(op string, err error) error {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return fmt.Errorf("STS %s: %w", op, err)
	}
	var kind error
	switch code := api.ErrorCode(); {
	case code == "AccessDenied" && strings.Contains(strings.ToLower(api.ErrorMessage()), "multifactorauthentication"):
		kind = ErrMFARejected
	case code == "InvalidClientTokenId", code == "SignatureDoesNotMatch", code == "UnrecognizedClientException":
		kind = ErrKeysRejected
	case code == "ExpiredToken", code == "ExpiredTokenException":
		kind = ErrKeysExpired
	default:
		return fmt.Errorf("STS %s: %w", op, err)
	}
	return fmt.Errorf("%w: STS %s: %w", kind, op, err)
}
