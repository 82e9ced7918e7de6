package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/env"
)

// connectOverride, when set (by this package's tests only), replaces
// aws.Connect: the commands that run in AWS are tested against in-memory
// SSM, Scheduler and IAM until the sandbox has them.
var connectOverride control.Connector

// connector is how the command line's control service opens sessions.
func (g *globals) connector(ao aws.Options) control.Connector {
	if connectOverride != nil {
		return connectOverride
	}
	return func(ctx context.Context, profile, region string) (control.Session, error) {
		return aws.Connect(ctx, ao, profile, region)
	}
}

// environment is the named environment and the service to act on it; a
// file that cannot be read fails the command (exit 1).
func (g *globals) environment(name string) (*control.Service, *env.Environment, error) {
	svc := g.service("cli")
	e, err := svc.Environment(name)
	if err != nil {
		return nil, nil, fail(ExitFailed, safeError(err))
	}
	return svc, e, nil
}

// printInAWS says who has the environment and what of it is deployed.
func printInAWS(w io.Writer, st *control.Status, now time.Time, loc *time.Location) {
	if who := st.Text(now, loc); who != "" {
		fmt.Fprintln(w, termSafe(capitalFirst(who)))
	}
	switch {
	case st.DeployedError != "":
		fmt.Fprintln(w, "Deployed in AWS: not known ("+termSafe(st.DeployedError)+")")
	case st.Deployed != nil:
		fmt.Fprintln(w, "Deployed in AWS: "+termSafe(deployedText(st.Deployed, now)))
	}
}

// deployedText sums up a deployment: "runbooks v2 and v1; next start Tue
// 3 Mar 08:00 CET, next stop 19:00 CET; lease at 19:30 UTC".
func deployedText(d *control.Deployment, now time.Time) string {
	if !d.Deployed && len(d.Schedules) == 0 {
		return "nothing (env deploy " + d.Env + " puts its runbooks there)"
	}
	var docs []string
	for _, doc := range d.Documents {
		s := doc.Kind + " runbook v" + doc.Version
		if doc.ChangedInAWS {
			s += " (changed in AWS)"
		}
		docs = append(docs, s)
	}
	parts := []string{strings.Join(docs, ", ")}
	if len(docs) == 0 {
		parts = []string{"no runbooks"}
	}
	for _, sc := range d.Schedules {
		when := "runs no more"
		if sc.Next != nil {
			when = "next " + whenText(*sc.Next, now)
		}
		parts = append(parts, fmt.Sprintf("%s %s (%s)", sc.Name, when, sc.Expression))
	}
	return strings.Join(parts, "; ")
}

// whenText is a time in its own zone, with the day when not today.
func whenText(t, now time.Time) string {
	if y, m, d := t.Date(); y == now.In(t.Location()).Year() && m == now.In(t.Location()).Month() && d == now.In(t.Location()).Day() {
		return t.Format("15:04 MST")
	}
	return t.Format("Mon 2 Jan 15:04 MST")
}
