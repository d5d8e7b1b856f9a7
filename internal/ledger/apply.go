package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// firstRequestNumber is the number of the first request: IDs start at
// D1000.
const firstRequestNumber = 1000

// Create stores a new draft built from patch p, created by actor at now,
// with its create event (the patch's fields as diff), and returns it at
// version 1.
func (l *Ledger) Create(ctx context.Context, actor instruct.Actor, p instruct.RequestPatch, now time.Time) (instruct.Request, error) {
	if err := p.Check(); err != nil {
		return instruct.Request{}, err
	}
	if err := p.CheckDocument(nil); err != nil {
		return instruct.Request{}, err
	}
	if p.Definition == nil || *p.Definition == "" {
		return instruct.Request{}, instruct.Errorf(instruct.CodeInvalid, "a request needs a definition")
	}
	now = l.clock(now)
	var r instruct.Request
	err := l.inGroup(ctx, func(ctx context.Context, tx *txn) error {
		var err error
		r, err = l.create(ctx, tx, actor, p, now)
		return err
	})
	if err != nil {
		return instruct.Request{}, fmt.Errorf("create request: %w", err)
	}
	return r, nil
}

// create stores the new draft in tx, a group's transaction: a failure to
// read the next number refuses it before anything is written.
func (l *Ledger) create(ctx context.Context, tx *txn, actor instruct.Actor, p instruct.RequestPatch, now time.Time) (instruct.Request, error) {
	number, err := l.nextNumber(ctx, tx)
	if err != nil {
		return instruct.Request{}, refuse(err)
	}
	r := instruct.Request{Status: instruct.StatusDraft, CreatedAt: now, UpdatedAt: now, Contacts: []instruct.Contact{}, Scopes: []string{}}
	diff := p.Apply(&r)
	r.ID, r.Version = number, 1
	e := instruct.Event{Kind: instruct.KindCreate, Actor: actor, At: now}
	if len(diff) > 0 {
		e.Diff = diff
	}
	e, err = l.checkNew(ctx, tx, actor.ID, r, e)
	if err != nil {
		return instruct.Request{}, refuse(err)
	}
	return l.insertNew(ctx, tx, storedRequest{request: r, number: number, createdBy: actor.ID}, e)
}

// checkNew bounds the create event e of request r, and refuses them
// when they weigh too much or their creator is past a quota.
func (l *Ledger) checkNew(ctx context.Context, tx querier, creator string, r instruct.Request, e instruct.Event) (instruct.Event, error) {
	weight, err := requestWeight(r)
	if err != nil {
		return instruct.Event{}, err
	}
	e, size, err := bounded(e)
	if err != nil {
		return instruct.Event{}, err
	}
	return e, l.checkCreation(ctx, tx, creator, e.At, weight+size)
}

// insertNew stores the request of s, new, with its create event e, both
// at the next seq, in one batch.
func (l *Ledger) insertNew(ctx context.Context, tx *txn, s storedRequest, e instruct.Event) (instruct.Request, error) {
	k := reserve(tx, 1)
	s.seq = k.seq + 1
	var r instruct.Request
	err := l.batched(ctx, tx, func() error {
		var err error
		if r, err = l.insertRequest(ctx, tx, s); err != nil {
			return err
		}
		_, err = l.appendEvent(ctx, tx, s.number, r.Version, e, k)
		return err
	})
	if err != nil {
		return instruct.Request{}, err
	}
	return r, nil
}

