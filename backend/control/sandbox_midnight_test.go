package control

import (
	"context"
	"fmt"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"cloudcontrol/backend/cloud"
)

// The smoke's in-AWS part at the times of day it once failed at (just
// after midnight UTC) and across a day boundary (the one-time start falls
// on the next day): an instance leased alone and terminated with its lease
// tags still on it, a deploy with an at() start, a second deploy that
// changes nothing, the start runbook run by the sandbox's scheduler, a
// lease the sandbox ends, and --remove leaving nothing deployed.
func TestDeployLeaseRemoveAroundMidnight(t *testing.T) {
	for _, at := range []string{"23:50:00", "23:59:59", "00:00:00", "00:05:00", "00:16:00"} {
		t.Run(at, func(t *testing.T) {
			r := newSandboxRig(t, map[string]string{"shop": sandboxShop})
			ctx := context.Background()
			hms, _ := time.Parse("15:04:05", at)
			day := t0.Truncate(24 * time.Hour)
			when := day.Add(time.Duration(hms.Hour())*time.Hour + time.Duration(hms.Minute())*time.Minute + time.Duration(hms.Second())*time.Second)
			if !when.After(r.clock.Now()) {
				when = when.Add(24 * time.Hour)
			}
			r.advance(when.Sub(r.clock.Now()))

			// shop-api-1 leased alone (as a launch's ttl is), extended, then
			// terminated behind Cloud Control's back with its lease tags on.
			if _, err := r.start("shop", 0); err != nil {
				t.Fatal(err)
			}
			if _, err := r.svc.Lease(ctx, r.env("shop"), LeaseRequest{For: 8 * time.Hour, Instances: []string{"shop-api-1"}}, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := r.svc.Lease(ctx, r.env("shop"), LeaseRequest{Extend: time.Hour, Instances: []string{"shop-api-1"}}, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := ec2.NewFromConfig(r.cfg).TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{api1ID}}); err != nil {
				t.Fatal(err)
			}
			if err := r.stop("shop"); err != nil {
				t.Fatal(err)
			}
			// The stop ends the lease; a terminated instance still listed
			// with lease tags (as AWS lists one for an hour) is put back.
			until := r.clock.Now().UTC().Add(9 * time.Hour).Format(time.RFC3339)
			if _, err := ec2.NewFromConfig(r.cfg).CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{api1ID},
				Tags: []ec2types.Tag{{Key: sdkaws.String(cloud.TagLeaseUntil), Value: sdkaws.String(until)},
					{Key: sdkaws.String(cloud.TagLeaseBy), Value: sdkaws.String(sandboxCaller)}}}); err != nil {
				t.Fatal(err)
			}
			if in := r.instance(api1ID); in.Tags[cloud.TagLeaseUntil] != until || (in.State != cloud.Terminated && in.State != "shutting-down") {
				t.Fatalf("the terminated instance: %s %v", in.State, in.Tags)
			}

			startAt := fmt.Sprintf("at(%s)", r.clock.Now().UTC().Add(30*time.Minute).Format("2006-01-02T15:04:00"))
			res, err := r.deploy(DeployOptions{CreateRoles: true, StartAt: startAt, Timezone: "UTC"}, nil)
			if err != nil || len(res.Applied) != 8 {
				t.Fatalf("deploy at %s: %v %+v", r.clock.Now(), err, res)
			}
			res, err = r.deploy(DeployOptions{StartAt: startAt, Timezone: "UTC"}, nil)
			if err != nil || res.Plan.Changes != 0 {
				t.Fatalf("second deploy at %s: %v %+v", r.clock.Now(), err, res.Plan)
			}
			st, err := r.svc.StatusWithDeployment(ctx, r.env("shop"))
			if err != nil || st.Deployed == nil || st.Deployed.NextStart == nil {
				t.Fatalf("status after deploy: %+v %v", st, err)
			}

			r.advance(31 * time.Minute)
			if st, err := r.svc.StatusEnv(ctx, r.env("shop")); err != nil || st.State != "running" {
				t.Fatalf("after the start's time: %+v %v", st, err)
			}
			lr, err := r.svc.Lease(ctx, r.env("shop"), LeaseRequest{For: time.Hour}, nil)
			if err != nil || lr.KeptBy != KeptByAWS {
				t.Fatalf("lease: %+v %v", lr, err)
			}
			r.advance(61 * time.Minute)
			st, err = r.svc.StatusWithDeployment(ctx, r.env("shop"))
			if err != nil || st.State != "stopped" || st.Deployed == nil || st.Deployed.Lease != nil {
				t.Fatalf("after the lease's end: %+v %v", st, err)
			}

			res, err = r.deploy(DeployOptions{Remove: true}, nil)
			if err != nil || res.Outcome != "done" {
				t.Fatalf("remove: %v %+v", err, res)
			}
			st, err = r.svc.StatusWithDeployment(ctx, r.env("shop"))
			if err != nil || st.DeployedError != "" || st.Deployed == nil || st.Deployed.Deployed || len(st.Deployed.Schedules) != 0 {
				t.Fatalf("after --remove at %s: %+v %v (%s)", r.clock.Now(), st.Deployed, err, st.DeployedError)
			}
		})
	}
}
