package control

import (
	"testing"

	"cloudcontrol/backend/cloud"
)

func TestOverall(t *testing.T) {
	in := func(states ...string) []cloud.Instance {
		var out []cloud.Instance
		for _, s := range states {
			out = append(out, cloud.Instance{State: s})
		}
		return out
	}
	for _, c := range []struct {
		states []string
		want   string
	}{
		{[]string{"running", "running"}, StateRunning},
		{[]string{"stopped", "stopped"}, StateStopped},
		{[]string{"running", "stopped"}, StatePartly},
		{[]string{"running", "pending"}, StateStarting},
		{[]string{"stopped", "stopping"}, StateStopping},
		{[]string{"running", "terminated"}, StateBroken},
		{[]string{"pending", "terminated"}, StateStarting},
		{nil, StateStopped},
	} {
		if got := Overall(in(c.states...)); got != c.want {
			t.Errorf("Overall(%v) = %q, want %q", c.states, got, c.want)
		}
	}
}
