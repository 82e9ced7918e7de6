package creds

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ProviderSource names these credentials in the SDK's aws.Credentials.
const ProviderSource = "CloudControlKeychain"

// Provider adapts a keychain profile to the AWS SDK. Sessions already
// renews ahead of expiry; wrap it in aws.NewCredentialsCache so the SDK does
// not ask the keychain on every request.
func (s *Sessions) Provider(profile string) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
		c, err := s.Get(ctx, profile)
		if err != nil {
			return aws.Credentials{}, err
		}
		return aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
			SessionToken: c.SessionToken, Source: ProviderSource,
			CanExpire: !c.Expiration.IsZero(), Expires: c.Expiration}, nil
	})
}
