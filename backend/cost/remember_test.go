package cost

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
)

// TestAFailedPriceListIsRememberedForMinutes: after the Price List API
// fails, the next refresh (in this process or the next, through the cache
// file) does not ask it again for FailureMemory, and says why; a forced
// refresh, or one after the memory ends, asks again; a success forgets.
func TestAFailedPriceListIsRememberedForMinutes(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 11, 22, 14, 2, 0, 0, time.UTC)
	answered := "us-east-1: GetProducts: the Price List API answered HTTP 500: An internal error has occurred. (InternalErrorException)"
	list := &fakeList{err: errors.New(answered), prices: map[string]float64{"eu-west-1/m5.large": 0.111}}
	insts := []cloud.Instance{{ID: "i-1", Region: "eu-west-1", Type: "m5.large"}}
	w := WantsOf(insts, nil)

	rep := NewBook(table(t), OpenCache(dir)).Refresh(context.Background(), list, nil, w, t0, false)
	if list.calls != 1 || !strings.Contains(rep.Problem, "answered HTTP 500") {
		t.Fatalf("first refresh: %d calls, problem %q", list.calls, rep.Problem)
	}

	b := NewBook(table(t), OpenCache(dir)) // the next command
	rep = b.Refresh(context.Background(), list, nil, w, t0.Add(2*time.Minute), false)
	if list.calls != 1 {
		t.Errorf("asked again %d time(s) 2 minutes after a failure, want none", list.calls-1)
	}
	for _, want := range []string{"answered HTTP 500", "at 14:02 UTC", "not asked again until 14:12 UTC", "built-in table"} {
		if !strings.Contains(rep.Problem, want) {
			t.Errorf("problem %q does not say %q", rep.Problem, want)
		}
	}
	if q := b.Instance("eu-west-1", "m5.large", false); !strings.Contains(q.Note, "answered HTTP 500") {
		t.Errorf("the table's price does not say why: %v (note %q)", q, q.Note)
	}

	NewBook(table(t), OpenCache(dir)).Refresh(context.Background(), list, nil, w, t0.Add(3*time.Minute), true)
	if list.calls != 2 {
		t.Errorf("a forced refresh asked %d time(s), want 1", list.calls-1)
	}

	list.err = nil
	rep = NewBook(table(t), OpenCache(dir)).Refresh(context.Background(), list, nil, w, t0.Add(14*time.Minute), false)
	if list.calls != 3 || rep.Problem != "" {
		t.Fatalf("after the memory ended: %d calls, problem %q; want it asked and answered", list.calls, rep.Problem)
	}
	// The success forgot the failure: a price not cached yet is asked at once.
	NewBook(table(t), OpenCache(dir)).Refresh(context.Background(), list, nil,
		WantsOf([]cloud.Instance{{ID: "i-2", Region: "us-east-1", Type: "t3.micro"}}, nil), t0.Add(15*time.Minute), false)
	if list.calls != 4 {
		t.Errorf("after a success the earlier failure still held the API back: %d calls, want 4", list.calls)
	}
}

// TestACancelledRefreshIsNotRemembered: Ctrl-C is not the API failing.
func TestACancelledRefreshIsNotRemembered(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	list := &fakeList{err: context.Canceled}
	w := WantsOf([]cloud.Instance{{ID: "i-1", Region: "eu-west-1", Type: "m5.large"}}, nil)
	NewBook(table(t), OpenCache(dir)).Refresh(context.Background(), list, nil, w, now, false)
	list.err = nil
	list.prices = map[string]float64{"eu-west-1/m5.large": 0.111}
	NewBook(table(t), OpenCache(dir)).Refresh(context.Background(), list, nil, w, now.Add(time.Minute), false)
	if list.calls != 2 {
		t.Errorf("after a cancelled refresh the next asked %d time(s), want 1", list.calls-1)
	}
}
