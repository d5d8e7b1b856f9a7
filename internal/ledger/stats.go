package ledger

import (
	"context"
	"fmt"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/stats"
)

// StatHistories returns the marks the statistics read (stats.Counts) of
// the requests of the definitions defs, each request once, by number,
// its marks in seq order. Actors are left empty: the server's figures
// don't name anyone.
func (l *Ledger) StatHistories(ctx context.Context, defs []string) ([]stats.History, error) {
	var w where
	in(&w, "e.kind", stats.MarkKinds())
	in(&w, "r.definition", defs)
	rows, err := l.reader.QueryContext(ctx, `SELECT e.request_number, r.definition, e.kind, e.at
		FROM events e JOIN requests r ON r.number = e.request_number
		WHERE `+w.sql()+` ORDER BY e.request_number, e.seq`, w.args...)
	if err != nil {
		return nil, unavailable(fmt.Errorf("read statistics: %w", err))
	}
	defer rows.Close()
	var out []stats.History
	for rows.Next() {
		var (
			number  int64
			def     string
			kind    string
			atNanos int64
		)
		if err := rows.Scan(&number, &def, &kind, &atNanos); err != nil {
			return nil, unavailable(fmt.Errorf("scan statistics: %w", err))
		}
		id := instruct.RequestID(number)
		if n := len(out); n == 0 || out[n-1].Request != id {
			out = append(out, stats.History{Request: id, Definition: def})
		}
		h := &out[len(out)-1]
		h.Marks = append(h.Marks, stats.Mark{Kind: instruct.Kind(kind), At: atNanos / 1000})
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable(fmt.Errorf("read statistics: %w", err))
	}
	return out, nil
}
