package env

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
)

// URLVars are the values an http ready check's URL may use.
type URLVars struct {
	PrivateIP string
	PublicIP  string
	ID        string
	Name      string
}

var urlFields = []string{"PrivateIP", "PublicIP", "ID", "Name"}

// sampleVars render a URL at load time so a broken one fails then, not
// minutes into a start.
var sampleVars = URLVars{PrivateIP: "10.0.0.1", PublicIP: "203.0.113.1", ID: "i-0123456789abcdef0", Name: "web-1"}

// RenderURL fills in an http check's URL for one instance.
func RenderURL(raw string, v URLVars) (string, error) {
	t, err := urlTemplate(raw)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, v); err != nil {
		return "", fmt.Errorf("cannot fill in the URL: %w", err)
	}
	return b.String(), nil
}

// CheckURL reports why raw is not a usable http check URL, or nil.
func CheckURL(raw string) error {
	s, err := RenderURL(raw, sampleVars)
	if err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an http:// or https:// URL, e.g. http://{{.PrivateIP}}:8080/health")
	}
	return nil
}

// urlTemplate parses raw and allows only plain {{.Field}} actions, so the
// file cannot call functions or reach fields that do not exist.
func urlTemplate(raw string) (*template.Template, error) {
	allowed := "only {{.PrivateIP}}, {{.PublicIP}}, {{.ID}} and {{.Name}} may be used"
	t, err := template.New("url").Option("missingkey=error").Parse(raw)
	if err != nil {
		msg := err.Error()
		if i := strings.Index(msg, "url:"); i >= 0 {
			msg = strings.TrimLeft(msg[i+len("url:"):], "0123456789: ")
		}
		return nil, fmt.Errorf("bad template (%s): %s", allowed, msg)
	}
	if len(t.Templates()) > 1 {
		return nil, fmt.Errorf("bad template: %s", allowed)
	}
	if t.Tree == nil || t.Root == nil {
		return t, nil
	}
	for _, n := range t.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
		case *parse.ActionNode:
			if !plainField(n) {
				return nil, fmt.Errorf("%s, not %s", allowed, n)
			}
		default:
			return nil, fmt.Errorf("%s, not %s", allowed, n)
		}
	}
	return t, nil
}

func plainField(n *parse.ActionNode) bool {
	p := n.Pipe
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	return ok && len(f.Ident) == 1 && slices.Contains(urlFields, f.Ident[0])
}

// Secrets in gate URLs. A URL with user information or a token in its
// query is accepted (the check itself needs it), but it is shown and
// stored only as RedactURL gives it: in plans, events, messages, the usage
// history and the window.

var (
	// secretNameRe matches the names query parameters carry secrets under.
	secretNameRe = regexp.MustCompile(`(?i)(token|key|secret|passw|pwd|signature|^sig$|auth|credential|session|jwt|bearer)`)
	tokenValueRe = regexp.MustCompile(`^[A-Za-z0-9+/=_.~-]{20,}$`)
	digitRe      = regexp.MustCompile(`[0-9]`)
	letterRe     = regexp.MustCompile(`[A-Za-z]`)
)

// SecretName reports whether a query parameter's name says it holds a
// secret (token, key, secret, password, signature, credential, ...).
func SecretName(name string) bool { return secretNameRe.MatchString(name) }

// TokenLike reports whether a value looks like a token whatever its name:
// 20 or more characters of a token's alphabet, letters and digits both.
func TokenLike(v string) bool {
	return tokenValueRe.MatchString(v) && digitRe.MatchString(v) && letterRe.MatchString(v)
}

// redacted stands in for a hidden part of a URL.
const redacted = "***"

// RedactURL is raw (a URL or a gate's URL template) with its user
// information and the values of its secret-named or token-like query
// parameters replaced by ***. It works on the text, so a template that is
// no URL yet ({{.PrivateIP}} as its host) is redacted too.
func RedactURL(raw string) string {
	rest, frag, hasFrag := strings.Cut(raw, "#")
	head, query, hasQuery := strings.Cut(rest, "?")
	if i := strings.Index(head, "://"); i >= 0 {
		auth := head[i+3:]
		path := ""
		if j := strings.Index(auth, "/"); j >= 0 {
			auth, path = auth[:j], auth[j:]
		}
		if at := strings.LastIndex(auth, "@"); at >= 0 {
			auth = redacted + auth[at:]
		}
		head = head[:i+3] + auth + path
	}
	out := head
	if hasQuery {
		pairs := strings.Split(query, "&")
		for k, p := range pairs {
			name, value, ok := strings.Cut(p, "=")
			if ok && value != "" && (SecretName(name) || TokenLike(value)) {
				pairs[k] = name + "=" + redacted
			}
		}
		out += "?" + strings.Join(pairs, "&")
	}
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// HasSecret reports whether RedactURL hides anything of raw.
func HasSecret(raw string) bool { return RedactURL(raw) != raw }
