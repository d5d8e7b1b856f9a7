package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// SaveDraft keeps the comment the reviewer is writing on request id, in
// place of any earlier one; a blank comment deletes the draft.
func (s *Store) SaveDraft(ctx context.Context, id instruct.RequestID, kind instruct.Kind, comment string) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	if n := len([]rune(comment)); n > instruct.MaxCommentLength {
		return instruct.Errorf(instruct.CodeTooLarge, "the draft is %d characters long, the limit is %d", n, instruct.MaxCommentLength)
	}
	if instruct.IsBlank(comment) {
		return s.deleteDraft(ctx, id)
	}
	err = s.inTx(ctx, durable, func(tx *writeTx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO drafts (request, kind, comment, saved_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (request) DO UPDATE SET kind = excluded.kind, comment = excluded.comment, saved_at = excluded.saved_at`,
			id, kind, comment, micros(s.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("save draft on %s: %w", id, err)
	}
	return nil
}

// Draft returns the reviewer's unsent comment on request id, and whether
// there is one.
func (s *Store) Draft(ctx context.Context, id instruct.RequestID) (_ instruct.Draft, _ bool, err error) {
	if err := s.enter(); err != nil {
		return instruct.Draft{}, false, err
	}
	defer s.leave(&err)
	d := instruct.Draft{RequestID: id}
	var saved int64
	err = s.read.QueryRowContext(ctx, "SELECT kind, comment, saved_at FROM drafts WHERE request = ?", id).
		Scan(&d.Kind, &d.Comment, &saved)
	if errors.Is(err, sql.ErrNoRows) {
		return instruct.Draft{}, false, nil
	}
	if err != nil {
		return instruct.Draft{}, false, fmt.Errorf("read draft on %s: %w", id, err)
	}
	d.SavedAt = fromMicros(saved)
	return d, true, nil
}

// DeleteDraft forgets the draft on request id, once sent or thrown away.
func (s *Store) DeleteDraft(ctx context.Context, id instruct.RequestID) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	return s.deleteDraft(ctx, id)
}

func (s *Store) deleteDraft(ctx context.Context, id instruct.RequestID) error {
	err := s.inTx(ctx, durable, func(tx *writeTx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM drafts WHERE request = ?", id)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete draft on %s: %w", id, err)
	}
	return nil
}
