package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

func readGolden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../runbook/testdata/golden/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func createAutomation(t *testing.T, c *ssm.Client, name, content string) *ssmtypes.DocumentDescription {
	t.Helper()
	out, err := c.CreateDocument(ctx, &ssm.CreateDocumentInput{Name: aws.String(name), Content: aws.String(content),
		DocumentType: ssmtypes.DocumentTypeAutomation, DocumentFormat: ssmtypes.DocumentFormatYaml})
	if err != nil {
		t.Fatalf("CreateDocument %s: %v", name, err)
	}
	return out.DocumentDescription
}

func TestDocumentsKeepVersionsAsSSMDoes(t *testing.T) {
	e := newEnv(t, "regions: {eu-west-1: {}}\n")
	c := e.ssm("eu-west-1")
	start, stop := readGolden(t, "three-tier.start.ssm.yaml"), readGolden(t, "three-tier.stop.ssm.yaml")
	out, err := c.CreateDocument(ctx, &ssm.CreateDocumentInput{Name: aws.String("CloudControl-three-tier-start"), Content: aws.String(start),
		DocumentType: ssmtypes.DocumentTypeAutomation, DocumentFormat: ssmtypes.DocumentFormatYaml,
		Tags: []ssmtypes.Tag{{Key: aws.String("cloudcontrol:env"), Value: aws.String("three-tier")}}})
	if err != nil {
		t.Fatal(err)
	}
	d := out.DocumentDescription
	if aws.ToString(d.Hash) != sha(start) || d.HashType != ssmtypes.DocumentHashTypeSha256 || aws.ToString(d.DocumentVersion) != "1" ||
		aws.ToString(d.SchemaVersion) != "0.3" || len(d.Parameters) != 1 || aws.ToString(d.Parameters[0].Name) != "AutomationAssumeRole" {
		t.Fatalf("created %+v", d)
	}
	_, err = c.CreateDocument(ctx, &ssm.CreateDocumentInput{Name: aws.String("CloudControl-three-tier-start"), Content: aws.String(start),
		DocumentType: ssmtypes.DocumentTypeAutomation, DocumentFormat: ssmtypes.DocumentFormatYaml})
	wantCode(t, err, "DocumentAlreadyExists")

	_, err = c.UpdateDocument(ctx, &ssm.UpdateDocumentInput{Name: aws.String("CloudControl-three-tier-start"), Content: aws.String(start),
		DocumentFormat: ssmtypes.DocumentFormatYaml, DocumentVersion: aws.String("$LATEST")})
	wantCode(t, err, "DuplicateDocumentContent")
	changed := strings.Replace(start, "timeoutSeconds: 300", "timeoutSeconds: 360", 1)
	up, err := c.UpdateDocument(ctx, &ssm.UpdateDocumentInput{Name: aws.String("CloudControl-three-tier-start"), Content: aws.String(changed),
		DocumentFormat: ssmtypes.DocumentFormatYaml, DocumentVersion: aws.String("$LATEST")})
	if err != nil || aws.ToString(up.DocumentDescription.DocumentVersion) != "2" || aws.ToString(up.DocumentDescription.DefaultVersion) != "1" ||
		aws.ToString(up.DocumentDescription.LatestVersion) != "2" {
		t.Fatalf("UpdateDocument: %+v %v", up, err)
	}
	desc, err := c.DescribeDocument(ctx, &ssm.DescribeDocumentInput{Name: aws.String("CloudControl-three-tier-start")})
	if err != nil || aws.ToString(desc.Document.Hash) != sha(start) || len(desc.Document.Tags) != 1 || desc.Document.Status != ssmtypes.DocumentStatusActive {
		t.Fatalf("the default is still version 1: %+v %v", desc, err)
	}
	if _, err := c.UpdateDocumentDefaultVersion(ctx, &ssm.UpdateDocumentDefaultVersionInput{Name: aws.String("CloudControl-three-tier-start"),
		DocumentVersion: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetDocument(ctx, &ssm.GetDocumentInput{Name: aws.String("CloudControl-three-tier-start")})
	if err != nil || aws.ToString(got.Content) != changed || aws.ToString(got.DocumentVersion) != "2" || got.DocumentFormat != ssmtypes.DocumentFormatYaml {
		t.Fatalf("GetDocument of the new default: %v %v", got, err)
	}
	old, err := c.GetDocument(ctx, &ssm.GetDocumentInput{Name: aws.String("CloudControl-three-tier-start"), DocumentVersion: aws.String("1")})
	if err != nil || aws.ToString(old.Content) != start {
		t.Fatalf("GetDocument version 1: %v", err)
	}
	asJSON, err := c.GetDocument(ctx, &ssm.GetDocumentInput{Name: aws.String("CloudControl-three-tier-start"), DocumentFormat: ssmtypes.DocumentFormatJson})
	if err != nil || !strings.HasPrefix(aws.ToString(asJSON.Content), "{") || !strings.Contains(aws.ToString(asJSON.Content), `"schemaVersion": "0.3"`) {
		t.Fatalf("GetDocument as JSON: %v", err)
	}
	createAutomation(t, c, "CloudControl-three-tier-stop", stop)
	list, err := c.ListDocuments(ctx, &ssm.ListDocumentsInput{Filters: []ssmtypes.DocumentKeyValuesFilter{
		{Key: aws.String("Owner"), Values: []string{"Self"}}, {Key: aws.String("Name"), Values: []string{"CloudControl-three-tier-"}}}})
	if err != nil || len(list.DocumentIdentifiers) != 2 || aws.ToString(list.DocumentIdentifiers[0].Name) != "CloudControl-three-tier-start" ||
		aws.ToString(list.DocumentIdentifiers[0].DocumentVersion) != "2" {
		t.Fatalf("ListDocuments: %+v %v", list, err)
	}
	versions, err := c.ListDocumentVersions(ctx, &ssm.ListDocumentVersionsInput{Name: aws.String("CloudControl-three-tier-start")})
	if err != nil || len(versions.DocumentVersions) != 2 || !versions.DocumentVersions[0].IsDefaultVersion {
		t.Fatalf("ListDocumentVersions: %+v %v", versions, err)
	}
	_, err = c.DeleteDocument(ctx, &ssm.DeleteDocumentInput{Name: aws.String("CloudControl-three-tier-start"), DocumentVersion: aws.String("2")})
	wantCode(t, err, "InvalidDocumentOperation")
	if _, err := c.DeleteDocument(ctx, &ssm.DeleteDocumentInput{Name: aws.String("CloudControl-three-tier-start")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeDocument(ctx, &ssm.DescribeDocumentInput{Name: aws.String("CloudControl-three-tier-start")})
	wantCode(t, err, "InvalidDocument")
}

func TestDocumentContentIsCheckedAsSSMChecksIt(t *testing.T) {
	e := newEnv(t, "regions: {eu-west-1: {}}\n")
	c := e.ssm("eu-west-1")
	step := "- {name: one, action: aws:sleep, inputs: {Duration: PT1S}}\n"
	for _, tc := range []struct {
		name, content, format, code, words string
	}{
		{"yaml as json", "schemaVersion: '0.3'\nmainSteps:\n" + step, "", "InvalidDocumentContent", "not valid JSON"},
		{"old schema", "schemaVersion: '2.2'\nmainSteps:\n" + step, "YAML", "InvalidDocumentSchemaVersion", "0.3"},
		{"no steps", "schemaVersion: '0.3'\nmainSteps: []\n", "YAML", "InvalidDocumentContent", "mainSteps"},
		{"unknown action", "schemaVersion: '0.3'\nmainSteps:\n- {name: one, action: aws:teleport, inputs: {}}\n", "YAML", "InvalidDocumentContent", "aws:teleport"},
		{"missing input", "schemaVersion: '0.3'\nmainSteps:\n- {name: one, action: aws:changeInstanceState, inputs: {InstanceIds: [i-0a000000000000001]}}\n", "YAML", "InvalidDocumentContent", "DesiredState"},
		{"bad state", "schemaVersion: '0.3'\nmainSteps:\n- {name: one, action: aws:changeInstanceState, inputs: {InstanceIds: [i-1], DesiredState: asleep}}\n", "YAML", "InvalidDocumentContent", "asleep"},
		{"unknown reference", "schemaVersion: '0.3'\nmainSteps:\n- {name: one, action: aws:sleep, inputs: {Duration: '{{ Nap }}'}}\n", "YAML", "InvalidDocumentContent", "{{ Nap }}"},
		{"unknown output", "schemaVersion: '0.3'\nmainSteps:\n- {name: one, action: aws:runCommand, inputs: {DocumentName: AWS-RunShellScript, InstanceIds: ['{{ two.Ids }}']}}\n- {name: two, action: aws:sleep, inputs: {Duration: PT1S}}\n", "YAML", "InvalidDocumentContent", "two.Ids"},
		{"bad onFailure", "schemaVersion: '0.3'\nmainSteps:\n- {name: one, action: aws:sleep, onFailure: 'step:nowhere', inputs: {Duration: PT1S}}\n", "YAML", "InvalidDocumentContent", "step:nowhere"},
		{"twice", "schemaVersion: '0.3'\nmainSteps:\n" + step + step, "YAML", "InvalidDocumentContent", "more than one step"},
		{"param type", "schemaVersion: '0.3'\nparameters: {X: {type: Number}}\nmainSteps:\n" + step, "YAML", "InvalidDocumentContent", "Number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateDocument(ctx, &ssm.CreateDocumentInput{Name: aws.String("doc-" + strings.ReplaceAll(tc.name, " ", "-")),
				Content: aws.String(tc.content), DocumentType: ssmtypes.DocumentTypeAutomation, DocumentFormat: ssmtypes.DocumentFormat(tc.format)})
			ae := apiErr(t, err, tc.code)
			if !strings.Contains(ae.ErrorMessage(), tc.words) {
				t.Fatalf("message %q does not say %q", ae.ErrorMessage(), tc.words)
			}
		})
	}
	_, err := c.CreateDocument(ctx, &ssm.CreateDocumentInput{Name: aws.String("big"), Content: aws.String(strings.Repeat("#", 70000)),
		DocumentType: ssmtypes.DocumentTypeAutomation, DocumentFormat: ssmtypes.DocumentFormatYaml})
	wantCode(t, err, "MaxDocumentSizeExceeded")
	_, err = c.CreateDocument(ctx, &ssm.CreateDocumentInput{Name: aws.String("AWS-Mine"), Content: aws.String("{}"),
		DocumentType: ssmtypes.DocumentTypeAutomation})
	wantCode(t, err, "ValidationException")
	// AWS's own documents are there to read.
	rs, err := c.DescribeDocument(ctx, &ssm.DescribeDocumentInput{Name: aws.String("AWS-RunShellScript")})
	if err != nil || aws.ToString(rs.Document.Owner) != "Amazon" || rs.Document.DocumentType != ssmtypes.DocumentTypeCommand {
		t.Fatalf("AWS-RunShellScript: %+v %v", rs, err)
	}
}
