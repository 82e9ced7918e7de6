package sandbox

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// Address blocks are even numbers in [2, 252]: private IPs 127.B.x.y and
// public ones 127.(B+1).x.y (Options.AddressBlock).
const blockCount = 126

// RandomAddressBlock returns an even block in [2, 252] for Options.AddressBlock.
// Two sandboxes given the same block fight over their services' ports;
// ClaimAddressBlock avoids that across processes.
func RandomAddressBlock() int { return 2 + 2*rand.IntN(blockCount) }

// ClaimAddressBlock picks an address block no other process on this machine
// has claimed and keeps it until release is called (or the process ends: the
// claim is an OS file lock in the temporary folder). Sandboxes running at
// once — parallel test packages, the window beside `sandbox serve` — then
// never share service ports, where a random pick collides now and then. When
// every block is claimed, or the temporary folder cannot be used, it falls
// back to a random block.
func ClaimAddressBlock() (block int, release func()) {
	dir := filepath.Join(os.TempDir(), "cloudcontrol-sandbox-blocks")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return RandomAddressBlock(), func() {}
	}
	start := rand.IntN(blockCount)
	for i := range blockCount {
		b := 2 + 2*((start+i)%blockCount)
		fl := flock.New(filepath.Join(dir, fmt.Sprintf("%d.lock", b)))
		if ok, err := fl.TryLock(); err == nil && ok {
			return b, func() { _ = fl.Unlock() }
		}
	}
	return RandomAddressBlock(), func() {}
}
