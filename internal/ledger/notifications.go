package ledger

import (
	"context"
	"fmt"
	"strings"
)

// SetNotifications records user id's choice of the mails of each
// definition named: true receives them (the default), false does not.
func (l *Ledger) SetNotifications(ctx context.Context, id string, choices map[string]bool) error {
	err := l.inTx(ctx, func(tx *txn) error {
		for def, on := range choices {
			if strings.TrimSpace(def) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM notification_prefs WHERE user_id = ? AND definition = ?`, id, def); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO notification_prefs (user_id, definition, enabled) VALUES (?, ?, ?)`, id, def, on)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set notifications: %w", err)
	}
	return nil
}

// Notifications returns user id's recorded choices of mails, by
// definition; a definition missing from it sends them.
func (l *Ledger) Notifications(ctx context.Context, id string) (map[string]bool, error) {
	choices := map[string]bool{}
	err := l.inRead(ctx, func(tx *txn) error {
		rows, err := tx.QueryContext(ctx, `SELECT definition, enabled FROM notification_prefs WHERE user_id = ?`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var def string
			var on bool
			if err := rows.Scan(&def, &on); err != nil {
				return err
			}
			choices[def] = on
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read notifications: %w", err)
	}
	return choices, nil
}
