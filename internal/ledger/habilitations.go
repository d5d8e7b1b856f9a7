package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// firstHabilitationNumber is the number of the first habilitation: IDs
// start at H2000, apart from the requests' D1000 and up, so that a number
// read aloud is not taken for the other.
const firstHabilitationNumber = 2000

// insertHabilitationSQL stores a new habilitation row.
const insertHabilitationSQL = `INSERT INTO habilitations (number, request_number, definition, status, siret, version, body)
	VALUES (?, ?, ?, ?, ?, ?, ?)`

// habilitationArgs returns the arguments of insertHabilitationSQL for h.
func habilitationArgs(h instruct.Habilitation) ([]any, error) {
	body, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", h.ID, err)
	}
	return []any{h.ID, h.RequestID, h.Definition, string(h.Status), h.Organization.SIRET, h.Version, string(body)}, nil
}

// decodeHabilitation reads a habilitation back from its stored body.
func decodeHabilitation(body string) (instruct.Habilitation, error) {
	var h instruct.Habilitation
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		return instruct.Habilitation{}, fmt.Errorf("decode habilitation: %w", err)
	}
	return h, nil
}

// scanHabilitations decodes rows of a single body column.
func scanHabilitations(rows *sql.Rows) ([]instruct.Habilitation, error) {
	defer rows.Close()
	out := []instruct.Habilitation{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("scan habilitation: %w", err)
		}
		h, err := decodeHabilitation(body)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read habilitations: %w", err)
	}
	return out, nil
}

// habilitationsOf returns the habilitations of request number, oldest
// first.
func (l *Ledger) habilitationsOf(ctx context.Context, tx querier, number instruct.RequestID) ([]instruct.Habilitation, error) {
	rows, err := tx.QueryContext(ctx, `SELECT body FROM habilitations WHERE request_number = ? ORDER BY number`, number)
	if err != nil {
		return nil, fmt.Errorf("read habilitations of %s: %w", number, err)
	}
	return scanHabilitations(rows)
}

// holding is what a HoldingChange changed of a request's habilitations:
// them before and after.
type holding struct {
	before, after []instruct.Habilitation
}

// applyHolding runs c on the request of s and its habilitations habs,
// then numbers the habilitations c issued: their IDs go to the request's
// habilitation_ids and, when it names none, to the event.
func (l *Ledger) applyHolding(ctx context.Context, tx querier, c instruct.HoldingChange, s *storedRequest, habs []instruct.Habilitation) (instruct.Event, bool, holding, error) {
	h := instruct.Holding{Request: s.request, Habilitations: cloneHabilitations(habs), CreatedBy: s.createdBy}
	e, bump, err := applySafely(func() (instruct.Event, bool, error) { return c.ApplyHolding(&h) })
	if err != nil {
		return instruct.Event{}, false, holding{}, err
	}
	next := instruct.HabilitationID(0)
	for i := range h.Habilitations {
		hab := &h.Habilitations[i]
		if hab.ID != 0 {
			continue
		}
		if next == 0 {
			if next, err = l.nextHabilitationNumber(ctx, tx); err != nil {
				return instruct.Event{}, false, holding{}, err
			}
		}
		hab.ID, hab.RequestID = next, s.number
		next++
		h.Request.HabilitationIDs = append(slices.Clip(h.Request.HabilitationIDs), hab.ID)
		if e.HabilitationID == 0 {
			e.HabilitationID = hab.ID
		}
	}
	s.request, s.createdBy = h.Request, h.CreatedBy
	return e, bump, holding{before: habs, after: h.Habilitations}, nil
}

// cloneHabilitations copies habs and the slices they hold, so that a
// change cannot alter the copy the storage compares against.
func cloneHabilitations(habs []instruct.Habilitation) []instruct.Habilitation {
	out := make([]instruct.Habilitation, len(habs))
	for i, h := range habs {
		h.Contacts = slices.Clone(h.Contacts)
		h.Scopes = slices.Clone(h.Scopes)
		out[i] = h
	}
	return out
}

