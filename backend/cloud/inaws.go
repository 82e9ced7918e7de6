package cloud

import (
	"context"
	"fmt"
	"time"
)

// What the core needs from AWS to run in AWS itself: SSM Run Command for the
// command gate, SSM documents and Automation for runbooks, EventBridge
// Scheduler for schedules and leases, IAM for the roles they assume, and
// EC2 tags for who started what and until when. backend/aws implements
// each over aws-sdk-go-v2 (an aws.Session offers them as Commands(),
// Documents(), Schedules(), Roles(), Tagger()); backend/cloud/cloudtest and
// the sandbox stand in for AWS in tests. Every method is one bounded call
// (paginated inside where AWS pages). Their errors wrap ErrNotFound (what
// is named does not exist: a *NotFoundError saying what), ErrExists,
// ErrInvalid or ErrThrottled; a missing permission is an *AccessDeniedError
// naming the IAM action.

// AccessDeniedError says which permission a refused call needed, so the
// person can ask for exactly that.
type AccessDeniedError struct {
	Action  string // the IAM action, e.g. "ssm:SendCommand"
	Message string // AWS's own words
}

func (e *AccessDeniedError) Error() string {
	return fmt.Sprintf("AWS refused %s: the credentials lack that permission (%s)", e.Action, e.Message)
}

// ThrottledError says that AWS kept throttling a call after the SDK's own
// retries, and which one, so the person knows it is a pace problem rather
// than a permission one and that trying again later will do.
type ThrottledError struct {
	Action  string // the IAM action, e.g. "scheduler:CreateSchedule"
	Message string // AWS's own words
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("AWS throttled %s even after retrying: too many calls at once; try again in a minute (%s)", e.Action, e.Message)
}

// Tagger writes and removes EC2 tags (CreateTags, DeleteTags).
type Tagger interface {
	Tag(ctx context.Context, region string, ids []string, tags map[string]string) error
	Untag(ctx context.Context, region string, ids []string, keys []string) error
}

// SSM Run Command invocation statuses, as SSM spells them.
const (
	CommandPending       = "Pending"
	CommandInProgress    = "InProgress"
	CommandDelayed       = "Delayed"
	CommandSuccess       = "Success"
	CommandFailed        = "Failed"
	CommandTimedOut      = "TimedOut"
	CommandCancelled     = "Cancelled"
	CommandUndeliverable = "Undeliverable"
	CommandTerminated    = "Terminated"
)

// CommandResult is one instance's invocation of a command.
type CommandResult struct {
	Instance string `json:"instance"`
	Status   string `json:"status"`
	// ExitCode is the script's exit status; -1 while it runs or when none.
	ExitCode int `json:"exitCode"`
	// Output is what it printed: stdout, then stderr after SSM's
	// "----------ERROR-------" line, as ListCommandInvocations keeps it (its
	// first 2,500 characters).
	Output string `json:"output,omitempty"`
	// Detail is SSM's StatusDetails, which tells the ways a command did
	// not run apart: DeliveryTimedOut (the agent never picked it up),
	// ExecutionTimedOut, Undeliverable, ...
	Detail string `json:"detail,omitempty"`
}

// Done reports whether the invocation has ended, one way or another.
func (r CommandResult) Done() bool {
	switch r.Status {
	case CommandPending, CommandInProgress, CommandDelayed, "":
		return false
	}
	return true
}

// ManagedInstance is an instance as SSM's inventory knows it
// (DescribeInstanceInformation).
type ManagedInstance struct {
	ID         string    `json:"id"`
	PingStatus string    `json:"pingStatus"` // Online, ConnectionLost, Inactive
	LastPing   time.Time `json:"lastPing,omitzero"`
	Platform   string    `json:"platform,omitempty"`
}

// Commands runs shell commands on instances through SSM Run Command.
type Commands interface {
	// SendShell runs lines with the AWS-RunShellScript document on the
	// instances and returns the command id. timeout bounds the script on
	// each instance (executionTimeout). Instances SSM cannot reach (not
	// managed, or not online) refuse the whole call: a *NotFoundError of
	// kind "SSM managed instance" naming them.
	SendShell(ctx context.Context, region string, ids []string, lines []string, timeout time.Duration) (string, error)
	// Results returns the command's invocation on each instance it was sent
	// to (ListCommandInvocations with details: one call per poll).
	Results(ctx context.Context, region, commandID string) ([]CommandResult, error)
	// Managed returns the instances among ids that SSM knows, by id.
	Managed(ctx context.Context, region string, ids []string) (map[string]ManagedInstance, error)
}

// Document is an SSM document (only Automation documents are written).
type Document struct {
	Name    string `json:"name"`
	Content string `json:"content"` // YAML
	// Version is the version Content is (the default one when read).
	Version        string `json:"version,omitempty"`
	DefaultVersion string `json:"defaultVersion,omitempty"`
	LatestVersion  string `json:"latestVersion,omitempty"`
	Hash           string `json:"hash,omitempty"` // SHA-256 of Content, as SSM reports it
	// Tags are set by CreateDocument and read back by GetDocument (from
	// DescribeDocument): they say who created the document, so env deploy
	// --remove deletes only its own.
	Tags map[string]string `json:"tags,omitempty"`
}

// Automation execution and step statuses, as SSM spells them.
const (
	AutomationPending    = "Pending"
	AutomationInProgress = "InProgress"
	AutomationWaiting    = "Waiting"
	AutomationSuccess    = "Success"
	AutomationTimedOut   = "TimedOut"
	AutomationCancelling = "Cancelling"
	AutomationCancelled  = "Cancelled"
	AutomationFailed     = "Failed"
)

