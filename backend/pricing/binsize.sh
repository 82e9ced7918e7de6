#!/usr/bin/env bash
# Measures what the built-in price table adds to a binary: builds the same
# tiny program with and without a call into backend/pricing and prints both
# sizes and the difference (budget: under 1 MB). Run from anywhere:
#   bash backend/pricing/binsize.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# A dot-directory inside the module (so it can import the package) that
# ./... patterns ignore; removed on exit.
work=$(mktemp -d "$root/backend/pricing/internal/.binsize.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/without" "$work/with"
cat >"$work/without/main.go" <<'GO'
package main

import (
	"fmt"
	"os"
)

func main() { fmt.Println(len(os.Args)) }
GO
cat >"$work/with/main.go" <<'GO'
package main

import (
	"fmt"
	"os"

	"cloudcontrol/backend/pricing"
)

func main() {
	t, err := pricing.Builtin()
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	p, ok := t.Instance("us-east-1", "m5.large")
	e, _ := t.EBS("us-east-1", "gp3")
	ip, _ := t.PublicIPv4Hourly("us-east-1")
	ti, _ := t.Type("m5.large")
	fmt.Println(len(os.Args), p.OnDemandHourly, ok, e.PerGBMonth, ip.Hourly, ti.VCPU)
}
GO
rel=${work#"$root"/}
CGO_ENABLED=0 go build -trimpath -o "$work/without.bin" "./$rel/without"
CGO_ENABLED=0 go build -trimpath -o "$work/with.bin" "./$rel/with"
a=$(stat -c %s "$work/without.bin")
b=$(stat -c %s "$work/with.bin")
echo "without pricing: $a bytes"
echo "with pricing:    $b bytes"
echo "growth:          $((b - a)) bytes (budget 1048576)"
"$work/with.bin" >/dev/null
[ $((b - a)) -lt 1048576 ]
