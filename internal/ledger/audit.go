package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Audit returns the hash-chained log after seq `after`, at most limit
// entries (DefaultLimit if 0).
func (l *Ledger) Audit(ctx context.Context, after int64, limit int) ([]instruct.AuditEntry, error) {
	rows, err := l.reader.QueryContext(ctx, `SELECT seq, prev_hash, hash, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?`,
		after, limitOr(limit))
	if err != nil {
		return nil, unavailable(fmt.Errorf("read audit log: %w", err))
	}
	defer rows.Close()
	entries := []instruct.AuditEntry{}
	for rows.Next() {
		var a instruct.AuditEntry
		var body string
		if err := rows.Scan(&a.Seq, &a.PrevHash, &a.Hash, &body); err != nil {
			return nil, unavailable(fmt.Errorf("read audit log: %w", err))
		}
		if a.Event, err = decodeEvent(body); err != nil {
			return nil, err
		}
		entries = append(entries, a)
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable(fmt.Errorf("read audit log: %w", err))
	}
	return entries, nil
}

// VerifyResult is what Verify found: how much of the log it checked and,
// when the chain is broken, the first seq where it breaks and why.
type VerifyResult struct {
	// From is the first seq checked: one past the last purge receipt.
	From int64
	// Checked counts the events whose hashes were recomputed.
	Checked int64
	// Last is the last seq the ledger assigned.
	Last int64
	// BrokenAt is the first seq at which the chain breaks, 0 if intact.
	BrokenAt int64
	// Problem says what is wrong at BrokenAt.
	Problem string
}

// OK reports whether the whole chain verified.
func (r VerifyResult) OK() bool { return r.BrokenAt == 0 }

// verifier walks the chain in seq order.
type verifier struct {
	res  VerifyResult
	next int64  // the seq expected next
	head string // the hash the next event must chain to
}

// Verify recomputes the hash chain of the whole log, from the last purge
// receipt on, in one snapshot: every seq must be there, in order, each
// event chained to the one before, its hash the SHA-256 of the previous
// hash and its canonical JSON, and the chain must end at the last seq
// assigned. It names the first seq that breaks these rules.
func (l *Ledger) Verify(ctx context.Context) (VerifyResult, error) {
	var v verifier
	err := l.inRead(ctx, func(tx *txn) error {
		if err := l.verifyStart(ctx, tx, &v); err != nil {
			return err
		}
		if err := l.verifyEvents(ctx, tx, &v); err != nil {
			return err
		}
		return l.verifyEnd(ctx, tx, &v)
	})
	if err != nil {
		return VerifyResult{}, fmt.Errorf("verify the event log: %w", err)
	}
	return v.res, nil
}

// verifyStart sets the chain's starting point: the last purge receipt.
func (l *Ledger) verifyStart(ctx context.Context, tx querier, v *verifier) error {
	var last int64
	var head string
	err := tx.QueryRowContext(ctx, `SELECT last_seq, last_hash FROM purge_receipts ORDER BY last_seq DESC LIMIT 1`).Scan(&last, &head)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	v.next, v.head, v.res.From = last+1, head, last+1
	return nil
}

func (l *Ledger) verifyEvents(ctx context.Context, tx querier, v *verifier) error {
	rows, err := tx.QueryContext(ctx, `SELECT seq, prev_hash, hash, body FROM events WHERE seq >= ? ORDER BY seq`, v.res.From)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() && v.res.OK() {
		var seq int64
		var prev, hash, body string
		if err := rows.Scan(&seq, &prev, &hash, &body); err != nil {
			return err
		}
		v.check(seq, prev, hash, body)
	}
	return rows.Err()
}

// check verifies one event row.
func (v *verifier) check(seq int64, prev, hash, body string) {
	e, err := decodeEvent(body)
	var recomputed string
	if err == nil {
		recomputed, err = instruct.ChainHash(prev, e)
	}
	switch {
	case seq != v.next:
		v.broken(v.next, "the event is missing")
	case prev != v.head:
		v.broken(seq, "the event does not chain to the one before")
	case err != nil:
		v.broken(seq, "the event's body is not a readable event")
	case recomputed != hash:
		v.broken(seq, "the event's hash does not match its body")
	case e.Seq != seq:
		v.broken(seq, "the event's body carries another seq")
	default:
		v.res.Checked++
		v.next, v.head = seq+1, hash
	}
}

func (v *verifier) broken(seq int64, problem string) {
	v.res.BrokenAt, v.res.Problem = seq, problem
}

// verifyEnd checks that the chain ends where the ledger's counter does.
func (l *Ledger) verifyEnd(ctx context.Context, tx querier, v *verifier) error {
	var head string
	if err := tx.QueryRowContext(ctx, `SELECT n, head FROM seq WHERE id = 1`).Scan(&v.res.Last, &head); err != nil {
		return err
	}
	switch {
	case !v.res.OK():
	case v.next <= v.res.Last:
		v.broken(v.next, "the event is missing")
	case head != v.head:
		v.broken(v.res.Last, "the chain's recorded head does not match its last event")
	}
	return nil
}

// PurgeResult is what a retention purge removed.
type PurgeResult struct {
	// Purged counts the events deleted.
	Purged int64
	// LastSeq and LastHash are those of the last event deleted, kept as
	// the receipt the rest of the chain verifies from.
	LastSeq  int64
	LastHash string
}

// PurgeBefore is the retention purge: it deletes the oldest events of the
// log, those before the first event recorded at or after t (the chain is
// cut only at its start), and keeps a receipt with the last purged seq
// and hash, so that Verify still passes and FeedHorizon moves there.
func (l *Ledger) PurgeBefore(ctx context.Context, t time.Time) (PurgeResult, error) {
	var res PurgeResult
	err := l.inWrite(ctx, func(tx *txn) error {
		var err error
		res, err = l.purge(ctx, tx, t)
		return err
	})
	if err != nil {
		return PurgeResult{}, fmt.Errorf("purge events: %w", err)
	}
	if res.Purged > 0 {
		l.log.Info("ledger events purged", "events", res.Purged, "last_seq", res.LastSeq)
	}
	return res, nil
}

func (l *Ledger) purge(ctx context.Context, tx querier, t time.Time) (PurgeResult, error) {
	var res PurgeResult
	err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT MIN(seq) FROM events WHERE at >= ?), (SELECT MAX(seq) + 1 FROM events), 0) - 1`,
		t.UnixNano()).Scan(&res.LastSeq)
	if err != nil || res.LastSeq <= 0 {
		return PurgeResult{}, err
	}
	err = tx.QueryRowContext(ctx, `SELECT hash FROM events WHERE seq = ?`, res.LastSeq).Scan(&res.LastHash)
	if errors.Is(err, sql.ErrNoRows) {
		return PurgeResult{}, nil // purged already up to there
	}
	if err != nil {
		return PurgeResult{}, err
	}
	deleted, err := tx.ExecContext(ctx, `DELETE FROM events WHERE seq <= ?`, res.LastSeq)
	if err != nil {
		return PurgeResult{}, err
	}
	if res.Purged, err = deleted.RowsAffected(); err != nil {
		return PurgeResult{}, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO purge_receipts (last_seq, last_hash, purged, purged_at) VALUES (?, ?, ?, ?)`,
		res.LastSeq, res.LastHash, res.Purged, l.nowUTC().UnixNano())
	return res, err
}
