// Command genschema writes the environment file JSON Schema generated from
// the env model. Run from the repository root:
//
//	go run ./backend/env/internal/genschema            # writes environments/schema.json
//	go generate ./backend/env                          # the same, via go:generate
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"cloudcontrol/backend/env"
)

func main() {
	out := flag.String("o", filepath.Join("environments", "schema.json"), "file to write")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genschema:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	b, err := env.Schema()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("cannot create the folder for %s: %w", out, err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return fmt.Errorf("cannot write the schema: %w", err)
	}
	return nil
}
