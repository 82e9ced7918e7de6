package control

import (
	"errors"
	"fmt"

	"cloudcontrol/backend/cloud"
)

// What a session offers beyond EC2 to run things in AWS itself (an
// aws.Session offers all of them; a session that does not is told apart
// with a type assertion, as cost.go does for prices).
type (
	commandsSession  interface{ Commands() cloud.Commands }
	documentsSession interface{ Documents() cloud.Documents }
	schedulesSession interface{ Schedules() cloud.Schedules }
	rolesSession     interface{ Roles() cloud.Roles }
	taggerSession    interface{ Tagger() cloud.Tagger }
)

// commandsOf is the session's SSM Run Command, nil when it has none.
func commandsOf(sess Session) cloud.Commands {
	if c, ok := sess.(commandsSession); ok {
		return c.Commands()
	}
	return nil
}

// taggerOf is the session's EC2 tagging, nil when it has none.
func taggerOf(sess Session) cloud.Tagger {
	if t, ok := sess.(taggerSession); ok {
		return t.Tagger()
	}
	return nil
}

// inAWS are the services a deploy, its status and a lease's schedule use.
type inAWS struct {
	docs  cloud.Documents
	sched cloud.Schedules
	roles cloud.Roles
}

// inAWSOf gathers them, or says which one this connection lacks.
func inAWSOf(sess Session) (inAWS, error) {
	var a inAWS
	d, ok1 := sess.(documentsSession)
	sc, ok2 := sess.(schedulesSession)
	r, ok3 := sess.(rolesSession)
	if !ok1 || !ok2 || !ok3 {
		return a, errors.New("this connection to AWS offers no SSM documents, EventBridge Scheduler or IAM, which running in AWS needs")
	}
	return inAWS{docs: d.Documents(), sched: sc.Schedules(), roles: r.Roles()}, nil
}

// Cloud Control's marks on what it creates in AWS, so that it only ever
// removes its own (tags on documents, the schedule group and roles).
const (
	tagCreatedBy = "cloudcontrol:created-by" // who deployed it first (an ARN)
	tagDeployed  = "cloudcontrol:deployed"   // "env deploy", on everything a deploy created
)

// ownTags are the tags of what a deploy of env creates.
func ownTags(env, by string) map[string]string {
	return map[string]string{cloud.TagEnv: env, tagDeployed: "env deploy", tagCreatedBy: by}
}

// ours reports whether tags say a deploy of env created it.
func ours(tags map[string]string, env string) bool {
	return tags[cloud.TagEnv] == env && tags[tagDeployed] != ""
}

// isNotFound reports whether AWS said the thing does not exist.
func isNotFound(err error) bool { return errors.Is(err, cloud.ErrNotFound) }

// awsErr words an AWS failure for the person: what was being done, and
// AWS's answer (an AccessDeniedError names the permission, a
// ThrottledError the call).
func awsErr(doing string, err error) error { return fmt.Errorf("%s: %w", doing, err) }
