package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// notFound returns a not_found error saying format when err is a missing
// row, else err.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return instruct.Errorf(instruct.CodeNotFound, format, args...)
	}
	return err
}

// deliveryColumns are the columns scanDelivery reads, in its order.
const deliveryColumns = `d.id, d.channel, d.event_seq, d.target, d.status, d.attempts, d.last_status, d.last_error,
	d.next_attempt_at, d.delivered_at, d.request_number, e.kind`

// DeliveryLine is a delivery as the administrator's list shows it: with
// its request and the kind of the event that caused it.
type DeliveryLine struct {
	instruct.Delivery
	RequestID instruct.RequestID
	Kind      instruct.Kind
}

// scanDelivery reads a row of deliveryColumns.
func scanDelivery(rows *sql.Rows) (DeliveryLine, error) {
	var d DeliveryLine
	var next int64
	var delivered sql.NullInt64
	var kind sql.NullString
	err := rows.Scan(&d.ID, &d.Channel, &d.EventSeq, &d.Target, &d.Status, &d.Attempts, &d.LastStatus, &d.LastError,
		&next, &delivered, &d.RequestID, &kind)
	if err != nil {
		return DeliveryLine{}, fmt.Errorf("read deliveries: %w", err)
	}
	if d.Status == instruct.DeliveryPending {
		t := unixTime(next)
		d.NextAttemptAt = &t
	}
	if delivered.Valid {
		t := unixTime(delivered.Int64)
		d.DeliveredAt = &t
	}
	d.Kind = instruct.Kind(kind.String)
	return d, nil
}

// queryDeliveries runs a query of deliveryColumns.
func (l *Ledger) queryDeliveries(ctx context.Context, query string, args ...any) ([]DeliveryLine, error) {
	var lines []DeliveryLine
	err := l.inRead(ctx, func(tx *txn) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("read deliveries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				return err
			}
			lines = append(lines, d)
		}
		return rows.Err()
	})
	return lines, err
}

// MaxRequestDeliveries bounds the deliveries Deliveries returns: the
// last ones, so that an answer stays small whatever a request caused.
const MaxRequestDeliveries = 1000

// Deliveries returns the last deliveries of request id (at most
// MaxRequestDeliveries), oldest first.
func (l *Ledger) Deliveries(ctx context.Context, id instruct.RequestID) ([]instruct.Delivery, error) {
	lines, err := l.queryDeliveries(ctx, `SELECT `+deliveryColumns+` FROM deliveries d
		LEFT JOIN events e ON e.seq = d.event_seq WHERE d.request_number = ? ORDER BY d.event_seq DESC, d.id DESC LIMIT ?`,
		id, MaxRequestDeliveries)
	if err != nil {
		return nil, err
	}
	out := make([]instruct.Delivery, len(lines))
	for i, d := range lines {
		out[len(lines)-1-i] = d.Delivery
	}
	return out, nil
}

// AllDeliveries returns the last deliveries, at most limit, newest first;
// the failed ones only when failed is set.
func (l *Ledger) AllDeliveries(ctx context.Context, failed bool, limit int) ([]DeliveryLine, error) {
	return l.queryDeliveries(ctx, `SELECT `+deliveryColumns+` FROM deliveries d
		LEFT JOIN events e ON e.seq = d.event_seq WHERE d.status = 'failed' OR ? = ?
		ORDER BY d.event_seq DESC, d.id DESC LIMIT ?`, failed, false, limit)
}

// RetryDelivery makes delivery id due at once, failed or not, and its
// three days of retries start again. not_found when there is none; a delivered one is
// refused as invalid.
func (l *Ledger) RetryDelivery(ctx context.Context, id string) error {
	now := l.nowUTC()
	err := l.inTx(ctx, func(tx *txn) error {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM deliveries WHERE id = ?`, id).Scan(&status)
		if err != nil {
			return notFound(err, "no delivery %s", id)
		}
		if instruct.DeliveryStatus(status) == instruct.DeliveryDelivered {
			return instruct.Errorf(instruct.CodeInvalid, "delivery %s was delivered already", id)
		}
		_, err = tx.ExecContext(ctx, `UPDATE deliveries SET status = 'pending', next_attempt_at = ?, lease_until = 0,
			created_at = ? WHERE id = ?`, now.UnixNano(), now.UnixNano(), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("retry delivery: %w", err)
	}
	l.wakeDeliveries()
	return nil
}

// HasDueDeliveries reports whether a delivery is due at now and held by
// no worker, in one read that takes no lock.
func (l *Ledger) HasDueDeliveries(ctx context.Context, now time.Time) (bool, error) {
	var n int
	err := l.inRead(ctx, func(tx *txn) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM deliveries
			WHERE status = 'pending' AND next_attempt_at <= ? AND lease_until <= ? LIMIT 1) AS due`,
			now.UnixNano(), now.UnixNano()).Scan(&n)
	})
	return n > 0, err
}

