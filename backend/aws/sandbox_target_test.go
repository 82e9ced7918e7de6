package aws

import (
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/sandbox"
	"cloudcontrol/backend/sandbox/sandboxtest"
)

// sandboxTarget runs the project's sandbox in-process on a fake clock, so
// transitions (start 15s, stop 10s, checks 30s) happen when a test advances
// time, never by sleeping.
type sandboxTarget struct{}

const sandboxRegion = "eu-west-1"

func (sandboxTarget) name() string { return "sandbox" }

func (sandboxTarget) open(t *testing.T, seeds []seed) *fixture {
	t.Helper()
	isolateAWS(t, sandboxRegion)
	fx := &fixture{target: "sandbox", region: sandboxRegion, account: "123456789012", ids: map[string][]string{}}
	var b strings.Builder
	fmt.Fprintf(&b, "account: %q\ndefaults: {timing: {start: 15s, stop: 10s, checks: 30s}}\nregions:\n  %s:\n    instances:\n", fx.account, fx.region)
	n := 0
	for _, s := range seeds {
		for range s.count() {
			n++
			id := fmt.Sprintf("i-0%016x", 0xc0000000+n)
			fx.ids[s.Key] = append(fx.ids[s.Key], id)
			fmt.Fprintf(&b, "      - {id: %s, type: t3.micro, state: %s, tags: {", id, s.State)
			first := true
			for k, v := range s.Tags {
				if !first {
					b.WriteString(", ")
				}
				first = false
				fmt.Fprintf(&b, "%s: %s", strconv.Quote(k), strconv.Quote(v))
			}
			b.WriteString("}}\n")
		}
	}
	if n == 0 {
		b.WriteString("      []\n")
	}
	w, err := sandbox.ParseWorld([]byte(b.String()), "contract-world.yaml")
	if err != nil {
		t.Fatalf("sandbox world: %v", err)
	}
	clock := clockwork.NewFakeClockAt(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	sb, err := sandbox.New(w, sandbox.Options{Speed: 1, Clock: clock, AddressBlock: sandboxtest.Block(t)})
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })

	fx.endpoint = srv.URL
	fx.advance = clock.Advance
	fx.fault = func(t *testing.T, kind, action string, count int) {
		t.Helper()
		if err := sb.AddFault(sandbox.Fault{Kind: sandbox.FaultKind(kind), Action: action, Count: count}); err != nil {
			t.Fatalf("sandbox fault: %v", err)
		}
	}
	fx.requests = func() []string {
		var actions []string
		for _, r := range sb.Requests() {
			if r.Service != "sandbox" {
				actions = append(actions, r.Action)
			}
		}
		return actions
	}
	return fx
}