// nextNumber returns the number of the next new request.
func (l *Ledger) nextNumber(ctx context.Context, tx querier) (instruct.RequestID, error) {
	var n instruct.RequestID
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), ?) + 1 FROM requests`, firstRequestNumber-1).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next request number: %w", err)
	}
	return n, nil
}

// Apply runs m in one write transaction. A known m.IdempotencyKey
// returns the outcome stored with it (Replayed) when m.Fingerprint and
// the request match, idempotency_key_reused otherwise. Then it loads the
// request (not_found), checks m.IfMatch when non-zero (a
// *instruct.StaleError with the events after that version), calls
// m.Change, appends the event with the next seq, bumps the version when
// asked, and stores the idempotency record. Nothing is kept when Apply
// returns an error.
func (l *Ledger) Apply(ctx context.Context, m instruct.Mutation) (instruct.Outcome, error) {
	if m.Change == nil {
		return instruct.Outcome{}, instruct.Errorf(instruct.CodeInvalid, "a mutation needs a change to apply")
	}
	var out instruct.Outcome
	err := l.inGroup(ctx, func(ctx context.Context, tx *txn) error {
		var err error
		out, err = l.apply(ctx, tx, m)
		return err
	})
	if err != nil {
		return instruct.Outcome{}, fmt.Errorf("apply to %s: %w", m.RequestID, err)
	}
	return out, nil
}

// apply runs m in tx, a group's transaction: everything that may refuse
// m (a replay, a reused key, a missing request, a stale version, m.Change
// itself) happens before anything is written, and refuses it alone.
func (l *Ledger) apply(ctx context.Context, tx *txn, m instruct.Mutation) (instruct.Outcome, error) {
	k, err := l.lookUp(ctx, tx, m)
	if err != nil {
		return instruct.Outcome{}, refuse(err)
	}
	if out, found, err := replay(m, k); found || err != nil {
		return out, refuse(err)
	}
	s, e, bump, err := l.decide(ctx, tx, m, k)
	if err != nil {
		return instruct.Outcome{}, refuse(err)
	}
	plan, err := l.planDeliveries(ctx, tx, s, e)
	if err != nil {
		return instruct.Outcome{}, refuse(err)
	}
	var out instruct.Outcome
	err = l.batched(ctx, tx, func() error {
		if out, err = l.record(ctx, tx, s, e, bump, m); err != nil {
			return err
		}
		if err := l.writeDeliveries(ctx, tx, plan, out.Event); err != nil {
			return err
		}
		return l.remember(ctx, tx, m, out)
	})
	if err != nil {
		return instruct.Outcome{}, err
	}
	if len(plan) > 0 {
		tx.onCommit(l.wakeDeliveries)
	}
	return out, nil
}

// decide takes the request of m that k found, checks m.IfMatch and
// calls m.Change, which returns the event to record and whether it bumps
// the version.
func (l *Ledger) decide(ctx context.Context, tx *txn, m instruct.Mutation, k lookedUp) (storedRequest, instruct.Event, bool, error) {
	s, err := k.stored(m.RequestID)
	if err != nil {
		return storedRequest{}, instruct.Event{}, false, err
	}
	hc, holds := m.Change.(instruct.HoldingChange)
	var habs []instruct.Habilitation
	if (holds || m.HabilitationID != 0) && len(s.request.HabilitationIDs) > 0 {
		if habs, err = l.habilitationsOf(ctx, tx, s.number); err != nil {
			return storedRequest{}, instruct.Event{}, false, err
		}
	}
	if err := l.checkVersion(ctx, tx, m, s, habs); err != nil {
		return storedRequest{}, instruct.Event{}, false, err
	}
	old := int64(len(k.body.String))
	var e instruct.Event
	var bump bool
	if holds {
		e, bump, s.held, err = l.applyHolding(ctx, tx, hc, &s, habs)
	} else {
		e, bump, err = applyChange(m.Change, &s.request)
	}
	if err == nil {
		e, err = l.checkChange(ctx, tx, m, k, s, e, old)
	}
	return s, e, bump, err
}

// checkChange bounds event e, which changed the request of s from a JSON
// of old bytes, and refuses it past what a request may hold; an edit, the
// one change that sets a request's texts, also past the weight of a
// request and its author's quota of bytes.
func (l *Ledger) checkChange(ctx context.Context, tx querier, m instruct.Mutation, k lookedUp, s storedRequest, e instruct.Event, old int64) (instruct.Event, error) {
	if err := checkHistory(k, e); err != nil {
		return instruct.Event{}, err
	}
	e, size, err := bounded(e)
	if err != nil || e.Kind != instruct.KindUpdate {
		return e, err
	}
	weight, err := requestWeight(s.request)
	if err != nil {
		return instruct.Event{}, err
	}
	u, err := l.usageOf(ctx, tx, s.createdBy, l.clock(m.Now))
	if err != nil {
		return instruct.Event{}, err
	}
	return e, l.checkBytes(u, weight-old+size)
}

// checkVersion checks m.IfMatch, when non-zero, against the version of
// the request of s, or of its habilitation m.HabilitationID among habs.
func (l *Ledger) checkVersion(ctx context.Context, tx querier, m instruct.Mutation, s storedRequest, habs []instruct.Habilitation) error {
	if m.HabilitationID != 0 {
		return l.checkHabilitationVersion(ctx, tx, s, habs, m.HabilitationID, m.IfMatch)
	}
	if m.IfMatch != 0 && m.IfMatch != s.request.Version {
		return l.stale(ctx, tx, s, m.IfMatch)
	}
	return nil
}

// applyChange applies c to r, turning a panic into an error.
func applyChange(c instruct.Change, r *instruct.Request) (instruct.Event, bool, error) {
	return applySafely(func() (instruct.Event, bool, error) { return c.Apply(r) })
}

// applySafely runs apply, a change's, turning a panic into an error.
func applySafely(apply func() (instruct.Event, bool, error)) (e instruct.Event, bump bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the change panicked: %v", p)
		}
	}()
	return apply()
}

// record stores the request of s as m changed it, with event e.
func (l *Ledger) record(ctx context.Context, tx *txn, s storedRequest, e instruct.Event, bump bool, m instruct.Mutation) (instruct.Outcome, error) {
	var err error
	if e.At.IsZero() {
		e.At = l.clock(m.Now)
	}
	if bump {
		s.request.Version++
		s.request.UpdatedAt = e.At.UTC()
	}
	s.request.ID = s.number
	k := reserve(tx, 1)
	s.seq = k.seq + 1
	if s.request, err = l.updateRequest(ctx, tx, s); err != nil {
		return instruct.Outcome{}, err
	}
	if err := s.held.write(ctx, tx); err != nil {
		return instruct.Outcome{}, err
	}
	e, err = l.appendEvent(ctx, tx, s.number, s.request.Version, e, k)
	if err != nil {
		return instruct.Outcome{}, err
	}
	return instruct.Outcome{Request: s.request, Event: e, Habilitation: s.held.named(e)}, nil
}

// stale returns the *instruct.StaleError of a change based on version
// ifMatch of the request of s: the request now and the events after the
// one that produced that version (all of them when it is unknown, none
// when ifMatch is ahead).
func (l *Ledger) stale(ctx context.Context, tx querier, s storedRequest, ifMatch int64) error {
	since := []instruct.Event{}
	if ifMatch < s.request.Version {
		var after int64
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(seq), 0) FROM events WHERE request_number = ? AND version = ?`,
			s.number, ifMatch).Scan(&after)
		if err != nil {
			return fmt.Errorf("find version %d: %w", ifMatch, err)
		}
		if since, err = l.eventsAfter(ctx, tx, s.number, after); err != nil {
			return err
		}
	}
	return &instruct.StaleError{Current: s.request, EventsSince: since}
}

