package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// habRow is a habilitation checked and encoded for the cache.
type habRow struct {
	id, request, version, seq, createdAt int64
	definition, status, siret, orgName   string
	h                                    instruct.Habilitation
	body                                 []byte
}

// habRows checks the habilitations of feed item item (each of its
// request, with a known status) and encodes them.
func habRows(item instruct.FeedItem) ([]habRow, error) {
	out := make([]habRow, 0, len(item.Habilitations))
	for _, h := range item.Habilitations {
		if h.ID <= 0 {
			return nil, instruct.Errorf(instruct.CodeInvalid, "the server sent a habilitation of %s without an ID", item.Request.ID)
		}
		if h.RequestID != item.Request.ID {
			return nil, instruct.Errorf(instruct.CodeInvalid, "the server sent habilitation %s of %s with request %s", h.ID, item.Request.ID, h.RequestID)
		}
		if !h.Status.Valid() {
			return nil, instruct.Errorf(instruct.CodeInvalid, "the server sent %s with status %q", h.ID, oneLine(string(h.Status)))
		}
		body, err := json.Marshal(h)
		if err != nil {
			return nil, fmt.Errorf("encode habilitation %s: %w", h.ID, err)
		}
		out = append(out, habRow{id: int64(h.ID), request: int64(h.RequestID), version: h.Version, seq: item.Seq,
			createdAt: micros(h.CreatedAt), definition: h.Definition, status: string(h.Status),
			siret: h.Organization.SIRET, orgName: h.Organization.Name, h: h, body: body})
	}
	return out, nil
}

// habDoc returns the folded text a habilitation is searched by: its ID
// with and without the letter, its request's, the organisation, SIRET,
// applicant, API and scopes (IDs and labels), each word after a space.
func habDoc(h instruct.Habilitation, labels scopeLabels) string {
	parts := []string{h.ID.String(), strconv.FormatInt(int64(h.ID), 10), h.RequestID.String(),
		strconv.FormatInt(int64(h.RequestID), 10), h.Organization.Name, h.Organization.SIRET,
		h.Applicant.Name, h.Applicant.Email, h.Definition}
	for _, s := range h.Scopes {
		parts = append(parts, s, labels.label(h.Definition, s))
	}
	return " " + sortKey(strings.Join(parts, " "))
}

// habilitationInserter returns an inserter of habilitations that keeps a
// cached one brought by a later feed item.
func habilitationInserter() rowInserter {
	return rowInserter{head: `INSERT INTO habilitations (id, request, definition, status, version, seq, siret,
	org_name, created_at, doc, body) VALUES`, cols: 11, rows: batchRows,
		tail: ` ON CONFLICT (id) DO UPDATE SET request = excluded.request, definition = excluded.definition,
	status = excluded.status, version = excluded.version, seq = excluded.seq, siret = excluded.siret,
	org_name = excluded.org_name, created_at = excluded.created_at, doc = excluded.doc, body = excluded.body
	WHERE excluded.seq >= habilitations.seq`}
}

// writeHabilitations stores the habilitations of a page, after their
// requests, a few rows a statement; SQLite inserts a statement's rows in
// order, so a page holding one habilitation twice keeps the later.
func writeHabilitations(ctx context.Context, tx *writeTx, items []feedItem) error {
	var labels scopeLabels
	ins := habilitationInserter()
	for _, it := range items {
		for _, h := range it.habs {
			if labels == nil {
				var err error
				if labels, err = loadScopeLabels(ctx, tx); err != nil {
					return err
				}
			}
			ins.add(h.id, h.request, h.definition, h.status, h.version, h.seq, h.siret, h.orgName, h.createdAt,
				habDoc(h.h, labels), h.body)
		}
	}
	return ins.flush(ctx, tx)
}

// Habilitation returns cached habilitation id.
func (s *Store) Habilitation(ctx context.Context, id instruct.HabilitationID) (_ instruct.Habilitation, err error) {
	if err := s.enter(); err != nil {
		return instruct.Habilitation{}, err
	}
	defer s.leave(&err)
	var body []byte
	err = s.read.QueryRowContext(ctx, "SELECT body FROM habilitations WHERE id = ?", int64(id)).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return instruct.Habilitation{}, instruct.Errorf(instruct.CodeNotFound, "no habilitation %s in the local cache", id)
	}
	if err != nil {
		return instruct.Habilitation{}, fmt.Errorf("read habilitation %s: %w", id, err)
	}
	return decodeHabilitation(body)
}

