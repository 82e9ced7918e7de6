package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"strings"
)

// EC2 query-protocol shapes of the preflight describes, as aws-sdk-go-v2's
// service/ec2 deserializers read them.

type xEBS struct {
	SnapshotID string `xml:"snapshotId"`
	Size       int    `xml:"volumeSize"`
	DeleteOnT  bool   `xml:"deleteOnTermination"`
	Type       string `xml:"volumeType"`
	Encrypted  bool   `xml:"encrypted"`
}

type xBlockDevice struct {
	Device string `xml:"deviceName"`
	EBS    xEBS   `xml:"ebs"`
}

type xImage struct {
	ID             string         `xml:"imageId"`
	Location       string         `xml:"imageLocation"`
	State          string         `xml:"imageState"`
	Owner          string         `xml:"imageOwnerId"`
	Created        string         `xml:"creationDate"`
	Public         bool           `xml:"isPublic"`
	Architecture   string         `xml:"architecture"`
	Type           string         `xml:"imageType"`
	Name           string         `xml:"name"`
	Description    string         `xml:"description,omitempty"`
	RootType       string         `xml:"rootDeviceType"`
	RootDevice     string         `xml:"rootDeviceName"`
	Devices        []xBlockDevice `xml:"blockDeviceMapping>item"`
	Virtualization string         `xml:"virtualizationType"`
	Hypervisor     string         `xml:"hypervisor"`
	Alias          string         `xml:"imageOwnerAlias,omitempty"`
	ENA            bool           `xml:"enaSupport"`
	Platform       string         `xml:"platformDetails"`
	Usage          string         `xml:"usageOperation"`
}

type xDescribeImages struct {
	XMLName   xml.Name `xml:"DescribeImagesResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	RequestID string   `xml:"requestId"`
	Images    []xImage `xml:"imagesSet>item"`
}

func (sb *Sandbox) xmlImage(i Image) xImage {
	x := xImage{ID: i.ID, Location: sb.ownerID(i) + "/" + i.Name, State: "available", Owner: sb.ownerID(i),
		Created: "2025-01-01T00:00:00.000Z", Public: i.Owner == "amazon", Architecture: i.Architecture, Type: "machine",
		Name: i.Name, Description: i.Description, RootType: "ebs", RootDevice: "/dev/xvda",
		Devices:        []xBlockDevice{{"/dev/xvda", xEBS{SnapshotID: "snap-" + hash17(i.ID), Size: 8, DeleteOnT: true, Type: "gp3"}}},
		Virtualization: "hvm", Hypervisor: "xen", ENA: true, Platform: "Linux/UNIX", Usage: "RunInstances"}
	if i.Owner == "amazon" {
		x.Alias = "amazon"
	}
	return x
}

type xSubnet struct {
	ID      string `xml:"subnetId"`
	ARN     string `xml:"subnetArn"`
	State   string `xml:"state"`
	Owner   string `xml:"ownerId"`
	VPCID   string `xml:"vpcId"`
	CIDR    string `xml:"cidrBlock"`
	Free    int    `xml:"availableIpAddressCount"`
	AZ      string `xml:"availabilityZone"`
	AZID    string `xml:"availabilityZoneId"`
	Default bool   `xml:"defaultForAz"`
	Public  bool   `xml:"mapPublicIpOnLaunch"`
}

type xDescribeSubnets struct {
	XMLName   xml.Name  `xml:"DescribeSubnetsResponse"`
	Xmlns     string    `xml:"xmlns,attr"`
	RequestID string    `xml:"requestId"`
	Subnets   []xSubnet `xml:"subnetSet>item"`
	NextToken string    `xml:"nextToken,omitempty"`
}

type xSecurityGroup struct {
	Owner       string   `xml:"ownerId"`
	ID          string   `xml:"groupId"`
	Name        string   `xml:"groupName"`
	Description string   `xml:"groupDescription"`
	VPCID       string   `xml:"vpcId"`
	ARN         string   `xml:"securityGroupArn"`
	Ingress     struct{} `xml:"ipPermissions"`
	Egress      struct{} `xml:"ipPermissionsEgress"`
}

type xDescribeSecurityGroups struct {
	XMLName   xml.Name         `xml:"DescribeSecurityGroupsResponse"`
	Xmlns     string           `xml:"xmlns,attr"`
	RequestID string           `xml:"requestId"`
	Groups    []xSecurityGroup `xml:"securityGroupInfo>item"`
	NextToken string           `xml:"nextToken,omitempty"`
}

type xKeyPair struct {
	ID          string `xml:"keyPairId"`
	Name        string `xml:"keyName"`
	Fingerprint string `xml:"keyFingerprint"`
	Type        string `xml:"keyType"`
	Created     string `xml:"createTime"`
}

type xDescribeKeyPairs struct {
	XMLName   xml.Name   `xml:"DescribeKeyPairsResponse"`
	Xmlns     string     `xml:"xmlns,attr"`
	RequestID string     `xml:"requestId"`
	Keys      []xKeyPair `xml:"keySet>item"`
}

type xVpc struct {
	ID      string `xml:"vpcId"`
	Owner   string `xml:"ownerId"`
	State   string `xml:"state"`
	CIDR    string `xml:"cidrBlock"`
	DHCP    string `xml:"dhcpOptionsId"`
	Tenancy string `xml:"instanceTenancy"`
	Default bool   `xml:"isDefault"`
}

type xDescribeVpcs struct {
	XMLName   xml.Name `xml:"DescribeVpcsResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	RequestID string   `xml:"requestId"`
	VPCs      []xVpc   `xml:"vpcSet>item"`
}

type xOffering struct {
	Type         string `xml:"instanceType"`
	LocationType string `xml:"locationType"`
	Location     string `xml:"location"`
}

type xDescribeOfferings struct {
	XMLName   xml.Name    `xml:"DescribeInstanceTypeOfferingsResponse"`
	Xmlns     string      `xml:"xmlns,attr"`
	RequestID string      `xml:"requestId"`
	Offerings []xOffering `xml:"instanceTypeOfferingSet>item"`
	NextToken string      `xml:"nextToken,omitempty"`
}

type xZone struct {
	Name   string `xml:"zoneName"`
	ID     string `xml:"zoneId"`
	State  string `xml:"zoneState"`
	Region string `xml:"regionName"`
	Type   string `xml:"zoneType"`
	OptIn  string `xml:"optInStatus"`
}

type xDescribeZones struct {
	XMLName   xml.Name `xml:"DescribeAvailabilityZonesResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	RequestID string   `xml:"requestId"`
	Zones     []xZone  `xml:"availabilityZoneInfo>item"`
}

type xValue struct {
	Value string `xml:"value,omitempty"`
}

type xInstanceAttribute struct {
	XMLName      xml.Name `xml:"DescribeInstanceAttributeResponse"`
	Xmlns        string   `xml:"xmlns,attr"`
	RequestID    string   `xml:"requestId"`
	InstanceID   string   `xml:"instanceId"`
	UserData     *xValue  `xml:"userData,omitempty"`
	InstanceType *xValue  `xml:"instanceType,omitempty"`
}

// hash17 is 17 hex digits derived from s, for stable made-up ids.
func hash17(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "0" + hex.EncodeToString(sum[:])[:16]
}

func keyPairID(name string) string { return "key-" + hash17("key/"+name) }

func fingerprint(name string) string {
	sum := sha256.Sum256([]byte("fingerprint/" + name))
	parts := make([]string, 20)
	for i := range parts {
		parts[i] = hex.EncodeToString(sum[i : i+1])
	}
	return strings.Join(parts, ":")
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
