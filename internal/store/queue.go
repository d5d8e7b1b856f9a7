package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

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
// shown), definition and text, in q's order, windowed by Offset and Limit.
// Windows without text are read in order through the indexes; whole lists
// and searches are sorted in memory, which is faster than SQLite's sorter.
func (s *Store) Queue(ctx context.Context, q instruct.QueueQuery) ([]instruct.QueueItem, error) {
	order, err := orderBy(q.Sort)
	if err != nil {
		return nil, err
	}
	if q.Offset < 0 || q.Limit < 0 {
		return nil, instruct.Errorf(instruct.CodeInvalid, "offset and limit must not be negative")
	}
	where, args := filter(q, true)
	query := "SELECT " + queueColumns(q.Sort) + " FROM requests" + where
	if q.Limit > 0 && matchExpr(q.Text) == "" {
		page, err := s.scanQueue(ctx, query+" ORDER BY "+order+" LIMIT ? OFFSET ?", append(args, q.Limit, q.Offset), q.Limit)
		return page.items, err
	}
	all, err := s.scanQueue(ctx, query, args, int(s.queueSize.Load()))
	if err != nil {
		return nil, err
	}
	s.queueSize.Store(int64(len(all.items)))
	return all.sorted(q.Sort, q.Offset, q.Limit), nil
}

// queueColumns returns the columns decodeQueueRow reads: the request
// number, the short fields packed in one string (shown status, server
// status, operation state, definition), title, organisation, version,
// submission and update times, and the sort key of s.
func queueColumns(s instruct.Sort) string {
	key := "age_key"
	switch s {
	case instruct.SortUpdated:
		key = "updated_at"
	case instruct.SortOrganization:
		key = "org_key"
	}
	return "id, shown_status || ' ' || status || ' ' || op_state || ' ' || definition, title, org_name, version, submitted_at, updated_at, " + key
}

// queueScan holds queue items and, at the same index, their sort keys.
type queueScan struct {
	items []instruct.QueueItem
	keys  []queueKey
}

// queueKey is what a queue item sorts by: an integer or a text key, then
// the request number.
type queueKey struct {
	n, num int64
	text   string
	index  int
}

// scanQueue runs a queue query on a read connection. It reads through the
// driver directly: database/sql's per-column conversions cost more than
// SQLite's own work on a 100,000-row list.
func (s *Store) scanQueue(ctx context.Context, query string, args []any, sizeHint int) (queueScan, error) {
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return queueScan{}, fmt.Errorf("read queue: %w", err)
	}
	defer conn.Close()
	scan := queueScan{
		items: make([]instruct.QueueItem, 0, sizeHint),
		keys:  make([]queueKey, 0, sizeHint),
	}
	err = conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("the SQLite driver cannot query")
		}
		rows, err := q.QueryContext(ctx, query, namedValues(args))
		if err != nil {
			return err
		}
		defer rows.Close()
		return scan.read(rows)
	})
	if err != nil {
		return queueScan{}, fmt.Errorf("read queue: %w", err)
	}
	return scan, nil
}

func (scan *queueScan) read(rows driver.Rows) error {
	dest := make([]driver.Value, len(rows.Columns()))
	var times []time.Time // submission times, allocated in blocks
	for {
		err := rows.Next(dest)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(times) == cap(times) {
			times = make([]time.Time, 0, 1024)
		}
		item, key, err := decodeQueueRow(dest, &times)
		if err != nil {
			return err
		}
		key.index = len(scan.items)
		scan.items = append(scan.items, item)
		scan.keys = append(scan.keys, key)
	}
}

// decodeQueueRow decodes a row of queueColumns. The submission time is
// appended to times, which must have room for it, and points there.
func decodeQueueRow(v []driver.Value, times *[]time.Time) (instruct.QueueItem, queueKey, error) {
	var it instruct.QueueItem
	if len(v) != 8 {
		return it, queueKey{}, fmt.Errorf("queue row has %d columns", len(v))
	}
	n, _ := v[0].(int64)
	packed, _ := v[1].(string)
	short := strings.SplitN(packed, " ", 4)
	if n <= 0 || len(short) != 4 {
		return it, queueKey{}, fmt.Errorf("malformed queue row %v", n)
	}
	it.ID = instruct.FormatRequestID(n)
	it.Status, it.ServerStatus, it.Op, it.Definition = instruct.Status(short[0]), instruct.Status(short[1]), instruct.OpState(short[2]), short[3]
	it.Title, _ = v[2].(string)
	it.Organization, _ = v[3].(string)
	it.Version, _ = v[4].(int64)
	if submitted, ok := v[5].(int64); ok {
		*times = append(*times, fromMicros(submitted))
		it.SubmittedAt = &(*times)[len(*times)-1]
	}
	updated, _ := v[6].(int64)
	it.UpdatedAt = fromMicros(updated)
	key := queueKey{n: n}
	key.num, _ = v[7].(int64)
	key.text, _ = v[7].(string)
	return it, key, nil
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

// sorted returns the items in the order of sort (as orderBy's SQL would
// give them), windowed by offset and limit (0: no limit).
func (scan queueScan) sorted(sort instruct.Sort, offset, limit int) []instruct.QueueItem {
	keys := scan.keys
	slices.SortFunc(keys, compareKeys(sort))
	keys = keys[min(offset, len(keys)):]
	if limit > 0 && limit < len(keys) {
		keys = keys[:limit]
	}
	out := make([]instruct.QueueItem, len(keys))
	for i, k := range keys {
		out[i] = scan.items[k.index]
	}
	return out
}

func compareKeys(sort instruct.Sort) func(a, b queueKey) int {
	switch sort {
	case instruct.SortUpdated:
		return func(a, b queueKey) int {
			if a.num != b.num {
				return cmp.Compare(b.num, a.num)
			}
			return cmp.Compare(b.n, a.n)
		}
	case instruct.SortOrganization:
		return func(a, b queueKey) int {
			if a.text != b.text {
				return strings.Compare(a.text, b.text)
			}
			return cmp.Compare(a.n, b.n)
		}
	}
	return func(a, b queueKey) int {
		if a.num != b.num {
			return cmp.Compare(a.num, b.num)
		}
		return cmp.Compare(a.n, b.n)
	}
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
