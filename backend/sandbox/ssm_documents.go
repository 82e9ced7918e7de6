package sandbox

import (
	"crypto/sha1" //nolint:gosec // SSM reports a SHA-1 of the content beside its SHA-256; it secures nothing
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// SSM documents: every region's Automation and Command documents with
// their versions, validated as SSM does on CreateDocument and UpdateDocument
// (ssm_validate.go), plus the AWS-owned AWS-RunShellScript that Run Command
// runs.

func init() {
	addSSM(map[string]ssmAction{
		"CreateDocument":               (*Sandbox).ssmCreateDocument,
		"UpdateDocument":               (*Sandbox).ssmUpdateDocument,
		"GetDocument":                  (*Sandbox).ssmGetDocument,
		"DescribeDocument":             (*Sandbox).ssmDescribeDocument,
		"UpdateDocumentDefaultVersion": (*Sandbox).ssmUpdateDocumentDefaultVersion,
		"DeleteDocument":               (*Sandbox).ssmDeleteDocument,
		"ListDocuments":                (*Sandbox).ssmListDocuments,
		"ListDocumentVersions":         (*Sandbox).ssmListDocumentVersions,
	})
}

const (
	maxDocumentBytes = 64 << 10
	maxDocVersions   = 1000
	docAutomation    = "Automation"
	docCommand       = "Command"
)

var docNameRe = regexp.MustCompile(`^[a-zA-Z0-9_\-.]{3,128}$`)

// document is one SSM document with its versions. Guarded by Sandbox.mu.
type document struct {
	name, typ, owner string
	versions         []*docVersion // versions[i] is version i+1; nil once deleted
	defaultVersion   int
	tags             []ssmTag
	builtin          bool // owned by Amazon
}

type docVersion struct {
	number                    int
	content, format, name     string // name: VersionName
	display, targetType       string
	created                   time.Time
	schema, description       string
	params                    []docParam
	auto                      *autoDoc // parsed, for Automation documents
	contentSHA256, contentSHA string
}

type docParam struct {
	Name         string `json:"Name"`
	Type         string `json:"Type"`
	Description  string `json:"Description,omitempty"`
	DefaultValue string `json:"DefaultValue,omitempty"`
}

type ssmTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

func (d *document) latest() *docVersion {
	for i := len(d.versions) - 1; i >= 0; i-- {
		if d.versions[i] != nil {
			return d.versions[i]
		}
	}
	return nil
}

// version finds the version a request names (number, $LATEST, $DEFAULT,
// or a VersionName); neither means the default.
func (d *document) version(number, versionName string) (*docVersion, *apiError) {
	bad := clientErr("InvalidDocumentVersion", "The document version is not valid or does not exist.")
	if versionName != "" {
		for _, v := range d.versions {
			if v != nil && v.name == versionName && (number == "" || number == strconv.Itoa(v.number)) {
				return v, nil
			}
		}
		return nil, bad
	}
	switch number {
	case "", "$DEFAULT":
		return d.versions[d.defaultVersion-1], nil
	case "$LATEST":
		return d.latest(), nil
	}
	n, err := strconv.Atoi(number)
	if err != nil || n < 1 || n > len(d.versions) || d.versions[n-1] == nil {
		return nil, bad
	}
	return d.versions[n-1], nil
}

func noSuchDocument() *apiError {
	return clientErr("InvalidDocument", "The specified document does not exist.")
}

// runShellScriptDoc is the AWS-owned document Run Command runs.
var runShellScriptDoc = func() *document {
	content := `{
  "schemaVersion": "1.2",
  "description": "Run a shell script or specify the commands to run.",
  "parameters": {
    "commands": {"type": "StringList", "description": "(Required) Specify a shell script or a command to run.", "minItems": 1, "displayType": "textarea"},
    "workingDirectory": {"type": "String", "default": "", "description": "(Optional) The path to the working directory on your instance.", "maxChars": 4096},
    "executionTimeout": {"type": "String", "default": "3600", "description": "(Optional) The time in seconds for a command to complete before it is considered to have failed. Default is 3600 (1 hour). Maximum is 172800 (48 hours).", "allowedPattern": "([1-9][0-9]{0,4})|(1[0-6][0-9]{4})|(17[0-1][0-9]{3})|(172[0-7][0-9]{2})|(172800)"}
  },
  "runtimeConfig": {"aws:runShellScript": {"properties": [{"id": "0.aws:runShellScript", "runCommand": "{{ commands }}", "workingDirectory": "{{ workingDirectory }}", "timeoutSeconds": "{{ executionTimeout }}"}]}}
}`
	v := &docVersion{number: 1, content: content, format: "JSON", schema: "1.2",
		description: "Run a shell script or specify the commands to run.",
		params: []docParam{{Name: "commands", Type: "StringList", Description: "(Required) Specify a shell script or a command to run."},
			{Name: "workingDirectory", Type: "String", Description: "(Optional) The path to the working directory on your instance."},
			{Name: "executionTimeout", Type: "String", Description: "(Optional) The time in seconds for a command to complete before it is considered to have failed.", DefaultValue: "3600"}}}
	v.hashes()
	return &document{name: runShellScript, typ: docCommand, owner: "Amazon", versions: []*docVersion{v}, defaultVersion: 1, builtin: true}
}()

func (v *docVersion) hashes() {
	sum := sha256.Sum256([]byte(v.content))
	v.contentSHA256 = hex.EncodeToString(sum[:])
	s1 := sha1.Sum([]byte(v.content)) //nolint:gosec // reported, not relied on
	v.contentSHA = hex.EncodeToString(s1[:])
}

// document finds a document of the region, the AWS-owned ones included.
func (sb *Sandbox) document(region, name string) *document {
	if name == runShellScript || strings.HasSuffix(name, ":document/"+runShellScript) {
		return runShellScriptDoc
	}
	return sb.aws.docs[region][name]
}

// parseContent reads a document's content in its format into plain data.
func parseContent(content, format string) (map[string]any, *apiError) {
	var data any
	switch format {
	case "JSON":
		dec := json.NewDecoder(strings.NewReader(content))
		if err := dec.Decode(&data); err != nil {
			return nil, clientErr("InvalidDocumentContent", "The content is not valid JSON (DocumentFormat is JSON, the default; say YAML for a YAML document): %v", err)
		}
		if dec.More() {
			return nil, clientErr("InvalidDocumentContent", "The content holds more than one JSON value.")
		}
	case "YAML":
		if err := yaml.Unmarshal([]byte(content), &data); err != nil {
			return nil, clientErr("InvalidDocumentContent", "The content is not valid YAML: %v", err)
		}
	default:
		return nil, clientErr("ValidationException", "1 validation error detected: Value '%s' at 'documentFormat' failed to satisfy constraint: Member must satisfy enum value set: [YAML, JSON, TEXT]", format)
	}
	m, ok := data.(map[string]any)
	if !ok {
		return nil, clientErr("InvalidDocumentContent", "The content must be a mapping with schemaVersion and the document's sections, not %s.", describeValue(data))
	}
	return m, nil
}

// newVersion parses and validates content as a document of typ.
func (sb *Sandbox) newVersion(typ, content, format string, now time.Time) (*docVersion, *apiError) {
	if content == "" {
		return nil, clientErr("ValidationException", "1 validation error detected: Value null at 'content' failed to satisfy constraint: Member must not be null")
	}
	if len(content) > maxDocumentBytes {
		return nil, clientErr("MaxDocumentSizeExceeded", "The content of the document is %d bytes; a document holds at most %d (64 KB).", len(content), maxDocumentBytes)
	}
	if format == "" {
		format = "JSON"
	}
	data, err := parseContent(content, format)
	if err != nil {
		return nil, err
	}
	v := &docVersion{content: content, format: format, created: now.UTC()}
	v.schema = fmt.Sprint(data["schemaVersion"])
	v.description, _ = data["description"].(string)
	switch typ {
	case docAutomation:
		auto, err := parseAutomation(data)
		if err != nil {
			return nil, err
		}
		v.auto = auto
		for _, name := range auto.paramOrder {
			p := auto.params[name]
			dp := docParam{Name: name, Type: p.typ, Description: p.description}
			if p.hasDefault {
				dp.DefaultValue = valueText(p.def)
			}
			v.params = append(v.params, dp)
		}
	case docCommand:
		if err := checkCommandDocument(data); err != nil {
			return nil, err
		}
	}
	v.hashes()
	return v, nil
}

// checkCommandDocument is the little the sandbox checks of a Command
// document (it runs only AWS-RunShellScript).
func checkCommandDocument(data map[string]any) *apiError {
	switch data["schemaVersion"] {
	case "2.2":
		if _, ok := data["mainSteps"].([]any); !ok {
			return clientErr("InvalidDocumentContent", "A schemaVersion 2.2 Command document needs mainSteps.")
		}
	case "1.2":
		if _, ok := data["runtimeConfig"].(map[string]any); !ok {
			return clientErr("InvalidDocumentContent", "A schemaVersion 1.2 Command document needs runtimeConfig.")
		}
	default:
		return clientErr("InvalidDocumentSchemaVersion", "Command documents take schemaVersion 1.2 or 2.2, not %v.", data["schemaVersion"])
	}
	return nil
}

func (sb *Sandbox) ssmCreateDocument(c *jsonCall, now time.Time) (any, *apiError) {
	var in struct {
		Content, Name, DocumentType, DocumentFormat, VersionName, TargetType, DisplayName string
		Tags                                                                              []ssmTag
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if !docNameRe.MatchString(in.Name) {
		return nil, clientErr("ValidationException", "1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.]{3,128}$", in.Name)
	}
	if l := strings.ToLower(in.Name); strings.HasPrefix(l, "aws") || strings.HasPrefix(l, "amazon") || strings.HasPrefix(l, "amzn") {
		return nil, clientErr("ValidationException", "Document names cannot begin with aws, amazon or amzn (%s).", in.Name)
	}
	typ := orStr(in.DocumentType, docCommand)
	if typ != docAutomation && typ != docCommand {
		return nil, clientErr("ValidationException", "The sandbox keeps Automation and Command documents, not %s.", typ)
	}
	if len(in.Tags) > 1000 {
		return nil, clientErr("TooManyTagsError", "")
	}
	for _, t := range in.Tags {
		if t.Key == "" || strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return nil, clientErr("InvalidTag", "Tag key %q is not allowed: it must be non-empty and not start with aws:", t.Key)
		}
	}
	if sb.document(c.region, in.Name) != nil {
		return nil, clientErr("DocumentAlreadyExists", "The specified document already exists.")
	}
	v, err := sb.newVersion(typ, in.Content, in.DocumentFormat, now)
	if err != nil {
		return nil, err
	}
	v.number, v.name, v.targetType, v.display = 1, in.VersionName, in.TargetType, in.DisplayName
	d := &document{name: in.Name, typ: typ, owner: sb.account, versions: []*docVersion{v}, defaultVersion: 1, tags: in.Tags}
	if sb.aws.docs == nil {
		sb.aws.docs = map[string]map[string]*document{}
	}
	if sb.aws.docs[c.region] == nil {
		sb.aws.docs[c.region] = map[string]*document{}
	}
	sb.aws.docs[c.region][in.Name] = d
	desc := d.describe(v)
	desc["Status"] = "Creating" // as SSM answers; it reads Active from then on
	return map[string]any{"DocumentDescription": desc}, nil
}

func (sb *Sandbox) ssmUpdateDocument(c *jsonCall, now time.Time) (any, *apiError) {
	var in struct {
		Content, Name, DocumentVersion, DocumentFormat, VersionName, TargetType, DisplayName string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	d := sb.aws.docs[c.region][in.Name]
	if d == nil {
		if sb.document(c.region, in.Name) != nil {
			return nil, clientErr("InvalidDocumentOperation", "Documents owned by Amazon cannot be updated.")
		}
		return nil, noSuchDocument()
	}
	latest := d.latest()
	if in.DocumentVersion != "" && in.DocumentVersion != "$LATEST" && in.DocumentVersion != strconv.Itoa(latest.number) {
		return nil, clientErr("InvalidDocumentVersion", "The document version is not valid or does not exist.")
	}
	if in.VersionName != "" && slices.ContainsFunc(d.versions, func(v *docVersion) bool { return v != nil && v.name == in.VersionName }) {
		return nil, clientErr("DuplicateDocumentVersionName", "The specified version name is a duplicate.")
	}
	v, err := sb.newVersion(d.typ, in.Content, in.DocumentFormat, now)
	if err != nil {
		return nil, err
	}
	for _, old := range d.versions {
		if old != nil && old.contentSHA256 == v.contentSHA256 {
			return nil, clientErr("DuplicateDocumentContent", "The content of the association document matches another document. Change the content of the document and try again.")
		}
	}
	if len(d.versions) >= maxDocVersions {
		return nil, clientErr("DocumentVersionLimitExceeded", "The document has too many versions. Delete one or more document versions and try again.")
	}
	v.number, v.name, v.targetType, v.display = len(d.versions)+1, in.VersionName, orStr(in.TargetType, latest.targetType), in.DisplayName
	d.versions = append(d.versions, v)
	desc := d.describe(v)
	desc["Status"] = "Updating"
	return map[string]any{"DocumentDescription": desc}, nil
}

// describe is a version as DescribeDocument shows it.
func (d *document) describe(v *docVersion) map[string]any {
	tags := d.tags
	if tags == nil {
		tags = []ssmTag{}
	}
	params := v.params
	if params == nil {
		params = []docParam{}
	}
	out := map[string]any{
		"Sha1": v.contentSHA, "Hash": v.contentSHA256, "HashType": "Sha256", "Name": d.name, "Owner": d.owner,
		"CreatedDate": unixSeconds(v.created), "Status": "Active", "DocumentVersion": strconv.Itoa(v.number),
		"Description": v.description, "Parameters": params, "PlatformTypes": []string{"Windows", "Linux", "MacOS"},
		"DocumentType": d.typ, "SchemaVersion": v.schema, "LatestVersion": strconv.Itoa(d.latest().number),
		"DefaultVersion": strconv.Itoa(d.defaultVersion), "DocumentFormat": v.format, "Tags": tags,
	}
	if d.typ == docCommand {
		out["PlatformTypes"] = []string{"Linux", "MacOS"}
	}
	for k, val := range map[string]string{"VersionName": v.name, "TargetType": v.targetType, "DisplayName": v.display} {
		if val != "" {
			out[k] = val
		}
	}
	if dv := d.versions[d.defaultVersion-1]; dv != nil && dv.name != "" {
		out["DefaultVersionName"] = dv.name
	}
	return out
}

type docRequest struct{ Name, DocumentVersion, VersionName, DocumentFormat string }

// lookupDocument finds the document and version a request names.
func (sb *Sandbox) lookupDocument(c *jsonCall) (*document, *docVersion, docRequest, *apiError) {
	var in docRequest
	if err := c.decode(&in); err != nil {
		return nil, nil, in, err
	}
	d := sb.document(c.region, in.Name)
	if d == nil {
		return nil, nil, in, noSuchDocument()
	}
	v, err := d.version(in.DocumentVersion, in.VersionName)
	return d, v, in, err
}

func (sb *Sandbox) ssmDescribeDocument(c *jsonCall, now time.Time) (any, *apiError) {
	d, v, _, err := sb.lookupDocument(c)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Document": d.describe(v)}, nil
}

func (sb *Sandbox) ssmGetDocument(c *jsonCall, now time.Time) (any, *apiError) {
	d, v, in, err := sb.lookupDocument(c)
	if err != nil {
		return nil, err
	}
	content, format := v.content, v.format
	if in.DocumentFormat != "" && in.DocumentFormat != v.format {
		if content, err = convertContent(v, in.DocumentFormat); err != nil {
			return nil, err
		}
		format = in.DocumentFormat
	}
	out := map[string]any{"Name": d.name, "CreatedDate": unixSeconds(v.created), "DocumentVersion": strconv.Itoa(v.number),
		"Status": "Active", "Content": content, "DocumentType": d.typ, "DocumentFormat": format}
	if v.name != "" {
		out["VersionName"] = v.name
	}
	if v.display != "" {
		out["DisplayName"] = v.display
	}
	return out, nil
}

// convertContent writes a version's content in another format, as
// GetDocument does when asked for one.
func convertContent(v *docVersion, format string) (string, *apiError) {
	data, err := parseContent(v.content, v.format)
	if err != nil {
		return "", err
	}
	switch format {
	case "JSON":
		b, e := json.MarshalIndent(data, "", "  ")
		if e != nil {
			return "", &apiError{http.StatusInternalServerError, "InternalServerError", e.Error()}
		}
		return string(b), nil
	case "YAML":
		b, e := yaml.Marshal(data)
		if e != nil {
			return "", &apiError{http.StatusInternalServerError, "InternalServerError", e.Error()}
		}
		return string(b), nil
	}
	return "", clientErr("ValidationException", "1 validation error detected: Value '%s' at 'documentFormat' failed to satisfy constraint: Member must satisfy enum value set: [YAML, JSON, TEXT]", format)
}

func (sb *Sandbox) ssmUpdateDocumentDefaultVersion(c *jsonCall, now time.Time) (any, *apiError) {
	var in struct{ Name, DocumentVersion string }
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	d := sb.aws.docs[c.region][in.Name]
	if d == nil {
		return nil, noSuchDocument()
	}
	if in.DocumentVersion == "$DEFAULT" {
		return nil, clientErr("InvalidDocumentVersion", "The document version is not valid or does not exist.")
	}
	v, err := d.version(in.DocumentVersion, "")
	if err != nil {
		return nil, err
	}
	d.defaultVersion = v.number
	out := map[string]any{"Name": d.name, "DefaultVersion": strconv.Itoa(v.number)}
	if v.name != "" {
		out["DefaultVersionName"] = v.name
	}
	return map[string]any{"Description": out}, nil
}

func (sb *Sandbox) ssmDeleteDocument(c *jsonCall, now time.Time) (any, *apiError) {
	var in struct {
		Name, DocumentVersion, VersionName string
		Force                              bool
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	d := sb.aws.docs[c.region][in.Name]
	if d == nil {
		if sb.document(c.region, in.Name) != nil {
			return nil, clientErr("InvalidDocumentOperation", "Documents owned by Amazon cannot be deleted.")
		}
		return nil, noSuchDocument()
	}
	if in.DocumentVersion == "" && in.VersionName == "" {
		delete(sb.aws.docs[c.region], in.Name)
		return map[string]any{}, nil
	}
	v, err := d.version(in.DocumentVersion, in.VersionName)
	if err != nil {
		return nil, err
	}
	if v.number == d.defaultVersion {
		return nil, clientErr("InvalidDocumentOperation", "Default version of the document can't be deleted.")
	}
	d.versions[v.number-1] = nil
	return map[string]any{}, nil
}

type docFilter struct {
	Key    string
	Values []string
}

func (sb *Sandbox) ssmListDocuments(c *jsonCall, now time.Time) (any, *apiError) {
	var in struct {
		Filters            []docFilter
		DocumentFilterList []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		}
		MaxResults *int
		NextToken  string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	limit, start, err := jsonPage(in.MaxResults, in.NextToken, 1, 50, 50)
	if err != nil {
		return nil, err
	}
	filters := in.Filters
	for _, f := range in.DocumentFilterList {
		filters = append(filters, docFilter{Key: f.Key, Values: []string{f.Value}})
	}
	var tests []func(*document, *docVersion) bool
	for _, f := range filters {
		t, err := sb.docTest(f)
		if err != nil {
			return nil, err
		}
		tests = append(tests, t)
	}
	all := append([]*document{runShellScriptDoc}, slices.Collect(maps.Values(sb.aws.docs[c.region]))...)
	slices.SortFunc(all, func(a, b *document) int { return strings.Compare(a.name, b.name) })
	var list []map[string]any
	for _, d := range all {
		v := d.versions[d.defaultVersion-1]
		if slices.ContainsFunc(tests, func(t func(*document, *docVersion) bool) bool { return !t(d, v) }) {
			continue
		}
		desc := d.describe(v)
		id := map[string]any{}
		for _, k := range []string{"Name", "CreatedDate", "DisplayName", "Owner", "VersionName", "PlatformTypes", "DocumentVersion",
			"DocumentType", "SchemaVersion", "DocumentFormat", "TargetType", "Tags"} {
			if val, ok := desc[k]; ok {
				id[k] = val
			}
		}
		list = append(list, id)
	}
	return pageAnswer("DocumentIdentifiers", list, start, limit), nil
}

// docTest builds one ListDocuments filter.
func (sb *Sandbox) docTest(f docFilter) (func(*document, *docVersion) bool, *apiError) {
	has := func(s string) bool { return slices.Contains(f.Values, s) }
	switch {
	case f.Key == "Name":
		return func(d *document, _ *docVersion) bool {
			return slices.ContainsFunc(f.Values, func(p string) bool { return strings.HasPrefix(d.name, p) })
		}, nil
	case f.Key == "SearchKeyword":
		return func(d *document, _ *docVersion) bool {
			return slices.ContainsFunc(f.Values, func(p string) bool { return strings.Contains(strings.ToLower(d.name), strings.ToLower(p)) })
		}, nil
	case f.Key == "Owner":
		return func(d *document, _ *docVersion) bool {
			return has("All") || has("Public") && d.builtin || has("Amazon") && d.builtin || (has("Self") || has("Private")) && !d.builtin
		}, nil
	case f.Key == "DocumentType":
		return func(d *document, _ *docVersion) bool { return has(d.typ) }, nil
	case f.Key == "PlatformTypes":
		return func(d *document, _ *docVersion) bool {
			return has("Linux") || has("MacOS") || has("Windows") && d.typ == docAutomation
		}, nil
	case f.Key == "TargetType":
		return func(_ *document, v *docVersion) bool { return has(v.targetType) }, nil
	case f.Key == "SchemaVersion":
		return func(_ *document, v *docVersion) bool { return has(v.schema) }, nil
	case strings.HasPrefix(f.Key, "tag:") && len(f.Key) > 4:
		key := f.Key[4:]
		return func(d *document, _ *docVersion) bool {
			return slices.ContainsFunc(d.tags, func(t ssmTag) bool { return t.Key == key && (len(f.Values) == 0 || has(t.Value)) })
		}, nil
	}
	return nil, clientErr("InvalidFilterKey", "The filter key %s is not valid; use Name, Owner, DocumentType, PlatformTypes, TargetType, SchemaVersion, SearchKeyword or tag:KEY", f.Key)
}

func (sb *Sandbox) ssmListDocumentVersions(c *jsonCall, now time.Time) (any, *apiError) {
	var in struct {
		Name, NextToken string
		MaxResults      *int
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	limit, start, err := jsonPage(in.MaxResults, in.NextToken, 1, 50, 50)
	if err != nil {
		return nil, err
	}
	d := sb.document(c.region, in.Name)
	if d == nil {
		return nil, noSuchDocument()
	}
	var list []map[string]any
	for i := len(d.versions) - 1; i >= 0; i-- {
		v := d.versions[i]
		if v == nil {
			continue
		}
		e := map[string]any{"Name": d.name, "DocumentVersion": strconv.Itoa(v.number), "CreatedDate": unixSeconds(v.created),
			"IsDefaultVersion": v.number == d.defaultVersion, "DocumentFormat": v.format, "Status": "Active"}
		if v.name != "" {
			e["VersionName"] = v.name
		}
		if v.display != "" {
			e["DisplayName"] = v.display
		}
		list = append(list, e)
	}
	return pageAnswer("DocumentVersions", list, start, limit), nil
}
