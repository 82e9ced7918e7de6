package creds

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// stsServer answers STS query requests the way AWS does, on 127.0.0.1.
type stsServer struct {
	mu        sync.Mutex
	forms     []url.Values
	authz     []string
	errorCode string
	errorMsg  string
}

func (s *stsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.forms = append(s.forms, r.PostForm)
	s.authz = append(s.authz, r.Header.Get("Authorization"))
	code, msg := s.errorCode, s.errorMsg
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	if code != "" {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>`+
			`<Code>%s</Code><Message>%s</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`, code, msg)
		return
	}
	action := r.PostForm.Get("Action")
	fmt.Fprintf(w, `<%[1]sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><%[1]sResult><Credentials>`+
		`<AccessKeyId>ASIASESSIONKEY0009</AccessKeyId><SecretAccessKey>tempsecret</SecretAccessKey>`+
		`<SessionToken>%[2]s</SessionToken><Expiration>2025-03-01T10:00:00Z</Expiration></Credentials>`+
		`</%[1]sResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></%[1]sResponse>`, action, testSession)
}

func newSTSServer(t *testing.T) (*stsServer, *AWSSTS) {
	s := &stsServer{}
	srv := httptest.NewServer(s) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	client := NewAWSSTS("eu-west-1", func(o *sts.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
		o.RetryMaxAttempts = 1
	})
	return s, client
}

func TestAWSSTSRequests(t *testing.T) {
	srv, client := newSTSServer(t)
	keys := Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret}
	ctx := context.Background()
	got, err := client.GetSessionToken(ctx, keys, "arn:aws:iam::1:mfa/me", "654321", 2*time.Hour)
	want := Credentials{AccessKeyID: "ASIASESSIONKEY0009", SecretAccessKey: "tempsecret", SessionToken: testSession,
		Expiration: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)}
	if err != nil || got != want {
		t.Fatalf("GetSessionToken = %v, %v", got, err)
	}
	if _, err := client.AssumeRole(ctx, keys, "arn:aws:iam::1:role/R", "cloudcontrol-x", "", "", time.Hour); err != nil {
		t.Fatal(err)
	}
	f := srv.forms
	if f[0].Get("Action") != "GetSessionToken" || f[0].Get("SerialNumber") != "arn:aws:iam::1:mfa/me" ||
		f[0].Get("TokenCode") != "654321" || f[0].Get("DurationSeconds") != "7200" {
		t.Fatalf("GetSessionToken form = %v", f[0])
	}
	if f[1].Get("Action") != "AssumeRole" || f[1].Get("RoleArn") != "arn:aws:iam::1:role/R" ||
		f[1].Get("RoleSessionName") != "cloudcontrol-x" || f[1].Has("SerialNumber") || f[1].Get("DurationSeconds") != "3600" {
		t.Fatalf("AssumeRole form = %v", f[1])
	}
	// Signed with the profile's keys; the secret itself never travels.
	if !strings.Contains(srv.authz[0], "Credential="+testKeyID+"/") || strings.Contains(srv.authz[0], testSecret) {
		t.Fatalf("Authorization = %q", srv.authz[0])
	}
}

func TestAWSSTSErrorsAreClassified(t *testing.T) {
	cases := []struct {
		code, msg string
		is        error
	}{
		{"AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", ErrMFARejected},
		{"InvalidClientTokenId", "The security token included in the request is invalid.", ErrKeysRejected},
		{"SignatureDoesNotMatch", "The request signature we calculated does not match.", ErrKeysRejected},
		{"ExpiredToken", "The security token included in the request is expired", ErrKeysExpired},
		{"AccessDenied", "User is not authorized to perform: sts:AssumeRole", nil},
	}
	for _, c := range cases {
		srv, client := newSTSServer(t)
		srv.errorCode, srv.errorMsg = c.code, c.msg
		_, err := client.GetSessionToken(context.Background(), Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret},
			"", "", time.Hour)
		if err == nil || !strings.Contains(err.Error(), c.msg) || strings.Contains(err.Error(), testSecret) {
			t.Errorf("%s: err = %v", c.code, err)
		}
		for _, sentinel := range []error{ErrMFARejected, ErrKeysRejected, ErrKeysExpired} {
			if errors.Is(err, sentinel) != (sentinel == c.is) {
				t.Errorf("%s %q: errors.Is(%v) = %v", c.code, c.msg, sentinel, !(sentinel == c.is))
			}
		}
	}
}
