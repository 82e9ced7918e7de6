package aws

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
)

// inAWSFixture is what the in-AWS contract suite needs of a target: an
// SSM-managed instance and one that is not, names unique to the test, and
// what the target can do.
type inAWSFixture struct {
	*fixture
	managed, unmanaged string // instance ids
	suffix             string // makes names unique on a shared target
	sb                 *sandbox.Sandbox

	// What the target can do; false when it cannot (the test says why).
	runsCommands   bool // invocations run and report (ListCommandInvocations)
	inventory      bool // DescribeInstanceInformation
	reachability   bool // SendCommand refuses instances SSM cannot reach
	executes       bool // automations run, schedules fire
	checksRoles    bool // a schedule's role must exist and trust the Scheduler
	groupConflicts bool // CreateScheduleGroup of an existing group is ConflictException
	groupChecked   bool // CreateSchedule in a group that does not exist is ResourceNotFoundException
	policyChecks   bool // IAM refuses an inline policy that is not JSON
	contentChecks  bool // CreateDocument checks an Automation document's steps
	tagsCheckIDs   bool // CreateTags refuses an instance that does not exist
}

type inAWSTarget interface {
	target
	openInAWS(t *testing.T) *inAWSFixture
}

func (fx *inAWSFixture) name(base string) string {
	if fx.suffix == "" {
		return base
	}
	return base + "-" + fx.suffix
}

// wait is launchFixture.wait: the target's clock a second at a time, or a
// few seconds of real time on a target without one.
func (fx *inAWSFixture) wait(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	(&launchFixture{fixture: fx.fixture}).wait(t, what, limit, cond)
}

const inAWSWorld = `
account: "123456789012"
defaults:
  timing: {start: 5s, stop: 5s, checks: 5s}
  ssm: {register: 10s, commands: [{run: "echo ready", exit: 0, output: ready}]}
regions:
  eu-west-1:
    instances:
      - {id: i-0c0a0000000000a01, state: running, tags: {Name: managed-1}}
      - {id: i-0c0a0000000000a02, state: running, tags: {Name: plain-1}, ssm: false}
`

func (sandboxTarget) openInAWS(t *testing.T) *inAWSFixture {
	t.Helper()
	isolateAWS(t, sandboxRegion)
	w, err := sandbox.ParseWorld([]byte(inAWSWorld), "inaws-world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clock := clockwork.NewFakeClockAt(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	sb, err := sandbox.New(w, sandbox.Options{Clock: clock, AddressBlock: sandboxtest.Block(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	return &inAWSFixture{
		fixture: &fixture{target: "sandbox", endpoint: srv.URL, region: sandboxRegion, account: "123456789012", advance: clock.Advance,
			fault: func(t *testing.T, kind, action string, n int) {
				t.Helper()
				if err := sb.AddFault(sandbox.Fault{Kind: sandbox.FaultKind(kind), Action: action, Count: n}); err != nil {
					t.Fatal(err)
				}
			}},
		managed: "i-0c0a0000000000a01", unmanaged: "i-0c0a0000000000a02", sb: sb,
		runsCommands: true, inventory: true, reachability: true, executes: true, checksRoles: true, groupConflicts: true, groupChecked: true,
		policyChecks: true, contentChecks: true, tagsCheckIDs: true,
	}
}

// openInAWS launches one instance on the shared moto; moto's Run Command
// takes any instance.
func (m *motoTarget) openInAWS(t *testing.T) *inAWSFixture {
	t.Helper()
	isolateAWS(t, motoRegion)
	nonce := make([]byte, 4)
	_, _ = rand.Read(nonce)
	fx := &inAWSFixture{fixture: &fixture{target: "moto", endpoint: strings.TrimRight(m.endpoint, "/"), region: motoRegion,
		account: "123456789012", instant: true}, suffix: hex.EncodeToString(nonce), policyChecks: true}
	c := ec2.NewFromConfig(fx.session(t, nil).Config(), func(o *ec2.Options) { o.BaseEndpoint = sdkaws.String(fx.endpoint) })
	out, err := c.RunInstances(context.Background(), &ec2.RunInstancesInput{ImageId: sdkaws.String(motoAMI), InstanceType: types.InstanceTypeT3Micro,
		MinCount: sdkaws.Int32(2), MaxCount: sdkaws.Int32(2)})
	if err != nil {
		t.Fatalf("moto: RunInstances: %v", err)
	}
	fx.managed, fx.unmanaged = sdkaws.ToString(out.Instances[0].InstanceId), sdkaws.ToString(out.Instances[1].InstanceId)
	return fx
}