// nextHabilitationNumber returns the number of the next new habilitation.
func (l *Ledger) nextHabilitationNumber(ctx context.Context, tx querier) (instruct.HabilitationID, error) {
	var n instruct.HabilitationID
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), ?) + 1 FROM habilitations`, firstHabilitationNumber-1).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next habilitation number: %w", err)
	}
	return n, nil
}

// write stores the habilitations the change issued and those it changed.
func (hd holding) write(ctx context.Context, tx querier) error {
	old := make(map[instruct.HabilitationID]instruct.Habilitation, len(hd.before))
	for _, h := range hd.before {
		old[h.ID] = h
	}
	for _, h := range hd.after {
		args, err := habilitationArgs(h)
		if err != nil {
			return err
		}
		was, existed := old[h.ID]
		switch {
		case !existed:
			_, err = tx.ExecContext(ctx, insertHabilitationSQL, args...)
		case habilitationChanged(was, h):
			_, err = tx.ExecContext(ctx, `UPDATE habilitations SET status = ?, version = ?, body = ? WHERE number = ?`,
				args[3], args[5], args[6], h.ID)
		}
		if err != nil {
			return fmt.Errorf("store %s: %w", h.ID, err)
		}
	}
	return nil
}

// habilitationChanged reports whether a change left habilitation b other
// than a.
func habilitationChanged(a, b instruct.Habilitation) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) != string(jb)
}

// named returns the habilitation of hd that e names, nil when none.
func (hd holding) named(e instruct.Event) *instruct.Habilitation {
	for _, h := range hd.after {
		if h.ID == e.HabilitationID && h.ID != 0 {
			return &h
		}
	}
	return nil
}

// checkHabilitationVersion compares ifMatch with the version of
// habilitation id among habs: not_found when the request holds no such
// habilitation, a *instruct.StaleError (the request now, its events
// since the habilitation was issued) when it moved on.
func (l *Ledger) checkHabilitationVersion(ctx context.Context, tx querier, s storedRequest, habs []instruct.Habilitation, id instruct.HabilitationID, ifMatch int64) error {
	i := slices.IndexFunc(habs, func(h instruct.Habilitation) bool { return h.ID == id })
	if i < 0 {
		return instruct.Errorf(instruct.CodeNotFound, "no habilitation %s", id)
	}
	if ifMatch == 0 || habs[i].Version == ifMatch {
		return nil
	}
	events, err := l.eventsAfter(ctx, tx, s.number, 0)
	if err != nil {
		return err
	}
	start := slices.IndexFunc(events, func(e instruct.Event) bool { return e.Kind == instruct.KindApprove && e.HabilitationID == id })
	return &instruct.StaleError{Current: s.request, EventsSince: events[start+1:]}
}

// Habilitation returns habilitation id with the user ID of the account
// that files its request, or not_found.
func (l *Ledger) Habilitation(ctx context.Context, id instruct.HabilitationID) (instruct.Habilitation, string, error) {
	var body, createdBy string
	err := l.reader.QueryRowContext(ctx, `SELECT h.body, r.created_by FROM habilitations h JOIN requests r ON r.number = h.request_number
		WHERE h.number = ?`, id).Scan(&body, &createdBy)
	if errors.Is(err, sql.ErrNoRows) {
		return instruct.Habilitation{}, "", instruct.Errorf(instruct.CodeNotFound, "no habilitation %s", id)
	}
	if err != nil {
		return instruct.Habilitation{}, "", unavailable(fmt.Errorf("read %s: %w", id, err))
	}
	h, err := decodeHabilitation(body)
	return h, createdBy, err
}

// Habilitations lists the habilitations q selects and q.Viewer may see
// (those of the requests it may see), ordered by number, after q.After,
// at most q.Limit (DefaultLimit if 0).
func (l *Ledger) Habilitations(ctx context.Context, q instruct.HabilitationQuery) ([]instruct.Habilitation, error) {
	var w where
	switch v := q.Viewer; {
	case v.ApplicantOnly:
		w.add("r.created_by = ?", v.UserID)
	case v.All:
	default:
		in(&w, "h.definition", v.Definitions)
	}
	if q.Definition != "" {
		w.add("h.definition = ?", q.Definition)
	}
	if q.Status != "" {
		w.add("h.status = ?", string(q.Status))
	}
	if q.SIRET != "" {
		w.add("h.siret = ?", q.SIRET)
	}
	w.add("h.number > ?", q.After)
	rows, err := l.reader.QueryContext(ctx, `SELECT h.body FROM habilitations h JOIN requests r ON r.number = h.request_number
		WHERE `+w.sql()+` ORDER BY h.number LIMIT ?`, append(w.args, limitOr(q.Limit))...)
	if err != nil {
		return nil, unavailable(fmt.Errorf("list habilitations: %w", err))
	}
	out, err := scanHabilitations(rows)
	return out, unavailable(err)
}

// ActiveDefinitions returns, for each of sirets, the definitions its
// organisation holds an active habilitation of.
func (l *Ledger) ActiveDefinitions(ctx context.Context, sirets []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(sirets) == 0 {
		return out, nil
	}
	var w where
	in(&w, "siret", sirets)
	w.add("status = ?", string(instruct.HabilitationActive))
	rows, err := l.reader.QueryContext(ctx, `SELECT DISTINCT siret, definition FROM habilitations WHERE `+w.sql(), w.args...)
	if err != nil {
		return nil, unavailable(fmt.Errorf("read held definitions: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		var siret, def string
		if err := rows.Scan(&siret, &def); err != nil {
			return nil, unavailable(fmt.Errorf("scan held definitions: %w", err))
		}
		out[siret] = append(out[siret], def)
	}
	return out, unavailable(rows.Err())
}

// feedHabilitations attaches to items, in one query, the habilitations
// of the page of requests w and limit select from the feed of v.
func (l *Ledger) feedHabilitations(ctx context.Context, tx querier, v instruct.Viewer, w where, limit int, items []instruct.FeedItem) error {
	page, args := feedPageSQL(v, w, limit)
	rows, err := tx.QueryContext(ctx, `SELECT body FROM habilitations WHERE request_number IN (`+page+`) ORDER BY request_number, number`, args...)
	if err != nil {
		return err
	}
	habs, err := scanHabilitations(rows)
	if err != nil {
		return err
	}
	at := make(map[instruct.RequestID]int, len(items))
	for i, it := range items {
		at[it.Request.ID] = i
	}
	for _, h := range habs {
		if i, ok := at[h.RequestID]; ok {
			items[i].Habilitations = append(items[i].Habilitations, h)
		}
	}
	return nil
}
