package desktop

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"cloudcontrol/backend/atomicfile"
	"cloudcontrol/backend/cloud"
	"cloudcontrol/environments"
)

// InstanceInfo is what the instance menu offers beyond start, stop and
// reboot: the AWS console page of the instance and a Session Manager
// connection, each with why it is not available when it is not.
type InstanceInfo struct {
	ID      string `json:"id"`
	Account string `json:"account"`
	Region  string `json:"region"`
	// ConsoleURL is the instance's page in the EC2 console of its region
	// (never a sign-in link: it carries no credentials); "" when there is
	// none, ConsoleProblem then says why.
	ConsoleURL     string      `json:"consoleUrl"`
	ConsoleProblem string      `json:"consoleProblem,omitempty"`
	Connect        ConnectInfo `json:"connect"`
}

// ConnectInfo says whether the instance can be reached with SSM Session
// Manager, and the command that does it.
type ConnectInfo struct {
	Available bool `json:"available"`
	// Problem is why not ("not managed by SSM", "the instance is stopped").
	Problem string `json:"problem,omitempty"`
	// Command is what the terminal runs: aws ssm start-session --target ID
	// --region R [--profile P].
	Command []string `json:"command"`
	// Note is worth knowing before connecting (a keychain profile the AWS
	// CLI reaches through credential_process).
	Note string `json:"note,omitempty"`
}

// Safe words for a command line: what EC2 and the AWS files allow in an
// id, a region and a profile name.
var (
	instanceIDRE  = regexp.MustCompile(`^i-[0-9a-f]{8,17}$`)
	regionNameRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	profileNameRE = regexp.MustCompile(`^[A-Za-z0-9_.@+=,-]{1,64}$`)
)

// managedLister is what a session offers when it reaches SSM (the AWS
// adapter's Commands).
type managedLister interface{ Commands() cloud.Commands }

// instanceInfo finds the instance on the dashboard and asks SSM (within
// readTimeout) whether Session Manager can reach it.
func (s *shell) instanceInfo(ctx context.Context, name, id string) (InstanceInfo, error) {
	e, err := s.board.definition(name)
	if err != nil {
		return InstanceInfo{}, err
	}
	in, account, ok := s.board.instance(name, id)
	if !ok {
		return InstanceInfo{}, fmt.Errorf("instance %s is not part of %s", id, name)
	}
	info := InstanceInfo{ID: id, Account: account, Region: in.Region,
		Connect: ConnectInfo{Command: []string{"aws", "ssm", "start-session", "--target", id, "--region", in.Region}}}
	switch {
	case s.sandboxURL != "":
		info.ConsoleProblem = "the sandbox has no AWS console"
	case !instanceIDRE.MatchString(id) || !regionNameRE.MatchString(in.Region):
		info.ConsoleProblem = "its id or region is not one EC2 gives"
	default:
		info.ConsoleURL = fmt.Sprintf("https://%[1]s.console.aws.amazon.com/ec2/home?region=%[1]s#InstanceDetails:instanceId=%[2]s", in.Region, id)
	}
	info.Connect.Problem = s.connectProblem(ctx, e.Name, in, &info.Connect)
	info.Connect.Available = info.Connect.Problem == ""
	return info, nil
}

