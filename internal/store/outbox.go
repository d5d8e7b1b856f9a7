package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// outboxFirstColumns are the outbox's columns since its first version;
// outboxColumns all those scanOperation reads, in its order.
const (
	outboxFirstColumns = "id, request, kind, comment, base_version, state, reason, conflict, created_at, updated_at"
	outboxColumns      = outboxFirstColumns + ", reason_code"
)

// opColumns are outboxColumns and those added since, which scanOp reads.
const opColumns = outboxColumns + ", force, habilitation, target"

// errBadConflict marks an outbox row whose conflict details don't decode.
var errBadConflict = errors.New("conflict details unreadable")

// conflictJSON is how what the server answered first is kept in the
// outbox: a *instruct.StaleError (current and events since), or for a
// claim, the claim that another reviewer holds.
type conflictJSON struct {
	Current     instruct.Request `json:"current"`
	EventsSince []instruct.Event `json:"events_since"`
	Claim       *instruct.Claim  `json:"claim,omitempty"`
}

// scanner is a row to scan: *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanOperation reads one outbox row selected with outboxColumns.
func scanOperation(row scanner) (instruct.Operation, error) {
	return scanWith(row)
}

// scanOp reads one outbox row selected with opColumns.
func scanOp(row scanner) (instruct.Operation, error) {
	var force bool
	var habilitation int64
	var target string
	op, err := scanWith(row, &force, &habilitation, &target)
	op.Force, op.HabilitationID, op.To = force, instruct.HabilitationID(habilitation), target
	return op, err
}

// scanWith reads the outboxColumns of a row, and then the columns after
// them into more.
func scanWith(row scanner, more ...any) (instruct.Operation, error) {
	var op instruct.Operation
	var n, created, updated int64
	var conflict []byte
	err := row.Scan(append([]any{&op.ID, &n, &op.Kind, &op.Comment, &op.BaseVersion, &op.State,
		&op.Reason, &conflict, &created, &updated, &op.ReasonCode}, more...)...)
	if err != nil {
		return op, fmt.Errorf("read outbox: %w", err)
	}
	op.RequestID = instruct.RequestID(n)
	op.CreatedAt, op.UpdatedAt = fromMicros(created), fromMicros(updated)
	if conflict != nil {
		var c conflictJSON
		if err := json.Unmarshal(conflict, &c); err != nil {
			return op, fmt.Errorf("operation %s: %w: %v", op.ID, errBadConflict, err)
		}
		op.Claim = c.Claim
		if c.Claim == nil {
			op.Conflict = &instruct.StaleError{Current: c.Current, EventsSince: c.EventsSince}
		}
	}
	return op, nil
}

// encodeAnswer encodes what the server answered first: a stale version,
// or the claim another reviewer holds.
func encodeAnswer(c *instruct.StaleError, claim *instruct.Claim) ([]byte, error) {
	if claim != nil {
		b, err := json.Marshal(conflictJSON{Claim: claim})
		if err != nil {
			return nil, fmt.Errorf("encode claim: %w", err)
		}
		return b, nil
	}
	return encodeConflict(c)
}

func encodeConflict(c *instruct.StaleError) ([]byte, error) {
	if c == nil {
		return nil, nil
	}
	b, err := json.Marshal(conflictJSON{Current: c.Current, EventsSince: c.EventsSince})
	if err != nil {
		return nil, fmt.Errorf("encode conflict: %w", err)
	}
	return b, nil
}

// execer runs statements: a pool, a connection or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func insertOperation(ctx context.Context, tx execer, op instruct.Operation) error {
	conflict, err := encodeAnswer(op.Conflict, op.Claim)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO outbox ("+opColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		op.ID, op.RequestID, op.Kind, op.Comment, op.BaseVersion, op.State, op.Reason, conflict,
		micros(op.CreatedAt), micros(op.UpdatedAt), op.ReasonCode, op.Force, int64(op.HabilitationID), op.To)
	if err != nil {
		return fmt.Errorf("insert operation: %w", err)
	}
	return nil
}

