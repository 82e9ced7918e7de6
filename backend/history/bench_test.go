package history

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkReportYear100: a report over one year of history for 100
// instances (two runs a day each, 73,000 runs) must take under 100 ms.
func BenchmarkReportYear100(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	from := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	err := s.tx(ctx, func(tx txExec) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO intervals(instance, start, stop, seen, series) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		types := []string{"m5.large", "t3.micro", "c5.xlarge", "r5.large"}
		for i := range 100 {
			id := fmt.Sprintf("i-%017x", i)
			if _, err := tx.ExecContext(ctx, `INSERT INTO series(id, instance, env, region, type, lifecycle, name) VALUES (?, ?, ?, ?, ?, '', ?)`,
				i+1, id, fmt.Sprintf("env-%d", i%10), "eu-west-1", types[i%len(types)], fmt.Sprintf("host-%d", i)); err != nil {
				return err
			}
			for d := range 365 {
				day := from.AddDate(0, 0, d)
				for _, run := range [][2]int{{8, 12}, {13, 18}} {
					start, stop := day.Add(time.Duration(run[0])*time.Hour), day.Add(time.Duration(run[1])*time.Hour)
					if _, err := stmt.ExecContext(ctx, id, ms(start), ms(stop), ms(stop), i+1); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	p := book(b)
	q := ReportQuery{From: from, To: from.AddDate(1, 0, 0), Now: from.AddDate(1, 0, 0)}
	b.ResetTimer()
	var rep *Report
	for b.Loop() {
		if rep, err = s.Report(ctx, q, p); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if len(rep.Rows) != 100 || rep.Total.Hours != 100*365*9 || len(rep.Days) != 365 {
		b.Fatalf("report: %d rows, %v hours, %d days; want 100, %d, 365", len(rep.Rows), rep.Total.Hours, len(rep.Days), 100*365*9)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/report")
}
