package sandbox

import (
	"encoding/xml"
	"maps"
	"slices"
	"strings"
	"time"
)

// The XML shapes below follow the EC2 query protocol as aws-sdk-go-v2's
// service/ec2 deserializers read it: lists are <xxxSet><item>...</item></xxxSet>.

type xState struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

func stateOf(name string) xState { return xState{stateCodes[name], name} }

type xTag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type xReason struct {
	Code    string `xml:"code"`
	Message string `xml:"message"`
}

type xInstance struct {
	InstanceID         string   `xml:"instanceId"`
	ImageID            string   `xml:"imageId"`
	State              xState   `xml:"instanceState"`
	PrivateDNSName     string   `xml:"privateDnsName"`
	DNSName            string   `xml:"dnsName"`
	Reason             string   `xml:"reason"`
	AmiLaunchIndex     int      `xml:"amiLaunchIndex"`
	InstanceType       string   `xml:"instanceType"`
	LaunchTime         string   `xml:"launchTime"`
	AZ                 string   `xml:"placement>availabilityZone"`
	Tenancy            string   `xml:"placement>tenancy"`
	Monitoring         string   `xml:"monitoring>state"`
	PrivateIP          string   `xml:"privateIpAddress,omitempty"`
	PublicIP           string   `xml:"ipAddress,omitempty"`
	Architecture       string   `xml:"architecture"`
	RootDeviceType     string   `xml:"rootDeviceType"`
	VirtualizationType string   `xml:"virtualizationType"`
	StateReason        *xReason `xml:"stateReason,omitempty"`
	Tags               []xTag   `xml:"tagSet>item"`
	SubnetID           string   `xml:"subnetId,omitempty"`
	VPCID              string   `xml:"vpcId,omitempty"`
	KeyName            string   `xml:"keyName,omitempty"`
	Groups             []xGroup `xml:"groupSet>item"`
	Profile            *xARN    `xml:"iamInstanceProfile,omitempty"`
}

type xGroup struct {
	ID   string `xml:"groupId"`
	Name string `xml:"groupName"`
}

type xARN struct {
	ARN string `xml:"arn"`
	ID  string `xml:"id"`
}

type xReservation struct {
	ReservationID string      `xml:"reservationId"`
	OwnerID       string      `xml:"ownerId"`
	Groups        struct{}    `xml:"groupSet"`
	Instances     []xInstance `xml:"instancesSet>item"`
}

type xDescribeInstances struct {
	XMLName      xml.Name       `xml:"DescribeInstancesResponse"`
	Xmlns        string         `xml:"xmlns,attr"`
	RequestID    string         `xml:"requestId"`
	Reservations []xReservation `xml:"reservationSet>item"`
	NextToken    string         `xml:"nextToken,omitempty"`
}

type xRunInstances struct {
	XMLName   xml.Name `xml:"RunInstancesResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	RequestID string   `xml:"requestId"`
	xReservation
}

type xStateChange struct {
	InstanceID string `xml:"instanceId"`
	Current    xState `xml:"currentState"`
	Previous   xState `xml:"previousState"`
}

// xStateChanges is the answer of Start/Stop/TerminateInstances; XMLName is
// set per action.
type xStateChanges struct {
	XMLName   xml.Name
	Xmlns     string         `xml:"xmlns,attr"`
	RequestID string         `xml:"requestId"`
	Changes   []xStateChange `xml:"instancesSet>item"`
}

// xReturn is the answer of calls that only say true (CreateTags, Reboot).
type xReturn struct {
	XMLName   xml.Name
	Xmlns     string `xml:"xmlns,attr"`
	RequestID string `xml:"requestId"`
	Return    bool   `xml:"return"`
}

type xCheckDetail struct {
	Name   string `xml:"name"`
	Status string `xml:"status"`
}

type xCheck struct {
	Status  string         `xml:"status"`
	Details []xCheckDetail `xml:"details>item"`
}

type xInstanceStatus struct {
	InstanceID string `xml:"instanceId"`
	AZ         string `xml:"availabilityZone"`
	State      xState `xml:"instanceState"`
	System     xCheck `xml:"systemStatus"`
	Instance   xCheck `xml:"instanceStatus"`
}

type xDescribeInstanceStatus struct {
	XMLName   xml.Name          `xml:"DescribeInstanceStatusResponse"`
	Xmlns     string            `xml:"xmlns,attr"`
	RequestID string            `xml:"requestId"`
	Statuses  []xInstanceStatus `xml:"instanceStatusSet>item"`
	NextToken string            `xml:"nextToken,omitempty"`
}

type xRegion struct {
	Name     string `xml:"regionName"`
	Endpoint string `xml:"regionEndpoint"`
	OptIn    string `xml:"optInStatus"`
}

type xDescribeRegions struct {
	XMLName   xml.Name  `xml:"DescribeRegionsResponse"`
	Xmlns     string    `xml:"xmlns,attr"`
	RequestID string    `xml:"requestId"`
	Regions   []xRegion `xml:"regionInfo>item"`
}

// xmlInstance renders an instance as DescribeInstances shows it. Called with sb.mu held.
func xmlInstance(in *instance) xInstance {
	x := xInstance{
		InstanceID: in.id, ImageID: in.image, State: stateOf(in.state),
		PrivateDNSName: "ip-" + strings.ReplaceAll(in.privateIP, ".", "-") + ".ec2.internal", Reason: in.transition,
		AmiLaunchIndex: in.launchIndex, InstanceType: in.typ,
		LaunchTime: fmtTime(in.launch),
		AZ:         in.az, Tenancy: "default", Monitoring: "disabled",
		PrivateIP: in.privateIP, PublicIP: in.shownPublicIP(),
		Architecture: "x86_64", RootDeviceType: "ebs", VirtualizationType: "hvm",
	}
	if in.why.code != "" {
		x.StateReason = &xReason{in.why.code, in.why.message}
	}
	x.SubnetID, x.VPCID, x.KeyName = in.subnet, in.vpc, in.keyName
	for i, g := range in.groups {
		x.Groups = append(x.Groups, xGroup{g, in.groupNames[i]})
	}
	if in.profile != "" {
		x.Profile = &xARN{in.profile, "AIPA" + strings.ToUpper(hash17(in.profile))[1:17]}
	}
	for _, k := range slices.Sorted(maps.Keys(in.tags)) {
		x.Tags = append(x.Tags, xTag{k, in.tags[k]})
	}
	return x
}

func xmlCheck(status string) xCheck {
	c := xCheck{Status: status}
	switch status {
	case "ok":
		c.Details = []xCheckDetail{{"reachability", "passed"}}
	case "initializing":
		c.Details = []xCheckDetail{{"reachability", "initializing"}}
	}
	return c
}

func fmtTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
