package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// RecordRevokeHabilitation writes into the outbox, durably, that the
// reviewer revokes habilitation id with comment (required). The
// habilitation must be cached and active, and not already being revoked;
// the reviewer must be an instructor of its API. BaseVersion is the
// habilitation's version (its If-Match); the request's status is left as
// the server has it until the server answers.
func (s *Store) RecordRevokeHabilitation(ctx context.Context, id instruct.HabilitationID, comment string) (_ instruct.Operation, err error) {
	if err := s.enter(); err != nil {
		return instruct.Operation{}, err
	}
	defer s.leave(&err)
	if err := instruct.CheckComment(instruct.KindRevoke, comment); err != nil {
		return instruct.Operation{}, err
	}
	var op instruct.Operation
	err = s.inTx(ctx, durable, func(tx *writeTx) error {
		h, err := cachedHabilitation(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkMayRevoke(ctx, tx, h); err != nil {
			return err
		}
		if op, err = s.newOperation(h.RequestID, instruct.KindRevoke, comment); err != nil {
			return err
		}
		op.HabilitationID, op.BaseVersion = h.ID, h.Version
		if err := dropAnsweredOf(ctx, tx, "habilitation = ?", int64(h.ID)); err != nil {
			return err
		}
		if err := insertOperation(ctx, tx, op); err != nil {
			return err
		}
		return refreshOverlay(ctx, tx, int64(h.RequestID))
	})
	if err != nil {
		return instruct.Operation{}, fmt.Errorf("record revocation of %s: %w", id, err)
	}
	return op, nil
}

func cachedHabilitation(ctx context.Context, tx execer, id instruct.HabilitationID) (instruct.Habilitation, error) {
	var body []byte
	err := tx.QueryRowContext(ctx, "SELECT body FROM habilitations WHERE id = ?", int64(id)).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return instruct.Habilitation{}, instruct.Errorf(instruct.CodeNotFound, "no habilitation %s in the local cache", id)
	}
	if err != nil {
		return instruct.Habilitation{}, fmt.Errorf("read habilitation: %w", err)
	}
	return decodeHabilitation(body)
}

// checkMayRevoke refuses, offline, a revocation the server would refuse:
// by someone who may not decide on the API, of a habilitation that is not
// active, or of one already being revoked.
func checkMayRevoke(ctx context.Context, tx execer, h instruct.Habilitation) error {
	if err := checkMayDecide(ctx, tx, h.Definition); err != nil {
		return err
	}
	if h.Status != instruct.HabilitationActive {
		return instruct.Errorf(instruct.CodeInvalidTransition, "%s is %s: only an active habilitation can be revoked", h.ID, h.Status)
	}
	var open bool
	err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM outbox WHERE habilitation = ? AND state IN (?, ?))",
		int64(h.ID), instruct.OpPending, instruct.OpSending).Scan(&open)
	if err != nil {
		return fmt.Errorf("read open revocations: %w", err)
	}
	if open {
		return instruct.Errorf(instruct.CodeInvalidTransition, "the revocation of %s is already waiting to be sent", h.ID)
	}
	return nil
}

// dropAnsweredOf deletes the conflicted or rejected operations that cond
// selects, which a new one answers.
func dropAnsweredOf(ctx context.Context, tx execer, cond string, args ...any) error {
	args = append(args, instruct.OpConflict, instruct.OpRejected)
	_, err := tx.ExecContext(ctx, "DELETE FROM outbox WHERE "+cond+" AND state IN (?, ?)", args...)
	if err != nil {
		return fmt.Errorf("drop answered operations: %w", err)
	}
	return nil
}

// maxEmailLength is the longest e-mail address a transfer accepts.
const maxEmailLength = 254

// CheckEmail refuses text that is not one plain e-mail address (name@host),
// with an invalid error; the server alone knows whether a user has it.
func CheckEmail(to string) error {
	if to == "" || len(to) > maxEmailLength || strings.ContainsAny(to, " <>\t\r\n") {
		return instruct.Errorf(instruct.CodeInvalid, "give the e-mail address of the new applicant, such as marie.dupont@example.fr")
	}
	a, err := mail.ParseAddress(to)
	if err != nil || a.Address != to || !strings.Contains(to, "@") {
		return instruct.Errorf(instruct.CodeInvalid, "%q is not an e-mail address, such as marie.dupont@example.fr", to)
	}
	return nil
}

// RecordTransfer writes into the outbox, durably, that the reviewer makes
// the user with e-mail to the applicant of request id and of its
// habilitations, with comment (required). The request must be cached and
// allow a transfer in the status the reviewer sees, without a decision or
// transfer still open; BaseVersion is its version (its If-Match). Whether
// a user has that e-mail only the server knows: it refuses an unknown one
// (invalid), and the operation shows rejected.
func (s *Store) RecordTransfer(ctx context.Context, id instruct.RequestID, to, comment string) (_ instruct.Operation, err error) {
	if err := s.enter(); err != nil {
		return instruct.Operation{}, err
	}
	defer s.leave(&err)
	to = strings.TrimSpace(to)
	if err := CheckEmail(to); err != nil {
		return instruct.Operation{}, err
	}
	if err := instruct.CheckComment(instruct.KindTransfer, comment); err != nil {
		return instruct.Operation{}, err
	}
	op, err := s.newOperation(id, instruct.KindTransfer, comment)
	if err != nil {
		return instruct.Operation{}, err
	}
	op.To = to
	err = s.inTx(ctx, durable, func(tx *writeTx) error { return transferTx(ctx, tx, &op) })
	if err != nil {
		return instruct.Operation{}, fmt.Errorf("record transfer of %s: %w", id, err)
	}
	return op, nil
}

func transferTx(ctx context.Context, tx *writeTx, op *instruct.Operation) error {
	n := int64(op.RequestID)
	var definition string
	var shown instruct.Status
	err := tx.QueryRowContext(ctx, "SELECT definition, shown_status, version FROM requests WHERE id = ?", n).
		Scan(&definition, &shown, &op.BaseVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return instruct.Errorf(instruct.CodeNotFound, "no request %s in the local cache", op.RequestID)
	}
	if err != nil {
		return fmt.Errorf("read request: %w", err)
	}
	if err := checkMayDecide(ctx, tx, definition); err != nil {
		return err
	}
	if err := checkDecision(ctx, tx, n, shown, instruct.KindTransfer); err != nil {
		return err
	}
	if err := dropAnsweredOf(ctx, tx, "request = ? AND kind = ?", n, instruct.KindTransfer); err != nil {
		return err
	}
	if err := insertOperation(ctx, tx, *op); err != nil {
		return err
	}
	return refreshOverlay(ctx, tx, n)
}

// Emails returns the e-mail addresses the cache knows of people (the
// applicants of cached requests) that start with prefix,
// sorted, at most limit: the users a transfer may name.
func (s *Store) Emails(ctx context.Context, prefix string, limit int) (_ []string, err error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave(&err)
	query := `SELECT DISTINCT applicant_email FROM requests WHERE applicant_email <> '' AND applicant_email LIKE ? ESCAPE '\'
		ORDER BY applicant_email LIMIT ?`
	var out []string
	err = scanAll(ctx, s.read, query, []any{likeEscaper.Replace(prefix) + "%", limitOrAll(limit)}, func(rows *sql.Rows) error {
		var e string
		err := rows.Scan(&e)
		out = append(out, e)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read e-mails: %w", err)
	}
	return out, nil
}
