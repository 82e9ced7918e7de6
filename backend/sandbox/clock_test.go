package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cloudcontrol/internal/testwait"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/jonboulle/clockwork"
)

// The shifted clock on a fake base: an advance fires what falls due at
// once and moves the rest, a stopped timer never fires, a reset one fires
// at its new time.
func TestShiftedClockAdvancesItsTimers(t *testing.T) {
	base := clockwork.NewFakeClockAt(epoch)
	c := newShiftedClock(base)
	var soon, later, stopped atomic.Int32
	c.AfterFunc(10*time.Minute, func() { soon.Add(1) })
	c.AfterFunc(time.Hour, func() { later.Add(1) })
	st := c.AfterFunc(20*time.Minute, func() { stopped.Add(1) })
	ch := c.After(45 * time.Minute)
	if !st.Stop() {
		t.Fatal("Stop of an armed timer said it was not armed")
	}
	if err := c.Advance(30 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if !c.Now().Equal(epoch.Add(30*time.Minute)) || !base.Now().Equal(epoch) {
		t.Fatalf("now %s on a base at %s", c.Now(), base.Now())
	}
	testwait.Until(t, 3*time.Second, "the timer due by the advance", func() bool { return soon.Load() == 1 })
	if later.Load() != 0 {
		t.Fatal("a timer an hour away fired after 30 minutes")
	}
	// The base moves the rest of the way: the hour's timer fires at its
	// time on the moved clock (30 minutes of base time later), not an hour.
	base.Advance(14 * time.Minute)
	select {
	case <-ch:
		t.Fatal("After(45m) fired at 44m")
	default:
	}
	base.Advance(time.Minute)
	if got := <-ch; !got.Equal(epoch.Add(45 * time.Minute)) {
		t.Fatalf("After(45m) said %s", got)
	}
	base.Advance(15 * time.Minute)
	testwait.Until(t, 3*time.Second, "the hour's timer", func() bool { return later.Load() == 1 })

	r := c.AfterFunc(time.Minute, func() { stopped.Add(10) })
	if !r.Stop() || r.Stop() {
		t.Fatal("Stop of an armed timer, then again")
	}
	if err := c.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	reset := c.AfterFunc(time.Minute, func() { soon.Add(1) })
	reset.Reset(2 * time.Hour)
	if err := c.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := c.Advance(-time.Second); err == nil || !strings.Contains(err.Error(), "only goes forward") {
		t.Fatalf("a step back: %v", err)
	}
	base.Advance(time.Second) // any timer wrongly armed has had its chance
	if soon.Load() != 1 || stopped.Load() != 0 {
		t.Fatalf("soon fired %d times, the stopped ones %d", soon.Load(), stopped.Load())
	}
	if err := c.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, 3*time.Second, "the reset timer at its new time", func() bool { return soon.Load() == 2 })
}

// A sandbox served on the real clock (as `sandbox serve` runs it) is taken
// to a lease's end through the control endpoint: the at() schedule fires at
// its own time and the runbook it starts runs to its end, all before the
// answer, in no time at all.
func TestControlEndpointAdvancesTheRealClock(t *testing.T) {
	w, err := ParseWorld([]byte(automationWorld), "world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := New(w, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, sb: sb, url: httptestServer(t, sb)}
	if _, err := e.iam().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("CloudControl-demo-scheduler"),
		AssumeRolePolicyDocument: aws.String(trustScheduler)}); err != nil {
		t.Fatal(err)
	}
	createAutomation(t, e.ssm("eu-west-1"), "demo-nap", "schemaVersion: '0.3'\nparameters: {Who: {type: String, default: nobody}}\n"+
		"mainSteps:\n- {name: nap, action: aws:sleep, inputs: {Duration: PT10M}}\n")
	c := e.scheduler("eu-west-1")
	if _, err := c.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String("cloudcontrol-demo")}); err != nil {
		t.Fatal(err)
	}
	end := sb.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	if _, err := c.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("lease"), GroupName: aws.String("cloudcontrol-demo"),
		ScheduleExpression: aws.String("at(" + end.Format("2006-01-02T15:04:05") + ")"), ScheduleExpressionTimezone: aws.String("UTC"),
		FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff}, Target: napTarget(),
		ActionAfterCompletion: schedtypes.ActionAfterCompletionDelete}); err != nil {
		t.Fatal(err)
	}
	post := func(body string) (int, clockJSON) {
		t.Helper()
		resp, err := http.Post(e.url+"/_sandbox/clock", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out clockJSON
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	for _, bad := range []string{`{"advance": "-1h"}`, `{"advance": "soon"}`, `{"by": "1h"}`, `not json`} {
		if code, _ := post(bad); code != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d", bad, code)
		}
	}
	before := time.Now()
	code, moved := post(`{"advance": "2h15m"}`)
	if code != http.StatusOK || moved.Now.Sub(moved.Was) < 2*time.Hour+15*time.Minute || moved.Now.Sub(moved.Was) > 2*time.Hour+16*time.Minute {
		t.Fatalf("advance: HTTP %d, %+v", code, moved)
	}
	f := firings(e)
	if len(f) != 1 || !f[0].Time.Equal(end) || f[0].ErrorCode != "" {
		t.Fatalf("firings %+v (the lease ends %s)", f, end)
	}
	x := getAutomation(t, e.ssm("eu-west-1"), strings.Fields(f[0].Message)[2])
	if x.AutomationExecutionStatus != ssmtypes.AutomationExecutionStatusSuccess || !x.ExecutionEndTime.Equal(end.Add(10*time.Minute)) {
		t.Fatalf("the runbook the lease started: %s, ended %s", x.AutomationExecutionStatus, aws.ToTime(x.ExecutionEndTime))
	}
	if took := time.Since(before); took > 5*time.Second {
		t.Fatalf("2h15m of sandbox time took %s", took)
	}
	resp, err := http.Get(e.url + "/_sandbox/clock")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var now clockJSON
	if err := json.NewDecoder(resp.Body).Decode(&now); err != nil || now.Now.Before(moved.Now) || time.Until(now.Now) < 2*time.Hour {
		t.Fatalf("GET /_sandbox/clock: %+v %v", now, err)
	}
}
