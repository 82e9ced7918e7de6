package aws

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAnHTTPErrorIsNotCannotReach: an endpoint that answers HTTP 500 with a
// body that is no AWS error (a proxy's page, another implementation's bug)
// was reached: the error says what it answered.
func TestAnHTTPErrorIsNotCannotReach(t *testing.T) {
	isolateAWS(t, "eu-west-1")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>upstream exploded</html>", http.StatusInternalServerError)
	}))
	defer srv.Close()
	s, err := Load(context.Background(), Options{EndpointURL: srv.URL, Region: "eu-west-1", Profile: "contract", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Fleet().Describe(context.Background(), "eu-west-1", []string{"i-0123456789abcdef0"})
	if err == nil || strings.Contains(err.Error(), "cannot reach") || !strings.Contains(err.Error(), "answered HTTP 500") {
		t.Errorf("DescribeInstances against an HTTP 500 page: %v", err)
	}
}
