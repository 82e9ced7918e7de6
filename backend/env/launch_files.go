package env

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"cloudcontrol/backend/cfn"
)

// Tokens are written {{{NAME}}} in a user-data script.
var (
	tokenRe     = regexp.MustCompile(`\{\{\{([^{}]*)\}\}\}`)
	tokenNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)
)

// ScriptTokens lists the {{{TOKEN}}} names of a script, each once, in the
// order they first appear.
func ScriptTokens(script []byte) []string {
	var out []string
	for _, m := range tokenRe.FindAllSubmatch(script, -1) {
		if name := string(m[1]); !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// ReplaceTokens replaces every {{{TOKEN}}} that values has, in one pass
// (a value is never scanned for tokens itself), and returns the names
// left unreplaced.
func ReplaceTokens(script []byte, values map[string]string) ([]byte, []string) {
	var missing []string
	out := tokenRe.ReplaceAllFunc(script, func(m []byte) []byte {
		name := string(m[3 : len(m)-3])
		if v, ok := values[name]; ok {
			return []byte(v)
		}
		if !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
		return m
	})
	return out, missing
}

// The parameters a launch passes to an own template: always the first
// five, the others when the file asks for what they carry.
const (
	ParamImageID         = "ImageId"
	ParamInstanceType    = "InstanceType"
	ParamSubnetID        = "SubnetId"
	ParamSecurityGroups  = "SecurityGroupIds"
	ParamInstanceName    = "InstanceName"
	ParamKeyName         = "KeyName"
	ParamInstanceProfile = "InstanceProfile"
	// ParamUserData is the token-replaced script, base64, for an own
	// template (CloudFormation takes at most 4,096 bytes in a parameter;
	// the built-in template carries the script in its body instead).
	ParamUserData = "UserData"
)

// VolumeParameters are passed with a volume:.
var VolumeParameters = []string{"VolumeSize", "VolumeType", "VolumeDevice", "VolumeEncrypted"}

// PassedParameters are the parameters a launch of t passes to an own
// template, in a stable order: those above, then the file's parameters.
func (t *Template) PassedParameters(l *Launch) []string {
	out := []string{ParamImageID, ParamInstanceType, ParamSubnetID, ParamSecurityGroups, ParamInstanceName}
	if l != nil && l.KeyPair != "" {
		out = append(out, ParamKeyName)
	}
	if l != nil && l.InstanceProfile != "" {
		out = append(out, ParamInstanceProfile)
	}
	if t.UserData != "" {
		out = append(out, ParamUserData)
	}
	if t.Volume != nil {
		out = append(out, VolumeParameters...)
		if t.Volume.KMSKey != "" {
			out = append(out, "VolumeKmsKeyId")
		}
	}
	for _, k := range sortedNames(t.Parameters) {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// templateFiles checks the files a template names, beside the environment
// file: the script exists, is UTF-8 text within EC2's 16 KB and uses every
// default token it is given; an own CloudFormation template parses,
// creates one instance and declares what the launch passes.
func (d *decoder) templateFiles(f map[string]pair, t *Template, l *Launch, where string) {
	if v, ok := f["user-data"]; ok {
		if rel, good := d.Str(v); good {
			if path, data, err := d.sibling(rel, MaxUserDataFile); err != nil {
				d.Errorf(v.Val, "user-data %s", err)
			} else if !utf8.Valid(data) {
				d.Errorf(v.Val, "user-data %s is not UTF-8 text; a user-data script is text", rel)
			} else {
				t.UserData, t.UserDataFile = rel, path
				used := ScriptTokens(data)
				for _, name := range used {
					if !tokenNameRe.MatchString(name) {
						d.Errorf(v.Val, "user-data %s has the token {{{%s}}}, which is not a token name (letters, digits, _, . and -)", rel, name)
					}
				}
				for _, kv := range mustPairsOf(d, f, "tokens") {
					if !slices.Contains(used, kv.Name) {
						d.Errorf(kv.Key, "token %s is not in %s (its tokens: %s); remove it or add {{{%s}}} to the script", kv.Name, rel, listOrNone(used), kv.Name)
					}
				}
			}
		}
	} else if v, ok := f["tokens"]; ok {
		d.Errorf(v.Key, "tokens are replaced in the user-data script, and %s has no user-data; add user-data: or remove tokens", where)
	}
	v, ok := f["cloudformation"]
	if !ok {
		return
	}
	rel, good := d.Str(v)
	if !good {
		return
	}
	path, data, err := d.sibling(rel, cfn.MaxBody)
	if err != nil {
		d.Errorf(v.Val, "cloudformation %s", err)
		return
	}
	tmpl, err := cfn.Parse(data)
	if err != nil {
		d.Errorf(v.Val, "cloudformation %s does not parse: %v", rel, err)
		return
	}
	t.CloudFormation, t.CloudFormationFile = rel, path
	for _, problem := range OwnTemplateProblems(tmpl, t, l) {
		d.Errorf(v.Val, "cloudformation %s %s", rel, problem)
	}
}

// OwnTemplateProblems says what keeps an own template from being launched
// as t: not exactly one instance, a parameter the launch passes that it
// does not declare, or one it declares without a default that is not passed.
func OwnTemplateProblems(tmpl *cfn.Template, t *Template, l *Launch) []string {
	var out []string
	var instances []string
	for _, r := range tmpl.Resources {
		if r.Type == "AWS::EC2::Instance" {
			instances = append(instances, r.Name)
		}
	}
	switch len(instances) {
	case 0:
		out = append(out, "creates no AWS::EC2::Instance; a launch makes one instance")
	case 1:
	default:
		out = append(out, fmt.Sprintf("creates %d instances (%s); a launch makes one", len(instances), strings.Join(instances, ", ")))
	}
	passed := t.PassedParameters(l)
	for _, name := range passed {
		if _, ok := tmpl.Parameter(name); !ok {
			out = append(out, fmt.Sprintf("declares no parameter %s, which the launch passes; add it to its Parameters", name))
		}
	}
	for _, p := range tmpl.Parameters {
		if !p.HasDefault && !slices.Contains(passed, p.Name) {
			out = append(out, fmt.Sprintf("has the parameter %s without a default, which the launch does not pass; give it a Default or add it to parameters:", p.Name))
		}
	}
	return out
}

// sibling reads a file named relative to the environment file's folder.
// Absolute paths and paths out of the folder are refused: a file shared
// with others must not send what lies elsewhere on this machine into an
// instance.
func (d *decoder) sibling(rel string, limit int64) (string, []byte, error) {
	clean := filepath.Clean(filepath.FromSlash(rel))
	if rel == "" || filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", nil, fmt.Errorf("%q must be a file beside the environment file (a relative path inside its folder)", rel)
	}
	path := filepath.Join(filepath.Dir(d.File), clean)
	data, err := ReadSibling(path, limit)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", rel, err)
	}
	return path, data, nil
}

// ReadSibling reads a file a template names: a regular file of at most
// limit bytes. Its errors say what is wrong in words.
func ReadSibling(path string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("does not exist (looked for %s)", path)
	case err != nil:
		return nil, fmt.Errorf("cannot be read: %w", unwrapPath(err))
	case !st.Mode().IsRegular():
		return nil, errors.New("is not a regular file")
	case st.Size() > limit:
		return nil, fmt.Errorf("is %d bytes; at most %d fit", st.Size(), limit)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot be read: %w", unwrapPath(err))
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("is %d bytes; at most %d fit", len(data), limit)
	}
	return data, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func mustPairsOf(d *decoder, f map[string]pair, key string) []pair {
	p, ok := f[key]
	if !ok {
		return nil
	}
	return mustPairs(d, p)
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
