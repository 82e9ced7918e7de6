package builtin

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/cfn"
	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
)

const userScript = `#!/bin/bash
set -e
cc_progress 20 "installing packages"
sleep 30
cc_progress 90 "starting the API on {{port}}"
echo 'quotes " and \ and ${HOME} and $(date) stay as written'
`

func TestRenderedTemplateParsesAndCarriesTheScript(t *testing.T) {
	r, err := Render(Options{Script: []byte(userScript), Timeout: 45*time.Minute + time.Second})
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := cfn.Parse([]byte(r.Body))
	if err != nil {
		t.Fatalf("the rendered template does not parse: %v\n%s", err, r.Body)
	}
	inst, ok := tmpl.Resource(LogicalID)
	if !ok || inst.Signal == nil || inst.Signal.Count != 1 || inst.Signal.Timeout != 46*time.Minute {
		t.Fatalf("CreationPolicy: %+v", inst.Signal)
	}
	var names []string
	for _, p := range tmpl.Parameters {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, " "); got != "ImageId InstanceType SubnetId SecurityGroupIds KeyName InstanceProfile InstanceName VolumeSize VolumeType VolumeDevice VolumeEncrypted VolumeKmsKeyId" {
		t.Errorf("parameters: %s", got)
	}
	ud := string(r.UserData("web-1", "eu-west-1"))
	for _, want := range []string{
		"#!/bin/bash\n", "cat > /usr/local/bin/cc_progress <<'CC_PROGRESS_HELPER'",
		"X-aws-ec2-metadata-token-ttl-seconds", "meta-data/instance-id", "meta-data/placement/region",
		`aws ec2 create-tags --region "$region" --resources "$id" --tags "Key=cloudcontrol:progress,Value=$value"`,
		") || true\nexit 0\n", userScript,
		`cfn-signal -e "$cc_status" --stack 'web-1' --resource Instance --region 'eu-west-1'`,
		"--logical-resource-id Instance", `exit "$cc_status"`,
	} {
		if !strings.Contains(ud, want) {
			t.Errorf("user data lacks %q:\n%s", want, ud)
		}
	}
	if bash, err := exec.LookPath("bash"); err == nil { // the wrapper is valid shell
		cmd := exec.Command(bash, "-n")
		cmd.Stdin = strings.NewReader(ud)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("bash -n: %v: %s", err, out)
		}
	}
	if !strings.HasPrefix(ud, "#!/bin/bash\n") || !strings.HasSuffix(ud, "exit \"$cc_status\"\n") {
		t.Errorf("the wrapper starts with its shebang and ends with the script's status")
	}
	if strings.Index(ud, "cc_progress <<") > strings.Index(ud, userScript) || strings.Index(ud, userScript) > strings.Index(ud, "cfn-signal -e") {
		t.Error("helper, then script, then signal")
	}
}

func TestUserDataLimits(t *testing.T) {
	// The wrapper's own size leaves this much for the script.
	r, _ := Render(Options{Script: nil})
	room := MaxUserData - len(r.UserData(strings.Repeat("s", maxStackName), strings.Repeat("r", maxRegion)))
	if room < 14000 {
		t.Fatalf("the wrapper takes %d bytes of 16 KB; the script has only %d", MaxUserData-room, room)
	}
	fits := strings.Repeat("echo 0123456789abcdef\n", room/22)
	if _, err := Render(Options{Script: []byte(fits)}); err != nil {
		t.Fatalf("a %d-byte script must fit: %v", len(fits), err)
	}
	_, err := Render(Options{Script: []byte(fits + strings.Repeat("x", 40) + "\n")})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "EC2 takes at most 16384") {
		t.Fatalf("a script past 16 KB with the wrapper: %v", err)
	}
	// Escaping grows the body, never past CloudFormation's limit unnoticed.
	_, err = Render(Options{Script: []byte(strings.Repeat("\x01", room-1) + "\n")})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "CloudFormation takes at most 51200") {
		t.Fatalf("a script that escapes past the template limit: %v", err)
	}
	if _, err := Render(Options{Script: []byte("\xff\xfe")}); err == nil {
		t.Fatal("a script that is not UTF-8 was accepted")
	}
	if _, err := Render(Options{Script: []byte("true"), Timeout: 13 * time.Hour}); err == nil {
		t.Fatal("a 13h timeout was accepted")
	}
	// A script containing the delimiter's form still ends where it should.
	tricky := "echo\nCC_LAUNCH_SCRIPT_x\n"
	r, err = Render(Options{Script: []byte(tricky)})
	if err != nil || !strings.Contains(string(r.UserData("s", "r")), tricky+"CC_LAUNCH_SCRIPT_") {
		t.Fatalf("delimiter: %v", err)
	}
}

