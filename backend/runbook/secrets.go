package runbook

import (
	"net/url"
	"regexp"
	"strings"

	"cloudcontrol/backend/env"
)

// A runbook is readable by anyone who may read the account's SSM
// documents, so a secret must never be written into one. These checks are
// deliberately eager: a false alarm costs a rewrite, a miss leaks a secret.

var (
	urlInTextRe    = regexp.MustCompile(`(?i)https?://[^\s'"<>]+`)
	secretInTextRe = regexp.MustCompile(`(?i)((AKIA|ASIA)[0-9A-Z]{16}|authorization:\s*\S|x-api-key:\s*\S|(password|passwd|pwd|secret|token|api[-_]?key)\s*[=:]\s*\S|--password[= ]\S|bearer\s+[A-Za-z0-9._~+/-]{8,})`)
)

// urlSecret says why a URL holds a secret ("" when it does not seem to):
// user information, or a query value that is named or looks like a token.
func urlSecret(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if u.User != nil {
		return "its URL holds user information (user:password@)"
	}
	for key, values := range u.Query() {
		for _, v := range values {
			if v == "" {
				continue
			}
			if env.SecretName(key) {
				return "its URL's query parameter " + key + " looks like a secret"
			}
			if env.TokenLike(v) {
				return "its URL's query parameter " + key + " has a token-like value"
			}
		}
	}
	return ""
}

// commandSecret says why a command seems to hold a secret, or "".
func commandSecret(lines []string) string {
	for _, l := range lines {
		if secretInTextRe.MatchString(l) {
			return "it looks like it holds a secret (an access key, a password, a token or an Authorization header)"
		}
		for _, u := range urlInTextRe.FindAllString(l, -1) {
			if why := urlSecret(u); why != "" {
				return "a URL in it holds a secret: " + strings.TrimPrefix(why, "its URL ")
			}
		}
	}
	return ""
}
