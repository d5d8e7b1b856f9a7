package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/stats"
	"github.com/instruct-dev/instruct/internal/store"
)

func runStats(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "stats", "review statistics from the local cache, as GET /api/v1/stats gives them (offline too)",
		"instruct stats --definition api_particulier --from 2026-09-01 --json")
	var s settings
	clientFlags(fs, &s)
	def := fs.String("definition", "", "one API, such as api_particulier (default: every API you hold a role on)")
	from := fs.String("from", "", "first day, YYYY-MM-DD, UTC (default: the Monday 11 weeks before --to's week)")
	to := fs.String("to", "", "last day, YYYY-MM-DD, UTC, included (default: today)")
	asJSON := fs.Bool("json", false, "print JSON, as the server's GET /api/v1/stats")
	if err := parse(fs, args); err != nil {
		return err
	}
	r, err := stats.ParseRange(*from, *to, time.Now())
	if err != nil {
		return usageError{err}
	}
	return onCache(ctx, e, &s, func(st *store.Store) error {
		report, _, err := stats.Load(ctx, st, *def, r)
		if instruct.ErrorCode(err) == instruct.CodeInvalid {
			return usageError{err}
		}
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, report)
		}
		return printStats(e.stdout, report)
	})
}

// printStats writes the report as a table per definition.
func printStats(w io.Writer, rep stats.Report) error {
	fmt.Fprintf(w, "%s to %s (UTC)\n", rep.From, rep.To)
	for _, f := range rep.Definitions {
		fmt.Fprintf(w, "\n%s: %d submitted, %d approved, %d refused, %d changes requested; %d waiting\n",
			f.Definition, f.Submitted, f.Validated, f.Refused, f.ChangesRequested, f.Backlog)
		fmt.Fprintf(w, "time to first decision: median %s, 80%% %s; time to final decision: median %s, 80%% %s\n",
			days(f.TimeToFirstDecision.P50), days(f.TimeToFirstDecision.P80),
			days(f.TimeToFinalDecision.P50), days(f.TimeToFinalDecision.P80))
		rows := [][]string{{"WEEK", "SUBMITTED", "DECIDED", "WAITING"}}
		for _, wk := range f.Weeks {
			rows = append(rows, []string{wk.Week, strconv.Itoa(wk.Submitted), strconv.Itoa(wk.Decided), strconv.Itoa(wk.Backlog)})
		}
		if err := printTable(w, rows); err != nil {
			return err
		}
	}
	return nil
}

// days writes a duration in days, "-" when there is none.
func days(d *float64) string {
	if d == nil {
		return "-"
	}
	return strconv.FormatFloat(*d, 'f', -1, 64) + " d"
}
