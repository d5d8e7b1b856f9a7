package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// RemoveSSHKey unbinds the SSH public key with that SHA256 fingerprint
// (as ssh.FingerprintSHA256 writes it) when it is bound to user userID.
// An unknown user or a fingerprint no key has is not_found; a key bound
// to another user is forbidden and kept. ssh-serve looks the key up at
// every connection, so every instance sharing the database refuses a
// removed key from the next connection on.
func (l *Ledger) RemoveSSHKey(ctx context.Context, userID, fingerprint string) error {
	err := l.inWrite(ctx, func(tx *txn) error {
		if _, err := l.userWhere(ctx, tx, "id = ?", userID); err != nil {
			return err
		}
		if err := l.checkKeyOwner(ctx, tx, userID, fingerprint); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM ssh_keys WHERE fingerprint = ? AND user_id = ?`, fingerprint, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("remove SSH key: %w", err)
	}
	return nil
}

// RemoveSSHKeys unbinds every SSH key of user userID and returns the
// fingerprints of the keys removed, sorted; none is an empty slice. An
// unknown user is not_found.
func (l *Ledger) RemoveSSHKeys(ctx context.Context, userID string) ([]string, error) {
	var removed []string
	err := l.inWrite(ctx, func(tx *txn) error {
		if _, err := l.userWhere(ctx, tx, "id = ?", userID); err != nil {
			return err
		}
		var err error
		removed, err = deleteKeysOf(ctx, tx, userID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("remove SSH keys: %w", err)
	}
	slices.Sort(removed)
	return removed, nil
}

// deleteKeysOf deletes the SSH keys of user userID and returns their
// fingerprints, as the deletion itself reports them.
func deleteKeysOf(ctx context.Context, tx querier, userID string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `DELETE FROM ssh_keys WHERE user_id = ? RETURNING fingerprint`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	removed := []string{}
	for rows.Next() {
		var fp string
		if err := rows.Scan(&fp); err != nil {
			return nil, err
		}
		removed = append(removed, fp)
	}
	return removed, rows.Err()
}

// checkKeyOwner returns nil when the SSH key with that fingerprint is
// bound to user userID, not_found when no key has it, and forbidden when
// it is bound to another user.
func (l *Ledger) checkKeyOwner(ctx context.Context, tx querier, userID, fingerprint string) error {
	var owner string
	err := tx.QueryRowContext(ctx, `SELECT user_id FROM ssh_keys WHERE fingerprint = ?`, fingerprint).Scan(&owner)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return instruct.Errorf(instruct.CodeNotFound, "no such SSH key")
	case err != nil:
		return fmt.Errorf("read SSH key: %w", err)
	case owner != userID:
		return instruct.Errorf(instruct.CodeForbidden, "the SSH key is bound to another user")
	}
	return nil
}
