package desktop

import (
	"context"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/launch"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/sandbox"
)

// finished is the last run:finished progress of an action, once there is one.
func (p *fakePlatform) finished(action op.Action) *op.Progress {
	for _, s := range p.sent(EventFinished) {
		if pr := s.data.(op.Progress); pr.Action == action {
			return &pr
		}
	}
	return nil
}

// noticed waits for a notification beginning with prefix (it follows
// run:finished).
func (p *fakePlatform) noticed(t *testing.T, prefix string) {
	t.Helper()
	p.waitFor(t, "a notification "+prefix, func() bool {
		for _, n := range p.notices() {
			if strings.HasPrefix(n, prefix) {
				return true
			}
		}
		return false
	})
}

func (p *fakePlatform) notices() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string{}, p.notes...)
}

// stageInstances are the ids the dashboard shows in a stage.
func stageInstances(v *EnvView, stage string) []string {
	var ids []string
	for _, s := range v.Stages {
		if s.Name == stage {
			for _, in := range s.Instances {
				ids = append(ids, in.ID)
			}
		}
	}
	return ids
}

func TestTheWindowLaunchesAndTerminates(t *testing.T) {
	r := newRig(t, nil)
	l := newLaunches(r.shell)
	tpl, err := l.Templates("three-tier")
	if err != nil || len(tpl.Templates) != 1 || tpl.Target.Identity.Account != "123456789012" {
		t.Fatalf("Templates: %+v %v", tpl, err)
	}
	api := tpl.Templates[0]
	if api.Name != "api-node" || api.Stage != "api" || len(api.Types) != 2 || !api.Types[0].Hourly.Known ||
		len(api.Tokens) != 1 || api.Tokens[0].Name != "BRANCH" || api.Tokens[0].Value != "main" || api.DNSZone != "test.example.com" {
		t.Errorf("template %+v", api)
	}
	pv, err := l.Preview("three-tier", control.LaunchRequest{Template: "api-node", Type: "t3.large"})
	if err != nil || pv.Type != "t3.large" || pv.Instances[0].Name != "api-node-1" {
		t.Fatalf("Preview: %+v %v", pv, err)
	}
	if err := l.Launch("three-tier", control.LaunchRequest{Template: "api-node", Type: "t3.large", IDs: pv.IDs()}); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the launch finishes", func() bool { return r.plat.finished(op.Launch) != nil })
	fin := r.plat.finished(op.Launch)
	if fin.Outcome != op.OutcomeDone || len(fin.Launches) != 1 || fin.Launches[0].Outcome != op.OutcomeDone || fin.Launches[0].Instance == "" {
		t.Fatalf("finished %+v", fin)
	}
	id := fin.Launches[0].Instance
	// The live panel had the stack's resources and the boot progress.
	sawBoot, sawResource := false, false
	for _, s := range r.plat.sent(EventProgress) {
		p := s.data.(op.Progress)
		if p.Action != op.Launch || len(p.Launches) == 0 {
			continue
		}
		sawBoot = sawBoot || p.Launches[0].Percent != nil
		sawResource = sawResource || len(p.Launches[0].Resources) > 0
	}
	if !sawBoot || !sawResource {
		t.Errorf("progress pushed: boot %v, resources %v", sawBoot, sawResource)
	}
	r.plat.noticed(t, "three-tier: api-node-1 ready: launched after")
	r.plat.waitFor(t, "the dashboard shows the new instance in stage api", func() bool {
		v := find(r.plat.lastEnvs(), "three-tier")
		return v != nil && strings.Contains(strings.Join(stageInstances(v, "api"), " "), id)
	})
	list, err := l.List("")
	if err != nil || len(list.Launches) != 1 || list.Leftovers != 0 {
		t.Errorf("List: %+v %v", list, err)
	}

	// The confirmation names it; someone else's instance is refused there.
	tg, err := l.TerminateTarget("three-tier", id)
	if err != nil || tg.Instance.Name != "api-node-1" || tg.Stack.Name != "cc-three-tier-api-node-1" {
		t.Fatalf("TerminateTarget: %+v %v", tg, err)
	}
	if _, err := l.TerminateTarget("three-tier", "shop-db"); err == nil || !strings.Contains(err.Error(), "refusing to terminate") {
		t.Errorf("TerminateTarget(shop-db): %v", err)
	}
	if err := l.Terminate("three-tier", id); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the terminate finishes", func() bool { return r.plat.finished(op.Terminate) != nil })
	if fin := r.plat.finished(op.Terminate); fin.Outcome != op.OutcomeDone || !fin.Launches[0].CleanedUp {
		t.Errorf("terminate finished %+v", fin)
	}
	r.plat.noticed(t, "three-tier: api-node-1 terminated")
	r.plat.waitFor(t, "the dashboard drops it", func() bool {
		v := find(r.plat.lastEnvs(), "three-tier")
		return v != nil && !strings.Contains(strings.Join(stageInstances(v, "api"), " "), id)
	})
}

