package sandbox

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// TestClaimedBlocksAreNeverShared claims blocks in this process and in a
// child at once: a random pick shares one now and then (1 in 126 per pair),
// a claim never does until it is released.
func TestClaimedBlocksAreNeverShared(t *testing.T) {
	if os.Getenv("CC_CLAIM_CHILD") != "" {
		b, _ := ClaimAddressBlock() // held until this child exits
		os.Stdout.WriteString(strconv.Itoa(b) + "\n")
		_, _ = os.Stdin.Read(make([]byte, 1)) // the parent closes stdin when done
		return
	}
	seen := map[int]bool{}
	var releases []func()
	defer func() {
		for _, r := range releases {
			r()
		}
	}()
	for range 40 {
		b, release := ClaimAddressBlock()
		releases = append(releases, release)
		if b < 2 || b > 252 || b%2 != 0 {
			t.Fatalf("block %d is not an even block in [2, 252]", b)
		}
		if seen[b] {
			t.Fatalf("block %d claimed twice in one process", b)
		}
		seen[b] = true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestClaimedBlocksAreNeverShared$")
	cmd.Env = append(os.Environ(), "CC_CLAIM_CHILD=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stdin.Close(); _ = cmd.Wait() }()
	buf := make([]byte, 16)
	n, err := out.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	child, err := strconv.Atoi(string(buf[:n-1]))
	if err != nil {
		t.Fatalf("child said %q", buf[:n])
	}
	if seen[child] {
		t.Fatalf("the child claimed block %d, which this process holds", child)
	}
}