// Record writes a decision, note or message on a cached request into the
// outbox, durably (one transaction, synchronous=FULL) before it returns.
// It checks the comment (instruct.CheckComment), and for a decision the
// transition from the status the reviewer sees, refusing a second decision
// while one is still open on the request (invalid_transition). A new
// decision replaces the request's conflicted or rejected ones: deciding
// again is how the reviewer answers them. The operation's ID is a UUIDv7,
// the Idempotency-Key of its push; BaseVersion is the cached request's
// version (its If-Match), 0 for notes and messages.
func (s *Store) Record(ctx context.Context, id instruct.RequestID, kind instruct.Kind, comment string) (_ instruct.Operation, err error) {
	if err := s.enter(); err != nil {
		return instruct.Operation{}, err
	}
	defer s.leave(&err)
	if !kind.IsDecision() && !kind.IsNote() {
		return instruct.Operation{}, instruct.Errorf(instruct.CodeInvalid, "%q is not a decision, a note or a message", kind)
	}
	if err := instruct.CheckComment(kind, comment); err != nil {
		return instruct.Operation{}, err
	}
	op, err := s.newOperation(id, kind, comment)
	if err != nil {
		return instruct.Operation{}, err
	}
	err = s.inTx(ctx, durable, func(tx *writeTx) error { return recordTx(ctx, tx, int64(id), &op) })
	if err != nil {
		return instruct.Operation{}, fmt.Errorf("record %s on %s: %w", kind, op.RequestID, err)
	}
	return op, nil
}

func (s *Store) newOperation(request instruct.RequestID, kind instruct.Kind, comment string) (instruct.Operation, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return instruct.Operation{}, fmt.Errorf("new operation id: %w", err)
	}
	now := fromMicros(micros(s.now()))
	return instruct.Operation{ID: id.String(), RequestID: request, Kind: kind,
		Comment: comment, State: instruct.OpPending, CreatedAt: now, UpdatedAt: now}, nil
}

func recordTx(ctx context.Context, tx *writeTx, n int64, op *instruct.Operation) error {
	var definition string
	var shown instruct.Status
	var version int64
	err := tx.QueryRowContext(ctx, "SELECT definition, shown_status, version FROM requests WHERE id = ?", n).
		Scan(&definition, &shown, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return instruct.Errorf(instruct.CodeNotFound, "no request %s in the local cache", op.RequestID)
	}
	if err != nil {
		return fmt.Errorf("read request: %w", err)
	}
	if err := checkMayDecide(ctx, tx, definition); err != nil {
		return err
	}
	if op.Kind.IsDecision() {
		if err := checkDecision(ctx, tx, n, shown, op.Kind); err != nil {
			return err
		}
		op.BaseVersion = version
		if err := dropAnswered(ctx, tx, n); err != nil {
			return err
		}
	}
	if err := insertOperation(ctx, tx, *op); err != nil {
		return err
	}
	return refreshOverlay(ctx, tx, n)
}

// checkMayDecide refuses early, offline, what the server would refuse: a
// decision, note or message by a user without the instructor role on the
// request's definition. Before the first sync nobody is cached and the
// server alone decides.
func checkMayDecide(ctx context.Context, tx execer, definition string) error {
	me, err := readMe(ctx, tx)
	if instruct.ErrorCode(err) == instruct.CodeNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if !me.CanDecide(definition) {
		return instruct.Errorf(instruct.CodeForbidden, "your role on %s does not allow decisions, notes or messages", definition)
	}
	return nil
}

// checkDecision refuses a decision (or a transfer) that the request's
// status, as the reviewer sees it, does not allow, and one while a
// decision or transfer of the request is still open.
func checkDecision(ctx context.Context, tx execer, n int64, shown instruct.Status, kind instruct.Kind) error {
	var open instruct.Kind
	err := tx.QueryRowContext(ctx, "SELECT kind FROM outbox WHERE request = ? AND state IN (?, ?) AND habilitation = 0 AND kind IN ("+decisionKindsSQL()+", '"+string(instruct.KindTransfer)+"') LIMIT 1",
		n, instruct.OpPending, instruct.OpSending).Scan(&open)
	if err == nil {
		return instruct.Errorf(instruct.CodeInvalidTransition,
			"%s already has a decision waiting to be sent (%s); it must reach the server before another one", instruct.RequestID(n), open)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read open decisions: %w", err)
	}
	_, err = instruct.Transition(shown, kind)
	return err
}

