package cli

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/env"
)

// listParallel is how many environments env list reads from AWS at once.
const listParallel = 4

// readLive fills each valid entry from AWS: its state and who has it (one
// status read), and what is deployed (a few calls, read on demand). An environment AWS
// cannot be read for says why; the others are listed all the same.
func readLive(ctx context.Context, svc *control.Service, set env.Set, entries []envListEntry) {
	sem := make(chan struct{}, listParallel)
	var wg sync.WaitGroup
	for i := range entries {
		en := &entries[i]
		e := set.ByName(en.Name)
		if !en.Valid || e == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			st, err := svc.StatusWithDeployment(ctx, e)
			if err != nil {
				en.Error = err.Error()
				return
			}
			en.State, en.Who, en.Deployed, en.DeployedError = st.State, st.Who, st.Deployed, st.DeployedError
			if en.Region == "" {
				en.Region = st.Target.Region
			}
		}()
	}
	wg.Wait()
}

func regionText(r string) string {
	if r == "" {
		return "(profile's)"
	}
	return r
}

// printLive is the list with what AWS says: state, who has it, its lease,
// what is deployed.
func printLive(g *globals, entries []envListEntry) {
	now := time.Now()
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tSTARTED BY\tLEASE\tDEPLOYED\tSTAGES\tREGION\tFILE")
	var notes []string
	for _, e := range entries {
		if !e.Valid {
			fmt.Fprintf(tw, "%s\tinvalid: %d problem(s)\t\t\t\t\t\t%s\n", e.Name, len(e.Problems), e.File)
			continue
		}
		state, who, lease, deployed := string(e.State), "-", "-", "-"
		if e.Error != "" {
			state = "unknown"
			notes = append(notes, fmt.Sprintf("%s: AWS not read: %s", e.Name, termSafe(e.Error)))
		}
		if e.StartedBy != "" {
			who = e.StartedByName
			if e.StartedAt != nil {
				who += " " + control.Ago(now.Sub(*e.StartedAt))
			}
		}
		if e.LeaseUntil != nil {
			lease = control.Span(e.LeaseUntil.Sub(now)) + " left"
			if !e.LeaseUntil.After(now) {
				lease = "ended"
			}
		}
		switch {
		case e.Deployed != nil:
			deployed = nextRunsText(e.Deployed, now)
		case e.DeployedError != "":
			deployed = "?"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Name, state, termSafe(who), lease, termSafe(deployed),
			strings.Join(e.Stages, ", "), regionText(e.Region), e.File)
	}
	tw.Flush()
	for _, e := range entries {
		for _, p := range e.Problems {
			fmt.Fprintln(g.stderr, p)
		}
	}
	for _, n := range notes {
		fmt.Fprintln(g.stderr, n)
	}
}

// nextRunsText is a deployment in a table cell: "start Tue 08:00 CET, stop 19:00 CET".
func nextRunsText(d *control.Deployment, now time.Time) string {
	if !d.Deployed {
		return "no"
	}
	var parts []string
	for _, sc := range d.Schedules {
		if sc.Next != nil {
			parts = append(parts, sc.Name+" "+shortWhen(*sc.Next, now))
		}
	}
	if len(parts) == 0 {
		return "runbooks, no schedule"
	}
	return strings.Join(parts, ", ")
}

func shortWhen(t, now time.Time) string {
	if t.Sub(now) < 20*time.Hour {
		return t.Format("15:04 MST")
	}
	return t.Format("Mon 15:04 MST")
}
