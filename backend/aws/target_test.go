package aws

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// A target is an AWS-compatible endpoint the contract suite runs against:
// the project's sandbox (always) and moto (when MOTO_ENDPOINT is set).
type target interface {
	name() string
	// open seeds a fresh set of instances and returns the fixture to test them.
	open(t *testing.T, seeds []seed) *fixture
}

// seed asks for Count (default 1) instances in State with Tags. Names and tag
// values go through fixture.v, so tests on a shared moto do not see each
// other's instances.
type seed struct {
	Key   string
	Count int
	State string // running or stopped
	Tags  map[string]string
}

// fixture is one test's view of a target.
type fixture struct {
	target   string
	endpoint string
	region   string
	account  string
	ids      map[string][]string // seed key -> instance ids
	suffix   string              // appended to tag values (moto isolation)

	// What the target can do; nil or false when it cannot.
	instant  bool                                           // state changes complete at once
	advance  func(d time.Duration)                          // move the target's clock
	fault    func(t *testing.T, kind, action string, n int) // next n calls of action fail
	requests func() []string                                // actions received, in order
}

func (fx *fixture) id(key string) string {
	if len(fx.ids[key]) == 0 {
		panic("test bug: no seed " + key)
	}
	return fx.ids[key][0]
}

// v makes a tag value unique to this fixture.
func (fx *fixture) v(s string) string { return s + fx.suffix }

// skipUnless skips the test when the target lacks a capability.
func (fx *fixture) skipUnless(t *testing.T, ok bool, why string) {
	t.Helper()
	if !ok {
		t.Skipf("%s: %s", fx.target, why)
	}
}

// calls counts API attempts by action, through Options.OnCall.
type calls struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *calls) hook(service, action, region string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[action]++
}

func (c *calls) get(action string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[action]
}

func (c *calls) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n = nil
}

// Test credentials; the secret must never show in an error.
const (
	testAccessKey = "AKIACONTRACTTEST0001"
	testSecret    = "contractSECRETdoNotLeak0123456789abcdef"
	testToken     = "contractTOKENdoNotLeak"
)

// isolateAWS gives the test an AWS configuration of its own: a config file
// with profile "contract" (region, static keys) and no AWS_* variables from
// the machine, so no real account and no instance metadata is ever used.
func isolateAWS(t *testing.T, region string) {
	t.Helper()
	for _, k := range []string{
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_STS",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_CA_BUNDLE",
	} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	body := fmt.Sprintf("[profile contract]\nregion = %s\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n\n[profile nokeys]\nregion = %s\n",
		region, testAccessKey, testSecret, testToken, region)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(creds, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// session loads profile "contract" against the fixture's endpoint with fast
// retries; edit tweaks the options.
func (fx *fixture) session(t *testing.T, c *calls, edit ...func(*Options)) *Session {
	t.Helper()
	o := Options{Profile: "contract", EndpointURL: fx.endpoint, MaxAttempts: 4, RetryMaxBackoff: 20 * time.Millisecond}
	if c != nil {
		o.OnCall = c.hook
	}
	for _, e := range edit {
		e(&o)
	}
	s, err := Load(context.Background(), o)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

// targets lists the targets of this run.
func targets(t *testing.T) []target {
	ts := []target{sandboxTarget{}}
	if ep := os.Getenv("MOTO_ENDPOINT"); ep != "" {
		ts = append(ts, &motoTarget{endpoint: ep})
	}
	return ts
}

// expand gives each seed's Count (default 1).
func (s seed) count() int {
	if s.Count <= 0 {
		return 1
	}
	return s.Count
}
