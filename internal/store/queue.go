package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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

// queueColumns are the columns scanQueueItem reads, in its order.
const queueColumns = "id, definition, title, org_name, shown_status, status, version, submitted_at, updated_at, op_state"

// Queue returns the rows of the reviewer's queue: cached requests with
// their open operations laid over (Status is what the reviewer sees, Op
// the state of their latest operation), filtered by q's statuses (as
// shown), definition and text, in q's order, windowed by Offset and Limit.
func (s *Store) Queue(ctx context.Context, q instruct.QueueQuery) ([]instruct.QueueItem, error) {
	where, args := filter(q, true)
	order, err := orderBy(q.Sort)
	if err != nil {
		return nil, err
	}
	if q.Offset < 0 || q.Limit < 0 {
		return nil, instruct.Errorf(instruct.CodeInvalid, "offset and limit must not be negative")
	}
	limit := q.Limit
	if limit == 0 {
		limit = -1
	}
	query := "SELECT " + queueColumns + " FROM requests" + where + " ORDER BY " + order + " LIMIT ? OFFSET ?"
	rows, err := s.read.QueryContext(ctx, query, append(args, limit, q.Offset)...)
	if err != nil {
		return nil, fmt.Errorf("read queue: %w", err)
	}
	defer rows.Close()
	items := make([]instruct.QueueItem, 0, max(q.Limit, 16))
	for rows.Next() {
		item, err := scanQueueItem(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read queue: %w", err)
	}
	return items, nil
}

func scanQueueItem(rows *sql.Rows) (instruct.QueueItem, error) {
	var it instruct.QueueItem
	var n, updated int64
	var submitted sql.NullInt64
	err := rows.Scan(&n, &it.Definition, &it.Title, &it.Organization, &it.Status, &it.ServerStatus,
		&it.Version, &submitted, &updated, &it.Op)
	if err != nil {
		return it, fmt.Errorf("read queue: %w", err)
	}
	it.ID = instruct.FormatRequestID(n)
	it.UpdatedAt = fromMicros(updated)
	if submitted.Valid {
		t := fromMicros(submitted.Int64)
		it.SubmittedAt = &t
	}
	return it, nil
}

// Counts returns how many cached requests the reviewer sees in each
// status (open decisions laid over), applying q's definition and text but
// not its statuses: the numbers of the status tabs.
func (s *Store) Counts(ctx context.Context, q instruct.QueueQuery) (map[instruct.Status]int, error) {
	where, args := filter(q, false)
	rows, err := s.read.QueryContext(ctx, "SELECT shown_status, count(*) FROM requests"+where+" GROUP BY shown_status", args...)
	if err != nil {
		return nil, fmt.Errorf("count queue: %w", err)
	}
	defer rows.Close()
	counts := map[instruct.Status]int{}
	for rows.Next() {
		var st instruct.Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count queue: %w", err)
		}
		counts[st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count queue: %w", err)
	}
	return counts, nil
}

// filter returns the WHERE clause (with its leading space, or "") and its
// arguments for q's definition, text and, if withStatuses, statuses.
func filter(q instruct.QueueQuery, withStatuses bool) (string, []any) {
	var conds []string
	var args []any
	if withStatuses && len(q.Statuses) > 0 {
		conds = append(conds, "shown_status IN ("+placeholders(len(q.Statuses))+")")
		for _, st := range q.Statuses {
			args = append(args, string(st))
		}
	}
	if q.Definition != "" {
		conds = append(conds, "definition = ?")
		args = append(args, q.Definition)
	}
	if expr := matchExpr(q.Text); expr != "" {
		conds = append(conds, "id IN (SELECT rowid FROM search WHERE search MATCH ?)")
		args = append(args, expr)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// orderBy returns the ORDER BY terms of a sort; "" sorts by age.
func orderBy(sort instruct.Sort) (string, error) {
	switch sort {
	case instruct.SortAge, "":
		return "age_key, id", nil
	case instruct.SortUpdated:
		return "updated_at DESC, id DESC", nil
	case instruct.SortOrganization:
		return "org_key, id", nil
	}
	return "", instruct.Errorf(instruct.CodeInvalid, "unknown sort %q", sort)
}