// lookUpSQL reads, in one statement, the request a mutation changes and
// the idempotency record of its key: each column is NULL when its row is
// missing.
const lookUpSQL = `SELECT r.created_by, r.seq, r.body, i.fingerprint, i.request_number, i.outcome, c.events, c.edits, c.messages
	FROM (SELECT 1 AS one) AS q
	LEFT JOIN requests r ON r.number = ?
	LEFT JOIN idempotency i ON i.key = ?
	LEFT JOIN (SELECT COUNT(*) AS events, COUNT(CASE WHEN kind = 'update' THEN 1 END) AS edits,
		COUNT(CASE WHEN kind = 'message' THEN 1 END) AS messages
		FROM events WHERE request_number = ?) c ON 1 = 1`

// lookedUp is what lookUpSQL found for a mutation of request number:
// with the request, how many events and edits it holds.
type lookedUp struct {
	number               instruct.RequestID
	createdBy, body      sql.NullString
	seq                  sql.NullInt64
	fingerprint, outcome sql.NullString
	keyNumber            sql.NullInt64
	events, edits        sql.NullInt64
	// messages counts the request's messages, the reviewers' and the
	// applicant's.
	messages sql.NullInt64
}

// lookUp reads the request m changes and the idempotency record of
// m.IdempotencyKey, in one round trip.
func (l *Ledger) lookUp(ctx context.Context, tx querier, m instruct.Mutation) (lookedUp, error) {
	k := lookedUp{number: m.RequestID}
	err := tx.QueryRowContext(ctx, lookUpSQL, m.RequestID, m.IdempotencyKey, m.RequestID).
		Scan(&k.createdBy, &k.seq, &k.body, &k.fingerprint, &k.keyNumber, &k.outcome, &k.events, &k.edits, &k.messages)
	if err != nil {
		return lookedUp{}, fmt.Errorf("read %s: %w", m.RequestID, err)
	}
	return k, nil
}

