package desktop

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/settings"
)

// ssmSession is a session that also reaches SSM (as the AWS adapter's
// Commands does), managing the ids it is given.
type ssmSession struct {
	control.Session
	managed map[string]cloud.ManagedInstance
}

func (s ssmSession) Commands() cloud.Commands { return fakeCommands{s.managed} }

type fakeCommands struct {
	managed map[string]cloud.ManagedInstance
}

func (fakeCommands) SendShell(context.Context, string, []string, []string, time.Duration) (string, error) {
	return "", errors.New("not in this test")
}
func (fakeCommands) Results(context.Context, string, string) ([]cloud.CommandResult, error) {
	return nil, errors.New("not in this test")
}
func (f fakeCommands) Managed(_ context.Context, _ string, ids []string) (map[string]cloud.ManagedInstance, error) {
	out := map[string]cloud.ManagedInstance{}
	for _, id := range ids {
		if m, ok := f.managed[id]; ok {
			out[id] = m
		}
	}
	return out, nil
}

const reports1 = "i-0d400000000000001" // analytics' reports-1 runs in the examples' world

// The instance menu's console link and Session Manager connection: each
// offered when it can work, else said why not; Connect opens a terminal
// with aws ssm start-session and nothing else.
func TestInstanceMenuConsoleAndSessionManager(t *testing.T) {
	r := newRig(t, nil)
	r.plat.waitFor(t, "analytics is read", func() bool {
		v := find(r.plat.lastEnvs(), "analytics")
		return v != nil && v.Live
	})
	envs := &Environments{s: r.shell}
	info, err := envs.InstanceInfo("analytics", reports1)
	if err != nil {
		t.Fatal(err)
	}
	if info.ConsoleURL != "" || info.ConsoleProblem != "the sandbox has no AWS console" || info.Account != "123456789012" || info.Region != "eu-west-1" {
		t.Errorf("console in the sandbox: %+v", info)
	}
	if info.Connect.Available || info.Connect.Problem != "the sandbox has no Session Manager" {
		t.Errorf("connect in the sandbox (no SSM): %+v", info.Connect)
	}
	if err := envs.Connect("analytics", reports1); err == nil || !strings.Contains(err.Error(), "no Session Manager") {
		t.Errorf("Connect without SSM: %v", err)
	}

	// As on AWS, with a session that reaches SSM, which manages reports-1.
	r.sandboxURL = ""
	r.wrap = func(s control.Session) control.Session {
		return ssmSession{s, map[string]cloud.ManagedInstance{reports1: {ID: reports1, PingStatus: "Online"}}}
	}
	r.reads().(*control.Service).ResetSessions()
	r.lookPath = func(prog string) (string, error) { return "/usr/bin/" + prog, nil }
	info, err = envs.InstanceInfo("analytics", reports1)
	if err != nil || !info.Connect.Available {
		t.Fatalf("a managed running instance: %+v, %v", info.Connect, err)
	}
	want := []string{"aws", "ssm", "start-session", "--target", reports1, "--region", "eu-west-1"}
	if !slices.Equal(info.Connect.Command, want) {
		t.Errorf("command %q, want %q (the rig's keys are the environment's: no --profile)", info.Connect.Command, want)
	}
	if err := envs.Connect("analytics", reports1); err != nil {
		t.Fatal(err)
	}
	if len(r.plat.terminals) != 1 || !slices.Equal(r.plat.terminals[0], want) {
		t.Errorf("terminals opened %q", r.plat.terminals)
	}
	// Not managed, not running, no AWS CLI: each says why.
	if info, _ := envs.InstanceInfo("analytics", kafka1); info.Connect.Available || !strings.Contains(info.Connect.Problem, "stopped") {
		t.Errorf("a stopped instance: %+v", info.Connect)
	}
	r.lookPath = func(string) (string, error) { return "", errors.New("not found") }
	if info, _ := envs.InstanceInfo("analytics", reports1); info.Connect.Available || !strings.Contains(info.Connect.Problem, "aws is not installed") {
		t.Errorf("without the AWS CLI: %+v", info.Connect)
	}
	r.wrap = func(s control.Session) control.Session { return ssmSession{s, nil} }
	r.reads().(*control.Service).ResetSessions()
	if info, _ := envs.InstanceInfo("analytics", reports1); info.Connect.Available || !strings.Contains(info.Connect.Problem, "SSM does not manage it") {
		t.Errorf("an instance SSM does not manage: %+v", info.Connect)
	}
	if _, err := envs.InstanceInfo("analytics", "i-0db00000000000001"); err == nil {
		t.Error("InstanceInfo of another environment's instance")
	}
	if len(r.plat.opened) != 0 {
		t.Errorf("opened %v", r.plat.opened)
	}
}

