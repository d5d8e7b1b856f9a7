package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// writeBatch holds the writes of one change (a decision, a new request)
// until they are sent together: on PostgreSQL, every statement is a
// round trip made while the transaction holds the seq counter's lock.
type writeBatch struct {
	queries []string
	args    []any
}

// add queues a statement and its arguments.
func (b *writeBatch) add(query string, args []any) {
	b.queries = append(b.queries, query)
	b.args = append(b.args, args...)
}

// errNoResult is what a queued write's result answers: it has not run
// yet.
var errNoResult = errors.New("a batched write has no result")

// queuedResult is the sql.Result of a write queued in a batch.
type queuedResult struct{}

// LastInsertId implements sql.Result.
func (queuedResult) LastInsertId() (int64, error) { return 0, errNoResult }

// RowsAffected implements sql.Result.
func (queuedResult) RowsAffected() (int64, error) { return 0, errNoResult }

// batched runs fn, whose statements must all be writes that neither read
// a result nor depend on one another's effects, in transaction tx. When
// the dialect can join statements (PostgreSQL), fn's writes are queued
// and sent as one statement once it returns nil, and nothing is sent
// when it fails; otherwise they run one by one as fn makes them.
func (l *Ledger) batched(ctx context.Context, tx *txn, fn func() error) error {
	if l.d.joinWrites == nil {
		return fn()
	}
	b := &writeBatch{}
	tx.pending = b
	err := fn()
	tx.pending = nil
	if err != nil || len(b.queries) == 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, l.d.joinWrites(b.queries), b.args...); err != nil {
		return fmt.Errorf("write the change: %w", err)
	}
	return nil
}

// postgresJoinWrites makes one statement of INSERT, UPDATE and DELETE
// statements: all but the last become data-modifying WITH queries. They
// run on one snapshot, so none sees another's rows, except foreign key
// checks, which run at the end of the statement. Their ? placeholders
// keep their order, and so do the arguments.
func postgresJoinWrites(queries []string) string {
	var b strings.Builder
	last := len(queries) - 1
	for i, q := range queries[:last] {
		if i == 0 {
			b.WriteString("WITH ")
		} else {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "w%d AS (%s)\n", i, q)
	}
	b.WriteString(queries[last])
	return b.String()
}
