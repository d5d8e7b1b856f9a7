package ledger

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// secretBytes is the number of random bytes of a webhook secret: 256 bits.
const secretBytes = 32

// newSecret returns a new random webhook secret, in hex.
func newSecret() string {
	b := make([]byte, secretBytes)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// AddWebhook stores a webhook of definition def calling rawURL for events
// of the kinds given (every webhook kind when none), and returns it with
// its secret, which nothing shows again.
func (l *Ledger) AddWebhook(ctx context.Context, def, rawURL string, kinds []instruct.Kind) (instruct.Webhook, string, error) {
	if err := instruct.CheckWebhookURL(rawURL); err != nil {
		return instruct.Webhook{}, "", err
	}
	if strings.TrimSpace(def) == "" {
		return instruct.Webhook{}, "", instruct.Errorf(instruct.CodeInvalid, "a webhook needs a definition")
	}
	kinds, err := webhookKinds(kinds)
	if err != nil {
		return instruct.Webhook{}, "", err
	}
	w := instruct.Webhook{ID: uuid.NewString(), Definition: def, URL: rawURL, Events: kinds, CreatedAt: l.nowUTC()}
	secret := newSecret()
	err = l.inTx(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO webhooks (id, definition, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			w.ID, w.Definition, w.URL, joinKinds(w.Events), secret, w.CreatedAt.UnixNano())
		return err
	})
	if err != nil {
		return instruct.Webhook{}, "", fmt.Errorf("add webhook: %w", err)
	}
	return w, secret, nil
}

// webhookKinds checks kinds against the kinds webhooks are sent, and
// returns them all when kinds is empty.
func webhookKinds(kinds []instruct.Kind) ([]instruct.Kind, error) {
	if len(kinds) == 0 {
		return instruct.WebhookKinds(), nil
	}
	for _, k := range kinds {
		if !isWebhookKind(k) {
			return nil, instruct.Errorf(instruct.CodeInvalid, "webhooks are not sent %q events (only %s)",
				k, joinKinds(instruct.WebhookKinds()))
		}
	}
	return kinds, nil
}

// joinKinds returns kinds separated by commas, as the events column holds
// them.
func joinKinds(kinds []instruct.Kind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ",")
}

// splitKinds reads the events column.
func splitKinds(s string) []instruct.Kind {
	var kinds []instruct.Kind
	for _, name := range strings.Split(s, ",") {
		if name != "" {
			kinds = append(kinds, instruct.Kind(name))
		}
	}
	return kinds
}

// Webhooks returns the webhooks of definition def, or of every definition
// when def is empty, oldest first.
func (l *Ledger) Webhooks(ctx context.Context, def string) ([]instruct.Webhook, error) {
	var hooks []instruct.Webhook
	err := l.inRead(ctx, func(tx *txn) error {
		var err error
		hooks, err = l.webhooksOf(ctx, tx, def)
		return err
	})
	return hooks, err
}

// webhooksOf reads the webhooks of definition def (every one when empty).
func (l *Ledger) webhooksOf(ctx context.Context, tx querier, def string) ([]instruct.Webhook, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, definition, url, events, created_at FROM webhooks
		WHERE definition = ? OR ? = '' ORDER BY created_at, id`, def, def)
	if err != nil {
		return nil, fmt.Errorf("read webhooks: %w", err)
	}
	defer rows.Close()
	var hooks []instruct.Webhook
	for rows.Next() {
		var w instruct.Webhook
		var events string
		var created int64
		if err := rows.Scan(&w.ID, &w.Definition, &w.URL, &events, &created); err != nil {
			return nil, fmt.Errorf("read webhooks: %w", err)
		}
		w.Events, w.CreatedAt = splitKinds(events), unixTime(created)
		hooks = append(hooks, w)
	}
	return hooks, rows.Err()
}

// WebhookSecret returns webhook id with its secret, or not_found.
func (l *Ledger) WebhookSecret(ctx context.Context, id string) (instruct.Webhook, string, error) {
	var w instruct.Webhook
	var events, secret string
	var created int64
	err := l.inRead(ctx, func(tx *txn) error {
		return tx.QueryRowContext(ctx, `SELECT id, definition, url, events, secret, created_at FROM webhooks WHERE id = ?`, id).
			Scan(&w.ID, &w.Definition, &w.URL, &events, &secret, &created)
	})
	if err != nil {
		return instruct.Webhook{}, "", notFound(err, "no webhook %s", id)
	}
	w.Events, w.CreatedAt = splitKinds(events), unixTime(created)
	return w, secret, nil
}

// RemoveWebhook deletes webhook id (not_found when there is none); its
// deliveries still pending fail, saying so.
func (l *Ledger) RemoveWebhook(ctx context.Context, id string) error {
	err := l.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return instruct.Errorf(instruct.CodeNotFound, "no webhook %s", id)
		}
		_, err = tx.ExecContext(ctx, `UPDATE deliveries SET status = 'failed', last_error = 'webhook removed'
			WHERE webhook_id = ? AND status = 'pending'`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("remove webhook: %w", err)
	}
	return nil
}

// RotateWebhookSecret gives webhook id a new secret and returns it; calls
// made from then on, retries too, are signed with it.
func (l *Ledger) RotateWebhookSecret(ctx context.Context, id string) (string, error) {
	secret := newSecret()
	err := l.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhooks SET secret = ? WHERE id = ?`, secret, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return instruct.Errorf(instruct.CodeNotFound, "no webhook %s", id)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("rotate the secret of webhook: %w", err)
	}
	return secret, nil
}
