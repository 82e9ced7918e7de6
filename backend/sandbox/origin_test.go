package sandbox

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

func TestOnlyLoopbackHostsAndNoCrossOriginPages(t *testing.T) {
	e := newEnv(t, twoInstances)
	send := func(method, path, host string, header map[string]string, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if host != "" {
			req.Host = host
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded") // a "simple" request: no CORS preflight
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const start = "Action=StopInstances&Version=2016-11-15&InstanceId.1=i-0a00000000000002"
	own := "http://" + strings.TrimPrefix(e.url, "http://")
	for _, c := range []struct {
		name, method, path, host string
		header                   map[string]string
		want                     int
		body                     string
	}{
		{"DNS rebinding host", "POST", "/", "evil.example:4566", nil, 403, "<Code>AccessDenied</Code>"},
		{"rebinding host, control", "GET", "/_sandbox/requests", "evil.example", nil, 403, `"error"`},
		{"cross-origin form POST", "POST", "/", "", map[string]string{"Origin": "https://evil.example"}, 403, "another origin"},
		{"opaque origin", "DELETE", "/_sandbox/faults", "", map[string]string{"Origin": "null"}, 403, "another origin"},
		{"cross-site fetch", "GET", "/_sandbox/instances", "", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "another site"},
		{"same-site fetch", "POST", "/", "", map[string]string{"Sec-Fetch-Site": "same-site"}, 403, "another site"},
		{"JSON service", "POST", "/", "", map[string]string{"Origin": "http://localhost:1", "X-Amz-Target": "AWSPriceListService.GetProducts"}, 403, "AccessDeniedException"},
		{"own origin", "GET", "/_sandbox/faults", "", map[string]string{"Origin": own, "Sec-Fetch-Site": "same-origin"}, 200, "["},
		{"localhost with a port", "GET", "/_sandbox/faults", "localhost:4566", nil, 200, "["},
		{"IPv6 loopback", "GET", "/_sandbox/faults", "[::1]:4566", nil, 200, "["},
		{"127/8", "GET", "/_sandbox/faults", "127.3.2.1", nil, 200, "["},
		{"typed into the address bar", "GET", "/_sandbox/faults", "", map[string]string{"Sec-Fetch-Site": "none"}, 200, "["},
	} {
		body := ""
		if c.method == "POST" {
			body = start
		}
		status, got := send(c.method, c.path, c.host, c.header, body)
		if status != c.want || !strings.Contains(got, c.body) {
			t.Errorf("%s: HTTP %d %s, want %d with %q", c.name, status, got, c.want, c.body)
		}
	}
	// None of the refused requests acted: the running instance still runs.
	if s := e.state(e.ec2("eu-west-1"), "i-0a00000000000002"); s != "running" {
		t.Errorf("a refused request changed an instance: it is %s", s)
	}
	// SDKs send no Origin and keep working.
	if _, err := e.ec2("eu-west-1").DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatalf("an SDK call was refused: %v", err)
	}
}