// The console page is the instance's in its own region, with no credentials in it.
func TestTheConsolePageIsTheInstancesOwn(t *testing.T) {
	r := newRig(t, nil)
	r.plat.waitFor(t, "analytics is read", func() bool {
		v := find(r.plat.lastEnvs(), "analytics")
		return v != nil && v.Live
	})
	r.sandboxURL = "" // as on AWS
	envs := &Environments{s: r.shell}
	if err := envs.OpenConsole("analytics", reports1); err != nil {
		t.Fatal(err)
	}
	want := "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=" + reports1
	if len(r.plat.opened) != 1 || r.plat.opened[0] != want {
		t.Errorf("opened %v, want %s", r.plat.opened, want)
	}
}

// Files open only when the watched folders hold them; a log is saved where
// the dialog says; the examples are copied out and their folder opened.
func TestFilesLogsAndExamples(t *testing.T) {
	r := newRig(t, nil)
	envs := &Environments{s: r.shell}
	file := filepath.Join(r.dir, "three-tier.yaml")
	if err := envs.OpenFile(file); err != nil {
		t.Fatal(err)
	}
	if err := envs.RevealFile(file); err != nil {
		t.Fatal(err)
	}
	if err := envs.OpenFile("/etc/passwd"); err == nil {
		t.Error("opened a file no watched folder holds")
	}
	if !slices.Equal(r.plat.paths, []string{"open " + file, "reveal " + file}) {
		t.Errorf("opened %q", r.plat.paths)
	}
	r.plat.save = filepath.Join(t.TempDir(), "run.log")
	got, err := envs.SaveLog("three-tier", "[ 0.0s] start three-tier\n")
	if b, _ := os.ReadFile(r.plat.save); err != nil || got != r.plat.save || string(b) != "[ 0.0s] start three-tier\n" {
		t.Errorf("SaveLog = %q, %v; file %q", got, err, b)
	}
	set := &Settings{s: r.shell}
	dir, err := set.OpenExamples()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"three-tier.yaml", "analytics.yaml", "schema.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the examples folder lacks %s", f)
		}
	}
	edited := filepath.Join(dir, "three-tier.yaml")
	if err := os.WriteFile(edited, []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := set.OpenExamples(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(edited); string(b) != "# mine\n" {
		t.Error("opening the examples again overwrote an edited one")
	}
	if last := r.plat.paths[len(r.plat.paths)-1]; last != "open "+dir {
		t.Errorf("last opened %q, want the examples folder", last)
	}
	if err := set.OpenLog(); err != nil || r.plat.paths[len(r.plat.paths)-1] != "open "+filepath.Join(r.paths.Logs, "cloudcontrol.log") {
		t.Errorf("OpenLog: %v, %q", err, r.plat.paths)
	}
}

// The colour scheme and the notification choice are saved settings, and
// the notifications follow the choice.
func TestThemeAndNotificationsAreSavedAndFollowed(t *testing.T) {
	r := newRig(t, nil)
	set := &Settings{s: r.shell}
	v := set.Get()
	if v.Theme != ThemeSystem || v.Notifications != NotifyAll || v.Version == "" || v.LogFile == "" {
		t.Errorf("defaults %+v", v)
	}
	if v, err := set.SetTheme(ThemeDark); err != nil || v.Theme != ThemeDark || r.overview().Theme != ThemeDark {
		t.Errorf("SetTheme: %+v %v", v, err)
	}
	if _, err := set.SetTheme("pink"); err == nil {
		t.Error("an unknown scheme was saved")
	}
	if _, err := set.SetNotifications(NotifyProblems); err != nil {
		t.Fatal(err)
	}
	data, err := settings.WindowFile(r.paths.Config, true).Load()
	if err != nil || data.ColorScheme != "dark" || data.Notifications != "problems" {
		t.Errorf("saved %+v %v", data, err)
	}
	for _, c := range []struct {
		n    Notifications
		o    op.Outcome
		want bool
	}{{NotifyAll, op.OutcomeDone, true}, {NotifyProblems, op.OutcomeDone, false}, {NotifyProblems, op.OutcomeFailed, true},
		{NotifyOff, op.OutcomeFailed, false}} {
		if wanted(c.n, c.o) != c.want {
			t.Errorf("notify %s of a run %s: %v", c.n, c.o, !c.want)
		}
	}
}
