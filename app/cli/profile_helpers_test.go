package cli

import (
	"time"

	"cloudcontrol/backend/sandbox"
)

// approveAll approves every pending sandbox sign-in, as the person would
// in the browser.
func approveAll(sb *sandbox.Sandbox) {
	for _, code := range sb.PendingSignIns() {
		_ = sb.ApproveDevice(code, true)
	}
}

func sleepShort() { time.Sleep(10 * time.Millisecond) }
