package aws

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"

	"cloudcontrol/backend/cloud"
)

// Documents is cloud.Documents on SSM: Automation documents in YAML, and
// their executions.
type Documents struct {
	s       *Session
	clients *regional[*ssm.Client]
}

var _ cloud.Documents = (*Documents)(nil)

func (d *Documents) client(region string) (*ssm.Client, string) {
	region = regionOr(d.s, region)
	return d.clients.get(region), region
}

func (d *Documents) docError(region, action, name string, err error) error {
	return d.s.callError(region, "ssm", action, err, "SSM document", []string{name}, "InvalidDocument")
}

func ssmTags(tags map[string]string) []ssmtypes.Tag {
	var out []ssmtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, ssmtypes.Tag{Key: sdkaws.String(k), Value: sdkaws.String(tags[k])})
	}
	return out
}

// describedDocument is what DescribeDocument says of a version.
func describedDocument(name, content string, dd *ssmtypes.DocumentDescription) *cloud.Document {
	doc := &cloud.Document{Name: name, Content: content, Version: sdkaws.ToString(dd.DocumentVersion),
		DefaultVersion: sdkaws.ToString(dd.DefaultVersion), LatestVersion: sdkaws.ToString(dd.LatestVersion), Hash: sdkaws.ToString(dd.Hash)}
	if len(dd.Tags) > 0 {
		doc.Tags = map[string]string{}
		for _, t := range dd.Tags {
			doc.Tags[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
		}
	}
	return doc
}

// GetDocument reads the default version: DescribeDocument for its
// versions, hash and tags, GetDocument for its content.
func (d *Documents) GetDocument(ctx context.Context, region, name string) (*cloud.Document, error) {
	c, region := d.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	desc, err := c.DescribeDocument(ctx, &ssm.DescribeDocumentInput{Name: sdkaws.String(name)})
	if err != nil {
		return nil, d.docError(region, "DescribeDocument", name, err)
	}
	got, err := c.GetDocument(ctx, &ssm.GetDocumentInput{Name: sdkaws.String(name), DocumentVersion: desc.Document.DocumentVersion,
		DocumentFormat: ssmtypes.DocumentFormatYaml})
	if err != nil {
		return nil, d.docError(region, "GetDocument", name, err)
	}
	return describedDocument(name, sdkaws.ToString(got.Content), desc.Document), nil
}

// CreateDocument creates an Automation document from YAML.
func (d *Documents) CreateDocument(ctx context.Context, region string, doc cloud.Document) (*cloud.Document, error) {
	c, region := d.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := c.CreateDocument(ctx, &ssm.CreateDocumentInput{Name: sdkaws.String(doc.Name), Content: sdkaws.String(doc.Content),
		DocumentType: ssmtypes.DocumentTypeAutomation, DocumentFormat: ssmtypes.DocumentFormatYaml, Tags: ssmTags(doc.Tags)})
	if err != nil {
		return nil, d.docError(region, "CreateDocument", doc.Name, err)
	}
	created := describedDocument(doc.Name, doc.Content, out.DocumentDescription)
	if created.Tags == nil && len(doc.Tags) > 0 { // CreateDocument's answer may leave them out
		created.Tags = maps.Clone(doc.Tags)
	}
	return created, nil
}

// UpdateDocument adds a version with content after the latest one.
func (d *Documents) UpdateDocument(ctx context.Context, region, name, content string) (*cloud.Document, error) {
	c, region := d.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := c.UpdateDocument(ctx, &ssm.UpdateDocumentInput{Name: sdkaws.String(name), Content: sdkaws.String(content),
		DocumentFormat: ssmtypes.DocumentFormatYaml, DocumentVersion: sdkaws.String("$LATEST")})
	if err != nil {
		return nil, d.docError(region, "UpdateDocument", name, err)
	}
	return describedDocument(name, content, out.DocumentDescription), nil
}

// versionsSearched is how many of a document's newest versions
// VersionWithContent reads: a deploy puts back what it wrote a version or
// two ago, not hundreds.
const versionsSearched = 100

// VersionWithContent returns the newest version of the document whose
// content is content (by SSM's own SHA-256 of it), "" when none of its
// newest versionsSearched has it. SSM refuses an update to the content of
// any version the document has (DuplicateDocumentContent), so a deploy
// that puts back what it wrote before makes that version the default
// instead. One DescribeDocument per version, from the latest down (a
// version deleted on its own is passed over).
func (d *Documents) VersionWithContent(ctx context.Context, region, name, content string) (string, error) {
	c, region := d.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	cur, err := c.DescribeDocument(ctx, &ssm.DescribeDocumentInput{Name: sdkaws.String(name)})
	if err != nil {
		return "", d.docError(region, "DescribeDocument", name, err)
	}
	latest, err := strconv.Atoi(sdkaws.ToString(cur.Document.LatestVersion))
	if err != nil {
		return "", fmt.Errorf("%s: DescribeDocument %s: the latest version %q is not a number", region, name, sdkaws.ToString(cur.Document.LatestVersion))
	}
	sum := sha256.Sum256([]byte(content))
	want := hex.EncodeToString(sum[:])
	for n := latest; n >= 1 && n > latest-versionsSearched; n-- {
		v := strconv.Itoa(n)
		desc, err := c.DescribeDocument(ctx, &ssm.DescribeDocumentInput{Name: sdkaws.String(name), DocumentVersion: sdkaws.String(v)})
		var api smithy.APIError
		if errors.As(err, &api) && api.ErrorCode() == "InvalidDocumentVersion" {
			continue
		}
		if err != nil {
			return "", d.docError(region, "DescribeDocument", name, err)
		}
		if sdkaws.ToString(desc.Document.Hash) == want {
			return v, nil
		}
	}
	return "", nil
}

// SetDefaultVersion makes version the one that runs.
func (d *Documents) SetDefaultVersion(ctx context.Context, region, name, version string) error {
	c, region := d.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	_, err := c.UpdateDocumentDefaultVersion(ctx, &ssm.UpdateDocumentDefaultVersionInput{Name: sdkaws.String(name), DocumentVersion: sdkaws.String(version)})
	if err != nil {
		return d.s.callError(region, "ssm", "UpdateDocumentDefaultVersion", err, "SSM document version", []string{name + ":" + version}, "InvalidDocument", "InvalidDocumentVersion")
	}
	return nil
}

// DeleteDocument deletes every version of the document.
func (d *Documents) DeleteDocument(ctx context.Context, region, name string) error {
	c, region := d.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	if _, err := c.DeleteDocument(ctx, &ssm.DeleteDocumentInput{Name: sdkaws.String(name)}); err != nil {
		return d.docError(region, "DeleteDocument", name, err)
	}
	return nil
}

// StartAutomation starts an execution of the document's default version.
func (d *Documents) StartAutomation(ctx context.Context, region, name string, params map[string][]string) (string, error) {
	c, region := d.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := c.StartAutomationExecution(ctx, &ssm.StartAutomationExecutionInput{DocumentName: sdkaws.String(name), Parameters: params})
	if err != nil {
		return "", d.s.callError(region, "ssm", "StartAutomationExecution", err, "SSM Automation document", []string{name},
			"AutomationDefinitionNotFoundException", "AutomationDefinitionVersionNotFoundException")
	}
	return sdkaws.ToString(out.AutomationExecutionId), nil
}

// Automation reads an execution with its steps.
func (d *Documents) Automation(ctx context.Context, region, id string) (*cloud.AutomationRun, error) {
	c, region := d.client(region)
	ctx, cancel := bounded(ctx)
	defer cancel()
	out, err := c.GetAutomationExecution(ctx, &ssm.GetAutomationExecutionInput{AutomationExecutionId: sdkaws.String(id)})
	if err != nil {
		return nil, d.s.callError(region, "ssm", "GetAutomationExecution", err, "Automation execution", []string{id}, "AutomationExecutionNotFoundException")
	}
	x := out.AutomationExecution
	run := &cloud.AutomationRun{ID: sdkaws.ToString(x.AutomationExecutionId), Document: sdkaws.ToString(x.DocumentName),
		Status: string(x.AutomationExecutionStatus), Failure: sdkaws.ToString(x.FailureMessage), Started: sdkaws.ToTime(x.ExecutionStartTime),
		Ended: sdkaws.ToTime(x.ExecutionEndTime), ExecutedBy: sdkaws.ToString(x.ExecutedBy)}
	if len(x.Outputs) > 0 {
		run.Outputs = x.Outputs
	}
	for _, s := range x.StepExecutions {
		step := cloud.AutomationStep{Name: sdkaws.ToString(s.StepName), Action: sdkaws.ToString(s.Action), Status: string(s.StepStatus),
			Failure: sdkaws.ToString(s.FailureMessage), Started: sdkaws.ToTime(s.ExecutionStartTime), Ended: sdkaws.ToTime(s.ExecutionEndTime)}
		if len(s.Outputs) > 0 {
			step.Outputs = s.Outputs
		}
		run.Steps = append(run.Steps, step)
	}
	return run, nil
}
