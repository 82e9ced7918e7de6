package env

import (
	"errors"
	"fmt"
	"net/url"
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
	if t.Tree == nil || t.Tree.Root == nil {
		return t, nil
	}
	for _, n := range t.Tree.Root.Nodes {
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
