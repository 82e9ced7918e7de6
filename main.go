// Cloud Control: one binary. With a command it is the command line; without
// one (or with only --sandbox and friends) it opens the desktop window.
package main

import (
	"embed"
	"os"

	"cloudcontrol/app/cli"
	"cloudcontrol/app/desktop"
)

//go:embed all:frontend/dist
var assets embed.FS

func main() {
	os.Exit(cli.Main(os.Args[1:], desktop.Opener(assets)))
}
