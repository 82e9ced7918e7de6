package sandbox

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The calls an automation makes (aws:executeAwsApi and the actions built
// on calls) go to the sandbox's own EC2 and SSM as of the step's time,
// with their inputs as boto3 takes them (PascalCase, lists as lists) and
// their answers as the JSON Automation selects outputs from. Injected
// request faults hit them too (throttling, denial, internal errors; not
// latency).

// ec2Calls are the EC2 actions an automation may call, with the inputs
// each takes.
var ec2Calls = map[string][]string{
	"DescribeInstances":      {"InstanceIds", "Filters", "MaxResults", "NextToken", "DryRun"},
	"DescribeInstanceStatus": {"InstanceIds", "Filters", "MaxResults", "NextToken", "IncludeAllInstances", "DryRun"},
	"StartInstances":         {"InstanceIds", "AdditionalInfo", "DryRun"},
	"StopInstances":          {"InstanceIds", "Hibernate", "Force", "DryRun"},
	"TerminateInstances":     {"InstanceIds", "DryRun"},
	"CreateTags":             {"Resources", "Tags", "DryRun"},
	"DeleteTags":             {"Resources", "Tags", "DryRun"},
}

// ssmCalls are the SSM actions an automation may call.
var ssmCalls = []string{"DescribeInstanceInformation", "SendCommand", "GetCommandInvocation", "ListCommandInvocations",
	"ListCommands", "GetDocument", "DescribeDocument", "ListDocuments", "GetAutomationExecution"}

// apiName takes boto3's method name (describe_instances) or the API's
// (DescribeInstances).
func apiName(s string) string {
	if !strings.Contains(s, "_") {
		if s != "" {
			return string(unicode.ToUpper(rune(s[0]))) + s[1:]
		}
		return s
	}
	var b strings.Builder
	for _, part := range strings.Split(s, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// awsCall makes one call for step s of x at at; logged puts it in the
// request log as the automation's.
func (sb *Sandbox) awsCall(x *execution, s *stepExec, at time.Time, service, api string, params map[string]any, logged bool) (any, *apiError) {
	service, api = strings.ToLower(service), apiName(api)
	c := call{region: x.region, action: api}
	resp, err := sb.dispatchCall(&c, at, service, api, params)
	if logged {
		e := Request{Time: at, Region: x.region, Service: service, Action: api, InstanceIDs: c.ids, Status: http.StatusOK,
			Via: "automation " + x.id + " step " + s.def.name}
		if err != nil {
			e.Status, e.ErrorCode, e.Message = err.status, err.code, err.message
		}
		sb.record(e)
	}
	if err != nil {
		return nil, err
	}
	// Round-trip through JSON: selectors see plain data, as from an SDK.
	b, e := json.Marshal(resp)
	if e != nil {
		return nil, &apiError{http.StatusInternalServerError, "InternalError", e.Error()}
	}
	var out any
	if e := json.Unmarshal(b, &out); e != nil {
		return nil, &apiError{http.StatusInternalServerError, "InternalError", e.Error()}
	}
	return out, nil
}

func (sb *Sandbox) dispatchCall(c *call, at time.Time, service, api string, params map[string]any) (any, *apiError) {
	switch service {
	case "ec2":
		known, ok := ec2Calls[api]
		if !ok {
			return nil, unsupportedCall(service, api)
		}
		for k := range params {
			if !slices.Contains(known, k) {
				return nil, clientErr("ValidationException", "Parameter validation failed: Unknown parameter in input: %q, must be one of: %s", k, strings.Join(known, ", "))
			}
		}
		c.form = ec2Form(params)
		if err := sb.internalFault(c); err != nil {
			return nil, err
		}
		return sb.ec2Call(c, at, api)
	case "ssm":
		if !slices.Contains(ssmCalls, api) {
			return nil, unsupportedCall(service, api)
		}
		body, err := json.Marshal(params)
		if err != nil {
			return nil, clientErr("ValidationException", "Parameter validation failed: %v", err)
		}
		jc := &jsonCall{call: *c, body: body}
		if err := sb.internalFault(c); err != nil {
			return nil, ssmService.fault(err, api)
		}
		resp, aerr := ssmCore[api](sb, jc, at)
		c.ids = jc.ids
		return resp, aerr
	}
	return nil, unsupportedCall(service, api)
}

func unsupportedCall(service, api string) *apiError {
	var all []string
	for _, a := range slices.Sorted(maps.Keys(ec2Calls)) {
		all = append(all, "ec2 "+a)
	}
	for _, a := range ssmCalls {
		all = append(all, "ssm "+a)
	}
	return clientErr("UnsupportedOperation", "the sandbox's Automation does not call %s %s; it calls %s", service, api, strings.Join(all, ", "))
}

// internalFault applies the injected request faults to a call the sandbox
// makes itself (latency is a client's wait, so it does not apply).
func (sb *Sandbox) internalFault(c *call) *apiError {
	_, fail := sb.faults.hit(c.action, c.region)
	return faultError(fail)
}

// ec2Form writes boto3-style inputs in the EC2 query protocol: a list
// member Xs as X.N (Resources as ResourceId.N), maps within as X.N.Field.
func ec2Form(params map[string]any) url.Values {
	form := url.Values{}
	var put func(prefix string, v any)
	put = func(prefix string, v any) {
		switch v := v.(type) {
		case []any:
			for i, e := range v {
				put(prefix+"."+strconv.Itoa(i+1), e)
			}
		case []string:
			for i, e := range v {
				form.Set(prefix+"."+strconv.Itoa(i+1), e)
			}
		case map[string]any:
			for k, e := range v {
				put(prefix+"."+memberName(k, e), e)
			}
		default:
			form.Set(prefix, valueText(v))
		}
	}
	for k, v := range params {
		put(memberName(k, v), v)
	}
	return form
}

// memberName is the query protocol's name of a member: lists are named
// in the singular.
func memberName(k string, v any) string {
	switch v.(type) {
	case []any, []string:
		if k == "Resources" {
			return "ResourceId"
		}
		return strings.TrimSuffix(k, "s")
	}
	return k
}

// ec2Call runs an EC2 action as of at and answers it as JSON data.
func (sb *Sandbox) ec2Call(c *call, at time.Time, api string) (any, *apiError) {
	switch api {
	case "DescribeInstances":
		r, err := sb.describeInstancesAt(c, at)
		if err != nil {
			return nil, err
		}
		return reservationsJSON(r), nil
	case "DescribeInstanceStatus":
		r, err := sb.describeInstanceStatusAt(c, at)
		if err != nil {
			return nil, err
		}
		return statusesJSON(r), nil
	case "StartInstances", "StopInstances", "TerminateInstances":
		t := map[string]transition{"StartInstances": startTransition, "StopInstances": stopTransition, "TerminateInstances": terminateTransition}[api]
		r, err := sb.changeStateAt(c, at, t)
		if err != nil {
			return nil, err
		}
		key := map[string]string{"StartInstances": "StartingInstances", "StopInstances": "StoppingInstances", "TerminateInstances": "TerminatingInstances"}[api]
		var changes []any
		for _, ch := range r.Changes {
			changes = append(changes, map[string]any{"InstanceId": ch.InstanceID, "CurrentState": stateJSON(ch.Current), "PreviousState": stateJSON(ch.Previous)})
		}
		return map[string]any{key: orEmpty(changes)}, nil
	case "CreateTags":
		if _, err := sb.createTagsAt(c, at); err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	case "DeleteTags":
		if _, err := sb.deleteTagsAt(c, at); err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	}
	return nil, unsupportedCall("ec2", api)
}

func orEmpty(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}

func stateJSON(s xState) map[string]any { return map[string]any{"Code": s.Code, "Name": s.Name} }

// reservationsJSON is DescribeInstances' answer with the member names of
// the API's JSON shape (boto3's).
func reservationsJSON(r *xDescribeInstances) map[string]any {
	var res []any
	for _, rv := range r.Reservations {
		var insts []any
		for _, x := range rv.Instances {
			insts = append(insts, instanceJSON(x))
		}
		res = append(res, map[string]any{"ReservationId": rv.ReservationID, "OwnerId": rv.OwnerID, "Groups": []any{}, "Instances": orEmpty(insts)})
	}
	out := map[string]any{"Reservations": orEmpty(res)}
	if r.NextToken != "" {
		out["NextToken"] = r.NextToken
	}
	return out
}

func instanceJSON(x xInstance) map[string]any {
	tags := []any{}
	for _, t := range x.Tags {
		tags = append(tags, map[string]any{"Key": t.Key, "Value": t.Value})
	}
	groups := []any{}
	for _, g := range x.Groups {
		groups = append(groups, map[string]any{"GroupId": g.ID, "GroupName": g.Name})
	}
	m := map[string]any{
		"InstanceId": x.InstanceID, "ImageId": x.ImageID, "State": stateJSON(x.State), "PrivateDnsName": x.PrivateDNSName,
		"PublicDnsName": x.DNSName, "StateTransitionReason": x.Reason, "AmiLaunchIndex": x.AmiLaunchIndex,
		"InstanceType": x.InstanceType, "LaunchTime": x.LaunchTime,
		"Placement":  map[string]any{"AvailabilityZone": x.AZ, "Tenancy": x.Tenancy},
		"Monitoring": map[string]any{"State": x.Monitoring}, "Architecture": x.Architecture,
		"RootDeviceType": x.RootDeviceType, "VirtualizationType": x.VirtualizationType, "Tags": tags,
		"SecurityGroups": groups,
	}
	for k, v := range map[string]string{"PrivateIpAddress": x.PrivateIP, "PublicIpAddress": x.PublicIP, "SubnetId": x.SubnetID,
		"VpcId": x.VPCID, "KeyName": x.KeyName} {
		if v != "" {
			m[k] = v
		}
	}
	if x.StateReason != nil {
		m["StateReason"] = map[string]any{"Code": x.StateReason.Code, "Message": x.StateReason.Message}
	}
	if x.Profile != nil {
		m["IamInstanceProfile"] = map[string]any{"Arn": x.Profile.ARN, "Id": x.Profile.ID}
	}
	return m
}

func checkJSON(c xCheck) map[string]any {
	details := []any{}
	for _, d := range c.Details {
		details = append(details, map[string]any{"Name": d.Name, "Status": d.Status})
	}
	return map[string]any{"Status": c.Status, "Details": details}
}

func statusesJSON(r *xDescribeInstanceStatus) map[string]any {
	var list []any
	for _, s := range r.Statuses {
		list = append(list, map[string]any{"InstanceId": s.InstanceID, "AvailabilityZone": s.AZ, "InstanceState": stateJSON(s.State),
			"SystemStatus": checkJSON(s.System), "InstanceStatus": checkJSON(s.Instance)})
	}
	out := map[string]any{"InstanceStatuses": orEmpty(list)}
	if r.NextToken != "" {
		out["NextToken"] = r.NextToken
	}
	return out
}

// callerARN is who a request's credentials stand for.
func (sb *Sandbox) callerARN(c *call) string {
	if c.caller != nil {
		return c.caller.arn
	}
	return fmt.Sprintf("arn:aws:iam::%s:user/sandbox", sb.account)
}
