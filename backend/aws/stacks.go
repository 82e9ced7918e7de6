package aws

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"

	"cloudcontrol/backend/cloud"
)

// maxEventPages bounds how far StackEvents reads back for the last event
// it was given (CloudFormation pages by 100 or so).
const maxEventPages = 50

// Stacks is cloud.Stacks on CloudFormation.
type Stacks struct {
	s       *Session
	clients *regional[*cloudformation.Client]
}

var _ cloud.Stacks = (*Stacks)(nil)

func newStacks(s *Session) *Stacks {
	return &Stacks{s: s, clients: newRegional(func(region string) *cloudformation.Client {
		return cloudformation.NewFromConfig(s.cfg, func(o *cloudformation.Options) {
			o.Region = region
			if s.endpoint != "" {
				o.BaseEndpoint = sdkaws.String(s.endpoint)
			}
		})
	})}
}

func (a *Stacks) client(region string) (*cloudformation.Client, string) {
	region = regionOr(a.s, region)
	return a.clients.get(region), region
}

// stackError maps CloudFormation's "Stack with id X does not exist" (a
// ValidationError) to a *cloud.NotFoundError.
func (a *Stacks) stackError(region, action, stack string, err error) error {
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "ValidationError" && strings.Contains(api.ErrorMessage(), "does not exist") {
		return notFound(a.s.apiError(region, action, err), "stack", []string{stack})
	}
	return a.s.apiError(region, action, err)
}

// CreateStack starts creating a stack and returns its id.
func (a *Stacks) CreateStack(ctx context.Context, region string, in cloud.StackInput) (string, error) {
	c, region := a.client(region)
	req := &cloudformation.CreateStackInput{StackName: sdkaws.String(in.Name), TemplateBody: sdkaws.String(in.TemplateBody)}
	for _, k := range slices.Sorted(maps.Keys(in.Parameters)) {
		req.Parameters = append(req.Parameters, types.Parameter{ParameterKey: sdkaws.String(k), ParameterValue: sdkaws.String(in.Parameters[k])})
	}
	for _, k := range slices.Sorted(maps.Keys(in.Tags)) {
		req.Tags = append(req.Tags, types.Tag{Key: sdkaws.String(k), Value: sdkaws.String(in.Tags[k])})
	}
	if in.ClientToken != "" {
		req.ClientRequestToken = sdkaws.String(in.ClientToken)
	}
	for _, cp := range in.Capabilities {
		req.Capabilities = append(req.Capabilities, types.Capability(cp))
	}
	if in.OnFailure != "" {
		req.OnFailure = types.OnFailure(in.OnFailure)
	}
	if in.Timeout > 0 {
		req.TimeoutInMinutes = sdkaws.Int32(int32((in.Timeout.Minutes() + 0.999999)))
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := c.CreateStack(ctx, req)
	if err != nil {
		return "", a.s.apiError(region, "CreateStack", err)
	}
	return sdkaws.ToString(out.StackId), nil
}

// Stack describes one stack by name or id.
func (a *Stacks) Stack(ctx context.Context, region, nameOrID string) (cloud.Stack, error) {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: sdkaws.String(nameOrID)})
	if err != nil {
		return cloud.Stack{}, a.stackError(region, "DescribeStacks", nameOrID, err)
	}
	if len(out.Stacks) == 0 {
		return cloud.Stack{}, &cloud.NotFoundError{IDs: []string{nameOrID}, Kind: "stack"}
	}
	return stackOf(out.Stacks[0]), nil
}

// Stacks lists the region's stacks that are not deleted, every page.
func (a *Stacks) Stacks(ctx context.Context, region string) ([]cloud.Stack, error) {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	var out []cloud.Stack
	p := cloudformation.NewDescribeStacksPaginator(c, &cloudformation.DescribeStacksInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, a.s.apiError(region, "DescribeStacks", err)
		}
		for _, st := range page.Stacks {
			if st.StackStatus != types.StackStatusDeleteComplete {
				out = append(out, stackOf(st))
			}
		}
	}
	return out, nil
}

