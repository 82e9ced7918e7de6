// Package env reads environment files: the model, YAML with positions,
// validation, the JSON Schema and (later) the folder watcher.
//
// Parse and LoadFile read one file and report every problem in it as
// FILE:LINE:COL; LoadDirs reads flat folders of *.yaml/*.yml files.
//
// environments/schema.json is generated from this model by Schema. After
// changing the model, regenerate it from the repository root with
//
//	go generate ./backend/env
//
// (which runs go run ./backend/env/internal/genschema); a test fails while
// the committed file is stale.
package env

import (
	"cloudcontrol/backend/yamlpos"
	"time"
)

// Version is the environment file format this package reads.
const Version = 1

// Environment is one environment file, validated and with defaults applied.
type Environment struct {
	// Version is the file format; the only one is 1, also when the file omits it.
	Version int `json:"version,omitempty" jsonschema:"enum=1,description=File format version; only 1 exists"`
	// Name defaults to the file name without its extension.
	Name        string `json:"name,omitempty" jsonschema:"description=Environment name; default: the file name without its extension"`
	Description string `json:"description,omitempty"`
	// Profile is the AWS profile; empty means the active profile.
	Profile string `json:"profile,omitempty" jsonschema:"description=AWS profile; default: the active profile"`
	// Region is the AWS region; empty means the profile's region.
	Region string `json:"region,omitempty" jsonschema:"description=AWS region; default: the profile's region"`
	// Account pins the AWS account id the credentials must belong to.
	Account string `json:"account,omitempty" jsonschema:"description=AWS account id (12 digits) the credentials must belong to,pattern=^[0-9]{12}$"`
	// Select is a tag filter ANDed into every selector of every stage.
	Select map[string]string `json:"select,omitempty" jsonschema:"description=Tag filter ANDed into every selector of every stage"`
	Stages []Stage           `json:"stages" jsonschema:"minItems=1"`
	Stop   StopSpec          `json:"stop,omitzero"`
	// Schedule is when `env deploy` has AWS start and stop the environment;
	// nil when the file has no schedule: section.
	Schedule *Schedule `json:"schedule,omitempty"`
	// Launch says where new instances go and which templates launch them;
	// nil when the file has no launch: section.
	Launch *Launch `json:"launch,omitempty"`

	// File is the path the environment was read from.
	File string `json:"-"`
	// Pos is where the document starts; NamePos where the name was set (or Pos).
	Pos     Pos `json:"-"`
	NamePos Pos `json:"-"`
}

// Stage is a set of instances started together and gated together.
type Stage struct {
	Name string `json:"name" jsonschema:"minLength=1"`
	// After lists the stages this one starts after. After parsing it is always
	// resolved: absent in the file means the stage listed before.
	After     []string   `json:"after,omitempty" jsonschema:"uniqueItems=true,description=Stages this one starts after; default: the stage listed before; [] means none"`
	Instances []Selector `json:"instances" jsonschema:"minItems=1,description=The union of these selectors"`
	Ready     Ready      `json:"ready,omitzero"`
	// Timeout runs from the stage's start until it is ready.
	Timeout Duration `json:"timeout,omitzero" jsonschema:"description=From the stage's start until ready; default 15m"`

	Pos Pos `json:"-"`
}

// Selector picks instances: by id, by Name tag, or by tags (exactly one).
type Selector struct {
	// ID is serialised as "id" so JSON consumers (CLI --json, the window)
	// keep it; in the file an id selector is a bare string (see Schema).
	ID   string            `json:"id,omitempty"`
	Name string            `json:"name,omitempty"`
	Tags map[string]string `json:"tags,omitempty"`

	Pos Pos `json:"-"`
}

// Ready are the gates of a stage, checked in this order once EC2 says running.
type Ready struct {
	StatusChecks bool     `json:"status-checks,omitempty" jsonschema:"description=Instance and system status checks ok"`
	TCP          []int    `json:"tcp,omitempty" jsonschema:"description=Ports that must accept connections on each instance's private IP"`
	HTTP         []string `json:"http,omitempty" jsonschema:"description=URLs that must answer 2xx; {{.PrivateIP}} {{.PublicIP}} {{.ID}} {{.Name}} are replaced"`
	Delay        Duration `json:"delay,omitzero" jsonschema:"description=Settle time after the other gates"`
	// Command is a shell script (its lines) run on each instance through
	// SSM Run Command (AWS-RunShellScript) after the other gates; it passes
	// when it exits 0 on every instance.
	Command []string `json:"command,omitempty" jsonschema:"description=Shell command (or its lines) run on each instance with SSM Run Command (AWS-RunShellScript) after the other gates; exit 0 on every instance passes; retried until the stage's timeout"`
	// SSMGrace is how long after an instance runs it may take to register
	// with SSM before the command gate fails; set only with Command.
	SSMGrace Duration `json:"ssm-grace,omitzero" jsonschema:"description=With command: how long an instance may take to register with SSM after it runs before the gate fails; default 3m"`
	// SSMGracePos is where the file sets ssm-grace (zero when it does not).
	SSMGracePos Pos `json:"-"`
}

// StopSpec says how the environment stops.
type StopSpec struct {
	// Order lists stage names, first stopped first; after parsing it is always
	// resolved (reverse of the start order when the file says reverse or nothing).
	Order []string `json:"order,omitempty"`
	// Reverse is true when the file says reverse (or nothing): stages then
	// stop in the reverse of the start graph, independent branches in parallel.
	// An explicit list is a strict sequence.
	Reverse bool     `json:"-"`
	Timeout Duration `json:"timeout,omitzero" jsonschema:"description=Per stop stage; default 10m"`

	Pos Pos `json:"-"`
}

// Defaults applied when the file is silent.
const (
	DefaultStageTimeout = 15 * time.Minute
	DefaultStopTimeout  = 10 * time.Minute
	// DefaultSSMGrace leaves the SSM agent the minute or two it needs after boot.
	DefaultSSMGrace = 3 * time.Minute
)

// Duration is a time.Duration written as a Go duration string ("30s", "15m").
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) String() string { return time.Duration(d).String() }

// Pos is a place in a file, 1-based.
type Pos = yamlpos.Pos

// Problem is one thing wrong with a file, at a place in it.
type Problem = yamlpos.Problem
