package env

import (
	"strings"
	"testing"
)

func TestRenderURL(t *testing.T) {
	v := URLVars{PrivateIP: "10.1.2.3", PublicIP: "198.51.100.7", ID: "i-0abc1234", Name: "web-1"}
	got, err := RenderURL("http://{{.PrivateIP}}:8080/health?id={{.ID}}&n={{.Name}}&p={{.PublicIP}}", v)
	if want := "http://10.1.2.3:8080/health?id=i-0abc1234&n=web-1&p=198.51.100.7"; err != nil || got != want {
		t.Errorf("RenderURL = %q, %v; want %q", got, err, want)
	}
	if got, err := RenderURL("https://example.test/", v); err != nil || got != "https://example.test/" {
		t.Errorf("RenderURL(no fields) = %q, %v", got, err)
	}
	for _, bad := range []string{"http://{{.Nope}}/", "http://{{.ID | printf \"%s\"}}/", `{{define "x"}}y{{end}}http://a/`,
		"http://{{if .ID}}a{{end}}/", "http://{{$x := .ID}}/", "http://{{.ID.Sub}}/", "http://{{.}}/"} {
		if _, err := RenderURL(bad, v); err == nil || !strings.Contains(err.Error(), "only {{.PrivateIP}}") {
			t.Errorf("RenderURL(%q) error = %v, want it refused", bad, err)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for _, ok := range []string{"http://{{.PrivateIP}}:8080/health", "https://{{.Name}}.internal/", "http://10.0.0.1/"} {
		if err := CheckURL(ok); err != nil {
			t.Errorf("CheckURL(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "{{.PrivateIP}}:8080", "ftp://{{.PrivateIP}}/", "http:///path", "http://[::1/"} {
		if err := CheckURL(bad); err == nil {
			t.Errorf("CheckURL(%q) = nil, want an error", bad)
		}
	}
}

// RedactURL hides a URL's user information and its secret-looking query
// values, template or not, and leaves everything else as written.
func TestRedactURL(t *testing.T) {
	for raw, want := range map[string]string{
		"http://admin:PASSWORD@{{.PrivateIP}}:8080/health":           "http://***@{{.PrivateIP}}:8080/health",
		"https://ops@10.0.0.1/":                                      "https://***@10.0.0.1/",
		"http://{{.PrivateIP}}/h?token=abc&x=1":                      "http://{{.PrivateIP}}/h?token=***&x=1",
		"http://h/h?API_KEY=a&Secret=b&password=c&X-Amz-Signature=d": "http://h/h?API_KEY=***&Secret=***&password=***&X-Amz-Signature=***",
		"http://h/h?credential=a&sig=b#frag":                         "http://h/h?credential=***&sig=***#frag",
		"http://h/h?x=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5":                  "http://h/h?x=***",
		"http://{{.PrivateIP}}:8080/health?verbose=1":                "http://{{.PrivateIP}}:8080/health?verbose=1",
		"http://h/a@b":         "http://h/a@b", // an @ in the path is no user information
		"http://u:p@h/p?q=1@2": "http://***@h/p?q=1@2",
		"not a url at all":     "not a url at all",
	} {
		if got := RedactURL(raw); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", raw, got, want)
		}
	}
	if !HasSecret("http://a:b@h/") || !HasSecret("http://h/?token=x") || HasSecret("http://h/?verbose=1") {
		t.Error("HasSecret does not agree with RedactURL")
	}
}