// dropAnswered deletes the request's conflicted or rejected decisions,
// which a new decision answers.
func dropAnswered(ctx context.Context, tx execer, n int64) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM outbox WHERE request = ? AND state IN (?, ?) AND habilitation = 0 AND kind IN ("+decisionKindsSQL()+")",
		n, instruct.OpConflict, instruct.OpRejected)
	if err != nil {
		return fmt.Errorf("drop answered decisions: %w", err)
	}
	return nil
}

// decisionKindsSQL returns the decision kinds as an SQL list of literals.
func decisionKindsSQL() string {
	var quoted []string
	for _, k := range instruct.DecisionKinds() {
		quoted = append(quoted, "'"+string(k)+"'")
	}
	return strings.Join(quoted, ", ")
}

// Pending returns the operations still to push (pending or sending),
// oldest first.
func (s *Store) Pending(ctx context.Context) (_ []instruct.Operation, err error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave(&err)
	return s.operations(ctx, "WHERE state IN (?, ?) ORDER BY created_at, id", instruct.OpPending, instruct.OpSending)
}

// Operations returns the operations recorded on a request, newest first,
// with the server's account of what happened first for conflicts.
func (s *Store) Operations(ctx context.Context, id instruct.RequestID) (_ []instruct.Operation, err error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave(&err)
	return s.operations(ctx, "WHERE request = ? ORDER BY created_at DESC, id DESC", id)
}

func (s *Store) operations(ctx context.Context, where string, args ...any) ([]instruct.Operation, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+opColumns+" FROM outbox "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var ops []instruct.Operation
	for rows.Next() {
		op, err := scanOp(rows)
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return ops, nil
}

// SetOpState records where an operation stands: sending while it is
// pushed, conflict (with what the server said happened first), rejected
// (with the reason), or back to pending. For a conflict, the server's
// current state of the request is cached when newer than the cache's, so
// the reviewer sees what happened at once.
func (s *Store) SetOpState(ctx context.Context, id string, state instruct.OpState, reason string, conflict *instruct.StaleError) error {
	return s.setOpState(ctx, id, state, reason, conflict, nil)
}

// SetClaimed records that the server refused claim or release operation
// id because another reviewer holds the request: a conflict, with that
// claim, which the reviewer answers by taking it (a manager) or leaving
// it.
func (s *Store) SetClaimed(ctx context.Context, id string, claim instruct.Claim, reason string) error {
	return s.setOpState(ctx, id, instruct.OpConflict, reason, nil, &claim)
}

func (s *Store) setOpState(ctx context.Context, id string, state instruct.OpState, reason string, conflict *instruct.StaleError, claim *instruct.Claim) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	if !knownOpState(state) {
		return instruct.Errorf(instruct.CodeInvalid, "unknown operation state %q", state)
	}
	body, err := encodeAnswer(conflict, claim)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, durable, func(tx *writeTx) error {
		n, err := updateOperation(ctx, tx, id, state, reason, body, s.now())
		if err != nil {
			return err
		}
		if conflict != nil {
			if err := cacheServerState(ctx, tx, conflict.Current, lastSeq(conflict.EventsSince), conflict.EventsSince); err != nil {
				return err
			}
		}
		return refreshOverlay(ctx, tx, n)
	})
	if err != nil {
		return fmt.Errorf("set operation %s %s: %w", id, state, err)
	}
	return nil
}

// Reject records that the server refused operation id for good, with
// the API error code it answered and its own words (reason): the screen
// says why from the code, show and the log keep the words.
func (s *Store) Reject(ctx context.Context, id string, code instruct.Code, reason string) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	err = s.inTx(ctx, durable, func(tx *writeTx) error {
		n, err := updateOperation(ctx, tx, id, instruct.OpRejected, reason, nil, s.now())
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE outbox SET reason_code = ? WHERE id = ?", code, id); err != nil {
			return fmt.Errorf("update operation: %w", err)
		}
		return refreshOverlay(ctx, tx, n)
	})
	if err != nil {
		return fmt.Errorf("reject operation %s: %w", id, err)
	}
	return nil
}