// ClaimDeliveries takes up to limit deliveries due at now that no worker
// holds, for this worker until now+hold, and returns them with what
// sending them needs. Deliveries another worker took meanwhile are
// skipped, never waited for (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite
// has one writer), so several instances sharing a database never send
// the same delivery at once while a hold lasts.
func (l *Ledger) ClaimDeliveries(ctx context.Context, now time.Time, hold time.Duration, limit int) ([]instruct.Dispatch, error) {
	lease := uuid.NewString()
	var out []instruct.Dispatch
	err := l.inTx(ctx, func(tx *txn) error {
		claimed, err := l.claim(ctx, tx, lease, now, hold, limit)
		if err != nil || claimed == 0 {
			return err
		}
		out, err = l.dispatches(ctx, tx, lease)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return out, nil
}

// claim marks with lease the deliveries it takes, and returns how many.
func (l *Ledger) claim(ctx context.Context, tx *txn, lease string, now time.Time, hold time.Duration, limit int) (int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE deliveries SET lease = ?, lease_until = ? WHERE id IN (
		SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? AND lease_until <= ?
		ORDER BY next_attempt_at, id LIMIT ?`+l.d.skipLocked+`)`,
		lease, now.Add(hold).UnixNano(), now.UnixNano(), now.UnixNano(), limit)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// dispatchSQL reads the deliveries a lease holds with their event and
// webhook.
const dispatchSQL = `SELECT d.id, d.channel, d.event_seq, d.target, d.status, d.attempts, d.last_status, d.last_error,
	d.role, d.recipient, d.body, d.created_at, e.body, w.url, w.secret
	FROM deliveries d LEFT JOIN events e ON e.seq = d.event_seq LEFT JOIN webhooks w ON w.id = d.webhook_id
	WHERE d.lease = ? ORDER BY d.next_attempt_at, d.id`

// dispatches returns the deliveries lease holds.
func (l *Ledger) dispatches(ctx context.Context, tx *txn, lease string) ([]instruct.Dispatch, error) {
	rows, err := tx.QueryContext(ctx, dispatchSQL, lease)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []instruct.Dispatch
	for rows.Next() {
		d, err := scanDispatch(rows)
		if err != nil {
			return nil, err
		}
		d.Lease = lease
		out = append(out, d)
	}
	return out, rows.Err()
}

// scanDispatch reads a row of dispatchSQL. A delivery whose event was
// purged, or whose webhook was removed, keeps a zero Event or URL: the
// worker fails it.
func scanDispatch(rows *sql.Rows) (instruct.Dispatch, error) {
	var d instruct.Dispatch
	var body, event, url, secret sql.NullString
	var created int64
	err := rows.Scan(&d.Delivery.ID, &d.Delivery.Channel, &d.Delivery.EventSeq, &d.Delivery.Target, &d.Delivery.Status,
		&d.Delivery.Attempts, &d.Delivery.LastStatus, &d.Delivery.LastError, &d.Role, &d.Recipient, &body, &created,
		&event, &url, &secret)
	if err != nil {
		return instruct.Dispatch{}, fmt.Errorf("read a delivery: %w", err)
	}
	if body.Valid {
		d.Body = []byte(body.String)
	}
	if event.Valid {
		if d.Event, err = decodeEvent(event.String); err != nil {
			return instruct.Dispatch{}, err
		}
	}
	d.WebhookURL, d.Secret, d.CreatedAt = url.String, secret.String, unixTime(created)
	return d, nil
}

// FreezeDeliveryBody keeps body as what every attempt of delivery id
// sends, while lease holds it.
func (l *Ledger) FreezeDeliveryBody(ctx context.Context, id, lease string, body []byte) error {
	err := l.inTx(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `UPDATE deliveries SET body = ? WHERE id = ? AND lease = ? AND body IS NULL`,
			string(body), id, lease)
		return err
	})
	if err != nil {
		return fmt.Errorf("keep the body of delivery %s: %w", id, err)
	}
	return nil
}

// FinishDelivery records attempt a of the delivery it names: delivered,
// to retry at a.Next, or failed when a.Next is nil; and releases it. An
// attempt whose lease no longer holds the delivery (another worker took
// it after the hold ran out) is not recorded: reports false.
func (l *Ledger) FinishDelivery(ctx context.Context, a instruct.Attempt) (bool, error) {
	status, next, delivered := instruct.DeliveryFailed, a.At.UnixNano(), sql.NullInt64{}
	switch {
	case a.Delivered():
		status, delivered = instruct.DeliveryDelivered, sql.NullInt64{Int64: a.At.UnixNano(), Valid: true}
	case a.Next != nil:
		status, next = instruct.DeliveryPending, a.Next.UnixNano()
	}
	var n int64
	err := l.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = ?, attempts = attempts + 1, last_status = ?,
			last_error = ?, next_attempt_at = ?, delivered_at = ?, lease = '', lease_until = 0 WHERE id = ? AND lease = ?`,
			string(status), a.Status, clip(a.Error, 500), next, delivered, a.ID, a.Lease)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record an attempt of delivery %s: %w", a.ID, err)
	}
	return n == 1, nil
}

// clip cuts s to at most n bytes, on a character boundary, valid UTF-8
// without NUL.
func clip(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// isRuneStart reports whether b begins a UTF-8 character.
func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// purgeBatch is how many finished deliveries one transaction of
// PurgeDeliveries deletes, so that a first purge of a large outbox never
// holds the writer for long.
const purgeBatch = 1000

// PurgeDeliveries deletes the deliveries that finished before t:
// delivered ones by the time of their delivery, failed ones by the time
// of their last attempt. Pending ones stay, however old. It returns how
// many it deleted.
func (l *Ledger) PurgeDeliveries(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		var n int64
		err := l.inWrite(ctx, func(tx *txn) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries
				WHERE (status = 'delivered' AND delivered_at < ?) OR (status = 'failed' AND next_attempt_at < ?) LIMIT ?)`,
				before.UnixNano(), before.UnixNano(), purgeBatch)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return total, fmt.Errorf("purge deliveries: %w", err)
		}
		total += n
		if n < purgeBatch {
			return total, nil
		}
	}
}
