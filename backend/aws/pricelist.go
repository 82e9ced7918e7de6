package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	ptypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"

	"cloudcontrol/backend/cloud"
)

// priceListRegion is where the Price List Query API is served from; it
// answers for every region.
const priceListRegion = "us-east-1"

// PriceList asks the AWS Price List Query API (GetProducts) for current
// prices. It needs pricing:GetProducts.
type PriceList struct {
	s      *Session
	client *pricing.Client
}

// PriceList returns the Price List client of the session.
func (s *Session) PriceList() *PriceList {
	c := pricing.NewFromConfig(s.cfg, func(o *pricing.Options) {
		o.Region = priceListRegion
		if s.endpoint != "" {
			o.BaseEndpoint = sdkaws.String(s.endpoint)
		}
	})
	return &PriceList{s: s, client: c}
}

func term(field, value string) ptypes.Filter {
	return ptypes.Filter{Type: ptypes.FilterTypeTermMatch, Field: sdkaws.String(field), Value: sdkaws.String(value)}
}

// OnDemandHourly is the Linux, shared-tenancy, no-pre-installed-software
// on-demand price of instanceType in region, in USD per hour.
func (p *PriceList) OnDemandHourly(ctx context.Context, region, instanceType string) (float64, error) {
	return p.price(ctx, "Hrs", []ptypes.Filter{
		term("instanceType", instanceType), term("regionCode", region), term("operatingSystem", "Linux"),
		term("tenancy", "Shared"), term("preInstalledSw", "NA"), term("capacitystatus", "Used"),
		term("licenseModel", "No License required"),
	})
}

// EBSGBMonth is the storage price of an EBS volume type in region, in USD
// per GB-month.
func (p *PriceList) EBSGBMonth(ctx context.Context, region, volumeType string) (float64, error) {
	return p.price(ctx, "GB-Mo", []ptypes.Filter{
		term("volumeApiName", volumeType), term("regionCode", region), term("productFamily", "Storage"),
	})
}

// price runs GetProducts and returns the first on-demand USD price with the
// wanted unit. A zero price (AWS lists some "$0.00 per ..." free tiers) is
// skipped: a zero must never stand for a real price.
func (p *PriceList) price(ctx context.Context, unit string, filters []ptypes.Filter) (float64, error) {
	in := &pricing.GetProductsInput{ServiceCode: sdkaws.String("AmazonEC2"), Filters: filters,
		FormatVersion: sdkaws.String("aws_v1"), MaxResults: sdkaws.Int32(100)}
	pg := pricing.NewGetProductsPaginator(p.client, in)
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			return 0, p.s.apiError(priceListRegion, "GetProducts", err)
		}
		for _, item := range out.PriceList {
			if v, ok, err := onDemandPrice(item, unit); err != nil {
				return 0, fmt.Errorf("%s: GetProducts: %w", priceListRegion, err)
			} else if ok {
				return v, nil
			}
		}
	}
	return 0, fmt.Errorf("%s: GetProducts: %w", priceListRegion, cloud.ErrNoPrice)
}

// priceItem is the part of one Price List entry (a JSON document inside a
// JSON string) that holds on-demand prices.
type priceItem struct {
	Terms struct {
		OnDemand map[string]struct {
			PriceDimensions map[string]struct {
				Unit         string            `json:"unit"`
				PricePerUnit map[string]string `json:"pricePerUnit"`
			} `json:"priceDimensions"`
		} `json:"OnDemand"`
	} `json:"terms"`
}

func onDemandPrice(item, unit string) (float64, bool, error) {
	var pi priceItem
	if err := json.Unmarshal([]byte(item), &pi); err != nil {
		return 0, false, fmt.Errorf("a Price List entry is not valid JSON: %w", err)
	}
	for _, t := range pi.Terms.OnDemand {
		for _, d := range t.PriceDimensions {
			if d.Unit != unit {
				continue
			}
			v, err := strconv.ParseFloat(d.PricePerUnit["USD"], 64)
			if err == nil && v > 0 {
				return v, true, nil
			}
		}
	}
	return 0, false, nil
}
