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
	"time"

	"cloudcontrol/backend/atomicfile"
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

	// Written beside the destination and renamed, so a failed run never
	// leaves a half-written table behind for the build to embed.
	var st Stats
	err = atomicfile.WriteWith(*dst, 0o644, func(w io.Writer) error {
		var cerr error
		st, cerr = Convert(bufio.NewReaderSize(f, 1<<20), w, Meta{AsOf: date, Source: *source})
		if cerr != nil {
			return fmt.Errorf("%s: %w", *in, cerr)
		}
		return nil
	})
	if err != nil {
		return err
	}
	info, err := os.Stat(*dst)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s: %d bytes, %d types, %d regions, %d prices (%d without spot average), %d pairs skipped for lack of a Linux on-demand price\n",
		*dst, info.Size(), st.Types, st.RegionsSeen, st.Prices, st.NoSpot, st.SkippedOD)
	return nil
}
