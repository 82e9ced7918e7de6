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

// sts answers the STS calls the app makes: GetCallerIdentity.
func (sb *Sandbox) sts(c *call) (any, *apiError) {
	if c.action != "GetCallerIdentity" {
		return nil, clientErr("InvalidAction", "Could not find operation %s for version %s", c.action, stsVersion)
	}
	// A stable IAM-style unique id (AIDA + 17 upper-case letters/digits).
	sum := sha256.Sum256([]byte(sb.account))
	uid := "AIDA" + strings.TrimRight(base32.StdEncoding.EncodeToString(sum[:]), "=")[:17]
	return &xCallerIdentity{
		Xmlns: stsNS, Arn: "arn:aws:iam::" + sb.account + ":user/sandbox",
		UserID: uid, Account: sb.account, RequestID: requestID(),
	}, nil
}
