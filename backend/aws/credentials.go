package aws

import (
	"context"
	"fmt"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
)

// credentials wraps the SDK's provider chain so that a failure to find or
// refresh credentials is recognisable (errors.As *CredentialsError) and names
// the profile, instead of surfacing as an opaque signing error.
type credentials struct {
	inner   sdkaws.CredentialsProvider
	profile string
}

func (c *credentials) Retrieve(ctx context.Context) (sdkaws.Credentials, error) {
	if c.inner == nil {
		return sdkaws.Credentials{}, &CredentialsError{Profile: c.profile, Err: fmt.Errorf("no credential provider")}
	}
	creds, err := c.inner.Retrieve(ctx)
	if err != nil {
		return creds, &CredentialsError{Profile: c.profile, Err: err}
	}
	return creds, nil
}

// IsCredentialsProvider lets the SDK see through the wrapper (it checks for
// anonymous credentials this way).
func (c *credentials) IsCredentialsProvider(target sdkaws.CredentialsProvider) bool {
	return sdkaws.IsCredentialsProvider(c.inner, target)
}

// CredentialsError says no usable credentials could be obtained for a profile.
// Its text never includes key material: the SDK's provider errors do not.
type CredentialsError struct {
	Profile string
	Err     error
}

func (e *CredentialsError) Error() string {
	return fmt.Sprintf("no usable AWS credentials for %s: %v", whose(e.Profile), e.Err)
}

func (e *CredentialsError) Unwrap() error { return e.Err }