func TestTheWindowCancelsALaunchAndItsStackGoes(t *testing.T) {
	r := newRig(t, func(r *rig) {
		_ = r.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultStackSlow, Resource: "Instance", Latency: time.Hour})
	})
	l := newLaunches(r.shell)
	if err := l.Launch("three-tier", control.LaunchRequest{Template: "api-node"}); err != nil {
		t.Fatal(err)
	}
	if err := l.Launch("three-tier", control.LaunchRequest{Template: "api-node"}); err == nil || !strings.Contains(err.Error(), "busy") {
		t.Errorf("a second launch: %v", err)
	}
	r.plat.waitFor(t, "the stack is being created", func() bool {
		for _, s := range r.plat.sent(EventRun) {
			if s.data.(op.Event).Type == op.EventLaunchStarted {
				return true
			}
		}
		return false
	})
	r.sb.ClearFaults() // the delete is not slowed
	if err := l.Cancel("three-tier"); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the launch ends", func() bool { return r.plat.finished(op.Launch) != nil })
	fin := r.plat.finished(op.Launch)
	if fin.Outcome != op.OutcomeCancelled || !fin.Launches[0].CleanedUp {
		t.Errorf("finished %+v", fin)
	}
	r.plat.noticed(t, "three-tier: launch cancelled: launch cancelled; every stack it made was deleted")
}

// What a launch left behind is found when the app starts, said in a
// notification and pushed; cleaning it up empties the list.
func TestLeftoversAreFoundAtStartAndCleanedUp(t *testing.T) {
	r := newRig(t, nil)
	l := newLaunches(r.shell)
	_ = r.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultResourceFail, Resource: "Instance", Count: 1})
	_ = r.sb.AddFault(sandbox.Fault{Kind: sandbox.FaultDeleteFail, Resource: "Instance"})
	if err := l.Launch("three-tier", control.LaunchRequest{Template: "api-node"}); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the launch fails", func() bool { return r.plat.finished(op.Launch) != nil })
	if fin := r.plat.finished(op.Launch); fin.Outcome != op.OutcomeFailed {
		t.Fatalf("finished %+v", fin)
	}
	r.plat.noticed(t, "three-tier: launch of api-node-1 failed: ")
	if n := r.plat.notices(); !strings.Contains(n[len(n)-1], "left behind") {
		t.Errorf("notifications %q", n)
	}
	r.sb.ClearFaults()

	// The next start of the app finds it.
	again := newLaunches(r.shell)
	again.start(context.Background())
	r.plat.waitFor(t, "the leftover is pushed", func() bool { return len(again.Leftovers()) == 1 })
	if x := again.Leftovers()[0]; x.Env != "three-tier" || x.Status != cloud.StackDeleteFailed || !x.Leftover {
		t.Errorf("leftover %+v", x)
	}
	r.plat.noticed(t, "1 launch(es) left behind: cc-three-tier-api-node-1: open Launches to clean up")
	if err := again.CleanUp("three-tier"); err != nil {
		t.Fatal(err)
	}
	r.plat.waitFor(t, "the clean-up finishes", func() bool { return r.plat.finished(op.CleanUp) != nil })
	if fin := r.plat.finished(op.CleanUp); fin.Outcome != op.OutcomeDone {
		t.Errorf("clean-up %+v", fin)
	}
	pushed := r.plat.sent(EventLeftovers)
	if last := pushed[len(pushed)-1].data.([]launch.Listed); len(last) != 0 || len(again.Leftovers()) != 0 {
		t.Errorf("leftovers after the clean-up %+v", last)
	}
}

func TestLaunchNotice(t *testing.T) {
	for _, c := range []struct {
		p           op.Progress
		title, body string
	}{
		{op.Progress{Env: "e", Action: op.Launch, Outcome: op.OutcomeDone, Elapsed: 42, Launches: []op.LaunchProgress{{Name: "a-1", Outcome: op.OutcomeDone}}},
			"e: a-1 ready", "launched after 42s"},
		{op.Progress{Env: "e", Action: op.Launch, Outcome: op.OutcomeFailed, Message: "1 of 1 failed (x); their stacks were deleted", Launches: []op.LaunchProgress{{Stack: "s", Outcome: op.OutcomeFailed}}},
			"e: launch of s failed", "1 of 1 failed (x); their stacks were deleted"},
		{op.Progress{Env: "e", Action: op.CleanUp, Outcome: op.OutcomeDone, Message: "deleted 2 stack(s)"}, "e: leftovers cleaned up", "deleted 2 stack(s)"},
	} {
		title, body := notice(c.p)
		if title != c.title || body != c.body {
			t.Errorf("notice(%+v) = %q, %q; want %q, %q", c.p, title, body, c.title, c.body)
		}
	}
	if title, _ := notice(op.Progress{Env: "e", Action: op.Start, Outcome: op.OutcomeDone}); title != "e is ready" {
		t.Errorf("a start's notice changed: %q", title)
	}
}
