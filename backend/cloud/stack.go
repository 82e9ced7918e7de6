package cloud

import (
	"context"
	"strings"
	"time"
)

// CloudFormation stack statuses the core acts on, as CloudFormation spells
// them. Every status ending in _IN_PROGRESS is still changing.
const (
	StackCreateInProgress = "CREATE_IN_PROGRESS"
	StackCreateComplete   = "CREATE_COMPLETE"
	StackCreateFailed     = "CREATE_FAILED"
	StackRollbackComplete = "ROLLBACK_COMPLETE"
	StackRollbackFailed   = "ROLLBACK_FAILED"
	StackDeleteInProgress = "DELETE_IN_PROGRESS"
	StackDeleteComplete   = "DELETE_COMPLETE"
	StackDeleteFailed     = "DELETE_FAILED"
)

// StackSettled reports whether a stack or resource status has stopped
// changing (it is not *_IN_PROGRESS).
func StackSettled(status string) bool { return !strings.HasSuffix(status, "_IN_PROGRESS") }

// Stack is one CloudFormation stack.
type Stack struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Status       string            `json:"status"`
	StatusReason string            `json:"statusReason,omitempty"`
	Description  string            `json:"description,omitempty"`
	Created      time.Time         `json:"created"`
	Deleted      time.Time         `json:"deleted,omitzero"`
	Parameters   map[string]string `json:"parameters,omitempty"` // NoEcho values read ****
	Outputs      map[string]string `json:"outputs,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`
}

// StackEvent is one entry of a stack's event log.
type StackEvent struct {
	ID           string    `json:"id"`
	StackID      string    `json:"stackId"`
	StackName    string    `json:"stackName"`
	LogicalID    string    `json:"logicalId"` // the stack's own events carry the stack name
	PhysicalID   string    `json:"physicalId,omitempty"`
	ResourceType string    `json:"resourceType"` // AWS::CloudFormation::Stack for the stack itself
	Status       string    `json:"status"`
	Reason       string    `json:"reason,omitempty"`
	ClientToken  string    `json:"clientToken,omitempty"` // of the operation that caused it
	Time         time.Time `json:"time"`
}

// StackResource is one resource of a stack.
type StackResource struct {
	LogicalID  string    `json:"logicalId"`
	PhysicalID string    `json:"physicalId,omitempty"`
	Type       string    `json:"type"`
	Status     string    `json:"status"`
	Reason     string    `json:"reason,omitempty"`
	Updated    time.Time `json:"updated"`
}

// What CloudFormation does when a stack fails to create.
const (
	OnFailureRollback  = "ROLLBACK" // the default
	OnFailureDelete    = "DELETE"
	OnFailureDoNothing = "DO_NOTHING"
)

// StackInput is a CreateStack request.
type StackInput struct {
	Name         string
	TemplateBody string
	Parameters   map[string]string
	Tags         map[string]string
	// ClientToken makes a retried CreateStack return the stack the first
	// attempt made instead of failing with "already exists".
	ClientToken  string
	Capabilities []string
	OnFailure    string        // empty: OnFailureRollback
	Timeout      time.Duration // rounded up to whole minutes; 0: none
}

// TemplateParameter is one parameter a template declares.
type TemplateParameter struct {
	Key         string `json:"key"`
	Default     string `json:"default,omitempty"`
	Description string `json:"description,omitempty"`
	NoEcho      bool   `json:"noEcho,omitempty"`
}

// TemplateSummary is what ValidateTemplate says of a template.
type TemplateSummary struct {
	Description  string              `json:"description,omitempty"`
	Parameters   []TemplateParameter `json:"parameters"`
	Capabilities []string            `json:"capabilities,omitempty"`
}

// Stacks is CloudFormation, one region per call. A stack is named by its
// name or its id (ARN); by id, a deleted stack is still found. A stack that
// does not exist is a *NotFoundError of kind "stack".
type Stacks interface {
	// CreateStack starts creating a stack and returns its id.
	CreateStack(ctx context.Context, region string, in StackInput) (string, error)
	Stack(ctx context.Context, region, nameOrID string) (Stack, error)
	// Stacks lists the region's stacks that are not deleted.
	Stacks(ctx context.Context, region string) ([]Stack, error)
	// StackEvents returns the events after the one with id afterID (all of
	// them when afterID is ""), oldest first. It reads pages, newest first,
	// only until it reaches afterID: one call when fewer than a page of
	// events came since.
	StackEvents(ctx context.Context, region, nameOrID, afterID string) ([]StackEvent, error)
	StackResources(ctx context.Context, region, nameOrID string) ([]StackResource, error)
	// DeleteStack starts deleting a stack; a stack that does not exist is
	// not an error (as in CloudFormation).
	DeleteStack(ctx context.Context, region, nameOrID, clientToken string) error
	ValidateTemplate(ctx context.Context, region, body string) (TemplateSummary, error)
}
