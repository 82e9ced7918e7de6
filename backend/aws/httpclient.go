package aws

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/config"
)

// bufferedClient reads every response body in full before the SDK sees it.
// The SDK otherwise decodes the body straight off the connection, and a race
// in the Go transport's write loop can close that connection mid-read
// (aws/aws-sdk-go-v2#2737: "failed to decode response body ... use of closed
// network connection"), costing a retry on large pages such as 1,000
// instances. Pages are at most a few MB, so holding one in memory is cheap.
type bufferedClient struct{ inner config.HTTPClient }

func (c bufferedClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.inner.Do(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		// A transport error, which the retryer treats as retryable.
		return nil, fmt.Errorf("reading the response from %s: %w", req.URL.Host, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}
