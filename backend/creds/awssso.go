package creds

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
)

// AWSOIDC is IAM Identity Center's OIDC service through aws-sdk-go-v2. The
// calls are unsigned, so no credentials are needed.
type AWSOIDC struct {
	options []func(*ssooidc.Options)
}

// NewAWSOIDC calls the real service; options can point it at the sandbox.
func NewAWSOIDC(options ...func(*ssooidc.Options)) *AWSOIDC { return &AWSOIDC{options: options} }

func (a *AWSOIDC) client(region string) *ssooidc.Client {
	return ssooidc.New(ssooidc.Options{Region: region}, a.options...)
}

// RegisterClient registers this app as a public OIDC client in region and
// returns the client's ID and secret.
func (a *AWSOIDC) RegisterClient(ctx context.Context, region, name string) (string, string, error) {
	out, err := a.client(region).RegisterClient(ctx, &ssooidc.RegisterClientInput{
		ClientName: aws.String(name), ClientType: aws.String("public")})
	if err != nil {
		return "", "", err
	}
	return aws.ToString(out.ClientId), aws.ToString(out.ClientSecret), nil
}

// StartDeviceAuthorization begins the device sign-in at startURL: the codes
// and the address the person approves it at.
func (a *AWSOIDC) StartDeviceAuthorization(ctx context.Context, region, id, secret, startURL string) (Device, error) {
	out, err := a.client(region).StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: aws.String(id), ClientSecret: aws.String(secret), StartUrl: aws.String(startURL)})
	if err != nil {
		return Device{}, fmt.Errorf("starting the device sign-in: %w", err)
	}
	return Device{DeviceCode: aws.ToString(out.DeviceCode), UserCode: aws.ToString(out.UserCode),
		VerificationURI: aws.ToString(out.VerificationUri), VerificationURIComplete: aws.ToString(out.VerificationUriComplete),
		ExpiresIn: time.Duration(out.ExpiresIn) * time.Second, Interval: time.Duration(out.Interval) * time.Second}, nil
}

// CreateToken asks once whether the device sign-in was approved: the access
// token if it was, else one of the ErrSSO errors (see OIDC).
func (a *AWSOIDC) CreateToken(ctx context.Context, region, id, secret, deviceCode string) (SSOToken, error) {
	out, err := a.client(region).CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: aws.String(id),
		ClientSecret: aws.String(secret), DeviceCode: aws.String(deviceCode),
		GrantType: aws.String("urn:ietf:params:oauth:grant-type:device_code")})
	var (
		pending *types.AuthorizationPendingException
		slow    *types.SlowDownException
		denied  *types.AccessDeniedException
		expired *types.ExpiredTokenException
	)
	switch {
	case err == nil:
		return SSOToken{AccessToken: aws.ToString(out.AccessToken),
			Expires: time.Now().Add(time.Duration(out.ExpiresIn) * time.Second)}, nil
	case errors.As(err, &pending):
		return SSOToken{}, ErrSSOPending
	case errors.As(err, &slow):
		return SSOToken{}, ErrSSOSlowDown
	case errors.As(err, &denied):
		return SSOToken{}, ErrSSODenied
	case errors.As(err, &expired):
		return SSOToken{}, ErrSSOExpired
	}
	return SSOToken{}, fmt.Errorf("getting the SSO token: %w", err)
}
