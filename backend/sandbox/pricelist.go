package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

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

// servePriceList answers one JSON 1.1 Price List call.
func (sb *Sandbox) servePriceList(w http.ResponseWriter, r *http.Request) {
	began := time.Now()
	region, _ := regionOf(r)
	action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), priceListTarget)
	c := &call{region: region, action: action}
	resp, aerr := func() (any, *apiError) {
		if err := sb.checkKey(r, c, "pricing"); err != nil {
			return nil, err
		}
		if err := sb.applyFaults(r, c); err != nil {
			return nil, jsonFault(err)
		}
		if action != "GetProducts" {
			return nil, clientErr("UnknownOperationException", "The sandbox's Price List serves GetProducts, not %s", action)
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxFormBytes))
		if err != nil {
			return nil, clientErr("SerializationException", "reading the request: %v", err)
		}
		var in getProductsInput
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, clientErr("SerializationException", "the request is not valid JSON: %v", err)
		}
		return getProducts(in)
	}()
	status := http.StatusOK
	var out []byte
	if aerr != nil {
		status = aerr.status
		w.Header().Set("X-Amzn-ErrorType", aerr.code)
		out, _ = json.Marshal(map[string]string{"__type": aerr.code, "message": aerr.message})
	} else {
		out, _ = json.Marshal(resp)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-RequestId", requestID())
	entry := Request{Time: sb.clock.Now(), Region: region, Service: "pricing", Action: action, Duration: time.Since(began)}
	if aerr != nil {
		entry.ErrorCode, entry.Message = aerr.code, aerr.message
	}
	sb.respond(w, status, out, entry)
}

// jsonFault renames an injected fault the way the Price List API says it.
func jsonFault(e *apiError) *apiError {
	switch e.code {
	case "RequestLimitExceeded":
		return &apiError{http.StatusBadRequest, "ThrottlingException", "Rate exceeded"}
	case "UnauthorizedOperation":
		return &apiError{http.StatusBadRequest, "AccessDeniedException",
			"User is not authorized to perform: pricing:GetProducts"}
	case "InternalError":
		return &apiError{http.StatusInternalServerError, "InternalErrorException", "An internal error has occurred."}
	}
	return e
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