// AutomationRun is one execution of an Automation document.
type AutomationRun struct {
	ID       string           `json:"id"`
	Document string           `json:"document"`
	Status   string           `json:"status"`
	Failure  string           `json:"failure,omitempty"`
	Started  time.Time        `json:"started,omitzero"`
	Ended    time.Time        `json:"ended,omitzero"`
	Steps    []AutomationStep `json:"steps,omitempty"`
	// Outputs are the document's outputs (step.Output), as lists of text.
	Outputs map[string][]string `json:"outputs,omitempty"`
	// ExecutedBy is the ARN it ran as (the assumed role, when it has one).
	ExecutedBy string `json:"executedBy,omitempty"`
}

// AutomationStep is one step of an execution (DescribeAutomationStepExecutions).
type AutomationStep struct {
	Name    string              `json:"name"`
	Action  string              `json:"action"`
	Status  string              `json:"status"`
	Failure string              `json:"failure,omitempty"`
	Started time.Time           `json:"started,omitzero"`
	Ended   time.Time           `json:"ended,omitzero"`
	Outputs map[string][]string `json:"outputs,omitempty"`
}

// Documents keeps SSM Automation documents and runs them.
type Documents interface {
	// GetDocument returns the document's default version (ErrNotFound when
	// there is none by that name).
	GetDocument(ctx context.Context, region, name string) (*Document, error)
	// CreateDocument creates an Automation document (YAML) with its tags.
	CreateDocument(ctx context.Context, region string, d Document) (*Document, error)
	// UpdateDocument adds a new version and returns it (not yet the default).
	// Content equal to a version the document has is refused by SSM
	// (DuplicateDocumentContent): an error wrapping ErrExists.
	UpdateDocument(ctx context.Context, region, name, content string) (*Document, error)
	SetDefaultVersion(ctx context.Context, region, name, version string) error
	DeleteDocument(ctx context.Context, region, name string) error
	// StartAutomation starts an execution and returns its id.
	StartAutomation(ctx context.Context, region, name string, params map[string][]string) (string, error)
	// Automation returns an execution with its steps.
	Automation(ctx context.Context, region, id string) (*AutomationRun, error)
}

// Schedule is one EventBridge Scheduler schedule whose target is the
// universal target for ssm:startAutomationExecution. Its flexible time
// window is always OFF (it runs at the minute it says); the adapter sends
// that on every create and update.
type Schedule struct {
	Group      string `json:"group"`
	Name       string `json:"name"`
	Expression string `json:"expression"` // cron(...), rate(...), at(...)
	Timezone   string `json:"timezone"`   // IANA
	State      string `json:"state"`      // ENABLED or DISABLED
	// Description is free text (Cloud Control says what it does and for whom).
	Description string `json:"description,omitempty"`
	TargetARN   string `json:"targetArn"`
	RoleARN     string `json:"roleArn"`
	Input       string `json:"input"` // the target's JSON input
	// DeleteAfter: the schedule deletes itself once it has run (ActionAfterCompletion DELETE).
	DeleteAfter bool `json:"deleteAfter,omitempty"`
}

// Schedules keeps EventBridge Scheduler schedule groups and schedules.
type Schedules interface {
	// GroupExists reports whether the schedule group is there.
	GroupExists(ctx context.Context, region, group string) (bool, error)
	CreateGroup(ctx context.Context, region, group string, tags map[string]string) error
	// GroupTags returns the group's tags (ListTagsForResource; ErrNotFound
	// when there is no such group): env deploy --remove deletes a group
	// only when its tags say Cloud Control created it.
	GroupTags(ctx context.Context, region, group string) (map[string]string, error)
	DeleteGroup(ctx context.Context, region, group string) error
	// GetSchedule returns the schedule (ErrNotFound when it is not there).
	GetSchedule(ctx context.Context, region, group, name string) (*Schedule, error)
	CreateSchedule(ctx context.Context, region string, s Schedule) error
	UpdateSchedule(ctx context.Context, region string, s Schedule) error
	DeleteSchedule(ctx context.Context, region, group, name string) error
	// ListSchedules returns the group's schedules in full (a GetSchedule
	// for each one ListSchedules names), by name.
	ListSchedules(ctx context.Context, region, group string) ([]Schedule, error)
}

// Role is an IAM role with its inline policies.
type Role struct {
	Name        string            `json:"name"`
	ARN         string            `json:"arn"`
	TrustPolicy string            `json:"trustPolicy"`
	Policies    map[string]string `json:"policies,omitempty"` // inline policy name -> document
	Tags        map[string]string `json:"tags,omitempty"`
}

// Roles keeps IAM roles (IAM is global: no region).
type Roles interface {
	// GetRole returns the role and its inline policies (ErrNotFound when absent).
	GetRole(ctx context.Context, name string) (*Role, error)
	// CreateRole creates the role with its tags and then puts r.Policies;
	// should one be refused, what it created is deleted again and the
	// refusal returned.
	CreateRole(ctx context.Context, r Role) (*Role, error)
	PutRolePolicy(ctx context.Context, role, name, document string) error
	DeleteRolePolicy(ctx context.Context, role, name string) error
	// DeleteRole deletes the role's inline policies, then the role (IAM
	// refuses to delete a role that has any).
	DeleteRole(ctx context.Context, name string) error
}
