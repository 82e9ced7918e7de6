package aws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"slices"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"cloudcontrol/backend/cloud"
	icreds "cloudcontrol/backend/creds"
)

// Error is a failed AWS call, worded for people:
// "eu-west-1: DescribeInstances: <AWS message> (<code>)". It wraps the SDK
// error (errors.As smithy.APIError works) and, for refused state changes,
// cloud.ErrStateConflict.
type Error struct {
	Region string
	Action string
	Code   string // AWS error code; empty when AWS was not reached
	text   string
	errs   []error
}

func (e *Error) Error() string   { return e.text }
func (e *Error) Unwrap() []error { return e.errs }

// credentialCodes are the AWS error codes that mean the credentials
// themselves were refused, as opposed to a missing permission.
var credentialCodes = []string{
	"AuthFailure", "UnrecognizedClientException", "InvalidClientTokenId",
	"ExpiredToken", "ExpiredTokenException", "RequestExpired",
	"SignatureDoesNotMatch", "InvalidAccessKeyId", "IncompleteSignature",
}

// apiError turns an SDK error from action in region into an error a person
// can act on. NotFound codes become *cloud.NotFoundError (requested lists the
// ids of the call, used when AWS's message names none).
func (s *Session) apiError(region, action string, err error, requested ...string) error {
	// A call cut short is worded here, once, for every service: the SDK's
	// own words end in "context canceled" or "context deadline exceeded".
	var bound *TimeoutError
	switch {
	case errors.As(err, &bound):
		return &Error{Region: region, Action: action, errs: []error{err, cloud.ErrUnreachable}, text: fmt.Sprintf(
			"%s: %s: no answer from AWS at %s within %s", region, action, s.endpointForLog(), bound.After)}
	case errors.Is(err, context.Canceled):
		return &Error{Region: region, Action: action, errs: []error{err}, text: fmt.Sprintf(
			"%s: %s: cancelled before AWS answered", region, action)}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Region: region, Action: action, errs: []error{err}, text: fmt.Sprintf(
			"%s: %s: no answer from AWS at %s in the time that was left", region, action, s.endpointForLog())}
	}
	var creds *CredentialsError
	if errors.As(err, &creds) && keychainTrouble(creds.Err) {
		// The keychain profile's own words (a wrong MFA code, revoked keys, a
		// locked keychain) say what to do; SSO hints would mislead.
		return &Error{Region: region, Action: action, errs: []error{err}, text: fmt.Sprintf(
			"%s: %s: no usable AWS credentials for keychain profile %q: %v", region, action, s.profile, creds.Err)}
	}
	if errors.As(err, &creds) && s.profile == cloud.EnvCredentials {
		return &Error{Region: region, Action: action, errs: []error{err}, text: fmt.Sprintf(
			"%s: %s: no usable AWS credentials in the environment variables: set both AWS_ACCESS_KEY_ID and "+
				"AWS_SECRET_ACCESS_KEY, or unset them to use a profile (%v)", region, action, creds.Err)}
	}
	if errors.As(err, &creds) {
		return &Error{Region: region, Action: action, errs: []error{err}, text: fmt.Sprintf(
			"%s: %s: no usable AWS credentials for profile %q: sign in again (aws sso login --profile %s), "+
				"set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add keys to the profile (%v)",
			region, action, s.profile, s.profile, creds.Err)}
	}
	var api smithy.APIError
	status := httpStatus(err)
	if !errors.As(err, &api) || api.ErrorCode() == "UnknownError" && status > 0 {
		// An answer that is no AWS error (a proxy's page, another
		// implementation's bug) still means AWS was reached.
		if status > 0 {
			return &Error{Region: region, Action: action, errs: []error{err}, text: fmt.Sprintf(
				"%s: %s: AWS at %s answered HTTP %d without an AWS error in its body", region, action, s.endpointForLog(), status)}
		}
		return &Error{Region: region, Action: action, errs: []error{err, cloud.ErrUnreachable}, text: fmt.Sprintf(
			"%s: %s: cannot reach AWS at %s: %v", region, action, s.endpointForLog(), networkWords(err))}
	}
	code, msg := api.ErrorCode(), api.ErrorMessage()
	if ids := notFoundIDs(code, msg, requested); ids != nil {
		return fmt.Errorf("%s: %s: %w", region, action, &cloud.NotFoundError{IDs: ids})
	}
	e := &Error{Region: region, Action: action, Code: code, errs: []error{err},
		text: fmt.Sprintf("%s: %s: %s (%s)", region, action, msg, code)}
	if kind := kindOf(code); kind != nil {
		e.errs = append(e.errs, kind)
	}
	switch {
	case code == "IncorrectInstanceState":
		e.errs = append(e.errs, cloud.ErrStateConflict)
	case slices.Contains(credentialCodes, code) && s.profile == cloud.EnvCredentials:
		e.text = fmt.Sprintf("%s: %s: AWS refused the keys in the environment variables (AWS_ACCESS_KEY_ID): %s (%s); "+
			"set new ones, or unset them to use a profile", region, action, msg, code)
	case slices.Contains(credentialCodes, code):
		e.text = fmt.Sprintf("%s: %s: AWS refused the credentials of profile %q: %s (%s); "+
			"refresh them (aws sso login --profile %s, or new access keys)", region, action, s.profile, msg, code, s.profile)
	case code == "UnauthorizedOperation" || code == "AccessDenied" || code == "AccessDeniedException":
		who := fmt.Sprintf("profile %q is", s.profile)
		if s.profile == cloud.EnvCredentials {
			who = whose(s.profile) + " are"
		}
		e.text = fmt.Sprintf("%s: %s: %s not allowed to do this: %s (%s)", region, action, who, msg, code)
	}
	return e
}

// networkWords is the network's own account of a failed connection ("dial
// tcp 127.0.0.1:4566: connect: connection refused") without the SDK's
// wrapping around it (operation error, attempts, request id), else err.
func networkWords(err error) error {
	var op *net.OpError
	if errors.As(err, &op) {
		return op
	}
	return err
}

// httpStatus is the HTTP status AWS answered with, 0 when it did not answer.
func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// keychainTrouble: the credentials failed in the keychain profile's own
// session logic rather than in the SDK's provider chain.
func keychainTrouble(err error) bool {
	for _, e := range []error{icreds.ErrMFARejected, icreds.ErrKeysRejected, icreds.ErrKeysExpired, icreds.ErrKeychainUnavailable} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

var (
	instanceIDPattern = regexp.MustCompile(`\bi-[0-9a-fA-F]+\b`)
	quotedPattern     = regexp.MustCompile(`["']([^"']+)["']`)
)

// notFoundIDs returns the ids an InvalidInstanceID.NotFound or .Malformed
// error is about, or nil for any other error. AWS names them in the message:
// "The instance IDs 'i-1, i-2' do not exist", `Invalid id: "i-x"`.
func notFoundIDs(code, msg string, requested []string) []string {
	var ids []string
	switch code {
	case "InvalidInstanceID.NotFound":
		ids = instanceIDPattern.FindAllString(msg, -1)
	case "InvalidInstanceID.Malformed":
		for _, m := range quotedPattern.FindAllStringSubmatch(msg, -1) {
			// The message also quotes the expected form ("i-...").
			if m[1] != "i-..." {
				ids = append(ids, m[1])
			}
		}
	default:
		return nil
	}
	ids = dedupe(ids)
	if len(ids) == 0 {
		// AWS did not say which: all of them are suspect.
		ids = append([]string{}, requested...)
	}
	if len(ids) == 0 {
		ids = []string{"(unknown id)"}
	}
	return ids
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
