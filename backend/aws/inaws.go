package aws

import (
	"errors"
	"regexp"
	"slices"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"

	"cloudcontrol/backend/cloud"
)

// The adapters for running in AWS itself - SSM Run Command, documents and
// Automation, EventBridge Scheduler, IAM roles and EC2 tags - each safe for
// concurrent use and every call bounded by CallTimeout.

// inAWS are the session's in-AWS adapters.
type inAWS struct {
	commands  *Commands
	documents *Documents
	schedules *Schedules
	roles     *Roles
}

func newInAWS(s *Session) inAWS {
	ssmClients := newRegional(func(region string) *ssm.Client {
		return ssm.NewFromConfig(s.cfg, func(o *ssm.Options) {
			o.Region = region
			if s.endpoint != "" {
				o.BaseEndpoint = sdkaws.String(s.endpoint)
			}
		})
	})
	return inAWS{
		commands:  &Commands{s: s, clients: ssmClients},
		documents: &Documents{s: s, clients: ssmClients},
		schedules: &Schedules{s: s, clients: newRegional(func(region string) *scheduler.Client {
			return scheduler.NewFromConfig(s.cfg, func(o *scheduler.Options) {
				o.Region = region
				if s.endpoint != "" {
					o.BaseEndpoint = sdkaws.String(s.endpoint)
				}
			})
		})},
		roles: &Roles{s: s, client: iam.NewFromConfig(s.cfg, func(o *iam.Options) {
			o.Region = "us-east-1" // IAM is global, signed for us-east-1 in the aws partition
			if s.endpoint != "" {
				o.BaseEndpoint = sdkaws.String(s.endpoint)
			}
		})},
	}
}

// Commands returns the SSM Run Command side of the session.
func (s *Session) Commands() cloud.Commands { return s.inAWS.commands }

// Documents returns the SSM documents and Automation side of the session.
func (s *Session) Documents() cloud.Documents { return s.inAWS.documents }

// Schedules returns the EventBridge Scheduler side of the session.
func (s *Session) Schedules() cloud.Schedules { return s.inAWS.schedules }

// Roles returns the IAM roles side of the session.
func (s *Session) Roles() cloud.Roles { return s.inAWS.roles }

// Tagger returns the EC2 tags side of the session.
func (s *Session) Tagger() cloud.Tagger { return Tagger{s.fleet} }

// deniedCodes are the codes of a missing permission, service by service.
var deniedCodes = []string{"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}

// moreExists and moreInvalid are the in-AWS services' codes that
// errors.go's lists do not hold.
var (
	moreExists  = []string{"DocumentAlreadyExists", "DuplicateDocumentContent", "EntityAlreadyExists", "ConflictException", "DuplicateDocumentVersionName"}
	moreInvalid = []string{"InvalidDocumentContent", "InvalidDocumentSchemaVersion", "MaxDocumentSizeExceeded", "MalformedPolicyDocument",
		"InvalidParameters", "InvalidAutomationExecutionParametersException", "InvalidDocumentOperation", "LimitExceeded",
		"InvalidInput", "InvalidTarget", "IdempotentParameterMismatch"}
)

// callError is apiError for the in-AWS services: a missing permission is
// also a *cloud.AccessDeniedError naming the IAM action (iamPrefix:action),
// throttling that outlasted the retries a *cloud.ThrottledError naming it
// (and cloud.ErrThrottled), the codes in notFoundCodes a *cloud.NotFoundError
// of kind naming ids.
func (s *Session) callError(region, iamPrefix, action string, err error, kind string, ids []string, notFoundCodes ...string) error {
	e := s.apiError(region, action, err)
	var api smithy.APIError
	var ours *Error
	if !errors.As(err, &api) || !errors.As(e, &ours) {
		return e
	}
	code := api.ErrorCode()
	switch {
	case slices.Contains(deniedCodes, code):
		ours.errs = append(ours.errs, &cloud.AccessDeniedError{Action: iamPrefix + ":" + action, Message: api.ErrorMessage()})
		ours.text += "; it needs the IAM permission " + iamPrefix + ":" + action
	case slices.Contains(throttleCodes, code):
		// What the SDK's own retries did not get through: said as a pace
		// problem, naming the call, not as AWS's bare code.
		throttled := &cloud.ThrottledError{Action: iamPrefix + ":" + action, Message: api.ErrorMessage() + " (" + code + ")"}
		ours.errs = append(ours.errs, throttled)
		ours.text = region + ": " + throttled.Error()
	case slices.Contains(notFoundCodes, code):
		return notFound(e, kind, ids)
	case slices.Contains(moreExists, code):
		ours.errs = append(ours.errs, cloud.ErrExists)
	case slices.Contains(moreInvalid, code):
		ours.errs = append(ours.errs, cloud.ErrInvalid)
	}
	return e
}

// unreachableIDs reads the instances SSM named in an InvalidInstanceId
// ("Instances [[i-1, i-2]] not in a valid state ...").
var unreachableIDs = regexp.MustCompile(`\bi-[0-9a-f]{8,17}\b`)
