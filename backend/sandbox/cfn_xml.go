package sandbox

import "encoding/xml"

// CloudFormation's query-protocol shapes: results under ACTIONResult, lists
// as <member> elements, metadata under ResponseMetadata.

type xCfnMeta struct {
	RequestID string `xml:"RequestId"`
}

type xCreateStack struct {
	XMLName xml.Name `xml:"CreateStackResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	StackID string   `xml:"CreateStackResult>StackId"`
	Meta    xCfnMeta `xml:"ResponseMetadata"`
}

type xCfnParam struct {
	Key      string `xml:"ParameterKey"`
	Value    string `xml:"ParameterValue"`
	Resolved string `xml:"ResolvedValue,omitempty"`
}

type xCfnOutput struct {
	Key         string `xml:"OutputKey"`
	Value       string `xml:"OutputValue"`
	Description string `xml:"Description,omitempty"`
	Export      string `xml:"ExportName,omitempty"`
}

type xCfnTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type xDrift struct {
	Status string `xml:"StackDriftStatus"`
}

type xStack struct {
	ID              string       `xml:"StackId"`
	Name            string       `xml:"StackName"`
	Description     string       `xml:"Description,omitempty"`
	Parameters      []xCfnParam  `xml:"Parameters>member"`
	Created         string       `xml:"CreationTime"`
	Deleted         string       `xml:"DeletionTime,omitempty"`
	Status          string       `xml:"StackStatus"`
	Reason          string       `xml:"StackStatusReason,omitempty"`
	DisableRollback bool         `xml:"DisableRollback"`
	Timeout         string       `xml:"TimeoutInMinutes,omitempty"`
	Capabilities    []string     `xml:"Capabilities>member"`
	Outputs         []xCfnOutput `xml:"Outputs>member"`
	Tags            []xCfnTag    `xml:"Tags>member"`
	Protection      bool         `xml:"EnableTerminationProtection"`
	Drift           xDrift       `xml:"DriftInformation"`
}

type xDescribeStacks struct {
	XMLName   xml.Name `xml:"DescribeStacksResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Stacks    []xStack `xml:"DescribeStacksResult>Stacks>member"`
	NextToken string   `xml:"DescribeStacksResult>NextToken,omitempty"`
	Meta      xCfnMeta `xml:"ResponseMetadata"`
}

type xStackSummary struct {
	ID          string `xml:"StackId"`
	Name        string `xml:"StackName"`
	Description string `xml:"TemplateDescription,omitempty"`
	Created     string `xml:"CreationTime"`
	Deleted     string `xml:"DeletionTime,omitempty"`
	Status      string `xml:"StackStatus"`
	Reason      string `xml:"StackStatusReason,omitempty"`
}

type xListStacks struct {
	XMLName   xml.Name        `xml:"ListStacksResponse"`
	Xmlns     string          `xml:"xmlns,attr"`
	Summaries []xStackSummary `xml:"ListStacksResult>StackSummaries>member"`
	NextToken string          `xml:"ListStacksResult>NextToken,omitempty"`
	Meta      xCfnMeta        `xml:"ResponseMetadata"`
}

type xStackEvent struct {
	StackID   string `xml:"StackId"`
	EventID   string `xml:"EventId"`
	StackName string `xml:"StackName"`
	Logical   string `xml:"LogicalResourceId"`
	Physical  string `xml:"PhysicalResourceId,omitempty"`
	Type      string `xml:"ResourceType"`
	Time      string `xml:"Timestamp"`
	Status    string `xml:"ResourceStatus"`
	Reason    string `xml:"ResourceStatusReason,omitempty"`
	Props     string `xml:"ResourceProperties,omitempty"`
	Token     string `xml:"ClientRequestToken,omitempty"`
}

type xDescribeStackEvents struct {
	XMLName   xml.Name      `xml:"DescribeStackEventsResponse"`
	Xmlns     string        `xml:"xmlns,attr"`
	Events    []xStackEvent `xml:"DescribeStackEventsResult>StackEvents>member"`
	NextToken string        `xml:"DescribeStackEventsResult>NextToken,omitempty"`
	Meta      xCfnMeta      `xml:"ResponseMetadata"`
}

type xResDrift struct {
	Status string `xml:"StackResourceDriftStatus"`
}

type xStackResource struct {
	StackName string    `xml:"StackName"`
	StackID   string    `xml:"StackId"`
	Logical   string    `xml:"LogicalResourceId"`
	Physical  string    `xml:"PhysicalResourceId,omitempty"`
	Type      string    `xml:"ResourceType"`
	Time      string    `xml:"Timestamp"`
	Status    string    `xml:"ResourceStatus"`
	Reason    string    `xml:"ResourceStatusReason,omitempty"`
	Drift     xResDrift `xml:"DriftInformation"`
}

type xDescribeStackResources struct {
	XMLName   xml.Name         `xml:"DescribeStackResourcesResponse"`
	Xmlns     string           `xml:"xmlns,attr"`
	Resources []xStackResource `xml:"DescribeStackResourcesResult>StackResources>member"`
	Meta      xCfnMeta         `xml:"ResponseMetadata"`
}

type xDescribeStackResource struct {
	XMLName  xml.Name       `xml:"DescribeStackResourceResponse"`
	Xmlns    string         `xml:"xmlns,attr"`
	Resource xStackResource `xml:"DescribeStackResourceResult>StackResourceDetail"`
	Meta     xCfnMeta       `xml:"ResponseMetadata"`
}

type xTemplateParam struct {
	Key         string `xml:"ParameterKey"`
	Default     string `xml:"DefaultValue,omitempty"`
	NoEcho      bool   `xml:"NoEcho"`
	Description string `xml:"Description,omitempty"`
}

type xValidateTemplate struct {
	XMLName     xml.Name         `xml:"ValidateTemplateResponse"`
	Xmlns       string           `xml:"xmlns,attr"`
	Parameters  []xTemplateParam `xml:"ValidateTemplateResult>Parameters>member"`
	Description string           `xml:"ValidateTemplateResult>Description,omitempty"`
	Meta        xCfnMeta         `xml:"ResponseMetadata"`
}

type xGetTemplate struct {
	XMLName xml.Name `xml:"GetTemplateResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Body    string   `xml:"GetTemplateResult>TemplateBody"`
	Meta    xCfnMeta `xml:"ResponseMetadata"`
}

// xEmpty answers calls that return only metadata (DeleteStack, ...).
type xEmpty struct {
	XMLName xml.Name
	Xmlns   string   `xml:"xmlns,attr"`
	Meta    xCfnMeta `xml:"ResponseMetadata"`
}
