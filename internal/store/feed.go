package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Cursor returns the change-feed cursor of the last page applied, or ""
// before the first pull.
func (s *Store) Cursor(ctx context.Context) (string, error) {
	v, err := readMeta(ctx, s.read, metaCursor)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read cursor: %w", err)
	}
	return string(v), nil
}

// ApplyPage stores a page of the change feed in one transaction: each
// request in its latest state (a version older than or equal to the
// cache's is ignored), its events (ignoring those already cached, by seq),
// its entry in the search index, and the cursor. A malformed item (an ID
// that is not a request ID, an unknown status, an event of another
// request) fails the whole page with an invalid error, leaving the cache
// and its cursor as they were.
func (s *Store) ApplyPage(ctx context.Context, items []instruct.FeedItem, cursor string) error {
	err := s.inTx(ctx, refetchable, func(tx *writeTx) error {
		w, err := newFeedWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		if err := w.preload(ctx, items); err != nil {
			return err
		}
		for i, item := range items {
			if err := w.put(ctx, item); err != nil {
				return fmt.Errorf("item %d: %w", i, err)
			}
		}
		return writeMeta(ctx, tx, metaCursor, []byte(cursor))
	})
	if err != nil {
		return fmt.Errorf("apply feed page: %w", err)
	}
	return nil
}

// ResetFeed drops the cached requests, their events, the search index and
// the cursor, so that the next pull starts from the beginning (after a
// cursor_expired answer). The outbox is kept.
func (s *Store) ResetFeed(ctx context.Context) error {
	err := s.inTxChecked(ctx, refetchable, false, func(tx *writeTx) error {
		tx.reset = true
		for _, stmt := range []string{
			"DELETE FROM events",
			"DELETE FROM request_bodies",
			"DELETE FROM requests",
			"INSERT INTO search (search) VALUES ('delete-all')",
		} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
		}
		return deleteMeta(ctx, tx, metaCursor)
	})
	if err != nil {
		return fmt.Errorf("reset feed: %w", err)
	}
	return nil
}

// feedWriter stores requests and events inside one write transaction with
// prepared statements, keeping the search index and the overlay in step.
type feedWriter struct {
	labels  scopeLabels
	withOps map[int64]bool
	// known holds the cached rows of the requests being written, as far
	// as putRequest needs them, loaded by preload.
	known map[int64]requestRow
	tx    *writeTx
	stmts []*sql.Stmt

	insert, update, putBody, unindex, index, putEvent *sql.Stmt
}

const requestColumns = `definition, status, shown_status, op_state, version, title, org_name,
	org_key, siret, applicant_email, scopes, submitted_at, age_key, updated_at`

func newFeedWriter(ctx context.Context, tx *writeTx) (*feedWriter, error) {
	w := &feedWriter{tx: tx}
	var err error
	if w.labels, err = loadScopeLabels(ctx, tx); err != nil {
		return nil, err
	}
	if w.withOps, err = requestsWithOps(ctx, tx); err != nil {
		return nil, err
	}
	if err := w.prepare(ctx); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *feedWriter) prepare(ctx context.Context) error {
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&w.insert, "INSERT INTO requests (id, " + requestColumns + ") VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
		{&w.update, `UPDATE requests SET definition = ?, status = ?, shown_status = ?, op_state = '', version = ?,
			title = ?, org_name = ?, org_key = ?, siret = ?, applicant_email = ?, scopes = ?,
			submitted_at = ?, age_key = ?, updated_at = ? WHERE id = ?`},
		{&w.putBody, "INSERT INTO request_bodies (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body"},
		{&w.unindex, "DELETE FROM search WHERE rowid = ?"},
		{&w.index, "INSERT INTO search (rowid, doc) VALUES (?, ?)"},
		{&w.putEvent, "INSERT INTO events (seq, request, body) VALUES (?, ?, ?) ON CONFLICT (seq) DO NOTHING"},
	} {
		stmt, err := w.tx.PrepareContext(ctx, p.sql)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		*p.stmt = stmt
		w.stmts = append(w.stmts, stmt)
	}
	return nil
}

func (w *feedWriter) close() {
	for _, stmt := range w.stmts {
		stmt.Close()
	}
}

