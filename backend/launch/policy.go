package launch

import (
	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/runbook"
)

// The instance profile of launched instances needs two things for what
// the built-in template's user data does: to tag itself with its boot
// progress (cc_progress), and, where aws-cfn-bootstrap is missing (Amazon
// Linux 2023), to signal its stack's resource with the AWS CLI.

// InstancePolicy is the IAM policy for the instance profile of launched
// instances: ec2:CreateTags only on the instance making the call
// (aws:ARN equals ${ec2:SourceInstanceARN}) and only of the boot progress
// tag (aws:TagKeys), and cloudformation:SignalResource on the stacks
// Cloud Control names (cc-*), which the signal fallback needs.
func InstancePolicy() string {
	p := runbook.Policy{Version: "2012-10-17", Statement: []runbook.Statement{
		{
			Sid:      "BootProgressOnItselfOnly",
			Effect:   "Allow",
			Action:   []string{"ec2:CreateTags"},
			Resource: []string{"arn:aws:ec2:*:*:instance/*"},
			Condition: map[string]map[string]any{
				"StringEquals":              {"aws:ARN": "${ec2:SourceInstanceARN}"},
				"ForAllValues:StringEquals": {"aws:TagKeys": []string{cloud.TagProgress}},
				"Null":                      {"aws:TagKeys": "false"},
			},
		},
		{
			Sid:      "SignalItsOwnStack",
			Effect:   "Allow",
			Action:   []string{"cloudformation:SignalResource"},
			Resource: []string{"arn:aws:cloudformation:*:*:stack/" + stackPrefix + "*/*"},
		},
	}}
	b, _ := p.Marshal() // a fixed document of strings always marshals
	return string(b)
}