func stackOf(st types.Stack) cloud.Stack {
	out := cloud.Stack{ID: sdkaws.ToString(st.StackId), Name: sdkaws.ToString(st.StackName), Status: string(st.StackStatus),
		StatusReason: sdkaws.ToString(st.StackStatusReason), Description: sdkaws.ToString(st.Description),
		Created: sdkaws.ToTime(st.CreationTime), Deleted: sdkaws.ToTime(st.DeletionTime)}
	if len(st.Parameters) > 0 {
		out.Parameters = map[string]string{}
		for _, p := range st.Parameters {
			out.Parameters[sdkaws.ToString(p.ParameterKey)] = sdkaws.ToString(p.ParameterValue)
		}
	}
	if len(st.Outputs) > 0 {
		out.Outputs = map[string]string{}
		for _, o := range st.Outputs {
			out.Outputs[sdkaws.ToString(o.OutputKey)] = sdkaws.ToString(o.OutputValue)
		}
	}
	if len(st.Tags) > 0 {
		out.Tags = map[string]string{}
		for _, t := range st.Tags {
			out.Tags[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
		}
	}
	return out
}

// StackEvents returns the events after afterID, oldest first, reading
// pages (newest first) only until it meets afterID.
func (a *Stacks) StackEvents(ctx context.Context, region, nameOrID, afterID string) ([]cloud.StackEvent, error) {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	var out []cloud.StackEvent
	p := cloudformation.NewDescribeStackEventsPaginator(c, &cloudformation.DescribeStackEventsInput{StackName: sdkaws.String(nameOrID)})
	for pages := 0; p.HasMorePages() && pages < maxEventPages; pages++ {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, a.stackError(region, "DescribeStackEvents", nameOrID, err)
		}
		for _, e := range page.StackEvents {
			if afterID != "" && sdkaws.ToString(e.EventId) == afterID {
				slices.Reverse(out)
				return out, nil
			}
			out = append(out, cloud.StackEvent{ID: sdkaws.ToString(e.EventId), StackID: sdkaws.ToString(e.StackId),
				StackName: sdkaws.ToString(e.StackName), LogicalID: sdkaws.ToString(e.LogicalResourceId),
				PhysicalID: sdkaws.ToString(e.PhysicalResourceId), ResourceType: sdkaws.ToString(e.ResourceType),
				Status: string(e.ResourceStatus), Reason: sdkaws.ToString(e.ResourceStatusReason),
				ClientToken: sdkaws.ToString(e.ClientRequestToken), Time: sdkaws.ToTime(e.Timestamp)})
		}
	}
	slices.Reverse(out)
	return out, nil
}

// StackResources lists a stack's resources.
func (a *Stacks) StackResources(ctx context.Context, region, nameOrID string) ([]cloud.StackResource, error) {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := c.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: sdkaws.String(nameOrID)})
	if err != nil {
		return nil, a.stackError(region, "DescribeStackResources", nameOrID, err)
	}
	res := make([]cloud.StackResource, 0, len(out.StackResources))
	for _, r := range out.StackResources {
		res = append(res, cloud.StackResource{LogicalID: sdkaws.ToString(r.LogicalResourceId), PhysicalID: sdkaws.ToString(r.PhysicalResourceId),
			Type: sdkaws.ToString(r.ResourceType), Status: string(r.ResourceStatus), Reason: sdkaws.ToString(r.ResourceStatusReason),
			Updated: sdkaws.ToTime(r.Timestamp)})
	}
	return res, nil
}

// DeleteStack starts deleting a stack.
func (a *Stacks) DeleteStack(ctx context.Context, region, nameOrID, clientToken string) error {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	in := &cloudformation.DeleteStackInput{StackName: sdkaws.String(nameOrID)}
	if clientToken != "" {
		in.ClientRequestToken = sdkaws.String(clientToken)
	}
	if _, err := c.DeleteStack(ctx, in); err != nil {
		return a.s.apiError(region, "DeleteStack", err)
	}
	return nil
}

// ValidateTemplate asks CloudFormation what a template declares.
func (a *Stacks) ValidateTemplate(ctx context.Context, region, body string) (cloud.TemplateSummary, error) {
	c, region := a.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := c.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateBody: sdkaws.String(body)})
	if err != nil {
		return cloud.TemplateSummary{}, a.s.apiError(region, "ValidateTemplate", err)
	}
	sum := cloud.TemplateSummary{Description: sdkaws.ToString(out.Description), Parameters: []cloud.TemplateParameter{}}
	for _, p := range out.Parameters {
		sum.Parameters = append(sum.Parameters, cloud.TemplateParameter{Key: sdkaws.ToString(p.ParameterKey),
			Default: sdkaws.ToString(p.DefaultValue), Description: sdkaws.ToString(p.Description), NoEcho: sdkaws.ToBool(p.NoEcho)})
	}
	for _, cp := range out.Capabilities {
		sum.Capabilities = append(sum.Capabilities, string(cp))
	}
	return sum, nil
}