func knownOpState(s instruct.OpState) bool {
	switch s {
	case instruct.OpPending, instruct.OpSending, instruct.OpAccepted, instruct.OpConflict, instruct.OpRejected:
		return true
	}
	return false
}

// updateOperation sets an operation's state and returns its request number.
func updateOperation(ctx context.Context, tx execer, id string, state instruct.OpState, reason string, conflict []byte, now time.Time) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, "UPDATE outbox SET state = ?, reason = ?, reason_code = '', conflict = ?, updated_at = ? WHERE id = ? RETURNING request",
		state, reason, conflict, micros(now), id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, instruct.Errorf(instruct.CodeNotFound, "no operation %s in the outbox", id)
	}
	if err != nil {
		return 0, fmt.Errorf("update operation: %w", err)
	}
	return n, nil
}

// cacheServerState stores a request state and events the server sent
// outside the feed, each only if newer than what the cache holds; seq is
// the position of that state in the feed, 0 when unknown (then only a
// higher version makes it newer).
func cacheServerState(ctx context.Context, tx *writeTx, r instruct.Request, seq int64, events []instruct.Event) error {
	if r.ID == 0 {
		return nil
	}
	items, err := encodeItems([]instruct.FeedItem{{Seq: seq, Request: r, Events: events}})
	if err != nil {
		return err
	}
	return writeItems(ctx, tx, items)
}

// Accept marks an operation accepted by the server and caches the
// request's new state (when newer than the cache's) and the event the
// server recorded, in one transaction. For a note or message the server
// sends no request: pass the zero Request.
func (s *Store) Accept(ctx context.Context, id string, r instruct.Request, e instruct.Event) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	err = s.inTx(ctx, durable, func(tx *writeTx) error {
		n, err := updateOperation(ctx, tx, id, instruct.OpAccepted, "", nil, s.now())
		if err != nil {
			return err
		}
		if err := cacheServerState(ctx, tx, r, e.Seq, eventIf(e)); err != nil {
			return err
		}
		if err := insertEventIfCached(ctx, tx, n, e); err != nil {
			return err
		}
		return refreshOverlay(ctx, tx, n)
	})
	if err != nil {
		return fmt.Errorf("accept operation %s: %w", id, err)
	}
	return nil
}

// lastSeq returns the seq of the last of events, 0 for none.
func lastSeq(events []instruct.Event) int64 {
	if len(events) == 0 {
		return 0
	}
	return events[len(events)-1].Seq
}

// eventIf returns e alone, or nothing when the server recorded none.
func eventIf(e instruct.Event) []instruct.Event {
	if e.Seq <= 0 {
		return nil
	}
	return []instruct.Event{e}
}