// put stores one feed item.
func (w *feedWriter) put(ctx context.Context, item instruct.FeedItem) error {
	row, err := newRequestRow(item.Request)
	if err != nil {
		return err
	}
	events, err := eventBodies(row.id, item.Events)
	if err != nil {
		return err
	}
	if err := w.putRequest(ctx, row, item.Request); err != nil {
		return err
	}
	for _, e := range events {
		if _, err := w.putEvent.ExecContext(ctx, e.seq, row.id, e.body); err != nil {
			return fmt.Errorf("insert event %d: %w", e.seq, err)
		}
	}
	return nil
}

// putRequest inserts or updates the request when the cache has no newer
// version of it.
func (w *feedWriter) putRequest(ctx context.Context, row requestRow, r instruct.Request) error {
	cached, found := w.known[row.id]
	if found && cached.version >= row.version {
		return nil
	}
	r.ID = instruct.FormatRequestID(row.id)
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode request %s: %w", r.ID, err)
	}
	if err := w.writeRow(ctx, row, found); err != nil {
		return err
	}
	if _, err := w.putBody.ExecContext(ctx, row.id, body); err != nil {
		return fmt.Errorf("store request %s: %w", r.ID, err)
	}
	if err := w.reindex(ctx, row, cached, found); err != nil {
		return err
	}
	w.known[row.id] = row
	w.tx.wrote(row.queueRow())
	if w.withOps[row.id] {
		return refreshOverlay(ctx, w.tx, row.id)
	}
	return nil
}

func (w *feedWriter) writeRow(ctx context.Context, row requestRow, found bool) error {
	var err error
	if found {
		_, err = w.update.ExecContext(ctx, row.definition, row.status, row.status, row.version,
			row.title, row.orgName, row.orgKey, row.siret, row.email, row.scopes,
			row.submittedAt, row.ageKey, row.updatedAt, row.id)
	} else {
		_, err = w.insert.ExecContext(ctx, row.id, row.definition, row.status, row.status, row.version,
			row.title, row.orgName, row.orgKey, row.siret, row.email, row.scopes,
			row.submittedAt, row.ageKey, row.updatedAt)
	}
	if err != nil {
		return fmt.Errorf("store request %s: %w", instruct.FormatRequestID(row.id), err)
	}
	return nil
}

// reindex updates the request's search entry when what it indexes changed.
func (w *feedWriter) reindex(ctx context.Context, row, cached requestRow, found bool) error {
	if found && !row.searchChanged(cached) {
		return nil
	}
	if found {
		if _, err := w.unindex.ExecContext(ctx, row.id); err != nil {
			return fmt.Errorf("unindex request: %w", err)
		}
	}
	if _, err := w.index.ExecContext(ctx, row.id, searchDoc(row, w.labels)); err != nil {
		return fmt.Errorf("index request: %w", err)
	}
	return nil
}

// preload reads the cached rows of the items' requests.
func (w *feedWriter) preload(ctx context.Context, items []instruct.FeedItem) error {
	w.known = make(map[int64]requestRow, len(items))
	ids := make([]int64, 0, len(items))
	for _, item := range items {
		if n, err := instruct.ParseRequestID(item.Request.ID); err == nil {
			ids = append(ids, n)
		}
	}
	query := "SELECT id, version, definition, title, org_name, siret, applicant_email, scopes FROM requests WHERE id"
	err := eachByID(ctx, w.tx, query, ids, func(rows *sql.Rows) error {
		var r requestRow
		err := rows.Scan(&r.id, &r.version, &r.definition, &r.title, &r.orgName, &r.siret, &r.email, &r.scopes)
		w.known[r.id] = r
		return err
	})
	if err != nil {
		return fmt.Errorf("read cached requests: %w", err)
	}
	return nil
}

// maxIDsPerQuery keeps IN lists well under SQLite's limit on variables.
const maxIDsPerQuery = 1000

// eachByID runs query (ending with "WHERE id" or the like) followed by
// "IN (…)" over ids, in chunks, calling scan on each row.
func eachByID(ctx context.Context, q execer, query string, ids []int64, scan func(*sql.Rows) error) error {
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), maxIDsPerQuery)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, n := range chunk {
			args[i] = n
		}
		if err := scanAll(ctx, q, query+" IN ("+placeholders(len(chunk))+")", args, scan); err != nil {
			return err
		}
	}
	return nil
}

