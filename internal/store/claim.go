package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Claim records in the outbox, durably, that the reviewer takes request
// id (kind claim) or leaves it (kind release), for the next sync to push;
// force takes or ends another reviewer's claim. It refuses offline what
// the server would, from the claim as the reviewer sees it: another's
// claim without force (a *instruct.ClaimedError naming it), force without
// the manager role (forbidden), taking what one holds or leaving what
// nobody holds (invalid_transition). A claim or release the server
// refused before is replaced by the new one. The queue shows the claim at
// once.
func (s *Store) Claim(ctx context.Context, id instruct.RequestID, kind instruct.Kind, force bool) (instruct.Operation, error) {
	if !kind.IsClaim() {
		return instruct.Operation{}, instruct.Errorf(instruct.CodeInvalid, "%q is not a claim or a release", kind)
	}
	op, err := s.newOperation(id, kind, "")
	if err != nil {
		return instruct.Operation{}, err
	}
	op.Force = force
	err = s.inTx(ctx, durable, func(tx *writeTx) error { return recordClaimTx(ctx, tx, int64(id), op) })
	if err != nil {
		return instruct.Operation{}, fmt.Errorf("record %s of %s: %w", kind, op.RequestID, err)
	}
	return op, nil
}

func recordClaimTx(ctx context.Context, tx *writeTx, n int64, op instruct.Operation) error {
	var definition, holderID, holderName string
	var at sql.NullInt64
	err := tx.QueryRowContext(ctx, "SELECT definition, claim_id, claim_name, claim_at FROM requests WHERE id = ?", n).
		Scan(&definition, &holderID, &holderName, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return instruct.Errorf(instruct.CodeNotFound, "no request %s in the local cache", op.RequestID)
	}
	if err != nil {
		return fmt.Errorf("read request: %w", err)
	}
	me, err := readMe(ctx, tx)
	if err != nil {
		return err
	}
	if err := checkClaim(me, definition, claimOf(holderID, holderName, at), op); err != nil {
		return err
	}
	if err := dropAnsweredClaims(ctx, tx, n); err != nil {
		return err
	}
	if err := insertOperation(ctx, tx, op); err != nil {
		return err
	}
	return refreshOverlay(ctx, tx, n)
}

// checkClaim refuses what the server would refuse of op by me on a
// request of definition, held as shown.
func checkClaim(me instruct.User, definition string, shown *instruct.Claim, op instruct.Operation) error {
	switch {
	case !me.CanDecide(definition):
		return instruct.Errorf(instruct.CodeForbidden, "your role on %s does not allow you to take requests", definition)
	case op.Force && !me.CanManage(definition):
		return instruct.Errorf(instruct.CodeForbidden, "only a manager of %s may take a request from the reviewer who holds it", definition)
	case op.Kind == instruct.KindClaim && shown.HeldBy(me.ID):
		return instruct.Errorf(instruct.CodeInvalidTransition, "you already hold %s", op.RequestID)
	case op.Kind == instruct.KindRelease && shown == nil:
		return instruct.Errorf(instruct.CodeInvalidTransition, "nobody holds %s", op.RequestID)
	case shown != nil && !shown.HeldBy(me.ID) && !op.Force:
		return &instruct.ClaimedError{RequestID: op.RequestID, Claim: *shown}
	}
	return nil
}

// dropAnsweredClaims deletes the request's claims and releases the server
// refused, which a new one answers.
func dropAnsweredClaims(ctx context.Context, tx execer, n int64) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM outbox WHERE request = ? AND state IN (?, ?) AND kind IN (?, ?)",
		n, instruct.OpConflict, instruct.OpRejected, instruct.KindClaim, instruct.KindRelease)
	if err != nil {
		return fmt.Errorf("drop answered claims: %w", err)
	}
	return nil
}

// refreshClaim sets the claim the reviewer sees of request n: the
// server's, with their open operations laid over in order (a claim makes
// them the holder since they recorded it, a release or a decision leaves
// nobody holding it).
func refreshClaim(ctx context.Context, tx *writeTx, n int64, ops []openOp) error {
	shown, err := serverClaim(ctx, tx, n)
	if err != nil {
		return err
	}
	for _, op := range ops {
		if !op.open() {
			continue
		}
		switch {
		case op.kind == instruct.KindClaim:
			me, err := readMe(ctx, tx)
			if err != nil && instruct.ErrorCode(err) != instruct.CodeNotFound {
				return err
			}
			shown = &instruct.Claim{User: me.Actor(), At: fromMicros(op.at)} // unknown user: shown as nobody
			if me.ID == "" {
				shown = nil
			}
		case op.kind == instruct.KindRelease, op.kind.IsDecision():
			shown = nil
		}
	}
	var id, name string
	var at sql.NullInt64
	if shown != nil {
		id, name, at = shown.User.ID, shown.User.Name, sql.NullInt64{Int64: micros(shown.At), Valid: true}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE requests SET claim_id = ?, claim_name = ?, claim_at = ? WHERE id = ?", id, name, at, n); err != nil {
		return fmt.Errorf("update claim: %w", err)
	}
	return nil
}

// serverClaim returns the claim of the cached server state of request n.
func serverClaim(ctx context.Context, tx *writeTx, n int64) (*instruct.Claim, error) {
	var body []byte
	if err := tx.QueryRowContext(ctx, "SELECT body FROM request_bodies WHERE id = ?", n).Scan(&body); err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	var r struct {
		Claim *instruct.Claim `json:"claim"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("decode request claim: %w", err)
	}
	return r.Claim, nil
}

// MarkSeen records that the reviewer opened request id and saw its
// history up to now: the applicant's messages so far are no longer
// unread.
func (s *Store) MarkSeen(ctx context.Context, id instruct.RequestID) error {
	n := int64(id)
	var unread bool
	err := s.read.QueryRowContext(ctx, "SELECT coalesce((SELECT seen_seq < message_seq FROM requests WHERE id = ?), 0)", n).Scan(&unread)
	if err != nil || !unread {
		return err
	}
	err = s.inTx(ctx, refetchable, func(tx *writeTx) error {
		tx.touch(n)
		_, err := tx.ExecContext(ctx, "UPDATE requests SET seen_seq = message_seq WHERE id = ? AND seen_seq < message_seq", n)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark %s seen: %w", id, err)
	}
	return nil
}
