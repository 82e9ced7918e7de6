package desktop

import (
	"os"
	"path/filepath"
	"testing"

	"cloudcontrol/backend/aws"
)

func awsOptions(url string) aws.Options { return aws.Options{EndpointURL: url} }

// isolateAWS keeps this machine's AWS configuration out of the tests.
func isolateAWS(t *testing.T) {
	t.Helper()
	tmp := t.TempDir()
	empty := filepath.Join(tmp, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "sandbox", "AWS_SECRET_ACCESS_KEY": "sandbox",
		"AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "", "AWS_REGION": "eu-west-1",
		"AWS_CONFIG_FILE": empty, "AWS_SHARED_CREDENTIALS_FILE": empty, "AWS_CA_BUNDLE": "", "AWS_ENDPOINT_URL": ""} {
		t.Setenv(k, v)
	}
}
