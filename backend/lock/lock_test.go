package lock

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cloudcontrol/backend/atomicfile"
)

func TestAcquireReleaseAndBusyInProcess(t *testing.T) {
	dir := t.TempDir()
	since := time.Now().Add(-3 * time.Minute)
	l, err := Acquire(dir, "payments-staging", Holder{Action: "start", Client: "window", User: "cloudcontrol", PID: 4242, Since: since})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(dir, "payments-staging", Holder{Action: "stop", Client: "cli"})
	var busy *BusyError
	if !errors.As(err, &busy) || busy.Holder == nil || busy.Holder.PID != 4242 {
		t.Fatalf("second acquire in the same process: want BusyError naming pid 4242, got %v", err)
	}
	want := fmt.Sprintf(`payments-staging is busy: "start" by cloudcontrol (pid 4242 on %s, window) since %s, 3m ago`,
		busy.Holder.Host, since.Local().Format("15:04:05"))
	if err.Error() != want {
		t.Errorf("message\n got %s\nwant %s", err, want)
	}
	// Another environment is independent.
	other, err := Acquire(dir, "other", Holder{Action: "start"})
	if err != nil {
		t.Fatalf("another environment's lock: %v", err)
	}
	defer release(t, other)

	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if Who(dir, "payments-staging") != nil {
		t.Error("release left the holder behind")
	}
	if _, err := os.Stat(filepath.Join(dir, "payments-staging.lock")); err != nil {
		t.Errorf("release must keep the lock file: %v", err)
	}
	l2, err := Acquire(dir, "payments-staging", Holder{Action: "stop"})
	if err != nil {
		t.Fatalf("acquire after release: %v", err)
	}
	if h := Who(dir, "payments-staging"); h == nil || h.Action != "stop" || h.PID != os.Getpid() || h.Since.IsZero() {
		t.Errorf("holder %+v, want this process's stop with pid and time filled in", h)
	}
	release(t, l2)
	if err := l2.Release(); err != nil {
		t.Errorf("a second release must be harmless: %v", err)
	}
}

func TestOnlyOneGoroutineWins(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, busy := 0, 0
	var held []*Lock
	for range 20 {
		wg.Go(func() {
			l, err := Acquire(dir, "env", Holder{Action: "start"})
			mu.Lock()
			defer mu.Unlock()
			var be *BusyError
			switch {
			case err == nil:
				won++
				held = append(held, l)
			case errors.As(err, &be):
				busy++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if won != 1 || busy != 19 {
		t.Errorf("%d goroutines got the lock and %d were refused; want 1 and 19", won, busy)
	}
	for _, l := range held {
		release(t, l)
	}
}

func TestBadNames(t *testing.T) {
	for _, n := range []string{"", "..", "a/b", `a\b`} {
		if _, err := Acquire(t.TempDir(), n, Holder{}); err == nil {
			t.Errorf("name %q accepted", n)
		}
	}
}

// TestCrossProcess holds the lock in a child process (this test binary, run
// again), checks this process is refused with the child's pid, then kills the
// child with SIGKILL and takes the lock: the OS released it.
func TestCrossProcess(t *testing.T) {
	if os.Getenv("LOCK_TEST_CHILD") != "" {
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildHoldsLock$")
	cmd.Env = append(os.Environ(), "LOCK_TEST_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }() // the test kills it itself; this is for a failure before
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "locked") {
		t.Fatalf("child did not take the lock: %q %v", line, err)
	}

	_, err = Acquire(dir, "env", Holder{Action: "stop", Client: "cli"})
	var busy *BusyError
	if !errors.As(err, &busy) || busy.Holder == nil || busy.Holder.PID != cmd.Process.Pid {
		t.Fatalf("want BusyError naming the child (pid %d), got %v", cmd.Process.Pid, err)
	}
	mustContain(t, err.Error(), `env is busy: "start"`, "pid "+strconv.Itoa(cmd.Process.Pid), "window")
	if !Held(dir, "env") {
		t.Error("Held is false while the child holds the lock")
	}

	if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix: no chance to clean up
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if Held(dir, "env") || Who(dir, "env") != nil {
		t.Error("the killed child still holds the lock (Held, or Who believing its record)")
	}
	l, err := Acquire(dir, "env", Holder{Action: "stop", Client: "cli"})
	if err != nil {
		t.Fatalf("a killed holder must not leave a stale lock: %v", err)
	}
	defer release(t, l)
	if h := Who(dir, "env"); h == nil || h.PID != os.Getpid() || h.Action != "stop" {
		t.Errorf("the new holder did not replace the dead one's record: %+v", h)
	}
}

// TestChildHoldsLock is the child of TestCrossProcess: it takes the lock,
// says so, and waits to be killed.
func TestChildHoldsLock(t *testing.T) {
	dir := os.Getenv("LOCK_TEST_CHILD")
	if dir == "" {
		t.Skip("only run as TestCrossProcess's child")
	}
	if _, err := Acquire(dir, "env", Holder{Action: "start", Client: "window"}); err != nil {
		fmt.Println("failed:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	time.Sleep(time.Minute)
	os.Exit(1)
}

// release releases l, failing the test if that fails.
func release(t testing.TB, l *Lock) {
	t.Helper()
	if err := l.Release(); err != nil {
		t.Errorf("release: %v", err)
	}
}

func mustContain(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("%q does not contain %q", s, p)
		}
	}
}

func TestHeldSaysWhetherAnyoneHoldsTheLock(t *testing.T) {
	dir := t.TempDir()
	if Held(dir, "env") {
		t.Error("a lock never taken is held")
	}
	l, err := Acquire(dir, "env", Holder{Action: "start"})
	if err != nil {
		t.Fatal(err)
	}
	if !Held(dir, "env") || Who(dir, "env") == nil {
		t.Error("a lock this process holds is not held")
	}
	release(t, l)
	if Held(dir, "env") {
		t.Error("a released lock is held")
	}
	// A holder that crashed leaves its record; Who no longer believes it.
	if err := writeHolder(filepath.Join(dir, "env.json"), Holder{PID: 999999, Action: "start"}); err != nil {
		t.Fatal(err)
	}
	if h := Who(dir, "env"); h != nil {
		t.Errorf("Who = %+v for a lock nobody holds, want nil", h)
	}
}

// TestProbingNeverRefusesAnAcquire: Held takes the lock for an instant to
// look; an Acquire at that instant must wait it out, not say busy.
func TestProbingNeverRefusesAnAcquire(t *testing.T) {
	dir := t.TempDir()
	// The race is between the OS locks; the holder record's flush to disk
	// (atomicfile syncs) made 3000 acquires take 40 s and collide less.
	writeFile = os.WriteFile
	t.Cleanup(func() { writeFile = atomicfile.Write })
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
					Held(dir, "env")
				}
			}
		})
	}
	defer func() { close(done); wg.Wait() }()
	for i := range 3000 {
		l, err := Acquire(dir, "env", Holder{Action: "start"})
		if err != nil {
			t.Fatalf("acquire %d while others only look: %v", i, err)
		}
		release(t, l)
	}
}
