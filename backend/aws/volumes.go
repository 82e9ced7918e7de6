package aws

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"cloudcontrol/backend/cloud"
)

// volumeFilterLimit is how many values one DescribeVolumes filter takes.
const volumeFilterLimit = 200

var _ cloud.Volumes = (*Session)(nil)

// Volumes lists the EBS volumes attached to the instances: one paged
// DescribeVolumes call per volumeFilterLimit instances, filtered by
// attachment.instance-id, so a 1,000-instance environment costs five calls.
func (s *Session) Volumes(ctx context.Context, region string, instanceIDs []string) ([]cloud.Volume, error) {
	region = regionOr(s, region)
	c := s.fleet.client(region)
	var out []cloud.Volume
	for _, batch := range chunks(dedupe(slices.Clone(instanceIDs)), volumeFilterLimit) {
		in := &ec2.DescribeVolumesInput{
			MaxResults: sdkaws.Int32(500),
			Filters:    []types.Filter{{Name: sdkaws.String("attachment.instance-id"), Values: batch}},
		}
		want := idSet(batch)
		p := ec2.NewDescribeVolumesPaginator(c, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, s.apiError(region, "DescribeVolumes", err)
			}
			for _, v := range page.Volumes {
				for _, a := range v.Attachments {
					if id := sdkaws.ToString(a.InstanceId); want[id] {
						out = append(out, cloud.Volume{
							ID: sdkaws.ToString(v.VolumeId), InstanceID: id, Type: string(v.VolumeType),
							SizeGiB: int(sdkaws.ToInt32(v.Size)), IOPS: int(sdkaws.ToInt32(v.Iops)),
							Throughput: int(sdkaws.ToInt32(v.Throughput)),
						})
					}
				}
			}
		}
	}
	return out, nil
}

// SpotPrices returns the current Linux/UNIX spot price of each type in each
// zone of region (DescribeSpotPriceHistory with StartTime now answers the
// price in force now, one entry per zone and type).
func (s *Session) SpotPrices(ctx context.Context, region string, instanceTypes []string) ([]cloud.SpotPrice, error) {
	region = regionOr(s, region)
	if len(instanceTypes) == 0 {
		return nil, nil
	}
	wanted := make([]types.InstanceType, 0, len(instanceTypes))
	for _, t := range dedupe(slices.Clone(instanceTypes)) {
		wanted = append(wanted, types.InstanceType(t))
	}
	now := time.Now()
	in := &ec2.DescribeSpotPriceHistoryInput{
		InstanceTypes: wanted, ProductDescriptions: []string{"Linux/UNIX"},
		StartTime: &now, EndTime: &now, MaxResults: sdkaws.Int32(1000),
	}
	latest := map[[2]string]cloud.SpotPrice{}
	p := ec2.NewDescribeSpotPriceHistoryPaginator(s.fleet.client(region), in)
	for p.HasMorePages() {
		// Non-essential, as the Price List is (pricelist.go): the table's
		// average spot price stands in.
		cctx, cancel := context.WithTimeout(ctx, PriceListTimeout)
		page, err := p.NextPage(cctx, func(o *ec2.Options) { o.Retryer = nonEssentialRetryer() })
		cancel()
		if err != nil {
			return nil, s.nonEssentialError(ctx, region, "DescribeSpotPriceHistory", "the EC2 spot price history", PriceListTimeout, err)
		}
		for _, sp := range page.SpotPriceHistory {
			v, err := strconv.ParseFloat(sdkaws.ToString(sp.SpotPrice), 64)
			if err != nil || v <= 0 {
				continue // a price we cannot read is left unknown, never 0
			}
			got := cloud.SpotPrice{Region: region, AZ: sdkaws.ToString(sp.AvailabilityZone),
				InstanceType: string(sp.InstanceType), Hourly: v, Time: sdkaws.ToTime(sp.Timestamp).UTC()}
			k := [2]string{got.AZ, got.InstanceType}
			if old, ok := latest[k]; !ok || got.Time.After(old.Time) {
				latest[k] = got
			}
		}
	}
	out := make([]cloud.SpotPrice, 0, len(latest))
	for _, v := range latest {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b cloud.SpotPrice) int {
		if a.InstanceType != b.InstanceType {
			return strings.Compare(a.InstanceType, b.InstanceType)
		}
		return strings.Compare(a.AZ, b.AZ)
	})
	return out, nil
}
