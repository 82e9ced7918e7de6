package runbook

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/env"
)

// bigEnvironment is 1,000 instances in 20 stages (two branches of ten),
// every stage with status checks, tcp, http and a delay, every fifth a
// command too. By "tags" each stage selects its 50 by a Role tag; by
// "names" it lists their Name tags; by "ids" their ids.
func bigEnvironment(b *testing.B, by string) *env.Environment {
	b.Helper()
	var y strings.Builder
	y.WriteString("name: big\nregion: eu-west-1\nselect: {Env: load}\nstages:\n")
	for s := range 20 {
		fmt.Fprintf(&y, "  - name: stage-%02d\n", s)
		if s >= 2 {
			fmt.Fprintf(&y, "    after: [stage-%02d]\n", s-2)
		} else {
			y.WriteString("    after: []\n")
		}
		y.WriteString("    instances:\n")
		for i := range 50 {
			switch by {
			case "ids":
				fmt.Fprintf(&y, "      - i-%017x\n", s*50+i)
			case "names":
				fmt.Fprintf(&y, "      - name: node-%02d-%02d\n", s, i)
			}
		}
		if by == "tags" {
			fmt.Fprintf(&y, "      - tags: {Role: role-%02d}\n", s)
		}
		y.WriteString("    ready:\n      status-checks: true\n      tcp: 8080\n      http: http://{{.PrivateIP}}:8080/health\n      delay: 10s\n")
		if s%5 == 4 {
			y.WriteString("      command: systemctl is-active app\n")
		}
	}
	e, problems := env.Parse("big.yaml", []byte(y.String()))
	if len(problems) > 0 {
		b.Fatal(problems)
	}
	return e
}

// BenchmarkExport: target under 50 ms for 1,000 instances in 20 stages,
// each runbook within SSM's 64 KB, when the stages select by tags. Listing
// the 1,000 by name or id is shown for comparison (timed, not held to the
// target): the start runbook outgrows 64 KB and the export refuses it. Run with go test -bench Export -run ^$ ./backend/runbook.
func BenchmarkExport(b *testing.B) {
	for _, by := range []string{"tags", "names", "ids"} {
		name := "1000-instances-20-stages-by-" + by
		b.Run(name, func(b *testing.B) {
			e := bigEnvironment(b, by)
			var x *Export
			var err error
			start := time.Now()
			for b.Loop() {
				x, err = Build(e, Options{})
			}
			per := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(len(x.Start)), "start-bytes")
			b.ReportMetric(float64(len(x.Stop)), "stop-bytes")
			b.ReportMetric(float64(PolicyChars(x.AutomationPolicy)), "policy-chars")
			outcome := "exported"
			if err != nil {
				outcome = fmt.Sprintf("refused (%d finding(s))", len(x.Refused()))
			}
			b.Logf("%s: %s per export; start runbook %d bytes, stop runbook %d bytes (SSM's limit %d); automation policy %d characters (IAM's inline limit %d); %s",
				name, per, len(x.Start), len(x.Stop), MaxDocumentBytes, PolicyChars(x.AutomationPolicy), MaxInlinePolicyChars, outcome)
			if by == "tags" && per > 50*time.Millisecond {
				b.Errorf("an export takes %s, more than the 50 ms target", per)
			}
			if by == "tags" && (err != nil || len(x.Start) > MaxDocumentBytes || len(x.Stop) > MaxDocumentBytes) {
				b.Errorf("selected by tags, the runbooks must fit SSM's %d bytes: %v", MaxDocumentBytes, err)
			}
			if by != "tags" && err == nil {
				b.Errorf("%d bytes of runbook were not refused", len(x.Start))
			}
		})
	}
}
