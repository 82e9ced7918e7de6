package sandbox

import (
	"encoding/xml"
	"fmt"
	"slices"

	"cloudcontrol/backend/pricing"
)

type xSpotPrice struct {
	InstanceType string `xml:"instanceType"`
	Product      string `xml:"productDescription"`
	SpotPrice    string `xml:"spotPrice"`
	Timestamp    string `xml:"timestamp"`
	AZ           string `xml:"availabilityZone"`
}

type xDescribeSpotPriceHistory struct {
	XMLName   xml.Name     `xml:"DescribeSpotPriceHistoryResponse"`
	Xmlns     string       `xml:"xmlns,attr"`
	RequestID string       `xml:"requestId"`
	Prices    []xSpotPrice `xml:"spotPriceHistorySet>item"`
	NextToken string       `xml:"nextToken,omitempty"`
}

// spotZoneMarkup makes the second zone of a region a little dearer than
// the first, so "the lowest zone" is a real choice.
const spotZoneMarkup = 1.05

// describeSpotPriceHistory answers with the current Linux/UNIX price of each
// asked type in zones a and b of the region, from the built-in table's
// average spot price; a type without a spot market there has no entries.
func (sb *Sandbox) describeSpotPriceHistory(c *call) (any, *apiError) {
	types := c.list("InstanceType")
	if len(types) == 0 {
		return nil, clientErr("InvalidParameterValue", "The sandbox's DescribeSpotPriceHistory needs InstanceType.N")
	}
	if pd := c.list("ProductDescription"); len(pd) > 0 && !slices.Contains(pd, "Linux/UNIX") {
		return &xDescribeSpotPriceHistory{Xmlns: ec2NS, RequestID: requestID()}, nil
	}
	table, err := pricing.Builtin()
	if err != nil {
		return nil, &apiError{500, "InternalError", err.Error()}
	}
	resp := &xDescribeSpotPriceHistory{Xmlns: ec2NS, RequestID: requestID()}
	now := fmtTime(sb.clock.Now())
	for _, t := range types {
		p, ok := table.Instance(c.region, t)
		if !ok || !p.HasSpot {
			continue
		}
		for i, zone := range []string{"a", "b"} {
			v := p.SpotAvgHourly
			if i == 1 {
				v *= spotZoneMarkup
			}
			resp.Prices = append(resp.Prices, xSpotPrice{InstanceType: t, Product: "Linux/UNIX",
				SpotPrice: fmt.Sprintf("%.6f", v), Timestamp: now, AZ: c.region + zone})
		}
	}
	return resp, nil
}

// costActions are the EC2 actions that serve prices and storage; the EC2
// dispatch falls through to them.
var costActions = map[string]func(*Sandbox, *call) (any, *apiError){
	"DescribeVolumes":          (*Sandbox).describeVolumes,
	"DescribeSpotPriceHistory": (*Sandbox).describeSpotPriceHistory,
}