// insertEventIfCached stores e for request n when the request is cached
// (the feed brings both otherwise).
func insertEventIfCached(ctx context.Context, tx *writeTx, n int64, e instruct.Event) error {
	if e.Seq <= 0 {
		return nil
	}
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO events (seq, request, body) SELECT ?, ?, ?
		WHERE EXISTS (SELECT 1 FROM requests WHERE id = ?) ON CONFLICT (seq) DO NOTHING`, e.Seq, n, body, n)
	if err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	return nil
}

// Discard drops a conflicted or rejected operation, as the reviewer asked;
// the request then shows the server's state alone.
func (s *Store) Discard(ctx context.Context, id string) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	err = s.inTx(ctx, durable, func(tx *writeTx) error {
		var n int64
		var state instruct.OpState
		err := tx.QueryRowContext(ctx, "SELECT request, state FROM outbox WHERE id = ?", id).Scan(&n, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return instruct.Errorf(instruct.CodeNotFound, "no operation %s in the outbox", id)
		}
		if err != nil {
			return fmt.Errorf("read operation: %w", err)
		}
		if state != instruct.OpConflict && state != instruct.OpRejected {
			return instruct.Errorf(instruct.CodeInvalidTransition, "only a conflicted or rejected operation can be discarded, this one is %s", state)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM outbox WHERE id = ?", id); err != nil {
			return fmt.Errorf("delete operation: %w", err)
		}
		return refreshOverlay(ctx, tx, n)
	})
	if err != nil {
		return fmt.Errorf("discard operation %s: %w", id, err)
	}
	return nil
}

// Summary counts the outbox for the status bar: Pending (pending and
// sending), Conflicts and Rejected. The other fields are the sync engine's.
func (s *Store) Summary(ctx context.Context) (_ instruct.SyncStatus, err error) {
	if err := s.enter(); err != nil {
		return instruct.SyncStatus{}, err
	}
	defer s.leave(&err)
	rows, err := s.read.QueryContext(ctx, "SELECT state, count(*) FROM outbox WHERE state <> ? GROUP BY state", instruct.OpAccepted)
	if err != nil {
		return instruct.SyncStatus{}, fmt.Errorf("count outbox: %w", err)
	}
	defer rows.Close()
	var st instruct.SyncStatus
	for rows.Next() {
		var state instruct.OpState
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return instruct.SyncStatus{}, fmt.Errorf("count outbox: %w", err)
		}
		switch state {
		case instruct.OpPending, instruct.OpSending:
			st.Pending += n
		case instruct.OpConflict:
			st.Conflicts += n
		case instruct.OpRejected:
			st.Rejected += n
		}
	}
	if err := rows.Err(); err != nil {
		return instruct.SyncStatus{}, fmt.Errorf("count outbox: %w", err)
	}
	return st, nil
}

// openOp is what the overlay needs of an operation not yet accepted.
type openOp struct {
	kind  instruct.Kind
	state instruct.OpState
	at    int64 // created_at, Unix microseconds
	// habilitation is the habilitation a revoke revokes, 0 for the
	// request: revoking one habilitation leaves the request's status.
	habilitation int64
}

// open reports whether the operation is still to be pushed.
func (op openOp) open() bool {
	return op.state == instruct.OpPending || op.state == instruct.OpSending
}

// overlay returns the status the reviewer sees and the state of their
// latest operation, given the server's status and the request's
// operations not yet accepted, oldest first. An open decision shows the
// status it leads to; conflicts and rejections keep the server's status.
func overlay(server instruct.Status, ops []openOp) (instruct.Status, instruct.OpState) {
	shown, latest := server, instruct.OpState("")
	for _, op := range ops {
		latest = op.state
		if !op.open() || !op.kind.IsDecision() || op.habilitation != 0 {
			continue
		}
		if to, err := instruct.Transition(server, op.kind); err == nil {
			shown = to
		}
	}
	return shown, latest
}

// refreshOverlay recomputes the shown status and operation state of
// request n from its server status and its outbox.
func refreshOverlay(ctx context.Context, tx *writeTx, n int64) error {
	tx.touch(n)
	var server instruct.Status
	err := tx.QueryRowContext(ctx, "SELECT status FROM requests WHERE id = ?", n).Scan(&server)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // not cached yet: the feed will bring it
	}
	if err != nil {
		return fmt.Errorf("read request status: %w", err)
	}
	ops, err := openOps(ctx, tx, n)
	if err != nil {
		return err
	}
	shown, state := overlay(server, ops)
	if _, err := tx.ExecContext(ctx, "UPDATE requests SET shown_status = ?, op_state = ? WHERE id = ?", shown, state, n); err != nil {
		return fmt.Errorf("update overlay: %w", err)
	}
	return refreshClaim(ctx, tx, n, ops)
}

func openOps(ctx context.Context, tx execer, n int64) ([]openOp, error) {
	rows, err := tx.QueryContext(ctx, "SELECT kind, state, created_at, habilitation FROM outbox WHERE request = ? AND state <> ? ORDER BY created_at, id", n, instruct.OpAccepted)
	if err != nil {
		return nil, fmt.Errorf("read operations: %w", err)
	}
	defer rows.Close()
	var ops []openOp
	for rows.Next() {
		var op openOp
		if err := rows.Scan(&op.kind, &op.state, &op.at, &op.habilitation); err != nil {
			return nil, fmt.Errorf("read operations: %w", err)
		}
		ops = append(ops, op)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read operations: %w", err)
	}
	return ops, nil
}
