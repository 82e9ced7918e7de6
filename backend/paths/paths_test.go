package paths

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestHomeOverridePutsEverythingUnderIt(t *testing.T) {
	home := t.TempDir()
	t.Setenv("CLOUDCONTROL_HOME", home)
	d := Default()
	for _, p := range []string{d.Config, d.State, d.Cache, d.Data, d.Logs, d.Locks(), d.Environments()} {
		if !strings.HasPrefix(p, home+string(filepath.Separator)) {
			t.Errorf("%s is not under %s", p, home)
		}
	}
}

func TestXDGVariablesAreHonoured(t *testing.T) {
	t.Setenv("CLOUDCONTROL_HOME", "")
	state, config := t.TempDir(), t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("XDG_CONFIG_HOME", config)
	d := Default()
	if want := filepath.Join(state, "cloudcontrol"); d.State != want {
		t.Errorf("state = %s, want %s", d.State, want)
	}
	if want := filepath.Join(config, "cloudcontrol", "environments"); d.Environments() != want {
		t.Errorf("environments = %s, want %s", d.Environments(), want)
	}
}
