package sandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	envfile "cloudcontrol/backend/env"
	"cloudcontrol/backend/runbook"
)

const gatesWorld = `
defaults: {ssm: {register: 0s}}
regions:
  eu-west-1:
    instances:
      - id: i-0db00000000000001
        tags: {Name: db-1}
        services: [{port: 5432, after: 30s}, {port: 8080, http: /health, after: 40s}]
        ssm: {commands: [{run: pg_isready -q, exit: 0}]}
      - id: i-0db00000000000002
        tags: {Name: db-2}
        services: [{port: 5432, after: 0s}, {port: 8080, http: /health, after: 0s}]
        ssm: {commands: [{run: pg_isready -q, exit: 1, output: "db-2:5432 - rejecting connections", error: "the database is starting"}]}
`

const gatesEnv = `name: gates
region: eu-west-1
stages:
  - name: db
    instances: [{name: db-1}]
    ready: {tcp: 5432, http: "http://{{.PrivateIP}}:8080/health", command: pg_isready -q}
    timeout: 2m
`

// gateScript is the commands of the gates step env export writes.
func gateScript(t *testing.T) []string {
	t.Helper()
	e, problems := envfile.Parse("gates.yaml", []byte(gatesEnv))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	x, err := runbook.Build(e, runbook.Options{Account: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range x.StartDoc.MainSteps {
		if s.Action == runbook.ActionRunCommand {
			params := s.Inputs["Parameters"].(map[string]any)
			return params["commands"].([]string)
		}
	}
	t.Fatal("the export wrote no gates step")
	return nil
}

func TestExportedGateScriptsAreCheckedAgainstTheSandboxsServices(t *testing.T) {
	e := newBlockEnv(t, gatesWorld)
	c := e.ssm("eu-west-1")
	script := gateScript(t)
	if _, err := e.ec2("eu-west-1").RebootInstances(ctx, &ec2.RebootInstancesInput{InstanceIds: []string{"i-0db00000000000001"}}); err != nil {
		t.Fatal(err)
	}
	ok := sendShell(t, c, []string{"i-0db00000000000001"}, script...)
	bad := sendShell(t, c, []string{"i-0db00000000000002"}, script...)
	var got *ssm.GetCommandInvocationOutput
	took := e.until(3*time.Minute, "db-1's gates", func() bool {
		got = getInvocation(t, c, ok, "i-0db00000000000001")
		return got.Status != ssmtypes.CommandInvocationStatusInProgress && got.Status != ssmtypes.CommandInvocationStatusPending
	})
	// Delivered at 1 s; tcp tried every 5 s passes at 31 (the port opens at
	// 30), http at 41 (up at 40), the command at once.
	want := "tcp 5432 passed\nhttp http://<private IP>:8080/health passed\ncommand passed\n"
	if got.Status != ssmtypes.CommandInvocationStatusSuccess || aws.ToString(got.StandardOutputContent) != want || took != 41*time.Second {
		t.Fatalf("db-1 after %s: %s %q", took, got.Status, aws.ToString(got.StandardOutputContent))
	}
	e.until(3*time.Minute, "db-2's gates", func() bool {
		got = getInvocation(t, c, bad, "i-0db00000000000002")
		return got.Status != ssmtypes.CommandInvocationStatusInProgress && got.Status != ssmtypes.CommandInvocationStatusPending
	})
	out := aws.ToString(got.StandardOutputContent)
	if got.Status != ssmtypes.CommandInvocationStatusFailed || got.ResponseCode != 1 ||
		!strings.HasSuffix(out, "command failed: exit 1; its last lines:\ndb-2:5432 - rejecting connections\nthe database is starting\n") {
		t.Fatalf("db-2: %s %d %q", got.Status, got.ResponseCode, out)
	}
	// The script's deadline is the stage's 2 minutes less 15 s to report.
	if d := got.ExecutionEndDateTime; d == nil || !strings.HasPrefix(aws.ToString(d), "2025-03-01T12:01:4") {
		t.Fatalf("db-2 gave up at %s", aws.ToString(d))
	}
}
