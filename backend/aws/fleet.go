package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"cloudcontrol/backend/cloud"
)

// EC2 request limits the Fleet works within.
const (
	describeIDLimit = 200  // ids per DescribeInstances instance-id filter
	statusIDLimit   = 100  // InstanceIds per DescribeInstanceStatus
	actionBatch     = 1000 // ids per Start/Stop/RebootInstances call
	pageSize        = 1000 // MaxResults when listing without ids
)

// Fleet is cloud.Fleet on EC2. It keeps one client per region.
type Fleet struct {
	s       *Session
	clients *regional[*ec2.Client]
}

var _ cloud.Fleet = (*Fleet)(nil)

func newFleet(s *Session) *Fleet {
	return &Fleet{s: s, clients: newRegional(func(region string) *ec2.Client {
		return ec2.NewFromConfig(s.cfg, func(o *ec2.Options) {
			o.Region = region
			// --endpoint-url beats AWS_ENDPOINT_URL_EC2 and the profile's
			// per-service endpoints, which NewFromConfig would otherwise apply.
			if s.endpoint != "" {
				o.BaseEndpoint = sdkaws.String(s.endpoint)
			}
		})
	})}
}

func (f *Fleet) client(region string) *ec2.Client { return f.clients.get(regionOr(f.s, region)) }

func regionOr(s *Session, region string) string {
	if region == "" {
		return s.cfg.Region
	}
	return region
}

// Find lists the instances matching q. Ids go in InstanceIds so that an id
// EC2 does not know is an error (*cloud.NotFoundError), not a silent miss.
func (f *Fleet) Find(ctx context.Context, region string, q cloud.Query) ([]cloud.Instance, error) {
	region = regionOr(f.s, region)
	filters := tagFilters(q.Tags)
	if len(q.IDs) == 0 {
		in := &ec2.DescribeInstancesInput{Filters: filters, MaxResults: sdkaws.Int32(pageSize)}
		return f.describe(ctx, region, in, nil)
	}
	var out []cloud.Instance
	var missing []string
	for _, batch := range chunks(dedupe(slices.Clone(q.IDs)), actionBatch) {
		in := &ec2.DescribeInstancesInput{InstanceIds: batch, Filters: filters}
		got, err := f.describe(ctx, region, in, nil)
		var nf *cloud.NotFoundError
		if errors.As(err, &nf) {
			missing = append(missing, nf.IDs...)
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: DescribeInstances: %w", region, &cloud.NotFoundError{IDs: missing})
	}
	return out, nil
}

// Describe is one logical DescribeInstances call. Up to describeIDLimit ids
// use the instance-id filter, so unknown ids are just absent; beyond that the
// whole region is listed in pages and filtered here, which is fewer calls
// than many filtered requests.
func (f *Fleet) Describe(ctx context.Context, region string, ids []string) ([]cloud.Instance, error) {
	region = regionOr(f.s, region)
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) <= describeIDLimit {
		// MaxResults is allowed with filters and keeps this to one page
		// (EC2 and moto may otherwise page a filtered listing).
		in := &ec2.DescribeInstancesInput{MaxResults: sdkaws.Int32(pageSize), Filters: []types.Filter{{
			Name: sdkaws.String("instance-id"), Values: ids,
		}}}
		return f.describe(ctx, region, in, nil)
	}
	in := &ec2.DescribeInstancesInput{MaxResults: sdkaws.Int32(pageSize)}
	return f.describe(ctx, region, in, idSet(ids))
}

func (f *Fleet) describe(ctx context.Context, region string, in *ec2.DescribeInstancesInput, wanted map[string]bool) ([]cloud.Instance, error) {
	var out []cloud.Instance
	p := ec2.NewDescribeInstancesPaginator(f.client(region), in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, f.s.apiError(region, "DescribeInstances", err, in.InstanceIds...)
		}
		out = append(out, instancesOf(region, page.Reservations, wanted)...)
	}
	return out, nil
}

