// Command gen turns the ec2instances.info instances.json into the compact
// price table that backend/pricing embeds. It is run by hand when the data is
// refreshed; backend/pricing/README.md has the exact commands.
//
//	go run ./backend/pricing/internal/gen -in PATH/instances.json \
//	    -asof 2025-05-28 -source "..." -out backend/pricing/data/instances.csv.gz
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	in := fs.String("in", "", "path of the ec2instances.info instances.json")
	dst := fs.String("out", "backend/pricing/data/instances.csv.gz", "where to write the compact table")
	asOf := fs.String("asof", "", "date of the data, YYYY-MM-DD (the data module version's date)")
	source := fs.String("source", "", "where the data came from (module path@version), stored in the table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return fmt.Errorf("-in is required: the path of instances.json (see backend/pricing/README.md)")
	}
	date, err := time.Parse(time.DateOnly, *asOf)
	if err != nil {
		return fmt.Errorf("-asof %q must be a date like 2025-05-28: %w", *asOf, err)
	}
	f, err := os.Open(*in)
	if err != nil {
		return fmt.Errorf("opening the instance data: %w", err)
	}
	defer f.Close()

	// Write next to the destination and rename, so a failed run never
	// leaves a half-written table behind for the build to embed.
	tmp, err := os.CreateTemp(filepath.Dir(*dst), ".gen-*")
	if err != nil {
		return fmt.Errorf("creating the output next to %s: %w", *dst, err)
	}
	defer os.Remove(tmp.Name())
	st, err := Convert(bufio.NewReaderSize(f, 1<<20), tmp, Meta{AsOf: date, Source: *source})
	if err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", *in, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", *dst, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *dst); err != nil {
		return fmt.Errorf("moving the table into place at %s: %w", *dst, err)
	}
	info, err := os.Stat(*dst)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s: %d bytes, %d types, %d regions, %d prices (%d without spot average), %d pairs skipped for lack of a Linux on-demand price\n",
		*dst, info.Size(), st.Types, st.RegionsSeen, st.Prices, st.NoSpot, st.SkippedOD)
	return nil
}
