package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Cursor returns the change-feed cursor of the last page applied, or ""
// before the first pull.
func (s *Store) Cursor(ctx context.Context) (_ string, err error) {
	if err := s.enter(); err != nil {
		return "", err
	}
	defer s.leave(&err)
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
func (s *Store) ApplyPage(ctx context.Context, items []instruct.FeedItem, cursor string) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	page, err := encodeItems(items)
	if err != nil {
		return fmt.Errorf("apply feed page: %w", err)
	}
	err = s.inTx(ctx, refetchable, func(tx *writeTx) error {
		if err := writeItems(ctx, tx, page); err != nil {
			return err
		}
		return writeMeta(ctx, tx, metaCursor, []byte(cursor))
	})
	if err != nil {
		return fmt.Errorf("apply feed page: %w", err)
	}
	return nil
}

// ResetFeed drops the cached requests, their events, habilitations,
// deliveries and documents' texts, the search index and the cursor, so that the next pull starts from the beginning (after a
// cursor_expired answer). The outbox is kept.
func (s *Store) ResetFeed(ctx context.Context) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	err = s.inTxChecked(ctx, refetchable, false, func(tx *writeTx) error {
		tx.reset = true
		for _, stmt := range []string{
			"DELETE FROM events",
			"DELETE FROM stat_marks",
			"DELETE FROM document_texts",
			"DELETE FROM habilitations",
			"DELETE FROM request_bodies",
			"DELETE FROM requests",
			"DELETE FROM deliveries",
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

// feedItem is a feed item checked and encoded for the cache.
type feedItem struct {
	row    requestRow
	body   []byte // the request as JSON
	events []eventBody
	marks  statMarks // what the statistics read of the events
	habs   []habRow
}

// encodeItems checks feed items and encodes them for the cache, before
// any transaction begins.
func encodeItems(items []instruct.FeedItem) ([]feedItem, error) {
	out := make([]feedItem, len(items))
	for i, item := range items {
		it, err := encodeItem(item)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		out[i] = it
	}
	return out, nil
}

func encodeItem(item instruct.FeedItem) (feedItem, error) {
	row, err := newRequestRow(item.Request)
	if err != nil {
		return feedItem{}, err
	}
	row.deciders = deciders(item.Events)
	events, err := eventBodies(item.Request.ID, item.Events)
	if err != nil {
		return feedItem{}, err
	}
	row.seq = item.Seq
	row.derive(item.Events)
	habs, err := habRows(item)
	if err != nil {
		return feedItem{}, err
	}
	r := item.Request
	body, err := json.Marshal(r)
	if err != nil {
		return feedItem{}, fmt.Errorf("encode request %s: %w", r.ID, err)
	}
	return feedItem{row: row, body: body, events: events, marks: marksOf(item.Events), habs: habs}, nil
}

// writeItems stores feed items: each request unless the cache holds the
// same version or a newer one, with its body and search entry, the
// events not cached yet and its habilitations (each unless cached from a
// later item); then it lays the open operations over the
// requests written that have some. Rows go in a few statements of many
// rows each.
func writeItems(ctx context.Context, tx *writeTx, items []feedItem) error {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.row.id
	}
	known, err := cachedRows(ctx, tx, ids)
	if err != nil {
		return err
	}
	w := newPageWriter(known)
	for _, it := range items {
		if err := w.add(ctx, tx, it); err != nil {
			return err
		}
	}
	if err := w.flush(ctx, tx); err != nil {
		return err
	}
	if err := writeStatMarks(ctx, tx, items); err != nil {
		return err
	}
	if err := writeHabilitations(ctx, tx, items); err != nil {
		return err
	}
	return refreshOverlays(ctx, tx, w.changed)
}

// pageWriter gathers the rows a page writes, to insert them in bulk.
type pageWriter struct {
	// known holds the cached rows of the page's requests, as far as
	// add needs them, and then those it wrote.
	known  map[int64]requestRow
	labels scopeLabels // loaded when first needed
	// pending holds the requests gathered since the last flush.
	pending map[int64]bool
	// changed holds the requests written.
	changed                         []int64
	requests, bodies, index, events rowInserter
	unindex                         []int64
}

func newPageWriter(known map[int64]requestRow) *pageWriter {
	return &pageWriter{known: known, pending: map[int64]bool{},
		requests: rowInserter{head: upsertRequests, cols: 27, tail: upsertRequestsTail, rows: batchRows},
		bodies:   rowInserter{head: "INSERT INTO request_bodies (id, body) VALUES", cols: 2, tail: " ON CONFLICT (id) DO UPDATE SET body = excluded.body", rows: batchRows},
		index:    newIndexInserter(),
		events:   rowInserter{head: "INSERT INTO events (seq, request, body) VALUES", cols: 3, tail: " ON CONFLICT (seq) DO NOTHING", rows: batchRows},
	}
}

const upsertRequests = `INSERT INTO requests (id, definition, status, shown_status, op_state, version, title,
	org_name, org_key, siret, applicant_email, scopes, submitted_at, age_key, updated_at,
	seq, claim_id, claim_name, claim_at, applicant_id, decision_seq, decider_id, decider_name,
	decision_at, note_seq, message_seq, deciders) VALUES`

// upsertRequestsTail replaces a cached row but for seen_seq, the
// reviewer's own; the derived columns come merged with the cached ones
// (see requestRow.merge).
const upsertRequestsTail = ` ON CONFLICT (id) DO UPDATE SET definition = excluded.definition,
	status = excluded.status, shown_status = excluded.shown_status, op_state = excluded.op_state,
	version = excluded.version, title = excluded.title, org_name = excluded.org_name,
	org_key = excluded.org_key, siret = excluded.siret, applicant_email = excluded.applicant_email,
	scopes = excluded.scopes, submitted_at = excluded.submitted_at, age_key = excluded.age_key,
	updated_at = excluded.updated_at, seq = excluded.seq, claim_id = excluded.claim_id,
	claim_name = excluded.claim_name, claim_at = excluded.claim_at, applicant_id = excluded.applicant_id,
	decision_seq = excluded.decision_seq, decider_id = excluded.decider_id,
	decider_name = excluded.decider_name, decision_at = excluded.decision_at,
	note_seq = excluded.note_seq, message_seq = excluded.message_seq,
	deciders = excluded.deciders`

// add gathers the rows of one item. When a page holds a request twice,
// the rows gathered so far are written before the second, keeping the
// two in order.
func (w *pageWriter) add(ctx context.Context, tx *writeTx, it feedItem) error {
	row := it.row
	if w.pending[row.id] {
		if err := w.flush(ctx, tx); err != nil {
			return err
		}
	}
	w.pending[row.id] = true
	if cached, found := w.known[row.id]; !found || row.newerThan(cached) {
		if err := w.addRequest(ctx, tx, it, cached, found); err != nil {
			return err
		}
	}
	for _, e := range it.events {
		w.events.add(e.seq, row.id, e.body)
	}
	return nil
}

// addRequest gathers the rows of a request newer than the cache's.
func (w *pageWriter) addRequest(ctx context.Context, tx *writeTx, it feedItem, cached requestRow, found bool) error {
	row := it.row
	if found {
		row.merge(cached)
	} else {
		row.merge(requestRow{})
	}
	row.deciders = joinNames(cached.deciders, row.deciders)
	w.requests.add(row.id, row.definition, row.status, row.status, "", row.version, row.title,
		row.orgName, row.orgKey, row.siret, row.email, row.scopes, row.submittedAt, row.ageKey, row.updatedAt,
		row.seq, row.claimID, row.claimName, row.claimAt, row.applicantID, row.decisionSeq, row.deciderID,
		row.deciderName, row.decisionAt, row.noteSeq, row.messageSeq, row.deciders)
	w.bodies.add(row.id, it.body)
	if !found || row.searchChanged(cached) {
		if found {
			w.unindex = append(w.unindex, row.id)
		}
		if w.labels == nil {
			labels, err := loadScopeLabels(ctx, tx)
			if err != nil {
				return err
			}
			w.labels = labels
		}
		w.index.add(row.id, searchDoc(row, w.labels))
	}
	w.known[row.id] = row
	w.changed = append(w.changed, row.id)
	tx.wrote(row.queueRow())
	return nil
}

// flush writes the rows gathered, parents before children.
func (w *pageWriter) flush(ctx context.Context, tx *writeTx) error {
	for _, n := range w.unindex {
		if _, err := tx.ExecContext(ctx, "DELETE FROM search WHERE rowid = ?", n); err != nil {
			return fmt.Errorf("unindex request: %w", err)
		}
	}
	w.unindex = w.unindex[:0]
	clear(w.pending)
	for _, ins := range []*rowInserter{&w.requests, &w.bodies, &w.index, &w.events} {
		if err := ins.flush(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}

// batchRows is how many rows one INSERT statement writes at most: many
// rows a statement cost less than a statement a row.
const batchRows = 100

// maxIndexRows is how many search entries one statement inserts at most,
// 2 variables each (SQLite allows 32,766).
const maxIndexRows = 10_000

// newIndexInserter returns an inserter of search entries. The search
// index writes what it was given as a new segment (merged later) at each
// statement that follows: a page's entries go in one statement.
func newIndexInserter() rowInserter {
	return rowInserter{head: "INSERT INTO search (rowid, doc) VALUES", cols: 2, rows: maxIndexRows}
}

// rowInserter gathers the rows of an INSERT statement and runs it
// a few rows at a time.
type rowInserter struct {
	head string // "INSERT INTO t (a, b) VALUES"
	tail string // what follows the values: " ON CONFLICT …" or ""
	cols int
	rows int // rows a statement, at most
	args []any
}

// add gathers one row, its values in the order of the columns.
func (ins *rowInserter) add(values ...any) { ins.args = append(ins.args, values...) }

// flush inserts the rows gathered.
func (ins *rowInserter) flush(ctx context.Context, tx *writeTx) error {
	args := ins.args
	for len(args) > 0 {
		n := min(len(args)/ins.cols, ins.rows)
		query := ins.head + valueRows(n, ins.cols) + ins.tail
		if _, err := tx.ExecContext(ctx, query, args[:n*ins.cols]...); err != nil {
			return fmt.Errorf("insert into %s: %w", strings.Fields(ins.head)[2], err)
		}
		args = args[n*ins.cols:]
	}
	clear(ins.args)
	ins.args = ins.args[:0]
	return nil
}

// valueRows returns n rows of cols placeholders: "(?, ?), (?, ?)".
func valueRows(n, cols int) string {
	row := "(" + placeholders(cols) + ")"
	return " " + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// cachedRows reads the cached rows of requests, as far as writeItems
// needs them.
func cachedRows(ctx context.Context, tx *writeTx, ids []int64) (map[int64]requestRow, error) {
	known := make(map[int64]requestRow, len(ids))
	query := `SELECT id, version, definition, title, org_name, siret, applicant_email, scopes,
		seq, applicant_id, decision_seq, decider_id, decider_name, decision_at, note_seq, message_seq, seen_seq, deciders
		FROM requests WHERE id`
	err := eachByID(ctx, tx, query, ids, func(rows *sql.Rows) error {
		var r requestRow
		err := rows.Scan(&r.id, &r.version, &r.definition, &r.title, &r.orgName, &r.siret, &r.email, &r.scopes,
			&r.seq, &r.applicantID, &r.decisionSeq, &r.deciderID, &r.deciderName, &r.decisionAt,
			&r.noteSeq, &r.messageSeq, &r.seenSeq, &r.deciders)
		known[r.id] = r
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read cached requests: %w", err)
	}
	return known, nil
}

// refreshOverlays lays the open operations over those of requests that
// have some.
func refreshOverlays(ctx context.Context, tx *writeTx, ids []int64) error {
	query := "SELECT DISTINCT request FROM outbox WHERE state <> '" + string(instruct.OpAccepted) + "' AND request"
	var withOps []int64
	err := eachByID(ctx, tx, query, ids, func(rows *sql.Rows) error {
		var n int64
		err := rows.Scan(&n)
		withOps = append(withOps, n)
		return err
	})
	if err != nil {
		return fmt.Errorf("read outbox: %w", err)
	}
	for _, n := range withOps {
		if err := refreshOverlay(ctx, tx, n); err != nil {
			return err
		}
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

// requestRow is a request as the requests table holds it.
type requestRow struct {
	id, version                                              int64
	definition, status, title, orgName, orgKey, siret, email string
	scopes                                                   string
	submittedAt                                              sql.NullInt64
	ageKey, updatedAt                                        int64
	// deciders are the names of who decided on the request, one a line
	// (for search; derived holds the latest decision, for display).
	deciders string
	// seq is the feed position of the state; the claim is the server's.
	seq                int64
	claimID, claimName string
	claimAt            sql.NullInt64
	derived
	// talk holds the creation, transfers and messages of the item being
	// written, oldest first: merge follows the applicant through them,
	// from what the cache knew, to tell the applicant's messages.
	talk []instruct.Event
}

// derived is what the requests table keeps of a request's events.
type derived struct {
	applicantID            string
	decisionSeq            int64
	deciderID, deciderName string
	decisionAt             sql.NullInt64
	noteSeq, messageSeq    int64
	seenSeq                int64
}

// derive reads what the queue marks from events: the latest decision
// and who made it, the latest internal note, and what tells the
// applicant's messages (in merge).
func (r *requestRow) derive(events []instruct.Event) {
	for _, e := range events {
		switch {
		case e.Kind == instruct.KindCreate, e.Kind == instruct.KindTransfer, e.Kind == instruct.KindMessage:
			r.talk = append(r.talk, e)
		case e.Kind.IsDecision() && e.Seq > r.decisionSeq:
			r.decisionSeq, r.deciderID, r.deciderName = e.Seq, e.Actor.ID, e.Actor.Name
			r.decisionAt = sql.NullInt64{Int64: micros(e.At), Valid: true}
		case e.Kind == instruct.KindNote:
			r.noteSeq = max(r.noteSeq, e.Seq)
		}
	}
}

// merge completes r, derived from a page's events, with what the cache
// derived from earlier ones: the latest of each, the applicant followed
// from the cache's through the page's creation and transfers, the latest
// message the applicant of its time wrote (instruct.Event.ApplicantMessage),
// and the reviewer's seen_seq as is.
func (r *requestRow) merge(cached requestRow) {
	if cached.decisionSeq > r.decisionSeq {
		r.decisionSeq, r.deciderID, r.deciderName, r.decisionAt = cached.decisionSeq, cached.deciderID, cached.deciderName, cached.decisionAt
	}
	r.noteSeq = max(r.noteSeq, cached.noteSeq)
	r.applicantID, r.messageSeq = cached.applicantID, cached.messageSeq
	for _, e := range r.talk {
		if e.ApplicantMessage(r.applicantID) {
			r.messageSeq = max(r.messageSeq, e.Seq)
		}
		r.applicantID = e.ApplicantAfter(r.applicantID)
	}
	r.seenSeq = cached.seenSeq
}

// newerThan reports whether r is a later state than cached: a higher
// version, or the same one at a later feed position (claims and notes
// leave the version as it is).
func (r requestRow) newerThan(cached requestRow) bool {
	return r.version > cached.version || (r.version == cached.version && r.seq > cached.seq)
}

// neverSubmitted is the age key of drafts, which sort after every
// submitted request.
const neverSubmitted = math.MaxInt64

// newRequestRow checks a request from the server and returns its row.
func newRequestRow(r instruct.Request) (requestRow, error) {
	if r.ID <= 0 {
		return requestRow{}, instruct.Errorf(instruct.CodeInvalid, "the server sent a request without an ID")
	}
	if !r.Status.Valid() {
		return requestRow{}, instruct.Errorf(instruct.CodeInvalid, "the server sent %s with status %q", r.ID, oneLine(string(r.Status)))
	}
	row := requestRow{id: int64(r.ID), version: r.Version, definition: r.Definition, status: string(r.Status),
		title: r.Title, orgName: r.Organization.Name, orgKey: sortKey(r.Organization.Name),
		siret: r.Organization.SIRET, email: r.Applicant.Email, scopes: strings.Join(r.Scopes, " "),
		ageKey: neverSubmitted, updatedAt: micros(r.UpdatedAt)}
	if c := r.Claim; c != nil {
		row.claimID, row.claimName = c.User.ID, c.User.Name
		row.claimAt = sql.NullInt64{Int64: micros(c.At), Valid: true}
	}
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
	q.item = instruct.QueueItem{ID: instruct.RequestID(r.id), Definition: r.definition,
		Title: r.title, Organization: r.orgName, Status: instruct.Status(r.status),
		ServerStatus: instruct.Status(r.status), Version: r.version, UpdatedAt: fromMicros(r.updatedAt)}
	if r.submittedAt.Valid {
		t := fromMicros(r.submittedAt.Int64)
		q.item.SubmittedAt = &t
	}
	q.item.Claim = claimOf(r.claimID, r.claimName, r.claimAt)
	q.item.DecidedBy, q.item.DecidedAt = decisionOf(r.deciderID, r.deciderName, r.decisionAt)
	q.item.Notes, q.item.Unread = r.noteSeq > 0, r.messageSeq > r.seenSeq
	return q
}

// claimOf returns the claim of the claim columns, nil when empty.
func claimOf(id, name string, at sql.NullInt64) *instruct.Claim {
	if id == "" {
		return nil
	}
	return &instruct.Claim{User: instruct.Actor{ID: id, Name: name}, At: fromMicros(at.Int64)}
}

// decisionOf returns who made the latest decision and when, nil before
// any.
func decisionOf(id, name string, at sql.NullInt64) (*instruct.Actor, *time.Time) {
	if !at.Valid {
		return nil, nil
	}
	t := fromMicros(at.Int64)
	return &instruct.Actor{ID: id, Name: name}, &t
}

// searchChanged reports whether the fields the search index covers differ.
func (r requestRow) searchChanged(old requestRow) bool {
	return r.definition != old.definition || r.title != old.title || r.orgName != old.orgName ||
		r.siret != old.siret || r.email != old.email || r.scopes != old.scopes || r.deciders != old.deciders
}

// deciders returns the names of who made the decisions among events,
// sorted, one a line.
func deciders(events []instruct.Event) string {
	var names []string
	for _, e := range events {
		if e.Kind.IsDecision() && e.Actor.Name != "" {
			names = append(names, e.Actor.Name)
		}
	}
	return joinNames(names...)
}

// joinNames returns the names of lists (each one name a line) once each,
// sorted, one a line.
func joinNames(lists ...string) string {
	var names []string
	for _, l := range lists {
		for n := range strings.SplitSeq(l, "\n") {
			if n != "" {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	return strings.Join(slices.Compact(names), "\n")
}

type eventBody struct {
	seq  int64
	body []byte
}

// eventBodies checks that the events belong to request n and encodes them.
func eventBodies(n instruct.RequestID, events []instruct.Event) ([]eventBody, error) {
	out := make([]eventBody, 0, len(events))
	for _, e := range events {
		if e.Seq <= 0 {
			return nil, instruct.Errorf(instruct.CodeInvalid, "the server sent an event of %s without a sequence number", n)
		}
		if e.RequestID != 0 && e.RequestID != n {
			return nil, instruct.Errorf(instruct.CodeInvalid, "the server sent event %d of %s with request %s", e.Seq, e.RequestID, n)
		}
		e.RequestID = n
		body, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("encode event %d: %w", e.Seq, err)
		}
		out = append(out, eventBody{seq: e.Seq, body: body})
	}
	return out, nil
}
