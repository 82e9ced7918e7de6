package sandbox

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// IAM over the query protocol (2010-05-08, XML), global and signed for
// us-east-1 as aws-sdk-go-v2's service/iam speaks it: the roles the
// runbooks and schedules assume, with their inline policies. Policy
// documents come back URL-encoded, as IAM returns them.

const (
	iamVersion = "2010-05-08"
	iamNS      = "https://iam.amazonaws.com/doc/2010-05-08/"
	// maxRolePolicyChars is IAM's quota on a role's inline policies, all
	// together, not counting white space.
	maxRolePolicyChars = 10240
)

var (
	roleNameRe   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	policyNameRe = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	rolePathRe   = regexp.MustCompile(`^(/|/[\x21-\x7E]*/)$`)
)

// role is one IAM role. Guarded by Sandbox.mu.
type role struct {
	name, path, id, arn, trust, description string
	created                                 time.Time
	maxSession                              int
	tags                                    []xIAMTag
	policies                                map[string]string // inline policy name -> document
}

var iamActions = map[string]func(*Sandbox, *call) (any, *apiError){
	"CreateRole":       (*Sandbox).iamCreateRole,
	"GetRole":          (*Sandbox).iamGetRole,
	"DeleteRole":       (*Sandbox).iamDeleteRole,
	"PutRolePolicy":    (*Sandbox).iamPutRolePolicy,
	"GetRolePolicy":    (*Sandbox).iamGetRolePolicy,
	"ListRolePolicies": (*Sandbox).iamListRolePolicies,
	"DeleteRolePolicy": (*Sandbox).iamDeleteRolePolicy,
}

