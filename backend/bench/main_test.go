package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"cloudcontrol/backend/sandbox"
)

// TestMain doubles as the sandbox child: with CC_BENCH_WORLD set, the test
// binary serves that world on loopback, prints its URL and runs until its
// standard input closes (the parent ended).
func TestMain(m *testing.M) {
	if world := os.Getenv("CC_BENCH_WORLD"); world != "" {
		os.Exit(serveChild(world))
	}
	os.Exit(m.Run())
}

func serveChild(file string) int {
	speed, _ := strconv.ParseFloat(os.Getenv("CC_BENCH_SPEED"), 64)
	w, err := sandbox.LoadWorld(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	block, release := sandbox.ClaimAddressBlock() // held while this child serves
	defer release()
	srv, err := sandbox.Listen("127.0.0.1:0", w, sandbox.Options{Speed: speed, AddressBlock: block})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	// Standard input only ever ends (EOF or an error alike): the parent is gone.
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); stop() }()
	fmt.Println("URL", srv.URL)
	if err := srv.Serve(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// startSandbox runs the world in a child process and returns its URL.
func startSandbox(tb testing.TB, world string, speed float64) string {
	tb.Helper()
	file := tb.TempDir() + "/world.yaml"
	if err := os.WriteFile(file, []byte(world), 0o600); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CC_BENCH_WORLD="+file, "CC_BENCH_SPEED="+strconv.FormatFloat(speed, 'f', -1, 64))
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		// The child exits 0 once its input closes; anything else is the
		// sandbox failing (its error is on stderr already).
		if err := cmd.Wait(); err != nil {
			tb.Errorf("the sandbox child: %v", err)
		}
	})
	lines := bufio.NewScanner(out)
	// Kill fails only when the child has exited already, which is the point.
	deadline := time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
	defer deadline.Stop()
	for lines.Scan() {
		if url, ok := strings.CutPrefix(lines.Text(), "URL "); ok {
			go func() { _, _ = io.Copy(io.Discard, out) }() // keeps the child's stdout drained
			return url
		}
	}
	tb.Fatal("the sandbox child did not start")
	return ""
}

// peakRSS is this process's peak resident memory (VmHWM) in bytes, or 0
// where /proc is not available.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
