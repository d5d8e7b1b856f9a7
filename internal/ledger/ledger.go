package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Ledger is the server's database. It is safe for concurrent use.
type Ledger struct {
	d      dialect
	writer *pool
	reader *pool
	log    *slog.Logger
	now    func() time.Time
	quotas instruct.Quotas
	// commits runs Apply and Create by group commit.
	commits *committer
	// checkpoints copies SQLite's log back off the commit path; nil on
	// PostgreSQL.
	checkpoints *checkpointer
	// changes hears the changes committed by every instance sharing a
	// PostgreSQL database; nil on SQLite.
	changes *listener
	// health tells whether the last write failed for want of the
	// database (see CanWrite).
	health writeHealth
	// dir is the directory of a SQLite ledger's file; "" on PostgreSQL.
	dir string
	// mail tells whether events plan mails (WithMail);
	// deliveriesWritten hears of committed deliveries (DeliveriesWritten).
	mail              bool
	deliveriesWritten chan struct{}
	closing           sync.Once
	closed            error
}

// Option configures Open.
type Option func(*options)

type options struct {
	logger  *slog.Logger
	readers int
	now     func() time.Time
	// synchronous is SQLite's synchronous mode: FULL, which only
	// benchmarks measuring its cost change.
	synchronous string
	// quotas bound what one applicant holds and creates.
	quotas instruct.Quotas
	// mail makes events plan mails (WithMail).
	mail bool
}

// WithLogger sets the logger of the ledger's rare notices (migrations,
// purges, imports); by default they are discarded.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithReaders sets the number of read connections (default 4).
func WithReaders(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.readers = n
		}
	}
}

// WithClock sets the clock of the times the ledger records itself
// (idempotency records, purge receipts, new users) when a caller gives
// none; by default time.Now.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// withSynchronous sets SQLite's synchronous mode, for benchmarks that
// measure what FULL costs.
func withSynchronous(mode string) Option { return func(o *options) { o.synchronous = mode } }

func newOptions(opts []Option) options {
	o := options{logger: slog.New(slog.DiscardHandler), readers: 4, now: time.Now, synchronous: "FULL",
		quotas: instruct.DefaultQuotas()}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// newLedger migrates the schema through writer and returns the ledger; it
// closes both pools on failure.
func newLedger(ctx context.Context, d dialect, writer, reader *sql.DB, o options) (*Ledger, error) {
	l := &Ledger{d: d, writer: newPool(writer, d.rebind), reader: newPool(reader, d.rebind), log: o.logger, now: o.now,
		quotas: o.quotas, health: writeHealth{log: o.logger}, mail: o.mail, deliveriesWritten: make(chan struct{}, 1)}
	if err := l.migrate(ctx); err != nil {
		errors.Join(l.writer.close(), l.reader.close())
		return nil, err
	}
	l.startCommitter()
	return l, nil
}

// Close waits for the writes under way, then closes the ledger's
// connections. Writes submitted afterwards fail; closing again returns
// the first Close's result.
func (l *Ledger) Close() error {
	l.closing.Do(func() {
		if l.changes != nil {
			l.changes.stop()
		}
		l.commits.stop()
		var cp error
		if l.checkpoints != nil {
			cp = l.checkpoints.stop()
		}
		l.closed = errors.Join(l.writer.close(), l.reader.close(), cp)
	})
	return l.closed
}

// querier is what statements run on: a transaction or a pool. Queries
// are written with ? placeholders; both rebind them for the dialect.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inWrite runs fn in a write transaction (see writeTx), then restarts
// SQLite's log if it is due.
func (l *Ledger) inWrite(ctx context.Context, fn func(tx *txn) error) error {
	if err := l.writeTx(ctx, fn); err != nil {
		return err
	}
	l.checkpoints.restartIfDue(l.writer.db)
	return nil
}

// writeTx runs fn in a write transaction and commits it when fn returns
// nil; nothing fn did is kept when it returns an error. The transaction
// begins by reading the seq counter, which takes the write lock on
// PostgreSQL, and ends by writing it back.
func (l *Ledger) writeTx(ctx context.Context, fn func(tx *txn) error) error {
	return l.inTx(ctx, func(tx *txn) error {
		if err := l.loadChain(ctx, tx); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		return l.saveChain(ctx, tx)
	})
}

// inTx runs fn in a transaction of the writer pool and commits it when fn
// returns nil. An error of a database that cannot write now is marked
// unavailable, and the ledger's write health follows the outcome.
func (l *Ledger) inTx(ctx context.Context, fn func(tx *txn) error) error {
	err := unavailable(l.commitTx(ctx, fn))
	l.health.record(err)
	return err
}

// commitTx runs fn in a transaction of the writer pool and commits it
// when fn returns nil.
func (l *Ledger) commitTx(ctx context.Context, fn func(tx *txn) error) error {
	tx, err := l.writer.begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.tx.Rollback()
		return err
	}
	if err := tx.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, fn := range tx.committed {
		fn()
	}
	return nil
}

// inRead runs fn in a read transaction: its statements see one snapshot.
// An error of a database that cannot be reached is marked unavailable.
func (l *Ledger) inRead(ctx context.Context, fn func(tx *txn) error) error {
	tx, err := l.reader.begin(ctx, l.d.readTx)
	if err != nil {
		return unavailable(fmt.Errorf("begin read: %w", err))
	}
	defer tx.tx.Rollback()
	return unavailable(fn(tx))
}

// clock returns t, or the ledger's clock's time when t is zero, in UTC.
func (l *Ledger) clock(t time.Time) time.Time {
	if t.IsZero() {
		t = l.now()
	}
	return t.UTC()
}

// nowUTC returns the ledger's clock's time in UTC.
func (l *Ledger) nowUTC() time.Time { return l.clock(time.Time{}) }
