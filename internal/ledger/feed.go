package ledger

import (
	"context"
	"fmt"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Changes returns, ordered by seq, the requests v may see whose last
// change is after seq `after`, each once with its latest state and its
// events after `after`; at most limit of them (DefaultLimit if 0), and
// whether more follow. Internal notes are left out for applicants.
//
// Paging through a backlog with only `after` misses events: a request
// changed both before and after a page boundary comes on a later page
// with only its events after that boundary. A reader part-way through a
// pull uses ChangesFrom with the position the pull began at.
func (l *Ledger) Changes(ctx context.Context, v instruct.Viewer, after int64, limit int) ([]instruct.FeedItem, bool, error) {
	return l.ChangesFrom(ctx, v, after, after, limit)
}

// ChangesFrom is Changes for a reader whose pull began at seq base (the
// cursor of its last page without more, 0 for a first pull) and whose
// last page ended at seq after: the requests changed after `after`, each
// with its events after base, which the reader has not all seen. A pull
// that pages with ChangesFrom(base, cursor) until no more follow holds
// every event up to its last cursor; the next pull begins from there.
func (l *Ledger) ChangesFrom(ctx context.Context, v instruct.Viewer, base, after int64, limit int) ([]instruct.FeedItem, bool, error) {
	limit = limitOr(limit)
	var w where
	visibleTo(&w, v)
	w.add("seq > ?", after)
	var items []instruct.FeedItem
	var more bool
	err := l.inRead(ctx, func(tx *txn) error {
		var err error
		items, more, err = l.feedRequests(ctx, tx, v, w, limit)
		if err != nil || len(items) == 0 {
			return err
		}
		if err := l.feedEvents(ctx, tx, v, w, limit, feedEventFilter(v, base), items); err != nil {
			return err
		}
		return l.feedHabilitations(ctx, tx, v, w, limit, items)
	})
	if err != nil {
		return nil, false, fmt.Errorf("read changes after %d: %w", after, err)
	}
	return items, more, nil
}

// feedRequests returns the first limit requests w selects from the
// feed's source for v, by seq, and whether more follow.
func (l *Ledger) feedRequests(ctx context.Context, tx querier, v instruct.Viewer, w where, limit int) ([]instruct.FeedItem, bool, error) {
	from, args := feedSource(v)
	rows, err := tx.QueryContext(ctx, `SELECT seq, body FROM `+from+` WHERE `+w.sql()+` ORDER BY seq LIMIT ?`,
		append(append(args, w.args...), limit+1)...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	items := []instruct.FeedItem{}
	for rows.Next() {
		var it instruct.FeedItem
		var body string
		if err := rows.Scan(&it.Seq, &body); err != nil {
			return nil, false, err
		}
		if it.Request, err = decodeRequest(body); err != nil {
			return nil, false, err
		}
		it.Events = []instruct.Event{}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(items) > limit {
		return items[:limit], true, nil
	}
	return items, false, nil
}

// feedSource returns the table the feed of v reads requests from, and
// its arguments. Reviewers read the requests at the seq of their last
// change. An applicant reads theirs at the seq of the last event they
// may read (at the purge horizon when none is left), so that what only
// reviewers see — an internal note, a claim — moves nothing in their
// feed: not an item's seq, not its order, not whether it comes again.
func feedSource(v instruct.Viewer) (string, []any) {
	if !v.ApplicantOnly {
		return "requests", nil
	}
	marks, args := reviewersOnlyKinds()
	return `(SELECT r.number, r.definition, r.created_by, r.body, COALESCE(
		(SELECT MAX(e.seq) FROM events e WHERE e.request_number = r.number AND e.kind NOT IN (` + marks + `)),
		(SELECT COALESCE(MAX(last_seq), 0) FROM purge_receipts)) AS seq
		FROM requests r WHERE r.created_by = ?) AS requests`, append(args, v.UserID)
}

// feedEventFilter selects the events a feed page carries: those after
// base, the reviewers' own (instruct.Kind.ReviewersOnly) left out for
// applicants.
func feedEventFilter(v instruct.Viewer, base int64) where {
	var f where
	f.add("seq > ?", base)
	if v.ApplicantOnly {
		marks, kinds := reviewersOnlyKinds()
		f.add("kind NOT IN ("+marks+")", kinds...)
	}
	return f
}

// feedPageSQL returns the query of the numbers of the page of requests
// w and limit select from the feed's source for v, and its arguments.
func feedPageSQL(v instruct.Viewer, w where, limit int) (string, []any) {
	from, args := feedSource(v)
	return `SELECT number FROM ` + from + ` WHERE ` + w.sql() + ` ORDER BY seq LIMIT ?`, append(append(args, w.args...), limit)
}

// reviewersOnlyKinds returns the placeholders and the arguments of the
// kinds of events applicants never read.
func reviewersOnlyKinds() (string, []any) {
	kinds := instruct.ReviewersOnlyKinds()
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = string(k)
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", "), args
}

// feedEvents attaches to items, in one query, the events f selects of
// the page of requests w and limit select.
func (l *Ledger) feedEvents(ctx context.Context, tx querier, v instruct.Viewer, w where, limit int, f where, items []instruct.FeedItem) error {
	page, args := feedPageSQL(v, w, limit)
	args = append(args, f.args...)
	rows, err := tx.QueryContext(ctx, `SELECT body FROM events WHERE request_number IN (`+page+`) AND `+f.sql()+` ORDER BY request_number, seq`, args...)
	if err != nil {
		return err
	}
	events, err := scanEvents(rows)
	if err != nil {
		return err
	}
	at := make(map[instruct.RequestID]int, len(items))
	for i, it := range items {
		at[it.Request.ID] = i
	}
	for _, e := range events {
		if i, ok := at[e.RequestID]; ok {
			items[i].Events = append(items[i].Events, e)
		}
	}
	return nil
}

// FeedHorizon returns the oldest seq a cursor may carry: the last seq the
// retention purge removed, 0 if it never ran. Older cursors must resync
// from 0.
func (l *Ledger) FeedHorizon(ctx context.Context) (int64, error) {
	var h int64
	if err := l.reader.QueryRowContext(ctx, `SELECT COALESCE(MAX(last_seq), 0) FROM purge_receipts`).Scan(&h); err != nil {
		return 0, unavailable(fmt.Errorf("read feed horizon: %w", err))
	}
	return h, nil
}

// LastSeq returns the last seq assigned.
func (l *Ledger) LastSeq(ctx context.Context) (int64, error) {
	var n int64
	if err := l.reader.QueryRowContext(ctx, `SELECT n FROM seq WHERE id = 1`).Scan(&n); err != nil {
		return 0, unavailable(fmt.Errorf("read last seq: %w", err))
	}
	return n, nil
}
