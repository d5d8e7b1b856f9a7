package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// RevokeTokens deletes every API token of user userID and returns how
// many there were. An unknown user is not_found. The server looks the
// token up at every request, so every server instance sharing the
// database refuses a revoked token from the next request on.
func (l *Ledger) RevokeTokens(ctx context.Context, userID string) (int, error) {
	var n int64
	err := l.inWrite(ctx, func(tx *txn) error {
		if _, err := l.userWhere(ctx, tx, "id = ?", userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE user_id = ?`, userID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("revoke tokens: %w", err)
	}
	return int(n), nil
}

// RevokeToken deletes the API token whose SHA-256 is hash when it belongs
// to user userID. An unknown user or a hash no token has is not_found; a
// token of another user is forbidden and kept.
func (l *Ledger) RevokeToken(ctx context.Context, userID string, hash []byte) error {
	err := l.inWrite(ctx, func(tx *txn) error {
		if _, err := l.userWhere(ctx, tx, "id = ?", userID); err != nil {
			return err
		}
		if err := l.checkTokenOwner(ctx, tx, userID, hash); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE hash = ? AND user_id = ?`, hash, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// checkTokenOwner returns nil when the token whose SHA-256 is hash
// belongs to user userID, not_found when no token has that hash, and
// forbidden when another user owns it.
func (l *Ledger) checkTokenOwner(ctx context.Context, tx querier, userID string, hash []byte) error {
	var owner string
	err := tx.QueryRowContext(ctx, `SELECT user_id FROM tokens WHERE hash = ?`, hash).Scan(&owner)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return instruct.Errorf(instruct.CodeNotFound, "no such token")
	case err != nil:
		return fmt.Errorf("read token: %w", err)
	case owner != userID:
		return instruct.Errorf(instruct.CodeForbidden, "the token belongs to another user")
	}
	return nil
}
