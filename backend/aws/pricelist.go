package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	ptypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"
	"github.com/aws/smithy-go"

	"cloudcontrol/backend/cloud"
)

// priceListRegion is where the Price List Query API is served from; it
// answers for every region.
const priceListRegion = "us-east-1"

// PriceList asks the AWS Price List Query API (GetProducts) for current
// prices. It needs pricing:GetProducts.
//
// Its answer can be done without (the price cache or the built-in table
// stands in), so it is a non-essential call: PriceListAttempts attempts a
// short pause apart, PriceListTimeout in all, instead of the session's
// patient retries, and a failure says what the API really answered.
type PriceList struct {
	s       *Session
	client  *pricing.Client
	timeout time.Duration
}

// Bounds of a non-essential call (the Price List, the spot price history).
const (
	PriceListAttempts = 2
	PriceListTimeout  = 5 * time.Second
	priceListBackoff  = 250 * time.Millisecond
)

// nonEssentialRetryer gives up after PriceListAttempts, without the
// adaptive mode's client-side rate limiting, which can itself wait.
func nonEssentialRetryer() sdkaws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = PriceListAttempts
		o.MaxBackoff = priceListBackoff
	})
}

// PriceList returns the Price List client of the session.
func (s *Session) PriceList() *PriceList {
	c := pricing.NewFromConfig(s.cfg, func(o *pricing.Options) {
		o.Region = priceListRegion
		o.Retryer = nonEssentialRetryer()
		if s.endpoint != "" {
			o.BaseEndpoint = sdkaws.String(s.endpoint)
		}
	})
	return &PriceList{s: s, client: c, timeout: PriceListTimeout}
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
		out, err := p.page(ctx, pg)
		if err != nil {
			return 0, err
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

// page reads one page within the call's timeout.
func (p *PriceList) page(ctx context.Context, pg *pricing.GetProductsPaginator) (*pricing.GetProductsOutput, error) {
	cctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	out, err := pg.NextPage(cctx)
	if err != nil {
		return nil, p.s.nonEssentialError(ctx, priceListRegion, "GetProducts", "the Price List API", p.timeout, err)
	}
	return out, nil
}

// nonEssentialError words a failed non-essential call (what stands in for
// its answer is shown with it): what the API really answered, throttled,
// refused or HTTP status, or that it could not be reached or did not
// answer in time.
func (s *Session) nonEssentialError(ctx context.Context, region, action, api string, timeout time.Duration, err error) error {
	var creds *CredentialsError
	if errors.As(err, &creds) || ctx.Err() != nil {
		return s.apiError(region, action, err) // no credentials, or the caller gave up
	}
	e := &Error{Region: region, Action: action, errs: []error{err}}
	if errors.Is(err, context.DeadlineExceeded) {
		e.text = fmt.Sprintf("%s: %s: %s did not answer within %s", region, action, api, timeout)
		return e
	}
	status := httpStatus(err)
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() == "UnknownError" && status > 0 {
		if status > 0 {
			e.text = fmt.Sprintf("%s: %s: %s answered HTTP %d without an AWS error in its body", region, action, api, status)
		} else {
			e.text = fmt.Sprintf("%s: %s: cannot reach %s at %s: %v", region, action, api, s.endpointForLog(), err)
		}
		return e
	}
	e.Code = apiErr.ErrorCode()
	said := fmt.Sprintf("%s (%s)", apiErr.ErrorMessage(), e.Code)
	switch {
	case status == 429 || slices.Contains(throttleCodes, e.Code):
		e.text = fmt.Sprintf("%s: %s: %s throttled the request: %s", region, action, api, said)
	case e.Code == "UnauthorizedOperation" || e.Code == "AccessDenied" || e.Code == "AccessDeniedException":
		e.text = fmt.Sprintf("%s: %s: profile %q is not allowed to use %s: %s", region, action, s.profile, api, said)
	case status > 0:
		e.text = fmt.Sprintf("%s: %s: %s answered HTTP %d: %s", region, action, api, status, said)
	default:
		e.text = fmt.Sprintf("%s: %s: %s answered %s", region, action, api, said)
	}
	return e
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
