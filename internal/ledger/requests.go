package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// storedRequest is a request row: the request, who created it, and the
// seq of its last change.
type storedRequest struct {
	request   instruct.Request
	number    instruct.RequestID
	createdBy string
	seq       int64
	// held is what a HoldingChange did to the request's habilitations,
	// written with the request.
	held holding
}

// searchText is what free-text queries match: the request's ID, title,
// organisation name, SIRET and applicant e-mail, lower-cased, one per
// line so that no match spans two fields; valid UTF-8 without NUL, which
// PostgreSQL's text refuses.
func searchText(r instruct.Request) string {
	fields := []string{r.ID.String(), r.Title, r.Organization.Name, r.Organization.SIRET, r.Applicant.Email}
	text := strings.ToLower(strings.Join(fields, "\n"))
	return strings.ReplaceAll(strings.ToValidUTF8(text, "\uFFFD"), "\x00", "")
}

// insertRequestSQL stores a new request row; requestArgs are its
// arguments.
const insertRequestSQL = `INSERT INTO requests (number, definition, status, version, created_by, seq, search, body)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// requestArgs returns the arguments of insertRequestSQL for s and the
// request's JSON.
func requestArgs(s storedRequest) ([]any, []byte, error) {
	body, err := encodeRequest(s.request)
	if err != nil {
		return nil, nil, fmt.Errorf("encode %s: %w", s.request.ID, err)
	}
	return []any{s.number, s.request.Definition, string(s.request.Status), s.request.Version,
		s.createdBy, s.seq, searchText(s.request), string(body)}, body, nil
}

// encodeRequest returns the JSON a request is stored as: without its
// checks, which are computed when it is read, and with its habilitation
// IDs a list, never null.
func encodeRequest(r instruct.Request) ([]byte, error) {
	r.Checks = nil
	if r.HabilitationIDs == nil {
		r.HabilitationIDs = []instruct.HabilitationID{}
	}
	return json.Marshal(r)
}

// insertRequest stores a new request row and returns the request as
// stored, read back from its JSON.
func (l *Ledger) insertRequest(ctx context.Context, tx querier, s storedRequest) (instruct.Request, error) {
	args, body, err := requestArgs(s)
	if err != nil {
		return instruct.Request{}, err
	}
	if _, err := tx.ExecContext(ctx, insertRequestSQL, args...); err != nil {
		return instruct.Request{}, fmt.Errorf("insert %s: %w", s.request.ID, err)
	}
	return decodeRequest(string(body))
}

// updateRequest stores the new state of a request and the seq of the
// change, and returns the request as stored: read back from its JSON, as
// every later read will see it.
func (l *Ledger) updateRequest(ctx context.Context, tx querier, s storedRequest) (instruct.Request, error) {
	body, err := encodeRequest(s.request)
	if err != nil {
		return instruct.Request{}, fmt.Errorf("encode %s: %w", s.request.ID, err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE requests SET status = ?, version = ?, created_by = ?, seq = ?, search = ?, body = ? WHERE number = ?`,
		string(s.request.Status), s.request.Version, s.createdBy, s.seq, searchText(s.request), string(body), s.number)
	if err != nil {
		return instruct.Request{}, fmt.Errorf("update %s: %w", s.request.ID, err)
	}
	return decodeRequest(string(body))
}

// loadRequest reads request number, or returns not_found.
func (l *Ledger) loadRequest(ctx context.Context, tx querier, number instruct.RequestID) (storedRequest, error) {
	s := storedRequest{number: number}
	var body string
	err := tx.QueryRowContext(ctx, `SELECT created_by, seq, body FROM requests WHERE number = ?`, number).
		Scan(&s.createdBy, &s.seq, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return storedRequest{}, instruct.Errorf(instruct.CodeNotFound, "no request %s", number)
	}
	if err != nil {
		return storedRequest{}, fmt.Errorf("read %s: %w", number, err)
	}
	s.request, err = decodeRequest(body)
	return s, err
}

// Request returns request number id with the user ID of its creator, or
// not_found.
func (l *Ledger) Request(ctx context.Context, id instruct.RequestID) (instruct.Request, string, error) {
	s, err := l.loadRequest(ctx, l.reader, id)
	if err != nil {
		return instruct.Request{}, "", err
	}
	return s.request, s.createdBy, nil
}

// Events returns the events of request number id, oldest first, or
// not_found when there is no such request.
func (l *Ledger) Events(ctx context.Context, id instruct.RequestID) ([]instruct.Event, error) {
	var events []instruct.Event
	err := l.inRead(ctx, func(tx *txn) error {
		if _, err := l.loadRequest(ctx, tx, id); err != nil {
			return err
		}
		var err error
		events, err = l.eventsAfter(ctx, tx, id, 0)
		return err
	})
	return events, err
}

// eventsAfter returns the events of request number with a seq above
// after, oldest first.
func (l *Ledger) eventsAfter(ctx context.Context, tx querier, number instruct.RequestID, after int64) ([]instruct.Event, error) {
	rows, err := tx.QueryContext(ctx, `SELECT body FROM events WHERE request_number = ? AND seq > ? ORDER BY seq`, number, after)
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", number, err)
	}
	return scanEvents(rows)
}

// scanEvents decodes rows of a single body column into events.
func scanEvents(rows *sql.Rows) ([]instruct.Event, error) {
	defer rows.Close()
	events := []instruct.Event{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("scan event: %w", err)
		}
		e, err := decodeEvent(body)
		if err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return events, nil
}