// sandboxSession serves the example world and a session on it.
func sandboxSession(t *testing.T) (*aws.Session, *sandbox.Sandbox, *clockwork.FakeClock) {
	t.Helper()
	w, err := sandbox.LoadWorld(filepath.Join("..", "..", "..", "environments", "sandbox", "world.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	clock := clockwork.NewFakeClock()
	sb, err := sandbox.New(w, sandbox.Options{Clock: clock, AddressBlock: sandboxtest.Block(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptestServer(t, sb)
	dir := t.TempDir()
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "sandbox", "AWS_SECRET_ACCESS_KEY": "sandbox", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"), "AWS_EC2_METADATA_DISABLED": "true"} {
		t.Setenv(k, v)
	}
	_ = os.WriteFile(filepath.Join(dir, "config"), nil, 0o600)
	s, err := aws.Load(context.Background(), aws.Options{EndpointURL: srv, Region: "eu-west-1", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	return s, sb, clock
}

func TestBuiltinTemplateLaunchesOnTheSandbox(t *testing.T) {
	ctx := context.Background()
	s, sb, clock := sandboxSession(t)
	r, err := Render(Options{Script: []byte(userScript)})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.Stacks().ValidateTemplate(ctx, "eu-west-1", r.Body)
	if err != nil || len(sum.Parameters) != 12 {
		t.Fatalf("ValidateTemplate: %+v, %v", sum, err)
	}
	p := Params{ImageID: "ami-0e1a0000000000001", InstanceType: "t3.small", SubnetID: "subnet-0e1a0000000000001",
		SecurityGroupIDs: []string{"sg-0e1a0000000000001"}, KeyName: "testers", Name: "api-1",
		Volume: &Volume{SizeGiB: 20, Encrypted: true}}
	id, err := s.Stacks().CreateStack(ctx, "eu-west-1", cloud.StackInput{Name: "cc-api-1", TemplateBody: r.Body,
		Parameters: p.Values(), Tags: map[string]string{"cloudcontrol:launch": "l-1"}, ClientToken: "l-1"})
	if err != nil {
		t.Fatal(err)
	}
	// The instance runs at start timing, the script sleeps 30s, then signals.
	for range 20 {
		clock.Advance(5 * time.Second)
	}
	st, err := s.Stacks().Stack(ctx, "eu-west-1", id)
	if err != nil || st.Status != cloud.StackCreateComplete {
		t.Fatalf("stack %+v, %v", st, err)
	}
	in, err := s.Fleet().Describe(ctx, "eu-west-1", []string{st.Outputs["InstanceId"]})
	if err != nil || len(in) != 1 {
		t.Fatal(in, err)
	}
	if in[0].Tags["cloudcontrol:progress"] != "90 starting the API on {{port}}" || in[0].Tags["Name"] != "api-1" || in[0].Tags["cloudcontrol:launch"] != "l-1" {
		t.Errorf("instance tags %v", in[0].Tags)
	}
	vols, _ := s.Volumes(ctx, "eu-west-1", []string{in[0].ID})
	if len(vols) != 2 || vols[1].SizeGiB != 20 {
		t.Errorf("volumes %+v: want the root one and the 20 GiB extra", vols)
	}

	// The script fails: the stack rolls back and the instance is gone.
	if err := sb.AddFault(sandbox.Fault{Kind: sandbox.FaultUserDataFail, Count: 1}); err != nil {
		t.Fatal(err)
	}
	p.Name, p.Volume = "api-2", nil
	id, err = s.Stacks().CreateStack(ctx, "eu-west-1", cloud.StackInput{Name: "cc-api-2", TemplateBody: r.Body, Parameters: p.Values()})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		clock.Advance(5 * time.Second)
	}
	if st, _ := s.Stacks().Stack(ctx, "eu-west-1", id); st.Status != cloud.StackRollbackComplete {
		t.Fatalf("failed script: stack %s", st.Status)
	}
}

func httptestServer(t *testing.T, sb *sandbox.Sandbox) string {
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	return srv.URL
}
