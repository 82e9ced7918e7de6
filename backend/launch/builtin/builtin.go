// Package builtin is Cloud Control's built-in CloudFormation template: one
// instance with an optional extra volume, whose resource completes only
// when the launch's own script has run (a CreationPolicy, and cfn-signal
// of the script's exit status at the end of the wrapped user data).
//
// The script goes into the template body, not a parameter, so it may use
// EC2's whole 16 KB of user data. It is wrapped: first a cc_progress
// helper is installed (/usr/local/bin/cc_progress PERCENT "MESSAGE" tags
// the instance itself with cloudcontrol:progress, through IMDSv2 and the
// AWS CLI, and never fails the script), then the script runs with its own
// interpreter (its #! line, else bash), then cfn-signal reports its exit
// status (or, without aws-cfn-bootstrap, aws cloudformation
// signal-resource).
package builtin

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

//go:embed instance.cfn.yaml
var template string

//go:embed head.sh
var head string

//go:embed tail.sh
var tail string

// LogicalID is the template's instance resource (the one that is signalled).
const LogicalID = "Instance"

// Limits the rendered template keeps within.
const (
	// MaxUserData is EC2's limit on user data, before base64.
	MaxUserData = 16384
	// MaxBody is CloudFormation's limit on a TemplateBody.
	MaxBody = 51200
	// DefaultTimeout is the CreationPolicy's timeout when none is given;
	// MaxTimeout is CloudFormation's longest.
	DefaultTimeout = 30 * time.Minute
	MaxTimeout     = 12 * time.Hour
	// Worst cases for the size check: the longest stack name and region.
	maxStackName = 128
	maxRegion    = 20
)

// ErrTooLarge is wrapped by Render's error for a script whose wrapped user
// data would pass EC2's 16 KB, or a template over CloudFormation's 51,200
// bytes.
var ErrTooLarge = errors.New("too large")

// Options say what to render.
type Options struct {
	// Script is the launch's own user data, every {{{TOKEN}}} replaced.
	Script []byte
	// Timeout is how long CloudFormation waits for the script's signal,
	// from the instance's creation; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Rendered is the template for one launch.
type Rendered struct {
	// Body is the CloudFormation template, the wrapped script inside.
	Body      string
	head, sub string // sub: the tail before Fn::Sub
	script    string
}

// Render builds the template body for a script. It fails for a script that
// is not UTF-8 text, a timeout outside (0, 12h], and (wrapping ErrTooLarge)
// a script whose user data would not fit.
func Render(o Options) (*Rendered, error) {
	timeout := o.Timeout
	switch {
	case timeout == 0:
		timeout = DefaultTimeout
	case timeout < 0 || timeout > MaxTimeout:
		return nil, fmt.Errorf("the launch timeout %s is outside what CloudFormation waits for a signal (up to %s)", o.Timeout, MaxTimeout)
	}
	if !utf8.Valid(o.Script) {
		return nil, fmt.Errorf("the user-data script is not UTF-8 text")
	}
	script := string(o.Script)
	if script != "" && !strings.HasSuffix(script, "\n") {
		script += "\n" // the here-document's end must start a line
	}
	delim := delimiter(script)
	r := &Rendered{head: strings.ReplaceAll(head, "{{DELIMITER}}", delim), sub: strings.ReplaceAll(tail, "{{DELIMITER}}", delim), script: script}
	if n := len(r.UserData(strings.Repeat("s", maxStackName), strings.Repeat("r", maxRegion))); n > MaxUserData {
		return nil, fmt.Errorf("the user data would be %d bytes with Cloud Control's wrapper (%d of them the script); EC2 takes at most %d: %w",
			n, len(script), MaxUserData, ErrTooLarge)
	}
	minutes := int(math.Ceil(timeout.Minutes()))
	body := strings.NewReplacer(
		`"{{TIMEOUT}}"`, "PT"+strconv.Itoa(minutes)+"M",
		`"{{HEADER}}"`, quote(r.head),
		`"{{SCRIPT}}"`, quote(script),
		`"{{FOOTER}}"`, quote(r.sub),
	).Replace(template)
	if len(body) > MaxBody {
		return nil, fmt.Errorf("the template would be %d bytes with the script inside; CloudFormation takes at most %d: %w", len(body), MaxBody, ErrTooLarge)
	}
	r.Body = body
	return r, nil
}

// UserData is the wrapped script as the instance receives it once
// CloudFormation has substituted the stack's name and region.
func (r *Rendered) UserData(stackName, region string) []byte {
	tail := strings.NewReplacer("${AWS::StackName}", stackName, "${AWS::Region}", region).Replace(r.sub)
	return []byte(r.head + r.script + tail)
}

// delimiter ends the script's here-document: a word derived from the
// script that no line of it is.
func delimiter(script string) string {
	sum := sha256.Sum256([]byte(script))
	for salt := 0; ; salt++ {
		d := "CC_LAUNCH_SCRIPT_" + hex.EncodeToString(sum[:6])
		if salt > 0 {
			d += "_" + strconv.Itoa(salt)
		}
		if !strings.Contains("\n"+script, "\n"+d+"\n") {
			return d
		}
	}
}

// quote writes s as a YAML double-quoted scalar (JSON's escapes are YAML's).
func quote(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// Params are the template's parameters for one launch.
type Params struct {
	ImageID          string
	InstanceType     string
	SubnetID         string
	SecurityGroupIDs []string
	KeyName          string // "" for none
	InstanceProfile  string // an instance profile name; "" for none
	Name             string // the Name tag
	Volume           *Volume
}

// Volume is an extra EBS volume, deleted with the instance.
type Volume struct {
	SizeGiB   int
	Type      string // default gp3
	Device    string // default /dev/sdf
	Encrypted bool
	KMSKey    string // default: the account's EBS key
}

// Values are the CreateStack parameters.
func (p Params) Values() map[string]string {
	v := map[string]string{
		"ImageId": p.ImageID, "InstanceType": p.InstanceType, "SubnetId": p.SubnetID,
		"SecurityGroupIds": strings.Join(p.SecurityGroupIDs, ","), "KeyName": p.KeyName,
		"InstanceProfile": p.InstanceProfile, "InstanceName": p.Name, "VolumeSize": "0",
	}
	if vol := p.Volume; vol != nil && vol.SizeGiB > 0 {
		v["VolumeSize"], v["VolumeEncrypted"] = strconv.Itoa(vol.SizeGiB), strconv.FormatBool(vol.Encrypted)
		if vol.Type != "" {
			v["VolumeType"] = vol.Type
		}
		if vol.Device != "" {
			v["VolumeDevice"] = vol.Device
		}
		if vol.KMSKey != "" {
			v["VolumeKmsKeyId"] = vol.KMSKey
		}
	}
	return v
}
