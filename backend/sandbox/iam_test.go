package sandbox

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestIAMRolesAndInlinePolicies(t *testing.T) {
	e := newEnv(t, "regions: {eu-west-1: {}}\n")
	c := e.iam()
	out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("CloudControl-demo-automation"),
		AssumeRolePolicyDocument: aws.String(trustSSM), Description: aws.String("runs the runbooks"),
		Tags: []iamtypes.Tag{{Key: aws.String("cloudcontrol:env"), Value: aws.String("demo")}}})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Role
	if aws.ToString(r.Arn) != "arn:aws:iam::123456789012:role/CloudControl-demo-automation" || !strings.HasPrefix(aws.ToString(r.RoleId), "AROA") ||
		decoded(t, r.AssumeRolePolicyDocument) != trustSSM || strings.Contains(aws.ToString(r.AssumeRolePolicyDocument), `"`) {
		t.Fatalf("created role %+v (trust %q)", r, aws.ToString(r.AssumeRolePolicyDocument))
	}
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("cloudcontrol-DEMO-automation"), AssumeRolePolicyDocument: aws.String(trustSSM)})
	var exists *iamtypes.EntityAlreadyExistsException
	if !asErr(err, &exists) {
		t.Fatalf("a second role of the same name (any case): %v", err)
	}
	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("CloudControl-demo-automation")})
	if err != nil || decoded(t, got.Role.AssumeRolePolicyDocument) != trustSSM || len(got.Role.Tags) != 1 ||
		aws.ToString(got.Role.Tags[0].Value) != "demo" || aws.ToString(got.Role.Description) != "runs the runbooks" {
		t.Fatalf("GetRole: %+v %v", got, err)
	}
	policy := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "arn:aws:ec2:*:*:instance/*"}]}`
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("CloudControl-demo-automation"),
		PolicyName: aws.String("runbook"), PolicyDocument: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	names, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("CloudControl-demo-automation")})
	if err != nil || len(names.PolicyNames) != 1 || names.PolicyNames[0] != "runbook" || names.IsTruncated {
		t.Fatalf("ListRolePolicies: %+v %v", names, err)
	}
	rp, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("CloudControl-demo-automation"), PolicyName: aws.String("runbook")})
	if err != nil || decoded(t, rp.PolicyDocument) != policy {
		t.Fatalf("GetRolePolicy: %+v %v", rp, err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("CloudControl-demo-automation")})
	var conflict *iamtypes.DeleteConflictException
	if !asErr(err, &conflict) || !strings.Contains(err.Error(), "must delete policies first") {
		t.Fatalf("DeleteRole with an inline policy: %v", err)
	}
	if _, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("CloudControl-demo-automation"), PolicyName: aws.String("runbook")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("CloudControl-demo-automation")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("CloudControl-demo-automation")})
	var missing *iamtypes.NoSuchEntityException
	if !asErr(err, &missing) || !strings.Contains(err.Error(), "cannot be found") {
		t.Fatalf("GetRole after delete: %v", err)
	}
}

func TestIAMRefusesBadPolicies(t *testing.T) {
	e := newEnv(t, "regions: {eu-west-1: {}}\n")
	c := e.iam()
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(`{"Statement": [`)})
	var malformed *iamtypes.MalformedPolicyDocumentException
	if !asErr(err, &malformed) {
		t.Fatalf("trust policy that is not JSON: %v", err)
	}
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustSSM)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17"}`)})
	if !asErr(err, &malformed) {
		t.Fatalf("policy without a Statement: %v", err)
	}
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"` + strings.Repeat("x", 10300) + `"}]}`
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(big)})
	var limit *iamtypes.LimitExceededException
	if !asErr(err, &limit) || !strings.Contains(err.Error(), "10240") {
		t.Fatalf("policy over IAM's quota: %v", err)
	}
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("nobody"), PolicyName: aws.String("p"), PolicyDocument: aws.String(trustSSM)})
	var missing *iamtypes.NoSuchEntityException
	if !asErr(err, &missing) {
		t.Fatalf("policy of a role that does not exist: %v", err)
	}
}

func TestIAMFaultsSpeakIAM(t *testing.T) {
	e := newEnv(t, "regions: {eu-west-1: {}}\n")
	c := e.iam()
	if err := e.sb.AddFault(Fault{Kind: FaultDenied, Action: "CreateRole", Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustSSM)})
	ae := apiErr(t, err, "AccessDenied")
	if !strings.Contains(ae.ErrorMessage(), "iam:CreateRole") {
		t.Fatalf("denial does not name the permission: %s", ae.ErrorMessage())
	}
	if err := e.sb.AddFault(Fault{Kind: FaultThrottle, Action: "GetRole", Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")})
	wantCode(t, err, "Throttling")
}
