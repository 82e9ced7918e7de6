package runbook

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"cloudcontrol/backend/cloud"
)

// Policy is an IAM policy document.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one IAM policy statement. Condition maps an operator to
// keys and their value (a string or a list of strings).
type Statement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Action    []string                  `json:"Action"`
	Resource  []string                  `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// MaxInlinePolicyChars is IAM's limit on a role's inline policies, which
// env deploy --create-roles uses; IAM does not count white space.
const MaxInlinePolicyChars = 10240

// PolicyChars is a policy's size as IAM counts it (without white space).
func PolicyChars(b []byte) int {
	n := 0
	for _, c := range b {
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			n++
		}
	}
	return n
}

// Marshal writes the policy as indented JSON ending in a newline.
func (p *Policy) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("writing the IAM policy: %w", err)
	}
	return append(b, '\n'), nil
}

// arns builds the ARNs of one environment's account and region ("*" when
// either is not pinned).
type arns struct {
	partition, region, account string
}

func newARNs(region, account string) arns {
	a := arns{partition: "aws", region: region, account: account}
	switch {
	case strings.HasPrefix(region, "cn-"):
		a.partition = "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		a.partition = "aws-us-gov"
	}
	if a.region == "" {
		a.region = "*"
	}
	if a.account == "" {
		a.account = "*"
	}
	return a
}

func (a arns) instance(id string) string {
	return fmt.Sprintf("arn:%s:ec2:%s:%s:instance/%s", a.partition, a.region, a.account, id)
}

func (a arns) awsDocument(name string) string {
	return fmt.Sprintf("arn:%s:ssm:%s::document/%s", a.partition, a.region, name)
}

func (a arns) automationDefinition(name string) string {
	return fmt.Sprintf("arn:%s:ssm:%s:%s:automation-definition/%s:*", a.partition, a.region, a.account, name)
}

func (a arns) role(name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", a.partition, a.account, name)
}

// automationPolicy allows exactly what the runbooks do: read instances,
// start and stop the selected ones (by their tags or ids), and, when a gate
// runs on the instances, send AWS-RunShellScript to them and follow it.
func automationPolicy(a arns, all, gated []*lookup) *Policy {
	p := &Policy{Version: "2012-10-17", Statement: []Statement{{
		Sid: "ReadInstances", Effect: "Allow",
		Action:   []string{"ec2:DescribeInstanceStatus", "ec2:DescribeInstances"},
		Resource: []string{"*"},
	}}}
	// The start runbook also says who started the instances, with those two
	// tags only. One statement serves both: aws:TagKeys is absent from a
	// StartInstances or StopInstances request, and ForAllValues holds for an
	// absent key, so the condition narrows CreateTags alone (and the policy
	// stays within IAM's inline limit).
	for _, st := range onSelected(a, all, "StartStop", []string{"ec2:CreateTags", "ec2:StartInstances", "ec2:StopInstances"}, "aws:ResourceTag/") {
		if st.Condition == nil {
			st.Condition = map[string]map[string]any{}
		}
		st.Condition["ForAllValues:StringEquals"] = map[string]any{"aws:TagKeys": []string{cloud.TagStartedBy, cloud.TagStartedAt}}
		p.Statement = append(p.Statement, st)
	}
	if len(gated) == 0 {
		return p
	}
	p.Statement = append(p.Statement, Statement{
		Sid: "RunGateScripts", Effect: "Allow", Action: []string{"ssm:SendCommand"},
		Resource: []string{a.awsDocument(runShellScript)},
	})
	p.Statement = append(p.Statement, onSelected(a, gated, "RunGateScriptsOn", []string{"ssm:SendCommand"}, "ssm:resourceTag/")...)
	p.Statement = append(p.Statement, Statement{
		Sid: "FollowGateScripts", Effect: "Allow",
		Action:   []string{"ssm:DescribeInstanceInformation", "ssm:GetCommandInvocation", "ssm:ListCommandInvocations", "ssm:ListCommands"},
		Resource: []string{"*"},
	})
	return p
}

// onSelected grants actions on the instances the lookups select: one
// statement per distinct tag filter (a condition on the instance's tags)
// and one listing the ids.
func onSelected(a arns, ls []*lookup, sid string, actions []string, tagKey string) []Statement {
	var out []Statement
	var ids []string
	listed := map[string]bool{}
	for _, l := range ls {
		for _, id := range l.ids {
			if !listed[id] {
				listed[id] = true
				ids = append(ids, a.instance(id))
			}
		}
	}
	for n, l := range tagSets(ls) {
		cond := map[string]any{}
		for _, k := range l.keys {
			if v := l.values[k]; len(v) == 1 {
				cond[tagKey+k] = v[0]
			} else {
				cond[tagKey+k] = slices.Clone(v)
			}
		}
		out = append(out, Statement{
			Sid: fmt.Sprintf("%sTagged%d", sid, n+1), Effect: "Allow", Action: actions,
			Resource:  []string{a.instance("*")},
			Condition: map[string]map[string]any{"StringEquals": cond},
		})
	}
	if len(ids) > 0 {
		out = append(out, Statement{Sid: sid + "Listed", Effect: "Allow", Action: actions, Resource: ids})
	}
	return out
}

// schedulerPolicy lets EventBridge Scheduler start the two runbooks and
// hand them the automation role, and nothing else.
func schedulerPolicy(a arns, env, automationRole string) *Policy {
	return &Policy{Version: "2012-10-17", Statement: []Statement{
		{
			Sid: "StartRunbooks", Effect: "Allow", Action: []string{"ssm:StartAutomationExecution"},
			Resource: []string{a.automationDefinition(StartDocumentName(env)), a.automationDefinition(StopDocumentName(env))},
		},
		{
			Sid: "PassAutomationRole", Effect: "Allow", Action: []string{"iam:PassRole"},
			Resource:  []string{automationRole},
			Condition: map[string]map[string]any{"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}},
		},
	}}
}

// TrustPolicy is the policy that lets service (ssm.amazonaws.com for the
// automation role, scheduler.amazonaws.com for the scheduler role) assume
// a role, limited to account when it is known.
func TrustPolicy(service, account string) ([]byte, error) {
	st := map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": service},
		"Action":    "sts:AssumeRole",
	}
	if account != "" {
		st["Condition"] = map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account}}
	}
	b, err := json.MarshalIndent(map[string]any{"Version": "2012-10-17", "Statement": []any{st}}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("writing the trust policy: %w", err)
	}
	return append(b, '\n'), nil
}
