package sandbox

import "encoding/xml"

// Route 53's REST-XML shapes (2013-04-01), as aws-sdk-go-v2's
// service/route53 reads and writes them.

const route53NS = "https://route53.amazonaws.com/doc/2013-04-01/"

type xZoneConfig struct {
	Comment string `xml:"Comment,omitempty"`
	Private bool   `xml:"PrivateZone"`
}

type xHostedZone struct {
	ID          string      `xml:"Id"`
	Name        string      `xml:"Name"`
	CallerRef   string      `xml:"CallerReference"`
	Config      xZoneConfig `xml:"Config"`
	RecordCount int         `xml:"ResourceRecordSetCount"`
}

type xGetHostedZone struct {
	XMLName     xml.Name    `xml:"GetHostedZoneResponse"`
	Xmlns       string      `xml:"xmlns,attr"`
	Zone        xHostedZone `xml:"HostedZone"`
	NameServers []string    `xml:"DelegationSet>NameServers>NameServer,omitempty"`
}

type xListHostedZones struct {
	XMLName     xml.Name      `xml:"ListHostedZonesResponse"`
	Xmlns       string        `xml:"xmlns,attr"`
	Zones       []xHostedZone `xml:"HostedZones>HostedZone"`
	Marker      string        `xml:"Marker"`
	IsTruncated bool          `xml:"IsTruncated"`
	NextMarker  string        `xml:"NextMarker,omitempty"`
	MaxItems    int           `xml:"MaxItems"`
}

type xListHostedZonesByName struct {
	XMLName      xml.Name      `xml:"ListHostedZonesByNameResponse"`
	Xmlns        string        `xml:"xmlns,attr"`
	Zones        []xHostedZone `xml:"HostedZones>HostedZone"`
	DNSName      string        `xml:"DNSName,omitempty"`
	HostedZoneID string        `xml:"HostedZoneId,omitempty"`
	IsTruncated  bool          `xml:"IsTruncated"`
	NextDNSName  string        `xml:"NextDNSName,omitempty"`
	NextZoneID   string        `xml:"NextHostedZoneId,omitempty"`
	MaxItems     int           `xml:"MaxItems"`
}

type xRecord struct {
	Value string `xml:"Value"`
}

type xAlias struct {
	HostedZoneID string `xml:"HostedZoneId"`
	DNSName      string `xml:"DNSName"`
	Evaluate     bool   `xml:"EvaluateTargetHealth"`
}

type xRecordSet struct {
	Name          string    `xml:"Name"`
	Type          string    `xml:"Type"`
	SetIdentifier string    `xml:"SetIdentifier,omitempty"`
	Weight        *int64    `xml:"Weight,omitempty"`
	TTL           *int64    `xml:"TTL,omitempty"`
	Records       []xRecord `xml:"ResourceRecords>ResourceRecord,omitempty"`
	Alias         *xAlias   `xml:"AliasTarget,omitempty"`
	HealthCheckID string    `xml:"HealthCheckId,omitempty"`
}

type xListRecordSets struct {
	XMLName     xml.Name     `xml:"ListResourceRecordSetsResponse"`
	Xmlns       string       `xml:"xmlns,attr"`
	RecordSets  []xRecordSet `xml:"ResourceRecordSets>ResourceRecordSet"`
	IsTruncated bool         `xml:"IsTruncated"`
	NextName    string       `xml:"NextRecordName,omitempty"`
	NextType    string       `xml:"NextRecordType,omitempty"`
	NextID      string       `xml:"NextRecordIdentifier,omitempty"`
	MaxItems    int          `xml:"MaxItems"`
}

type xChangeRequest struct {
	XMLName xml.Name `xml:"ChangeResourceRecordSetsRequest"`
	Comment string   `xml:"ChangeBatch>Comment"`
	Changes []struct {
		Action string     `xml:"Action"`
		Set    xRecordSet `xml:"ResourceRecordSet"`
	} `xml:"ChangeBatch>Changes>Change"`
}

type xChangeInfo struct {
	ID        string `xml:"Id"`
	Status    string `xml:"Status"`
	Submitted string `xml:"SubmittedAt"`
	Comment   string `xml:"Comment,omitempty"`
}

type xChangeResponse struct {
	XMLName xml.Name
	Xmlns   string      `xml:"xmlns,attr"`
	Info    xChangeInfo `xml:"ChangeInfo"`
}