// connectProblem says why Session Manager cannot reach the instance, ""
// when it can; it completes c's command with the session's profile.
func (s *shell) connectProblem(ctx context.Context, name string, in cloud.Instance, c *ConnectInfo) string {
	if in.State != cloud.Running {
		return fmt.Sprintf("the instance is %s; Session Manager reaches running instances", in.State)
	}
	if !instanceIDRE.MatchString(in.ID) || !regionNameRE.MatchString(in.Region) {
		return "its id or region is not one EC2 gives"
	}
	if s.sandboxURL != "" {
		// Its SSM runs commands but has no sessions, and the AWS CLI would ask AWS itself.
		return "the sandbox has no Session Manager"
	}
	e, err := s.board.definition(name)
	if err != nil {
		return err.Error()
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	sess, target, err := s.reads().SessionFor(ctx, e)
	if err != nil {
		return "no session: " + reason(err)
	}
	ssm, ok := sess.(managedLister)
	if !ok {
		return "this connection cannot reach SSM"
	}
	if p := target.Profile; p != "" && p != cloud.EnvCredentials {
		if !profileNameRE.MatchString(p) {
			return fmt.Sprintf("the profile name %q cannot be passed to the AWS CLI", p)
		}
		c.Command = append(c.Command, "--profile", p)
		if kp, err := s.keychainHas(p); err == nil && kp {
			c.Note = fmt.Sprintf("%s is a keychain profile: the AWS CLI uses it through credential_process = cloudcontrol credential-process --profile %s in ~/.aws/config", p, p)
		}
	}
	managed, err := ssm.Commands().Managed(ctx, in.Region, []string{in.ID})
	if err != nil {
		return "SSM could not be asked whether it manages the instance: " + reason(err)
	}
	m, ok := managed[in.ID]
	switch {
	case !ok:
		return "SSM does not manage it: it needs the SSM agent and an instance role with AmazonSSMManagedInstanceCore"
	case m.PingStatus != "" && m.PingStatus != "Online":
		return fmt.Sprintf("its SSM agent is %s (last seen %s)", m.PingStatus, m.LastPing.Local().Format(time.DateTime))
	}
	for _, prog := range []string{"aws", "session-manager-plugin"} {
		if _, err := s.lookPath(prog); err != nil {
			return fmt.Sprintf("%s is not installed here (the AWS CLI and its Session Manager plugin run the connection)", prog)
		}
	}
	return ""
}

// connect opens a terminal with a Session Manager shell on the instance.
func (s *shell) connect(ctx context.Context, name, id string) error {
	info, err := s.instanceInfo(ctx, name, id)
	if err != nil {
		return err
	}
	if !info.Connect.Available {
		return fmt.Errorf("cannot connect to %s: %s", id, info.Connect.Problem)
	}
	s.log.Info("opening a Session Manager terminal", "env", name, "instance", id)
	return s.plat.OpenTerminal(info.Connect.Command)
}

// openConsole opens the instance's page in the AWS console.
func (s *shell) openConsole(ctx context.Context, name, id string) error {
	info, err := s.instanceInfo(ctx, name, id)
	if err != nil {
		return err
	}
	if info.ConsoleURL == "" {
		return fmt.Errorf("no AWS console page for %s: %s", id, info.ConsoleProblem)
	}
	s.plat.OpenURL(info.ConsoleURL)
	return nil
}

// openFile opens or reveals an environment file: only files the watched
// folders hold (an environment's, or a broken one's) are opened.
func (s *shell) openFile(path string, reveal bool) error {
	if !s.board.knownFile(path) {
		return fmt.Errorf("%s is not an environment file of the watched folders", path)
	}
	if reveal {
		return s.plat.RevealPath(path)
	}
	return s.plat.OpenPath(path)
}

// saveText asks where to save text (a run's activity log) and writes it.
func (s *shell) saveText(title, name string, text string) (string, error) {
	path, err := s.plat.SaveFile(title, name, FileFilter{Name: "Text files", Pattern: "*.log"})
	if err != nil {
		return "", fmt.Errorf("choosing where to save: %w", err)
	}
	if path == "" {
		return "", nil
	}
	if err := atomicfile.Write(path, []byte(text), 0o644); err != nil {
		return "", fmt.Errorf("saving %s: %w", path, err)
	}
	return path, nil
}

// logFile is the app's log (window.go opens it).
func (s *shell) logFile() string { return filepath.Join(s.paths.Logs, "cloudcontrol.log") }

// openExamples copies the example environment files into the data folder
// (leaving any the person already edited there as they are) and opens
// that folder; it returns the folder.
func (s *shell) openExamples() (string, error) {
	dir := filepath.Join(s.paths.Data, "examples")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("making the examples folder: %w", err)
	}
	err := fs.WalkDir(environments.Examples, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		dest := filepath.Join(dir, p)
		if _, err := os.Stat(dest); err == nil {
			return nil
		}
		b, err := environments.Examples.ReadFile(p)
		if err != nil {
			return err
		}
		return atomicfile.Write(dest, b, 0o644)
	})
	if err != nil {
		return "", fmt.Errorf("writing the examples to %s: %w", dir, err)
	}
	return dir, s.plat.OpenPath(dir)
}

var errNoKeychain = errors.New("no keychain")

// keychainHas reports whether p is one of Cloud Control's keychain profiles.
func (s *shell) keychainHas(p string) (bool, error) {
	if s.keychain == nil {
		return false, errNoKeychain
	}
	return s.keychain(p), nil
}
