package sandbox

import (
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// clientsFor returns STS and EC2 clients of the sandbox signing with keys.
func (e *env) clientsFor(id, secret, token string) (*sts.Client, *ec2.Client) {
	cfg := awsConfig("eu-west-1")
	cfg.Credentials = credentials.NewStaticCredentialsProvider(id, secret, token)
	return sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(e.url) }),
		ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.BaseEndpoint = aws.String(e.url) })
}

func TestGetSessionTokenExpiresAndIsEnforced(t *testing.T) {
	e := newEnv(t, twoInstances)
	out, err := e.sts().GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900),
		SerialNumber: aws.String("arn:aws:iam::210987654321:mfa/tester"), TokenCode: aws.String(MFACode)})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if got := c.Expiration.Sub(epoch); got != 15*time.Minute {
		t.Fatalf("expiration %v after now, want 15m", got)
	}
	st, ec := e.clientsFor(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	id, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::210987654321:user/sandbox" {
		t.Fatalf("identity with the session: %v %v", id, err)
	}
	if _, err := ec.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatalf("EC2 with a fresh session: %v", err)
	}
	// The wrong session token for an issued key is refused.
	bad, _ := e.clientsFor(*c.AccessKeyId, *c.SecretAccessKey, "not-the-token")
	_, err = bad.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
	// A session cannot start another session.
	_, err = st.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantCode(t, err, "AccessDenied")

	e.clock.Advance(15 * time.Minute)
	_, err = st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "ExpiredToken")
	_, err = ec.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	wantCode(t, err, "ExpiredToken")
}

func TestWrongMFACodeAndBadDurationsAreRejected(t *testing.T) {
	e := newEnv(t, twoInstances)
	_, err := e.sts().GetSessionToken(ctx, &sts.GetSessionTokenInput{
		SerialNumber: aws.String("arn:aws:iam::210987654321:mfa/tester"), TokenCode: aws.String("654321")})
	if ae := apiErr(t, err, "AccessDenied"); ae.ErrorMessage() == "" {
		t.Fatal("no message")
	}
	_, err = e.sts().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111122223333:role/ops"),
		RoleSessionName: aws.String("me"), SerialNumber: aws.String("arn:aws:iam::210987654321:mfa/tester"),
		TokenCode: aws.String("000000")})
	wantCode(t, err, "AccessDenied")
	_, err = e.sts().GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(60)})
	wantCode(t, err, "ValidationError")
	_, err = e.sts().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::1:role/x"), RoleSessionName: aws.String("me")})
	wantCode(t, err, "ValidationError")
}

func TestAssumeRoleActsAsTheRole(t *testing.T) {
	e := newEnv(t, twoInstances)
	out, err := e.sts().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111122223333:role/team/ops"),
		RoleSessionName: aws.String("cloudcontrol-dev"), DurationSeconds: aws.Int32(1800)})
	if err != nil {
		t.Fatal(err)
	}
	want := "arn:aws:sts::111122223333:assumed-role/ops/cloudcontrol-dev"
	if aws.ToString(out.AssumedRoleUser.Arn) != want || out.Credentials.Expiration.Sub(epoch) != 30*time.Minute {
		t.Fatalf("assumed %s until %v", aws.ToString(out.AssumedRoleUser.Arn), out.Credentials.Expiration)
	}
	c := out.Credentials
	st, _ := e.clientsFor(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	id, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != "111122223333" || aws.ToString(id.Arn) != want {
		t.Fatalf("identity of the role session: %+v %v", id, err)
	}
}

func TestRevokedKeysAreRefused(t *testing.T) {
	e := newEnv(t, twoInstances)
	e.sb.RevokeKey("AKIDSANDBOX")
	_, err := e.sts().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
	_, err = e.ec2("eu-west-1").DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	wantCode(t, err, "AuthFailure")
	other, _ := e.clientsFor("AKIDOTHERKEY00000", "secret", "")
	if _, err := other.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("another key is still accepted: %v", err)
	}
}

func TestSSODeviceFlowAndRoleCredentials(t *testing.T) {
	e := newEnv(t, twoInstances)
	cfg := awsConfig("eu-west-1")
	oidc := ssooidc.NewFromConfig(cfg, func(o *ssooidc.Options) { o.BaseEndpoint = aws.String(e.url) })
	reg, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("cloudcontrol"), ClientType: aws.String("public")})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{ClientId: reg.ClientId,
		ClientSecret: reg.ClientSecret, StartUrl: aws.String("https://sandbox.awsapps.com/start")})
	if err != nil {
		t.Fatal(err)
	}
	tokenIn := &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		DeviceCode: dev.DeviceCode, GrantType: aws.String("urn:ietf:params:oauth:grant-type:device_code")}
	_, err = oidc.CreateToken(ctx, tokenIn)
	var pending *types.AuthorizationPendingException
	if !errors.As(err, &pending) {
		t.Fatalf("before approval: want AuthorizationPendingException, got %v", err)
	}
	// The browser opens the complete verification URL, which approves.
	resp, err := http.Get(aws.ToString(dev.VerificationUriComplete))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("verification page: %d %s", resp.StatusCode, page)
	}
	tok, err := oidc.CreateToken(ctx, tokenIn)
	if err != nil || aws.ToString(tok.AccessToken) == "" || tok.ExpiresIn != int32(ssoTokenLifetime.Seconds()) {
		t.Fatalf("token after approval: %+v %v", tok, err)
	}
	portal := sso.NewFromConfig(cfg, func(o *sso.Options) { o.BaseEndpoint = aws.String(e.url) })
	rc, err := portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: tok.AccessToken,
		AccountId: aws.String("111122223333"), RoleName: aws.String("Tester")})
	if err != nil {
		t.Fatal(err)
	}
	c := rc.RoleCredentials
	st, _ := e.clientsFor(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	id, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != "111122223333" {
		t.Fatalf("identity of the SSO role: %+v %v", id, err)
	}
	e.clock.Advance(ssoTokenLifetime)
	_, err = portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: tok.AccessToken,
		AccountId: aws.String("111122223333"), RoleName: aws.String("Tester")})
	var unauth interface{ ErrorCode() string }
	if !errors.As(err, &unauth) || unauth.ErrorCode() != "UnauthorizedException" {
		t.Fatalf("expired SSO token: want UnauthorizedException, got %v", err)
	}
}

func TestSSODeniedSignIn(t *testing.T) {
	e := newEnv(t, twoInstances)
	oidc := ssooidc.NewFromConfig(awsConfig("eu-west-1"), func(o *ssooidc.Options) { o.BaseEndpoint = aws.String(e.url) })
	reg, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("cc"), ClientType: aws.String("public")})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{ClientId: reg.ClientId,
		ClientSecret: reg.ClientSecret, StartUrl: aws.String("https://x.awsapps.com/start")})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sb.ApproveDevice(aws.ToString(dev.UserCode), false); err != nil {
		t.Fatal(err)
	}
	_, err = oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		DeviceCode: dev.DeviceCode, GrantType: aws.String("urn:ietf:params:oauth:grant-type:device_code")})
	var denied *types.AccessDeniedException
	if !errors.As(err, &denied) {
		t.Fatalf("want AccessDeniedException, got %v", err)
	}
	if e.sb.ApproveDevice("NOPE-NOPE", true) == nil {
		t.Fatal("an unknown user code was approved")
	}
}
