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
