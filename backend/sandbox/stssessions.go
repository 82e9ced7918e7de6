package sandbox

import (
	"encoding/xml"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

type xCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type xSessionToken struct {
	XMLName     xml.Name     `xml:"GetSessionTokenResponse"`
	Xmlns       string       `xml:"xmlns,attr"`
	Credentials xCredentials `xml:"GetSessionTokenResult>Credentials"`
	RequestID   string       `xml:"ResponseMetadata>RequestId"`
}

type xAssumeRole struct {
	XMLName     xml.Name     `xml:"AssumeRoleResponse"`
	Xmlns       string       `xml:"xmlns,attr"`
	Credentials xCredentials `xml:"AssumeRoleResult>Credentials"`
	RoleARN     string       `xml:"AssumeRoleResult>AssumedRoleUser>Arn"`
	RoleID      string       `xml:"AssumeRoleResult>AssumedRoleUser>AssumedRoleId"`
	RequestID   string       `xml:"ResponseMetadata>RequestId"`
}

var (
	roleARNRE   = regexp.MustCompile(`^arn:aws:iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})$`)
	mfaSerialRE = regexp.MustCompile(`^arn:aws:iam::\d{12}:mfa/[\w+=,.@/-]+$`)
	sessionRE   = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
)

// stsSessions answers GetSessionToken and AssumeRole: temporary keys that
// the sandbox then honours until they expire.
func (sb *Sandbox) stsSessions(c *call) (any, *apiError) {
	switch c.action {
	case "GetSessionToken":
		return sb.getSessionToken(c)
	case "AssumeRole":
		return sb.assumeRole(c)
	}
	return nil, clientErr("InvalidAction", "Could not find operation %s for version %s", c.action, stsVersion)
}

func (sb *Sandbox) getSessionToken(c *call) (any, *apiError) {
	if c.caller != nil {
		return nil, &apiError{http.StatusForbidden, "AccessDenied", "Cannot call GetSessionToken with session credentials"}
	}
	d, err := durationParam(c, 43200, 900, 129600)
	if err != nil {
		return nil, err
	}
	if err := checkMFA(c); err != nil {
		return nil, err
	}
	sb.auth.mu.Lock()
	defer sb.auth.mu.Unlock()
	id, secret, token, exp := sb.issue(d, sb.account, "arn:aws:iam::"+sb.account+":user/sandbox", sandboxUserID(sb.account))
	return &xSessionToken{Xmlns: stsNS, Credentials: xCredentials{id, secret, token, exp.Format(time.RFC3339)},
		RequestID: requestID()}, nil
}

func (sb *Sandbox) assumeRole(c *call) (any, *apiError) {
	m := roleARNRE.FindStringSubmatch(c.get("RoleArn"))
	if m == nil {
		return nil, clientErr("ValidationError", "%q is not a valid role ARN (arn:aws:iam::ACCOUNT:role/NAME)", c.get("RoleArn"))
	}
	session := c.get("RoleSessionName")
	if !sessionRE.MatchString(session) {
		return nil, clientErr("ValidationError", "RoleSessionName %q must be 2 to 64 letters, digits or +=,.@_-", session)
	}
	d, err := durationParam(c, 3600, 900, 43200)
	if err != nil {
		return nil, err
	}
	if err := checkMFA(c); err != nil {
		return nil, err
	}
	account, role := m[1], m[2]
	arn := "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session
	roleID := "AROA" + sandboxUserID(account + "/" + role)[4:] + ":" + session
	sb.auth.mu.Lock()
	defer sb.auth.mu.Unlock()
	id, secret, token, exp := sb.issue(d, account, arn, roleID)
	return &xAssumeRole{Xmlns: stsNS, Credentials: xCredentials{id, secret, token, exp.Format(time.RFC3339)},
		RoleARN: arn, RoleID: roleID, RequestID: requestID()}, nil
}

// checkMFA accepts no MFA at all, or a well-formed device ARN with MFACode.
func checkMFA(c *call) *apiError {
	serial, code := c.get("SerialNumber"), c.get("TokenCode")
	if serial == "" && code == "" {
		return nil
	}
	if !mfaSerialRE.MatchString(serial) || code != MFACode {
		return &apiError{http.StatusForbidden, "AccessDenied",
			"MultiFactorAuthentication failed with invalid MFA one time pass code."}
	}
	return nil
}

func durationParam(c *call, def, lo, hi int) (time.Duration, *apiError) {
	v := c.get("DurationSeconds")
	if v == "" {
		return time.Duration(def) * time.Second, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, clientErr("ValidationError", "1 validation error detected: Value '%s' at 'durationSeconds' "+
			"failed to satisfy constraint: Member must have value between %d and %d", v, lo, hi)
	}
	return time.Duration(n) * time.Second, nil
}
