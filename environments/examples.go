// Package environments holds the example environment files (and the
// sandbox world that makes them runnable), embedded so an installed app
// can show them to a first-time user (the window's "Open the examples").
package environments

import "embed"

// Examples are the example environment files and their JSON schema.
//
//go:embed three-tier.yaml analytics.yaml schema.json
var Examples embed.FS