// stored returns request number as k found it, or not_found.
func (k lookedUp) stored(number instruct.RequestID) (storedRequest, error) {
	if !k.body.Valid {
		return storedRequest{}, instruct.Errorf(instruct.CodeNotFound, "no request %s", number)
	}
	r, err := decodeRequest(k.body.String)
	return storedRequest{request: r, number: number, createdBy: k.createdBy.String, seq: k.seq.Int64}, err
}

// replay answers from the idempotency record k found for
// m.IdempotencyKey: found with the stored outcome when the same mutation
// was applied before, idempotency_key_reused when the key served another
// one.
func replay(m instruct.Mutation, k lookedUp) (instruct.Outcome, bool, error) {
	if m.IdempotencyKey == "" || !k.fingerprint.Valid {
		return instruct.Outcome{}, false, nil
	}
	if k.fingerprint.String != m.Fingerprint || instruct.RequestID(k.keyNumber.Int64) != m.RequestID {
		return instruct.Outcome{}, true, instruct.Errorf(instruct.CodeIdempotencyKeyReused,
			"this Idempotency-Key was already used for another change")
	}
	var out instruct.Outcome
	if err := json.Unmarshal([]byte(k.outcome.String), &out); err != nil {
		return instruct.Outcome{}, true, fmt.Errorf("decode idempotency record: %w", err)
	}
	out.Replayed = true
	return out, true, nil
}

// storedOutcome is the JSON of an idempotency record's outcome.
type storedOutcome struct {
	Request      instruct.Request       `json:"request"`
	Event        instruct.Event         `json:"event"`
	Habilitation *instruct.Habilitation `json:"habilitation,omitempty"`
}

// remember stores the idempotency record of m with its outcome.
func (l *Ledger) remember(ctx context.Context, tx querier, m instruct.Mutation, out instruct.Outcome) error {
	if m.IdempotencyKey == "" {
		return nil
	}
	body, err := json.Marshal(storedOutcome{Request: out.Request, Event: out.Event, Habilitation: out.Habilitation})
	if err != nil {
		return fmt.Errorf("encode outcome: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO idempotency (key, fingerprint, request_number, outcome, created_at) VALUES (?, ?, ?, ?, ?)`,
		m.IdempotencyKey, m.Fingerprint, m.RequestID, string(body), l.clock(m.Now).UnixNano())
	if err != nil {
		return fmt.Errorf("store idempotency record: %w", err)
	}
	return nil
}

// PurgeIdempotency deletes the idempotency records created before t and
// returns how many. Callers keep them at least 30 days.
func (l *Ledger) PurgeIdempotency(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := l.inWrite(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM idempotency WHERE created_at < ?`, before.UnixNano())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge idempotency records: %w", err)
	}
	return n, nil
}