// StatusChecks is one logical DescribeInstanceStatus call, all states
// included. An id EC2 reports as unknown is left out of the result (it is
// gone, as Describe would show) rather than failing the whole poll.
func (f *Fleet) StatusChecks(ctx context.Context, region string, ids []string) (map[string]cloud.Checks, error) {
	region = regionOr(f.s, region)
	out := map[string]cloud.Checks{}
	if len(ids) == 0 {
		return out, nil
	}
	var in *ec2.DescribeInstanceStatusInput
	var wanted map[string]bool
	if len(ids) <= statusIDLimit {
		in = &ec2.DescribeInstanceStatusInput{InstanceIds: dedupe(slices.Clone(ids)), IncludeAllInstances: sdkaws.Bool(true)}
	} else {
		in = &ec2.DescribeInstanceStatusInput{IncludeAllInstances: sdkaws.Bool(true), MaxResults: sdkaws.Int32(pageSize)}
		wanted = idSet(ids)
	}
	for {
		err := f.statusPages(ctx, region, in, wanted, out)
		var nf *cloud.NotFoundError
		if err == nil || !errors.As(err, &nf) || len(in.InstanceIds) == 0 {
			return out, err
		}
		before := len(in.InstanceIds)
		in.InstanceIds = slices.DeleteFunc(in.InstanceIds, func(id string) bool { return slices.Contains(nf.IDs, id) })
		switch len(in.InstanceIds) {
		case 0:
			return out, nil // every id is gone
		case before:
			return out, err // AWS named ids we did not ask for: do not loop
		}
		clear(out)
	}
}

func (f *Fleet) statusPages(ctx context.Context, region string, in *ec2.DescribeInstanceStatusInput, wanted map[string]bool, out map[string]cloud.Checks) error {
	p := ec2.NewDescribeInstanceStatusPaginator(f.client(region), in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return f.s.apiError(region, "DescribeInstanceStatus", err, in.InstanceIds...)
		}
		for _, st := range page.InstanceStatuses {
			id := sdkaws.ToString(st.InstanceId)
			if wanted == nil || wanted[id] {
				out[id] = toChecks(st)
			}
		}
	}
	return nil
}

// Start starts the instances, one StartInstances call per actionBatch ids.
func (f *Fleet) Start(ctx context.Context, region string, ids []string) error {
	return f.act(ctx, region, "StartInstances", ids, func(c *ec2.Client, batch []string) error {
		_, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: batch})
		return err
	})
}

// Stop stops the instances, one StopInstances call per actionBatch ids.
func (f *Fleet) Stop(ctx context.Context, region string, ids []string) error {
	return f.act(ctx, region, "StopInstances", ids, func(c *ec2.Client, batch []string) error {
		_, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: batch})
		return err
	})
}

// Reboot reboots the instances, one RebootInstances call per actionBatch ids.
func (f *Fleet) Reboot(ctx context.Context, region string, ids []string) error {
	return f.act(ctx, region, "RebootInstances", ids, func(c *ec2.Client, batch []string) error {
		_, err := c.RebootInstances(ctx, &ec2.RebootInstancesInput{InstanceIds: batch})
		return err
	})
}

func (f *Fleet) act(ctx context.Context, region, action string, ids []string, call func(*ec2.Client, []string) error) error {
	region = regionOr(f.s, region)
	c := f.client(region)
	for _, batch := range chunks(ids, actionBatch) {
		if err := call(c, batch); err != nil {
			return f.s.apiError(region, action, err, batch...)
		}
	}
	return nil
}

// Regions lists every region of the account's partition, opted in or not.
func (f *Fleet) Regions(ctx context.Context) ([]string, error) {
	region := f.s.cfg.Region
	out, err := f.client(region).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: sdkaws.Bool(true)})
	if err != nil {
		return nil, f.s.apiError(region, "DescribeRegions", err)
	}
	names := make([]string, 0, len(out.Regions))
	for _, r := range out.Regions {
		names = append(names, sdkaws.ToString(r.RegionName))
	}
	slices.Sort(names)
	return names, nil
}
