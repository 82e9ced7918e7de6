package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"cloudcontrol/backend/pricing"
)

// FaultDenied answers as if the credentials lacked the permission
// (UnauthorizedOperation for EC2, AccessDeniedException for the Price List).
const FaultDenied FaultKind = "denied"

// The AWS Price List Query API speaks JSON 1.1: POST / with
// X-Amz-Target: AWSPriceListService.GetProducts. The sandbox answers
// GetProducts for AmazonEC2 from the built-in price table: Linux, shared
// tenancy, no pre-installed software, capacitystatus Used instances
// (filters instanceType + regionCode), and EBS storage (volumeApiName +
// regionCode). Each PriceList entry is a JSON document in a string, as AWS
// sends it. Anything else matches no product (an empty PriceList).
const priceListTarget = "AWSPriceListService."

type getProductsInput struct {
	ServiceCode string `json:"ServiceCode"`
	Filters     []struct {
		Type, Field, Value string
	} `json:"Filters"`
	FormatVersion string `json:"FormatVersion"`
	MaxResults    int    `json:"MaxResults"`
	NextToken     string `json:"NextToken"`
}

type getProductsOutput struct {
	FormatVersion string   `json:"FormatVersion"`
	PriceList     []string `json:"PriceList"`
	NextToken     string   `json:"NextToken,omitempty"`
}

// priceListService is the Price List Query API on the JSON 1.1 dispatcher.
var priceListService = jsonService{
	name: "pricing", prefix: priceListTarget,
	actions: map[string]jsonAction{"GetProducts": func(sb *Sandbox, c *jsonCall) (any, *apiError) {
		var in getProductsInput
		if err := c.decode(&in); err != nil {
			return nil, err
		}
		return getProducts(in)
	}},
	// The Price List words injected faults its own way.
	fault: jsonFaults("pricing", "InternalErrorException", http.StatusBadRequest),
}

// fixed are the attribute values of the only products the sandbox has.
var fixed = map[string]string{
	"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA",
	"capacitystatus": "Used", "licenseModel": "No License required",
}

func getProducts(in getProductsInput) (any, *apiError) {
	if in.ServiceCode == "" {
		return nil, clientErr("InvalidParameterException", "ServiceCode is required")
	}
	out := &getProductsOutput{FormatVersion: "aws_v1", PriceList: []string{}}
	if in.ServiceCode != "AmazonEC2" || in.NextToken != "" {
		return out, nil
	}
	terms := map[string]string{}
	for _, f := range in.Filters {
		if f.Type != "TERM_MATCH" {
			return nil, clientErr("InvalidParameterException", "The sandbox supports TERM_MATCH filters, not %s", f.Type)
		}
		terms[f.Field] = f.Value
	}
	for k, v := range terms {
		if want, ok := fixed[k]; ok && !strings.EqualFold(v, want) {
			return out, nil // a product the sandbox does not have
		}
	}
	table, err := pricing.Builtin()
	if err != nil {
		return nil, &apiError{http.StatusInternalServerError, "InternalErrorException", err.Error()}
	}
	region := terms["regionCode"]
	switch {
	case terms["instanceType"] != "" && region != "":
		if p, ok := table.Instance(region, terms["instanceType"]); ok {
			attrs := map[string]string{"instanceType": p.InstanceType, "regionCode": region, "servicecode": "AmazonEC2"}
			for k, v := range fixed {
				attrs[k] = v
			}
			out.PriceList = append(out.PriceList, productJSON("Compute Instance", attrs, "Hrs", p.OnDemandHourly,
				fmt.Sprintf("$%g per On Demand Linux %s Instance Hour", p.OnDemandHourly, p.InstanceType)))
		}
	case terms["volumeApiName"] != "" && region != "":
		if fam := terms["productFamily"]; fam != "" && fam != "Storage" {
			return out, nil
		}
		if p, ok := table.EBS(region, terms["volumeApiName"]); ok {
			attrs := map[string]string{"volumeApiName": p.VolumeType, "regionCode": region, "servicecode": "AmazonEC2"}
			out.PriceList = append(out.PriceList, productJSON("Storage", attrs, "GB-Mo", p.PerGBMonth,
				fmt.Sprintf("$%g per GB-month of %s provisioned storage", p.PerGBMonth, p.VolumeType)))
		}
	}
	return out, nil
}

// productJSON renders one product in the Price List's aws_v1 shape.
func productJSON(family string, attrs map[string]string, unit string, usd float64, desc string) string {
	sku := "SANDBOX" + strings.ToUpper(strconv.FormatUint(uint64(len(desc))*2654435761%1e10, 36))
	dim := map[string]any{
		"unit": unit, "beginRange": "0", "endRange": "Inf", "description": desc, "appliesTo": []string{},
		"rateCode":     sku + ".JRTCKXETXF.6YS6EN2CT7",
		"pricePerUnit": map[string]string{"USD": strconv.FormatFloat(usd, 'f', 10, 64)},
	}
	doc := map[string]any{
		"product":     map[string]any{"productFamily": family, "attributes": attrs, "sku": sku},
		"serviceCode": "AmazonEC2",
		"terms": map[string]any{"OnDemand": map[string]any{sku + ".JRTCKXETXF": map[string]any{
			"priceDimensions": map[string]any{sku + ".JRTCKXETXF.6YS6EN2CT7": dim},
			"sku":             sku, "effectiveDate": "2025-05-01T00:00:00Z", "offerTermCode": "JRTCKXETXF",
			"termAttributes": map[string]string{},
		}}},
		"version": "20250528000000", "publicationDate": "2025-05-28T00:00:00Z",
	}
	b, _ := json.Marshal(doc)
	return string(b)
}