// iam dispatches one IAM action.
func (sb *Sandbox) iam(c *call) (any, *apiError) {
	h := iamActions[c.action]
	if h == nil {
		return nil, clientErr("InvalidAction", "Could not find operation %s for version %s (the sandbox's IAM serves %s).",
			c.action, iamVersion, strings.Join(slices.Sorted(maps.Keys(iamActions)), ", "))
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return h(sb, c)
}

type xIAMTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type xRole struct {
	Path               string    `xml:"Path"`
	RoleName           string    `xml:"RoleName"`
	RoleID             string    `xml:"RoleId"`
	Arn                string    `xml:"Arn"`
	CreateDate         string    `xml:"CreateDate"`
	AssumeRolePolicy   string    `xml:"AssumeRolePolicyDocument"`
	Description        string    `xml:"Description,omitempty"`
	MaxSessionDuration int       `xml:"MaxSessionDuration"`
	Tags               []xIAMTag `xml:"Tags>member,omitempty"`
	RoleLastUsed       struct{}  `xml:"RoleLastUsed"`
}

// xIAMResponse is an IAM answer: ACTIONResponse > ACTIONResult > fields.
type xIAMResponse struct {
	XMLName   xml.Name
	Xmlns     string `xml:"xmlns,attr"`
	Result    any
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

// iamAnswer wraps result (nil: an empty answer) as IAM does.
func iamAnswer(action string, result any) *xIAMResponse {
	r := &xIAMResponse{XMLName: xmlName(action + "Response"), Xmlns: iamNS, RequestID: requestID()}
	if result != nil {
		r.Result = result
	}
	return r
}

type xRoleResult struct {
	XMLName xml.Name
	Role    xRole `xml:"Role"`
}

type xRolePolicyResult struct {
	XMLName        xml.Name `xml:"GetRolePolicyResult"`
	RoleName       string   `xml:"RoleName"`
	PolicyName     string   `xml:"PolicyName"`
	PolicyDocument string   `xml:"PolicyDocument"`
}

type xRolePoliciesResult struct {
	XMLName     xml.Name `xml:"ListRolePoliciesResult"`
	PolicyNames []string `xml:"PolicyNames>member"`
	IsTruncated bool     `xml:"IsTruncated"`
	Marker      string   `xml:"Marker,omitempty"`
}

func (r *role) xml() xRole {
	return xRole{Path: r.path, RoleName: r.name, RoleID: r.id, Arn: r.arn, CreateDate: fmtTime(r.created),
		AssumeRolePolicy: iamEncode(r.trust), Description: r.description, MaxSessionDuration: r.maxSession, Tags: r.tags}
}

// iamEncode percent-encodes a policy document as IAM returns it (every
// byte but letters, digits, -._~ and /).
func iamEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 128 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) || strings.IndexByte("-._~/", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func noSuchRole(name string) *apiError {
	return &apiError{http.StatusNotFound, "NoSuchEntity", fmt.Sprintf("The role with name %s cannot be found.", name)}
}

func iamValidation(value, field, rule string) *apiError {
	return clientErr("ValidationError", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, rule)
}

// policyDocument checks a policy as IAM does before storing it: JSON, with
// a Version IAM knows (when given) and a Statement.
func policyDocument(doc string) *apiError {
	if strings.TrimSpace(doc) == "" {
		return iamValidation(doc, "policyDocument", "Member must have length greater than or equal to 1")
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return clientErr("MalformedPolicyDocument", "This policy contains invalid Json")
	}
	if v, ok := p["Version"]; ok && v != "2012-10-17" && v != "2008-10-17" {
		return clientErr("MalformedPolicyDocument", "The policy failed legacy parsing")
	}
	if _, ok := p["Statement"]; !ok {
		return clientErr("MalformedPolicyDocument", "Syntax errors in policy.")
	}
	return nil
}

// policyChars counts a policy's characters as IAM's size quota does:
// white space does not count.
func policyChars(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

func (sb *Sandbox) roleNamed(name string) (*role, *apiError) {
	if name == "" {
		return nil, clientErr("ValidationError", "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null")
	}
	r := sb.aws.roles[name]
	if r == nil {
		return nil, noSuchRole(name)
	}
	return r, nil
}

func (sb *Sandbox) iamCreateRole(c *call) (any, *apiError) {
	name, trust, path := c.get("RoleName"), c.get("AssumeRolePolicyDocument"), c.get("Path")
	if !roleNameRe.MatchString(name) {
		return nil, iamValidation(name, "roleName", `Member must satisfy regular expression pattern: [\w+=,.@-]+ and have length between 1 and 64`)
	}
	if path == "" {
		path = "/"
	}
	if !rolePathRe.MatchString(path) || len(path) > 512 {
		return nil, iamValidation(path, "path", `Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`)
	}
	if err := policyDocument(trust); err != nil {
		return nil, err
	}
	maxSession := 3600
	if s := c.get("MaxSessionDuration"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 3600 || n > 43200 {
			return nil, iamValidation(s, "maxSessionDuration", "Member must have value between 3600 and 43200")
		}
		maxSession = n
	}
	var tags []xIAMTag
	for _, m := range c.members("Tags", "Key", "Value") {
		if strings.HasPrefix(strings.ToLower(m["Key"]), "aws:") {
			return nil, clientErr("InvalidInput", "Tag keys beginning with 'aws:' are reserved for AWS use.")
		}
		tags = append(tags, xIAMTag{m["Key"], m["Value"]})
	}
	if len(tags) > 50 {
		return nil, clientErr("LimitExceeded", "Cannot exceed quota for TagsPerRole: 50.")
	}
	if sb.aws.roles == nil {
		sb.aws.roles = map[string]*role{}
	}
	// Role names are unique whatever their case, as in IAM.
	for n := range sb.aws.roles {
		if strings.EqualFold(n, name) {
			return nil, &apiError{http.StatusConflict, "EntityAlreadyExists", fmt.Sprintf("Role with name %s already exists.", name)}
		}
	}
	r := &role{name: name, path: path, trust: trust, description: c.get("Description"), created: sb.clock.Now().UTC().Truncate(time.Second),
		maxSession: maxSession, tags: tags, policies: map[string]string{},
		id:  "AROA" + strings.ToUpper(hash17("role/" + name))[1:17] + "X",
		arn: "arn:aws:iam::" + sb.account + ":role" + path + name}
	sb.aws.roles[name] = r
	return iamAnswer("CreateRole", &xRoleResult{XMLName: xmlName("CreateRoleResult"), Role: r.xml()}), nil
}

func (sb *Sandbox) iamGetRole(c *call) (any, *apiError) {
	r, err := sb.roleNamed(c.get("RoleName"))
	if err != nil {
		return nil, err
	}
	return iamAnswer("GetRole", &xRoleResult{XMLName: xmlName("GetRoleResult"), Role: r.xml()}), nil
}

func (sb *Sandbox) iamDeleteRole(c *call) (any, *apiError) {
	r, err := sb.roleNamed(c.get("RoleName"))
	if err != nil {
		return nil, err
	}
	if len(r.policies) > 0 {
		return nil, &apiError{http.StatusConflict, "DeleteConflict", "Cannot delete entity, must delete policies first."}
	}
	delete(sb.aws.roles, r.name)
	return iamAnswer("DeleteRole", nil), nil
}

func (sb *Sandbox) iamPutRolePolicy(c *call) (any, *apiError) {
	r, err := sb.roleNamed(c.get("RoleName"))
	if err != nil {
		return nil, err
	}
	name, doc := c.get("PolicyName"), c.get("PolicyDocument")
	if !policyNameRe.MatchString(name) {
		return nil, iamValidation(name, "policyName", `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	}
	if err := policyDocument(doc); err != nil {
		return nil, err
	}
	total := policyChars(doc)
	for n, d := range r.policies {
		if n != name {
			total += policyChars(d)
		}
	}
	if total > maxRolePolicyChars {
		return nil, &apiError{http.StatusConflict, "LimitExceeded", fmt.Sprintf("Maximum policy size of %d bytes exceeded for role %s", maxRolePolicyChars, r.name)}
	}
	r.policies[name] = doc
	return iamAnswer("PutRolePolicy", nil), nil
}

func (sb *Sandbox) rolePolicy(c *call) (*role, string, *apiError) {
	r, err := sb.roleNamed(c.get("RoleName"))
	if err != nil {
		return nil, "", err
	}
	name := c.get("PolicyName")
	if _, ok := r.policies[name]; !ok {
		return nil, "", &apiError{http.StatusNotFound, "NoSuchEntity", fmt.Sprintf("The role policy with name %s cannot be found.", name)}
	}
	return r, name, nil
}

func (sb *Sandbox) iamGetRolePolicy(c *call) (any, *apiError) {
	r, name, err := sb.rolePolicy(c)
	if err != nil {
		return nil, err
	}
	return iamAnswer("GetRolePolicy", &xRolePolicyResult{RoleName: r.name, PolicyName: name, PolicyDocument: iamEncode(r.policies[name])}), nil
}

func (sb *Sandbox) iamDeleteRolePolicy(c *call) (any, *apiError) {
	r, name, err := sb.rolePolicy(c)
	if err != nil {
		return nil, err
	}
	delete(r.policies, name)
	return iamAnswer("DeleteRolePolicy", nil), nil
}

// iamListRolePolicies pages with MaxItems (default 100) and Marker.
func (sb *Sandbox) iamListRolePolicies(c *call) (any, *apiError) {
	r, err := sb.roleNamed(c.get("RoleName"))
	if err != nil {
		return nil, err
	}
	limit := 100
	if s := c.get("MaxItems"); s != "" {
		n, e := strconv.Atoi(s)
		if e != nil || n < 1 || n > 1000 {
			return nil, iamValidation(s, "maxItems", "Member must have value between 1 and 1000")
		}
		limit = n
	}
	names := slices.Sorted(maps.Keys(r.policies))
	from := 0
	if m := c.get("Marker"); m != "" {
		from = slices.IndexFunc(names, func(n string) bool { return n > m })
		if from < 0 {
			from = len(names)
		}
	}
	out := &xRolePoliciesResult{PolicyNames: names[from:]}
	if len(out.PolicyNames) > limit {
		out.PolicyNames, out.IsTruncated, out.Marker = out.PolicyNames[:limit], true, out.PolicyNames[limit-1]
	}
	return iamAnswer("ListRolePolicies", out), nil
}

// roleByARN finds the role an ARN names (nil when there is none).
// Called with sb.mu held.
func (sb *Sandbox) roleByARN(arn string) *role {
	for _, r := range sb.aws.roles {
		if r.arn == arn {
			return r
		}
	}
	return nil
}

// trusts reports whether the role's trust policy lets service (such as
// ssm.amazonaws.com) assume it: a statement that allows sts:AssumeRole to
// that service principal.
func (r *role) trusts(service string) bool {
	var p struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(r.trust), &p) != nil {
		return false
	}
	var stmts []map[string]any
	if json.Unmarshal(p.Statement, &stmts) != nil {
		var one map[string]any
		if json.Unmarshal(p.Statement, &one) != nil {
			return false
		}
		stmts = []map[string]any{one}
	}
	for _, s := range stmts {
		if s["Effect"] != "Allow" || !strListHas(s["Action"], "sts:AssumeRole") {
			continue
		}
		if pr, ok := s["Principal"].(map[string]any); ok && strListHas(pr["Service"], service) {
			return true
		}
	}
	return false
}

// strListHas: v is want, or a list holding it (IAM takes either; "*" and
// "sts:*" cover every action).
func strListHas(v any, want string) bool {
	match := func(s string) bool {
		return s == want || s == "*" || strings.HasSuffix(s, ":*") && strings.HasPrefix(want, strings.TrimSuffix(s, "*"))
	}
	switch v := v.(type) {
	case string:
		return match(v)
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok && match(s) {
				return true
			}
		}
	}
	return false
}

// iamFault words an injected fault as IAM does: Throttling (HTTP 400) and
// AccessDenied naming the caller and the iam: permission it lacks.
func (sb *Sandbox) iamFault(e *apiError, action string) *apiError {
	switch e.code {
	case "RequestLimitExceeded":
		return &apiError{http.StatusBadRequest, "Throttling", "Rate exceeded"}
	case "UnauthorizedOperation":
		return &apiError{http.StatusForbidden, "AccessDenied", fmt.Sprintf(
			"User: arn:aws:iam::%s:user/sandbox is not authorized to perform: iam:%s because no identity-based policy allows the iam:%s action",
			sb.account, action, action)}
	case "InternalError":
		return &apiError{http.StatusInternalServerError, "ServiceFailure", "An internal error has occurred."}
	}
	return e
}
