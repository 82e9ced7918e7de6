package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/history"
)

// `history` answers "who stopped it, when, from where, and how did it end",
// and `history show` replays one operation's events.
func TestHistoryListsOperationsAndShowsTheirEvents(t *testing.T) {
	h := newHarness(t, examplesWorld, 100, examplesDir)
	ctx := timeout(t, 30*time.Second)
	for _, args := range [][]string{{"env", "start", "three-tier"}, {"env", "stop", "three-tier"}} {
		if r := h.run(ctx, args...); r.code != ExitOK {
			t.Fatalf("%v: exit %d, %s", args, r.code, r.stderr)
		}
	}
	r := h.run(ctx, "history")
	if r.code != ExitOK {
		t.Fatalf("history: exit %d, %s", r.code, r.stderr)
	}
	lines := strings.Split(r.stdout, "\n")
	var rows []string
	for _, l := range lines {
		if strings.Contains(l, "three-tier") {
			rows = append(rows, strings.Join(strings.Fields(l), " "))
		}
	}
	if len(rows) != 2 || !strings.Contains(rows[0], "three-tier stop done") || !strings.Contains(rows[1], "three-tier start done") {
		t.Fatalf("history rows (newest first) = %q, want the stop then the start, both done:\n%s", rows, r.stdout)
	}
	if !strings.Contains(rows[0], "arn:aws:iam::123456789012:user/sandbox") || !strings.HasSuffix(rows[0], " cli") {
		t.Errorf("the row %q does not say who (the AWS identity) and from where (cli)", rows[0])
	}

	r = h.run(ctx, "history", "--json", "--env", "three-tier")
	var ops []history.OperationRow
	if err := json.Unmarshal([]byte(r.stdout), &ops); err != nil || len(ops) != 2 {
		t.Fatalf("history --json: %v, %d operations:\n%s", err, len(ops), r.stdout)
	}
	stop := ops[0]
	if stop.Action != "stop" || stop.Account != "123456789012" || stop.Region != "eu-west-1" || stop.Events == 0 || stop.Finished.IsZero() {
		t.Errorf("the stop reads %+v", stop)
	}
	if r := h.run(ctx, "history", "--env", "analytics"); r.code != ExitOK || !strings.Contains(r.stdout, "None recorded") {
		t.Errorf("history of an environment never run: exit %d\n%s", r.code, r.stdout)
	}

	r = h.run(ctx, "history", "show", jsonID(stop.ID))
	if r.code != ExitOK {
		t.Fatalf("history show: exit %d, %s", r.code, r.stderr)
	}
	for _, want := range []string{"stop three-tier (operation", "acted on account 123456789012 in eu-west-1", "stage web stopped", "stage database stopped"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("history show lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Index(r.stdout, "stage web stopped") > strings.Index(r.stdout, "stage database stopped") {
		t.Errorf("history show does not keep the events' order:\n%s", r.stdout)
	}

	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"history", "show", "9999"}, ExitFailed, "operation 9999: no such operation"},
		{[]string{"history", "show", "first"}, ExitUsage, `"first" is not an operation id`},
		{[]string{"history", "--from", "yesterday"}, ExitUsage, "is not a date"},
	} {
		if r := h.run(ctx, c.args...); r.code != c.code || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d saying %q", c.args, r.code, r.stderr, c.code, c.msg)
		}
	}
}

func jsonID(id int64) string { b, _ := json.Marshal(id); return string(b) }
