package orchestrate

import "cloudcontrol/backend/env"

// StartGates are the gates a start stage checks, in order; the window
// draws them before any plan exists.
func StartGates(r env.Ready) []Gate { return startGates(r) }
