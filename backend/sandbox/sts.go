package sandbox

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/xml"
	"strings"
)

type xCallerIdentity struct {
	XMLName   xml.Name `xml:"GetCallerIdentityResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Arn       string   `xml:"GetCallerIdentityResult>Arn"`
	UserID    string   `xml:"GetCallerIdentityResult>UserId"`
	Account   string   `xml:"GetCallerIdentityResult>Account"`
	RequestID string   `xml:"ResponseMetadata>RequestId"`
}

// sts answers the STS calls the app makes: GetCallerIdentity here, the
// session calls in stssessions.go.
func (sb *Sandbox) sts(c *call) (any, *apiError) {
	if c.action != "GetCallerIdentity" {
		return sb.stsSessions(c)
	}
	id := &xCallerIdentity{
		Xmlns: stsNS, Arn: "arn:aws:iam::" + sb.account + ":user/sandbox",
		UserID: sandboxUserID(sb.account), Account: sb.account, RequestID: requestID(),
	}
	if t := c.caller; t != nil { // a temporary key speaks for whom it was issued to
		id.Arn, id.UserID, id.Account = t.arn, t.userID, t.account
	}
	return id, nil
}

// sandboxUserID is a stable IAM-style unique id (AIDA + 17 upper-case
// letters/digits) derived from seed.
func sandboxUserID(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return "AIDA" + strings.TrimRight(base32.StdEncoding.EncodeToString(sum[:]), "=")[:17]
}