func decodeHabilitation(body []byte) (instruct.Habilitation, error) {
	var h instruct.Habilitation
	if err := json.Unmarshal(body, &h); err != nil {
		return h, fmt.Errorf("decode habilitation: %w", err)
	}
	return h, nil
}

// Habilitations returns the cached habilitations q selects, newest first.
func (s *Store) Habilitations(ctx context.Context, q instruct.HabilitationSearch) (_ []instruct.Habilitation, err error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave(&err)
	where, args := habWhere(q, true)
	query := "SELECT body FROM habilitations" + where + " ORDER BY created_at DESC, id DESC"
	if q.Limit > 0 || q.Offset > 0 {
		query += " LIMIT ? OFFSET ?"
		args = append(args, limitOrAll(q.Limit), q.Offset)
	}
	var out []instruct.Habilitation
	err = scanAll(ctx, s.read, query, args, func(rows *sql.Rows) error {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			return err
		}
		h, err := decodeHabilitation(body)
		out = append(out, h)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read habilitations: %w", err)
	}
	return out, nil
}

// HabilitationCounts returns how many cached habilitations q selects in
// each status, ignoring q's statuses, offset and limit (the view's tabs).
func (s *Store) HabilitationCounts(ctx context.Context, q instruct.HabilitationSearch) (_ map[instruct.HabilitationStatus]int, err error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave(&err)
	where, args := habWhere(q, false)
	counts := map[instruct.HabilitationStatus]int{}
	err = scanAll(ctx, s.read, "SELECT status, count(*) FROM habilitations"+where+" GROUP BY status", args, func(rows *sql.Rows) error {
		var st instruct.HabilitationStatus
		var n int
		err := rows.Scan(&st, &n)
		counts[st] = n
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("count habilitations: %w", err)
	}
	return counts, nil
}

func limitOrAll(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// habWhere returns the WHERE clause of q and its arguments, with q's
// statuses or without.
func habWhere(q instruct.HabilitationSearch, statuses bool) (string, []any) {
	var conds []string
	var args []any
	if statuses && len(q.Statuses) > 0 {
		conds = append(conds, "status IN ("+placeholders(len(q.Statuses))+")")
		for _, st := range q.Statuses {
			args = append(args, string(st))
		}
	}
	if q.Definitions != nil {
		conds = append(conds, "definition IN (SELECT value FROM json_each(?))")
		list, _ := json.Marshal(q.Definitions)
		args = append(args, string(list))
	}
	for _, c := range []struct {
		col string
		val any
		set bool
	}{{"definition", q.Definition, q.Definition != ""}, {"siret", q.SIRET, q.SIRET != ""},
		{"request", int64(q.RequestID), q.RequestID != 0}} {
		if c.set {
			conds = append(conds, c.col+" = ?")
			args = append(args, c.val)
		}
	}
	for _, w := range strings.Fields(sortKey(q.Text)) {
		conds = append(conds, `doc LIKE ? ESCAPE '\'`)
		args = append(args, "% "+likeEscaper.Replace(w)+"%")
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// likeEscaper escapes LIKE's wildcards, so that typed text matches as is.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// OrganizationRequests returns the cached requests of the organisation
// with this SIRET, as queue rows, most recently updated first: the
// organisation's history beside a request.
func (s *Store) OrganizationRequests(ctx context.Context, siret string) (_ []instruct.QueueItem, err error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave(&err)
	var out []instruct.QueueItem
	var blocks rowBlocks
	values := make([]any, queueColumnCount)
	ptrs := make([]any, queueColumnCount)
	for i := range values {
		ptrs[i] = &values[i]
	}
	query := "SELECT " + queueColumns + " FROM requests WHERE siret = ? ORDER BY updated_at DESC, id DESC"
	err = scanAll(ctx, s.read, query, []any{siret}, func(rows *sql.Rows) error {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		row, err := decodeQueueRow(asDriverValues(values), &blocks)
		out = append(out, row.item)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read requests of SIRET %s: %w", siret, err)
	}
	return out, nil
}
