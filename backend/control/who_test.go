package control

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/op"
)

// Every start tags the instances it starts with who started them and
// when, before they start; the status reads it back from their tags.
func TestAStartSaysWhoStartedIt(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": shop})
	a.addShop()
	if err := a.fleet.Start(context.Background(), "eu-west-1", []string{"i-db"}); err != nil { // already up: not this start's
		t.Fatal(err)
	}
	a.clock.Advance(time.Minute)
	sink := &events{}
	if err := a.drive(func() error { _, err := a.svc.Run(context.Background(), "shop", op.Start, sink); return err }); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"i-app1": alice, "i-app2": alice, "i-db": ""} {
		if got := a.fleet.Tags(id)[cloud.TagStartedBy]; got != want {
			t.Errorf("%s started-by %q, want %q", id, got, want)
		}
	}
	if got := a.fleet.Tags("i-app1")[cloud.TagStartedAt]; got != t0.Add(time.Minute).Format(time.RFC3339) {
		t.Errorf("started-at %q", got)
	}
	tags := a.fleet.CallsOf("Tag")
	starts := a.fleet.CallsOf("Start")
	if len(tags) != 1 || !slices.Equal(tags[0].IDs, []string{"i-app1", "i-app2"}) || tags[0].At.After(starts[len(starts)-1].At) {
		t.Errorf("Tag calls %+v; want one, for the two it starts, before they start", tags)
	}
	evs := sink.all()
	if evs[0].Type != op.EventRunStarted || evs[1].Type != op.EventChangeApplied || !strings.Contains(evs[1].Message, "started by alice") {
		t.Errorf("first events %+v: want run-started, then the tagging", evs[:2])
	}
	a.clock.Advance(2 * time.Hour)
	st, err := a.svc.Status(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	if st.StartedBy != alice || st.StartedByName != "alice" || st.StartedAt == nil || st.UpInstances != 3 {
		t.Errorf("who %+v", st.Who)
	}
	if got := st.Text(a.clock.Now(), time.UTC); got != "started by alice 2 h ago" {
		t.Errorf("text %q", got)
	}
}

// Who has it costs no call: a refresh makes one Describe per region and
// nothing else, and shows a start made meanwhile by someone else (or by
// the scheduled runbook) from the tags that Describe returns.
func TestWhoCostsNoExtraCall(t *testing.T) {
	a := newAWSRig(t, map[string]string{"shop": shop})
	a.addShop()
	e := a.env("shop")
	st, err := a.svc.StatusEnv(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	// Elsewhere: the runbook starts it and tags it as its role.
	for _, id := range []string{"i-db", "i-app1", "i-app2"} {
		a.fleet.Inst(id).Instance.State = cloud.Running
	}
	role := "arn:aws:iam::123456789012:role/CloudControl-shop-automation"
	if err := a.fleet.Tag(context.Background(), "eu-west-1", []string{"i-db", "i-app1", "i-app2"},
		map[string]string{cloud.TagStartedBy: role, cloud.TagStartedAt: "2026-03-02_08.30.00"}); err != nil {
		t.Fatal(err)
	}
	before := len(a.fleet.CallsOf("Describe"))
	allBefore := a.calls()
	next, err := a.svc.Refresh(context.Background(), e, st)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(a.fleet.CallsOf("Describe")) - before; got != 1 {
		t.Errorf("%d Describe calls for one refresh", got)
	}
	if extra := a.calls() - allBefore; extra != 1 {
		t.Errorf("a refresh made %d calls, want only the Describe", extra)
	}
	if len(a.aws.SSM.Calls())+len(a.aws.Docs.Calls())+len(a.aws.Scheduler.Calls())+len(a.aws.IAM.Calls()) != 0 {
		t.Error("a status or refresh called SSM, Scheduler or IAM")
	}
	if next.StartedByName != "CloudControl-shop-automation" || next.StartedAt == nil || !next.StartedAt.Equal(time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("who %+v", next.Who)
	}
}

// calls counts every call the fake fleet answered.
func (a *awsRig) calls() int {
	n := 0
	for _, m := range []string{"Find", "Describe", "StatusChecks", "Start", "Stop", "Reboot", "Regions", "Tag", "Untag"} {
		n += len(a.fleet.CallsOf(m))
	}
	return n
}

func TestShortNamesAndSpans(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:sts::1:assumed-role/Testers/alice@example.com": "alice@example.com",
		"arn:aws:iam::1:user/teams/bob":                         "bob",
		"arn:aws:iam::1:role/CloudControl-shop-automation":      "CloudControl-shop-automation",
		"arn:aws:iam::123456789012:root":                        "root (account 123456789012)",
		"not an arn":                                            "not an arn",
	} {
		if got := ShortName(arn); got != want {
			t.Errorf("ShortName(%q) = %q, want %q", arn, got, want)
		}
	}
	for d, want := range map[time.Duration]string{30 * time.Second: "30 s", 12 * time.Minute: "12 min",
		72 * time.Minute: "1 h 12 min", 2 * time.Hour: "2 h", 11*time.Hour + 5*time.Minute: "11 h", 72 * time.Hour: "3 days"} {
		if got := Span(d); got != want {
			t.Errorf("Span(%s) = %q, want %q", d, got, want)
		}
	}
	until := t0.Add(72 * time.Minute)
	w := Who{LeaseUntil: &until, LeaseByName: "bob", LeasedInstances: 1, UpInstances: 3}
	if got := w.LeaseText(t0, time.UTC); got != "lease ends in 1 h 12 min (10:12) by bob, on 1 of 3 running instances" {
		t.Errorf("lease text %q", got)
	}
	if got := w.LeaseText(t0.Add(2*time.Hour), time.UTC); !strings.HasPrefix(got, "lease ended 48 min ago (10:12)") {
		t.Errorf("ended %q", got)
	}
}

// Who started the running instances and their lease come from Cloud
// Control's tags on them: the latest start, the earliest lease end.
func TestWhoIsTheLatestStartAndTheEarliestLeaseOfWhatRuns(t *testing.T) {
	at := func(h int) *time.Time { x := time.Date(2026, 12, 1, h, 0, 0, 0, time.UTC); return &x }
	w := WhoOf([]cloud.Instance{
		{ID: "i-1", State: cloud.Running, StartedBy: "arn:aws:iam::1:user/bob", StartedAt: at(8), LeaseUntil: at(20)},
		{ID: "i-2", State: cloud.Running, StartedBy: "arn:aws:sts::1:assumed-role/Admin/alice", StartedAt: at(9),
			LeaseUntil: at(18), LeaseBy: "arn:aws:iam::1:user/carol"},
		{ID: "i-3", State: cloud.Stopped, StartedBy: "arn:aws:iam::1:user/dave", StartedAt: at(10), LeaseUntil: at(11)},
	})
	if w.StartedByName != "alice" || w.StartedAt == nil || !w.StartedAt.Equal(*at(9)) {
		t.Errorf("started %+v, want alice at 9:00 (a stopped instance's tags are of an old run)", w)
	}
	if w.LeaseUntil == nil || !w.LeaseUntil.Equal(*at(18)) || w.LeaseByName != "carol" || w.LeasedInstances != 2 || w.UpInstances != 2 {
		t.Errorf("lease %+v, want 18:00 by carol on 2 of 2", w)
	}
	if got := WhoOf([]cloud.Instance{{ID: "i-4", State: cloud.Running}}); got.StartedBy != "" || got.LeaseUntil != nil {
		t.Errorf("untagged: %+v", got)
	}
}
