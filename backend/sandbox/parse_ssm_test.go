package sandbox

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

func TestWorldSSMKeys(t *testing.T) {
	w, err := ParseWorld([]byte(`
defaults: {ssm: {register: 5s, commands: [{run: uptime, output: up}]}}
regions:
  eu-west-1:
    instances:
      - {id: i-0a000000000000001}
      - {id: i-0a000000000000002, ssm: false}
      - {id: i-0a000000000000003, ssm: {register: 1m, default-exit: 0, commands: [{run: "test -f *", exit: 1, takes: 2s}]}}
`), "w.yaml")
	if err != nil {
		t.Fatal(err)
	}
	in := w.Regions[0].Instances
	if in[0].SSM == nil || in[0].SSM.Register != 5*time.Second || in[0].SSM.DefaultExit != DefaultCommandExit || len(in[0].SSM.Commands) != 1 {
		t.Fatalf("defaults: %+v", in[0].SSM)
	}
	if in[1].SSM != nil {
		t.Fatalf("ssm: false is managed: %+v", in[1].SSM)
	}
	if s := in[2].SSM; s.Register != time.Minute || s.DefaultExit != 0 || len(s.Commands) != 2 || s.Commands[0].Run != "test -f *" || s.Commands[1].Run != "uptime" {
		t.Fatalf("own keys over the defaults: %+v", s)
	}
	_, err = ParseWorld([]byte(`
regions:
  eu-west-1:
    instances:
      - {ssm: perhaps}
      - {ssm: {register: soon}}
      - {ssm: {default-exit: 300, commands: [{exit: 0}]}}
      - {ssm: {colour: blue}}
`), "bad.yaml")
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	for _, want := range []string{"bad.yaml:5:", "bad.yaml:6:", "register", "default-exit must be a whole number from 0 to 255", "needs run", "colour"} {
		if !strings.Contains(msg, want) {
			t.Errorf("problems %q do not say %q", msg, want)
		}
	}
}

// The world file README shows is a world the sandbox takes.
func TestREADMEWorldParses(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	doc = doc[strings.Index(doc, "## World file"):]
	doc = doc[strings.Index(doc, "```yaml\n")+len("```yaml\n"):]
	doc = doc[:strings.Index(doc, "```")]
	w, err := ParseWorld([]byte(doc), "README.md")
	if err != nil {
		t.Fatalf("the README's world: %v", err)
	}
	if w.Defaults.SSM == nil || w.Regions[0].Instances[0].SSM == nil || len(w.Regions[0].Instances[0].SSM.Commands) != 2 {
		t.Fatalf("the README's ssm keys did not come through: %+v", w.Regions[0].Instances[0].SSM)
	}
}

// Instances launched later are managed as the defaults say.
func TestLaunchedInstancesAreManagedAsTheDefaultsSay(t *testing.T) {
	e := newEnv(t, "defaults: {ssm: {register: 30s}}\nregions: {eu-west-1: {}}\n")
	out, err := e.ec2("eu-west-1").RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-00000000000000a01"),
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	e.step(DefaultStart)
	if v := e.sb.View("eu-west-1"); len(v) != 1 || v[0].SSM != "unregistered" {
		t.Fatalf("running, its agent not yet registered: %+v", v)
	}
	e.step(30 * time.Second)
	if v := e.sb.View("eu-west-1"); v[0].SSM != "Online" {
		t.Fatalf("registered: %+v", v[0])
	}
	info, err := e.ssm("eu-west-1").DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{})
	if err != nil || len(info.InstanceInformationList) != 1 || aws.ToString(info.InstanceInformationList[0].InstanceId) != aws.ToString(out.Instances[0].InstanceId) {
		t.Fatalf("inventory after RunInstances: %+v %v", info, err)
	}
}
