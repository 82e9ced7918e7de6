package desktop

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cloud/cloudtest"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/paths"
)

// fakeShell is a shell whose control services reach in-memory AWS (EC2,
// SSM, Scheduler, IAM) on the real clock, with instances that start and
// stop in milliseconds.
func fakeShell(t *testing.T) (*shell, *cloudtest.Cloud, *fakePlatform) {
	t.Helper()
	isolateAWS(t)
	c := cloudtest.NewCloud(clockwork.NewRealClock(), "123456789012")
	sess := cloudtest.NewSession(c, "123456789012", "eu-west-1", "arn:aws:sts::123456789012:assumed-role/Testers/alice")
	for _, in := range []*cloudtest.Inst{c.EC2.Add("i-db", "db", cloud.Stopped, nil), c.EC2.Add("i-app1", "app-1", cloud.Stopped, nil)} {
		in.StartTook, in.StopTook, in.ChecksTook = 20*time.Millisecond, 20*time.Millisecond, 10*time.Millisecond
	}
	dir, p := t.TempDir(), paths.Under(t.TempDir())
	if err := os.WriteFile(filepath.Join(dir, "shop.yaml"), []byte("name: shop\nstages:\n  - {name: data, instances: [{name: db}]}\n  - {name: app, instances: [{name: app-1}]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	plat := newFakePlatform()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := newShell(shellOptions{Plat: plat, Log: log, Paths: p, Folders: []string{dir}, Debounce: 10 * time.Millisecond,
		Cores: func(client string) core {
			return control.New(control.Options{Dirs: []string{dir}, Paths: p, Tick: 10 * time.Millisecond, Client: client, Logger: log,
				Connect: func(context.Context, string, string) (control.Session, error) { return sess, nil }})
		}})
	if err != nil {
		t.Fatal(err)
	}
	s.start(context.Background())
	t.Cleanup(s.shutdown)
	return s, c, plat
}

// The window starts with a lease, extends it and ends it; the dashboard
// shows who has it and the lease, read back from the instances' tags.
func TestTheWindowLeases(t *testing.T) {
	s, c, plat := fakeShell(t)
	a := &InAWS{s: s}
	for _, secs := range []int{0, -60, 8 * 24 * 3600} {
		if err := a.StartWithLease("shop", secs); err == nil {
			t.Errorf("a start with a lease of %ds began", secs)
		}
	}
	if err := a.StartWithLease("shop", 2*3600); err != nil {
		t.Fatal(err)
	}
	s.runs.wait()
	if got := c.EC2.Tags("i-db")[cloud.TagLeaseBy]; !strings.HasSuffix(got, "/alice") {
		t.Fatalf("lease-by %q", got)
	}
	s.refresher.poke()
	plat.waitFor(t, "the dashboard shows the lease and who started it", func() bool {
		v := find(plat.lastEnvs(), "shop")
		return v != nil && v.Who.LeaseUntil != nil && v.Who.StartedByName == "alice" && v.State == "running"
	})
	res, err := a.ExtendLease("shop", 3600)
	if err != nil {
		t.Fatal(err)
	}
	if res.Until == nil || time.Until(*res.Until) < 175*time.Minute || res.KeptBy != control.KeptByApp || !strings.Contains(res.Message, "kept only while the app is open") {
		t.Errorf("extend %+v", res)
	}
	d, err := a.Deployed("shop")
	if err != nil || d.Deployed {
		t.Errorf("deployed %+v %v", d, err)
	}
	if _, err := a.EndLease("shop"); err != nil {
		t.Fatal(err)
	}
	if got := c.EC2.Tags("i-app1")[cloud.TagLeaseUntil]; got != "" {
		t.Errorf("still leased until %s", got)
	}
	if _, err := a.Lease("shop", 0); err == nil {
		t.Error("a lease of 0 was taken")
	}
}
