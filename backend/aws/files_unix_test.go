//go:build unix

package aws

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cloudcontrol/internal/fifo"
)

// TestLoadRefusesAPipeOrADeviceAsTheAWSFiles: the SDK opens and reads
// ~/.aws/config and credentials itself; a named pipe there would hang it
// for good and /dev/zero would eat the memory, so Load refuses them first,
// at once, naming the file.
func TestLoadRefusesAPipeOrADeviceAsTheAWSFiles(t *testing.T) {
	isolateAWS(t, "eu-west-1")
	dir := t.TempDir()
	pipe := filepath.Join(dir, "config")
	fifo.Make(t, pipe)
	zero := filepath.Join(dir, "credentials")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	regular := os.Getenv("AWS_CONFIG_FILE")
	for _, c := range []struct{ config, credentials, want string }{
		{pipe, os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), "cannot read the AWS config file " + pipe + ": it is a named pipe, not a regular file"},
		{regular, zero, "cannot read the AWS credentials file " + zero + ": it is a device, not a regular file"},
	} {
		t.Setenv("AWS_CONFIG_FILE", c.config)
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", c.credentials)
		err := fifo.Within(t, "Load with "+c.want, func() error { _, err := Load(ctx, Options{Profile: "contract"}); return err })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load = %v, want %q", err, c.want)
		}
	}
}
