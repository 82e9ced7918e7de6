package aws

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"cloudcontrol/backend/cloud"
)

// Limits of Run Command and EC2 tagging.
const (
	// maxCommandTargets is how many instance ids one SendCommand takes.
	maxCommandTargets = 50
	// maxScriptSeconds is AWS-RunShellScript's longest executionTimeout.
	maxScriptSeconds = 172800
	// maxTagResources is how many resources one CreateTags or DeleteTags takes.
	maxTagResources = 1000
	// infoFilterValues is how many ids one InstanceIds filter of
	// DescribeInstanceInformation takes.
	infoFilterValues = 50
)

// Commands is cloud.Commands on SSM Run Command.
type Commands struct {
	s       *Session
	clients *regional[*ssm.Client]
}

var _ cloud.Commands = (*Commands)(nil)

// SendShell sends AWS-RunShellScript with lines to the instances.
func (c *Commands) SendShell(ctx context.Context, region string, ids []string, lines []string, timeout time.Duration) (string, error) {
	region = regionOr(c.s, region)
	switch {
	case len(ids) == 0:
		return "", fmt.Errorf("%s: SendCommand: no instances to run the command on: %w", region, cloud.ErrInvalid)
	case len(ids) > maxCommandTargets:
		return "", fmt.Errorf("%s: SendCommand: %d instances, but Run Command takes at most %d per command: %w", region, len(ids), maxCommandTargets, cloud.ErrInvalid)
	case len(lines) == 0:
		return "", fmt.Errorf("%s: SendCommand: no command lines: %w", region, cloud.ErrInvalid)
	}
	secs := int((timeout + time.Second - 1) / time.Second)
	secs = min(max(secs, 1), maxScriptSeconds)
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := c.clients.get(region).SendCommand(ctx, &ssm.SendCommandInput{
		DocumentName: sdkaws.String("AWS-RunShellScript"), InstanceIds: ids,
		Parameters: map[string][]string{"commands": lines, "executionTimeout": {strconv.Itoa(secs)}},
		Comment:    sdkaws.String("Cloud Control"),
	})
	if err != nil {
		unreachable := ids
		if m := unreachableIDs.FindAllString(err.Error(), -1); len(m) > 0 {
			unreachable = dedupe(m)
		}
		return "", c.s.callError(region, "ssm", "SendCommand", err, "SSM managed instance", unreachable, "InvalidInstanceId")
	}
	return sdkaws.ToString(out.Command.CommandId), nil
}

// Results lists the command's invocations with their output, every page.
func (c *Commands) Results(ctx context.Context, region, commandID string) ([]cloud.CommandResult, error) {
	region = regionOr(c.s, region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	var out []cloud.CommandResult
	p := ssm.NewListCommandInvocationsPaginator(c.clients.get(region), &ssm.ListCommandInvocationsInput{
		CommandId: sdkaws.String(commandID), Details: true})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, c.s.callError(region, "ssm", "ListCommandInvocations", err, "SSM command", []string{commandID}, "InvalidCommandId")
		}
		for _, inv := range page.CommandInvocations {
			r := cloud.CommandResult{Instance: sdkaws.ToString(inv.InstanceId), Status: string(inv.Status), ExitCode: -1,
				Detail: sdkaws.ToString(inv.StatusDetails)}
			for _, pl := range inv.CommandPlugins {
				r.ExitCode, r.Output = int(pl.ResponseCode), sdkaws.ToString(pl.Output)
			}
			if !r.Done() {
				r.ExitCode = -1
			}
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b cloud.CommandResult) int { return strings.Compare(a.Instance, b.Instance) })
	return out, nil
}

// Managed asks SSM's inventory about the instances, by pages of the ids
// one filter takes.
func (c *Commands) Managed(ctx context.Context, region string, ids []string) (map[string]cloud.ManagedInstance, error) {
	region = regionOr(c.s, region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	out := map[string]cloud.ManagedInstance{}
	for _, batch := range chunks(dedupe(slices.Clone(ids)), infoFilterValues) {
		p := ssm.NewDescribeInstanceInformationPaginator(c.clients.get(region), &ssm.DescribeInstanceInformationInput{
			InstanceInformationFilterList: []ssmtypes.InstanceInformationFilter{{Key: ssmtypes.InstanceInformationFilterKeyInstanceIds, ValueSet: batch}},
			MaxResults:                    sdkaws.Int32(50),
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, c.s.callError(region, "ssm", "DescribeInstanceInformation", err, "", nil)
			}
			for _, i := range page.InstanceInformationList {
				m := cloud.ManagedInstance{ID: sdkaws.ToString(i.InstanceId), PingStatus: string(i.PingStatus), Platform: string(i.PlatformType)}
				if i.LastPingDateTime != nil {
					m.LastPing = i.LastPingDateTime.UTC()
				}
				out[m.ID] = m
			}
		}
	}
	return out, nil
}

// Tagger is cloud.Tagger on EC2, with the Fleet's clients.
type Tagger struct{ f *Fleet }

var _ cloud.Tagger = Tagger{}

// Tag sets the tags on the instances (CreateTags, by batches EC2 takes).
func (t Tagger) Tag(ctx context.Context, region string, ids []string, tags map[string]string) error {
	region = regionOr(t.f.s, region)
	if len(ids) == 0 || len(tags) == 0 {
		return nil
	}
	var list []ec2types.Tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		list = append(list, ec2types.Tag{Key: sdkaws.String(k), Value: sdkaws.String(tags[k])})
	}
	return t.batches(ctx, region, "CreateTags", ids, func(ctx context.Context, c *ec2.Client, batch []string) error {
		_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: batch, Tags: list})
		return err
	})
}

// batches makes one call per batch of ids EC2 takes, all within one bound.
func (t Tagger) batches(ctx context.Context, region, action string, ids []string, call func(context.Context, *ec2.Client, []string) error) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	for _, batch := range chunks(dedupe(slices.Clone(ids)), maxTagResources) {
		if err := call(ctx, t.f.client(region), batch); err != nil {
			return t.f.s.callError(region, "ec2", action, err, "", batch)
		}
	}
	return nil
}

// Untag removes the tag keys from the instances, whatever their values.
func (t Tagger) Untag(ctx context.Context, region string, ids []string, keys []string) error {
	region = regionOr(t.f.s, region)
	if len(ids) == 0 || len(keys) == 0 {
		return nil
	}
	var list []ec2types.Tag
	for _, k := range keys {
		list = append(list, ec2types.Tag{Key: sdkaws.String(k)})
	}
	return t.batches(ctx, region, "DeleteTags", ids, func(ctx context.Context, c *ec2.Client, batch []string) error {
		_, err := c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: batch, Tags: list})
		return err
	})
}
