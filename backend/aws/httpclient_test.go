package aws

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

type fakeDoer struct{ body io.ReadCloser }

func (f fakeDoer) Do(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Body: f.body}, nil
}

type trackedBody struct {
	io.Reader
	closed bool
}

func (b *trackedBody) Close() error { b.closed = true; return nil }

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) {
	return 0, errors.New("use of closed network connection")
}

func TestBufferedClientReadsBodyBeforeReturning(t *testing.T) {
	req, _ := http.NewRequest("POST", "http://127.0.0.1:9/", nil)
	inner := &trackedBody{Reader: strings.NewReader("<xml/>")}
	resp, err := bufferedClient{fakeDoer{inner}}.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if !inner.closed {
		t.Error("the connection's body was not read and closed inside Do")
	}
	got, _ := io.ReadAll(resp.Body)
	if string(got) != "<xml/>" || resp.ContentLength != 6 {
		t.Errorf("body = %q (len %d)", got, resp.ContentLength)
	}
	_, err = bufferedClient{fakeDoer{&trackedBody{Reader: failingReader{}}}}.Do(req)
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:9") {
		t.Errorf("a failed read should be a transport error naming the host, got %v", err)
	}
}
