package control

import (
	"context"
	"database/sql"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/orchestrate"
	"cloudcontrol/backend/paths"
	"cloudcontrol/backend/sandbox"
	"cloudcontrol/internal/rodir"
)

// runFixture is a service over an in-process sandbox of historyWorld, with
// its own home folder and the usage history in it.
type runFixture struct {
	svc   *Service
	home  paths.Dirs
	clock *clockwork.FakeClock
	sb    *sandbox.Sandbox
	url   string // the sandbox's endpoint, control endpoint included
}

func newRunFixture(t *testing.T, ho ...history.Options) *runFixture {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_ENDPOINT_URL": "", "AWS_CONFIG_FILE": filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none")} {
		t.Setenv(k, v)
	}
	w, err := sandbox.ParseWorld([]byte(historyWorld), "world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	sb, err := sandbox.New(w, sandbox.Options{Speed: 1000, Clock: clock, AddressBlock: sandbox.RandomAddressBlock()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	envDir := filepath.Join(dir, "envs")
	if err := os.MkdirAll(envDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(envDir, "shop.yaml"), []byte(historyEnv), 0o600); err != nil {
		t.Fatal(err)
	}
	home := paths.Under(filepath.Join(dir, "home"))
	hist := history.NewLazy(filepath.Join(home.Data, history.FileName), append(ho, history.Options{})[0])
	t.Cleanup(func() { hist.Close() })
	svc := New(Options{Dirs: []string{envDir}, Paths: home, Clock: clock, Tick: 10 * time.Millisecond,
		AWS: aws.Options{EndpointURL: srv.URL, Region: "eu-west-1", MaxAttempts: 1}, History: hist, Location: time.UTC})
	return &runFixture{svc: svc, home: home, clock: clock, sb: sb, url: srv.URL}
}

// run runs action on shop, moving the fake clock meanwhile, and returns
// the events it sent. on, if given, sees each event as it is sent.
func (f *runFixture) run(t *testing.T, action string, on ...func(orchestrate.Event)) []orchestrate.Event {
	t.Helper()
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
				f.clock.Advance(50 * time.Millisecond)
			}
		}
	}()
	var mu sync.Mutex
	var events []orchestrate.Event
	res, err := f.svc.Run(context.Background(), "shop", action, orchestrate.SinkFunc(func(e orchestrate.Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
		for _, f := range on {
			f(e)
		}
	}))
	close(done)
	if err != nil || res.Outcome != orchestrate.OutcomeDone {
		t.Fatalf("%s: %v, %+v", action, err, res)
	}
	mu.Lock()
	defer mu.Unlock()
	return events
}

func notes(events []orchestrate.Event) []string {
	var out []string
	for _, e := range events {
		if e.Type == orchestrate.EventNote {
			out = append(out, e.Message)
		}
	}
	return out
}

// TestStopWithReadOnlyStateAndData: the state folder (locks) and the data
// folder (history) turn read-only after a start; the stop still stops
// everything, and its notes say what could not be recorded.
func TestStopWithReadOnlyStateAndData(t *testing.T) {
	f := newRunFixture(t)
	f.run(t, orchestrate.ActionStart)
	rodir.Make(t, f.home.Locks())
	rodir.Make(t, f.home.Data)

	got := notes(f.run(t, orchestrate.ActionStop))
	text := strings.Join(got, "\n")
	for _, want := range []string{"who holds the lock could not be recorded", "read-only file system", "this run is not in the usage history"} {
		if !strings.Contains(text, want) {
			t.Errorf("notes:\n%s\nwant one saying %q", text, want)
		}
	}
	if strings.Contains(text, "nothing was lost") {
		t.Errorf("notes:\n%s\nclaim nothing was lost while the run is not recorded", text)
	}
	st, err := f.svc.Status(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	if st.State != StateStopped {
		t.Errorf("after the stop the environment is %s, want stopped", st.State)
	}
}

// TestStartWithAReadOnlyHomeNeverRunBefore: nothing can be created at all
// (no lock file, no history); the start still runs, under a lock of the
// whole folder.
func TestStartWithAReadOnlyHomeNeverRunBefore(t *testing.T) {
	f := newRunFixture(t)
	home := filepath.Dir(f.home.State)
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	rodir.Make(t, home)
	text := strings.Join(notes(f.run(t, orchestrate.ActionStart)), "\n")
	for _, want := range []string{"the whole lock folder is locked instead", "this run is not in the usage history"} {
		if !strings.Contains(text, want) {
			t.Errorf("notes:\n%s\nwant one saying %q", text, want)
		}
	}
}

// TestHistoryLostMidRun: the data folder turns read-only once the run has
// begun (as a disk filling up would): the run ends as usual and a note after
// its end says the history did not record how it ended.
func TestHistoryLostMidRun(t *testing.T) {
	f := newRunFixture(t)
	events := f.run(t, orchestrate.ActionStart, func(e orchestrate.Event) {
		if e.Type == orchestrate.EventRunStarted {
			rodir.Make(t, f.home.Data)
		}
	})
	last := events[len(events)-1]
	if last.Type != orchestrate.EventNote || !strings.Contains(last.Message, "the usage history did not record how this run ended") {
		t.Fatalf("last event %+v, want a note that the end is not recorded", last)
	}
}

// TestHistoryHeldByAnotherProgram: the run goes on unrecorded, and its note
// does not claim that nothing was lost.
func TestHistoryHeldByAnotherProgram(t *testing.T) {
	f := newRunFixture(t, history.Options{BusyTimeout: 50 * time.Millisecond})
	f.run(t, orchestrate.ActionStart) // creates the history
	other, err := sql.Open("sqlite", filepath.Join(f.home.Data, history.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	text := strings.Join(notes(f.run(t, orchestrate.ActionStop)), "\n")
	if !strings.Contains(text, "this run is not in the usage history") || !strings.Contains(text, "held by another program") {
		t.Errorf("notes:\n%s\nwant one saying the run is not recorded because another program holds the history", text)
	}
	if strings.Contains(text, "nothing was lost") {
		t.Errorf("notes:\n%s\nclaim nothing was lost while the run is not recorded", text)
	}
}