func scanAll(ctx context.Context, q execer, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// requestsWithOps returns the requests that have operations not yet
// accepted, whose overlay must be recomputed when they change.
func requestsWithOps(ctx context.Context, tx execer) (map[int64]bool, error) {
	rows, err := tx.QueryContext(ctx, "SELECT DISTINCT request FROM outbox WHERE state <> ?", instruct.OpAccepted)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	set := map[int64]bool{}
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		set[n] = true
	}
	return set, rows.Err()
}

// requestRow is a request as the requests table holds it.
type requestRow struct {
	id, version                                              int64
	definition, status, title, orgName, orgKey, siret, email string
	scopes                                                   string
	submittedAt                                              sql.NullInt64
	ageKey, updatedAt                                        int64
}

// neverSubmitted is the age key of drafts, which sort after every
// submitted request.
const neverSubmitted = math.MaxInt64

// newRequestRow checks a request from the server and returns its row.
func newRequestRow(r instruct.Request) (requestRow, error) {
	n, err := instruct.ParseRequestID(r.ID)
	if err != nil {
		return requestRow{}, instruct.Errorf(instruct.CodeInvalid, "the server sent a request with ID %q", oneLine(r.ID))
	}
	if !r.Status.Valid() {
		return requestRow{}, instruct.Errorf(instruct.CodeInvalid, "the server sent %s with status %q", r.ID, oneLine(string(r.Status)))
	}
	row := requestRow{id: n, version: r.Version, definition: r.Definition, status: string(r.Status),
		title: r.Title, orgName: r.Organization.Name, orgKey: sortKey(r.Organization.Name),
		siret: r.Organization.SIRET, email: r.Applicant.Email, scopes: strings.Join(r.Scopes, " "),
		ageKey: neverSubmitted, updatedAt: micros(r.UpdatedAt)}
	if r.SubmittedAt != nil {
		row.submittedAt = sql.NullInt64{Int64: micros(*r.SubmittedAt), Valid: true}
		row.ageKey = row.submittedAt.Int64
	}
	return row, nil
}

// queueRow returns the queue row of a request just written: no operation
// laid over (refreshOverlay reads those back).
func (r requestRow) queueRow() queueRow {
	q := queueRow{n: r.id, age: r.ageKey, org: r.orgKey}
	q.item = instruct.QueueItem{ID: instruct.FormatRequestID(r.id), Definition: r.definition,
		Title: r.title, Organization: r.orgName, Status: instruct.Status(r.status),
		ServerStatus: instruct.Status(r.status), Version: r.version, UpdatedAt: fromMicros(r.updatedAt)}
	if r.submittedAt.Valid {
		t := fromMicros(r.submittedAt.Int64)
		q.item.SubmittedAt = &t
	}
	return q
}

// searchChanged reports whether the fields the search index covers differ.
func (r requestRow) searchChanged(old requestRow) bool {
	return r.definition != old.definition || r.title != old.title || r.orgName != old.orgName ||
		r.siret != old.siret || r.email != old.email || r.scopes != old.scopes
}

type eventBody struct {
	seq  int64
	body []byte
}

// eventBodies checks that the events belong to request n and encodes them.
func eventBodies(n int64, events []instruct.Event) ([]eventBody, error) {
	out := make([]eventBody, 0, len(events))
	for _, e := range events {
		if e.Seq <= 0 {
			return nil, instruct.Errorf(instruct.CodeInvalid, "the server sent an event of %s without a sequence number", instruct.FormatRequestID(n))
		}
		if m, err := instruct.ParseRequestID(e.RequestID); e.RequestID != "" && (err != nil || m != n) {
			return nil, instruct.Errorf(instruct.CodeInvalid, "the server sent event %d of %q with request %s", e.Seq, oneLine(e.RequestID), instruct.FormatRequestID(n))
		}
		e.RequestID = instruct.FormatRequestID(n)
		body, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("encode event %d: %w", e.Seq, err)
		}
		out = append(out, eventBody{seq: e.Seq, body: body})
	}
	return out, nil
}
