package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// loggedFirst is a ResponseWriter that notes, when the answer starts, how
// many requests the sandbox had logged: a client that holds its answer must
// find its call in the log already.
type loggedFirst struct {
	*httptest.ResponseRecorder
	sb     *Sandbox
	logged int
}

func (w *loggedFirst) WriteHeader(status int) {
	w.logged = len(w.sb.Requests())
	w.ResponseRecorder.WriteHeader(status)
}

func TestRequestIsLoggedBeforeItsAnswerIsSent(t *testing.T) {
	e := newEnv(t, twoInstances)
	for _, c := range []struct {
		name   string
		status int
		req    func() *http.Request
	}{
		{"EC2 query", 200, func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", strings.NewReader("Action=DescribeInstances&Version=2016-11-15"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}},
		{"EC2 error", 400, func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", strings.NewReader("Action=NoSuchThing&Version=2016-11-15"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}},
		{"JSON 1.1", 200, func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", strings.NewReader(`{"ServiceCode":"AmazonEC2"}`))
			r.Header.Set("X-Amz-Target", "AWSPriceListService.GetProducts")
			return r
		}},
		{"SSO REST JSON", 200, func() *http.Request {
			return httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/client/register", strings.NewReader(`{"clientName":"t","clientType":"public"}`))
		}},
	} {
		e.sb.ResetRequests()
		w := &loggedFirst{ResponseRecorder: httptest.NewRecorder(), sb: e.sb}
		e.sb.ServeHTTP(w, c.req())
		if w.Code != c.status {
			t.Errorf("%s: HTTP %d, want %d: %s", c.name, w.Code, c.status, w.Body)
		}
		if w.logged != 1 {
			t.Errorf("%s: %d requests were logged when the answer (HTTP %d) started, want 1", c.name, w.logged, w.Code)
		}
	}
}
