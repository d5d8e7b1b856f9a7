package ledger

import (
	"context"
	"fmt"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// LostByTransfer returns the seq of the last transfer after seq `after`
// that took from applicant u a request they file no longer, 0 when none
// did: a client of theirs that pulled before it still holds the request,
// which their feed no longer brings. A transfer names the former
// applicant by user ID, or, when recorded before transfers did, by the
// e-mail in its diff.
func (l *Ledger) LostByTransfer(ctx context.Context, u instruct.User, after int64) (int64, error) {
	var last int64
	err := l.inRead(ctx, func(tx *txn) error {
		rows, err := tx.QueryContext(ctx, `SELECT e.body, r.created_by FROM events e JOIN requests r ON r.number = e.request_number
			WHERE e.seq > ? AND e.kind = ? ORDER BY e.seq`, after, string(instruct.KindTransfer))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var body, filer string
			if err := rows.Scan(&body, &filer); err != nil {
				return err
			}
			e, err := decodeEvent(body)
			if err != nil {
				return err
			}
			if filer != u.ID && tookFrom(e, u) {
				last = e.Seq
			}
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("read the transfers after %d: %w", after, err)
	}
	return last, nil
}

// tookFrom reports whether transfer e took its request from user u.
func tookFrom(e instruct.Event, u instruct.User) bool {
	if from, _ := e.TransferredApplicants(); from != "" {
		return from == u.ID
	}
	former := strings.TrimSpace(formerApplicant(e))
	return former != "" && strings.EqualFold(former, strings.TrimSpace(u.Email))
}
