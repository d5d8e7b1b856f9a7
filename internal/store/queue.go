package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Request returns the cached server state of a request; id may be "D1042"
// or "1042". not_found when the cache doesn't hold it.
func (s *Store) Request(ctx context.Context, id string) (instruct.Request, error) {
	n, err := instruct.ParseRequestID(id)
	if err != nil {
		return instruct.Request{}, err
	}
	var body []byte
	err = s.read.QueryRowContext(ctx, "SELECT body FROM request_bodies WHERE id = ?", n).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return instruct.Request{}, instruct.Errorf(instruct.CodeNotFound, "no request %s in the local cache", instruct.FormatRequestID(n))
	}
	if err != nil {
		return instruct.Request{}, fmt.Errorf("read request %s: %w", instruct.FormatRequestID(n), err)
	}
	var r instruct.Request
	if err := json.Unmarshal(body, &r); err != nil {
		return instruct.Request{}, fmt.Errorf("decode request %s: %w", instruct.FormatRequestID(n), err)
	}
	return r, nil
}

// Events returns the cached events of a request, oldest first.
func (s *Store) Events(ctx context.Context, id string) ([]instruct.Event, error) {
	n, err := instruct.ParseRequestID(id)
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, "SELECT body FROM events WHERE request = ? ORDER BY seq", n)
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", instruct.FormatRequestID(n), err)
	}
	defer rows.Close()
	var events []instruct.Event
	for rows.Next() {
		var body []byte
		var e instruct.Event
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		if err := json.Unmarshal(body, &e); err != nil {
			return nil, fmt.Errorf("decode event: %w", err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return events, nil
}

// Queue returns the rows of the reviewer's queue: cached requests with
// their open operations laid over (Status is what the reviewer sees, Op
// the state of their latest operation), filtered by q's statuses (as
// shown), definition and text, in q's order, windowed by Offset and Limit
// (0: no limit). The rows come from the in-memory snapshot; text goes
// through the full-text index.
func (s *Store) Queue(ctx context.Context, q instruct.QueueQuery) ([]instruct.QueueItem, error) {
	if err := checkSort(q.Sort); err != nil {
		return nil, err
	}
	if q.Offset < 0 || q.Limit < 0 {
		return nil, instruct.Errorf(instruct.CodeInvalid, "offset and limit must not be negative")
	}
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	snap, keep, size, err := s.selection(ctx, q, true)
	if err != nil {
		return nil, err
	}
	out := make([]instruct.QueueItem, 0, capacity(q, size))
	skip := q.Offset
	for _, i := range snap.order(q.Sort) {
		if !keep(int(i)) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, snap.items[i])
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

// capacity guesses the length of q's result from the size of the
// selection before statuses and definition apply.
func capacity(q instruct.QueueQuery, size int) int {
	switch {
	case q.Limit > 0:
		return min(q.Limit, size)
	case len(q.Statuses) == 0 && q.Definition == "":
		return size
	}
	return size / 4
}

// Counts returns how many cached requests the reviewer sees in each
// status (open decisions laid over), applying q's definition and text but
// not its statuses: the numbers of the status tabs.
func (s *Store) Counts(ctx context.Context, q instruct.QueueQuery) (map[instruct.Status]int, error) {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	snap, keep, _, err := s.selection(ctx, q, false)
	if err != nil {
		return nil, err
	}
	counts := map[instruct.Status]int{}
	for i := range snap.items {
		if keep(i) {
			counts[snap.items[i].Status]++
		}
	}
	return counts, nil
}

// selection returns the current snapshot, a test of which of its items q
// selects (by statuses too if withStatuses), and how many items match q's
// text. Called with snapMu held.
func (s *Store) selection(ctx context.Context, q instruct.QueueQuery, withStatuses bool) (*snapshot, func(int) bool, int, error) {
	snap, err := s.currentSnapshot(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	matched, size, err := s.textMatches(ctx, snap, q.Text)
	if err != nil {
		return nil, nil, 0, err
	}
	statuses := map[instruct.Status]bool{}
	if withStatuses {
		for _, st := range q.Statuses {
			statuses[st] = true
		}
	}
	keep := func(i int) bool {
		it := &snap.items[i]
		return (len(statuses) == 0 || statuses[it.Status]) &&
			(q.Definition == "" || it.Definition == q.Definition) &&
			(matched == nil || matched[i])
	}
	return snap, keep, size, nil
}

// textMatches returns which items of the snapshot match text in the
// full-text index (nil when text holds no word to search: all do) and how
// many.
func (s *Store) textMatches(ctx context.Context, snap *snapshot, text string) ([]bool, int, error) {
	expr := matchExpr(text)
	if expr == "" {
		return nil, len(snap.items), nil
	}
	matched := make([]bool, len(snap.items))
	count := 0
	err := s.rawQuery(ctx, "SELECT rowid FROM search WHERE search MATCH ?", []any{expr}, func(row []driver.Value) error {
		n, _ := row[0].(int64)
		if i, ok := snap.pos[n]; ok {
			matched[i] = true
			count++
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("search %q: %w", oneLine(text), err)
	}
	return matched, count, nil
}

// rawQuery runs a query on a read connection through the driver itself,
// calling fn with each row: database/sql's per-column conversions cost
// more than SQLite's own work on long results.
func (s *Store) rawQuery(ctx context.Context, query string, args []any, fn func([]driver.Value) error) error {
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("the SQLite driver cannot query")
		}
		rows, err := q.QueryContext(ctx, query, namedValues(args))
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, len(rows.Columns()))
		for {
			err := rows.Next(dest)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := fn(dest); err != nil {
				return err
			}
		}
	})
}

func namedValues(args []any) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		if n, ok := a.(int); ok {
			a = int64(n)
		}
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// checkSort refuses an unknown sort; "" sorts by age.
func checkSort(sort instruct.Sort) error {
	switch sort {
	case instruct.SortAge, instruct.SortUpdated, instruct.SortOrganization, "":
		return nil
	}
	return instruct.Errorf(instruct.CodeInvalid, "unknown sort %q", sort)
}
