package ledger

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxPrepared bounds the statements a pool keeps prepared; queries past
// it (rare shapes of list filters) are prepared at each use.
const maxPrepared = 256

// pool is a database/sql pool that keeps its statements prepared, so the
// engine parses each query once, and rebinds ? placeholders for the
// dialect.
//
// A statement is prepared on the pool in the background the first time
// it runs, and runs unprepared until then: preparing on the pool while a
// transaction holds its only connection (the writer's) would wait for
// that transaction forever.
type pool struct {
	db      *sql.DB
	rebind  func(string) string
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt // nil while being prepared or if it failed
	closed  bool
	pending sync.WaitGroup
}

func newPool(db *sql.DB, rebind func(string) string) *pool {
	return &pool{db: db, rebind: rebind, stmts: map[string]*sql.Stmt{}}
}

// prepared returns the prepared statement of query, or nil when there is
// none yet (it is then being prepared) or none will be kept.
func (p *pool) prepared(query string) *sql.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()
	st, seen := p.stmts[query]
	if !seen && !p.closed && len(p.stmts) < maxPrepared {
		p.stmts[query] = nil
		p.pending.Go(func() { p.prepare(query) })
	}
	return st
}

// prepare prepares query on the pool and keeps the statement.
func (p *pool) prepare(query string) {
	st, err := p.db.PrepareContext(context.Background(), p.rebind(query))
	if err != nil {
		return // stays nil: the query runs unprepared and reports its error
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		st.Close()
		return
	}
	p.stmts[query] = st
}

// ExecContext runs a statement on the pool.
func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.prepared(query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.db.ExecContext(ctx, p.rebind(query), args...)
}

// QueryContext runs a query on the pool.
func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.prepared(query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, p.rebind(query), args...)
}

// QueryRowContext runs a query of at most one row on the pool.
func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.prepared(query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, p.rebind(query), args...)
}

// begin starts a transaction on the pool.
func (p *pool) begin(ctx context.Context, opts *sql.TxOptions) (*txn, error) {
	tx, err := p.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &txn{tx: tx, pool: p}, nil
}

// close closes the pool and the prepared statements.
func (p *pool) close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	err := p.db.Close()
	p.pending.Wait()
	errs := []error{err}
	for _, st := range p.stmts {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// txn is a transaction that runs its statements through its pool's
// prepared ones.
type txn struct {
	tx   *sql.Tx
	pool *pool
	// chain is the seq counter of a write transaction, read when it
	// began; chainMoved tells it must be written back.
	chain      link
	chainMoved bool
	// pending, while set, queues the statements run by ExecContext
	// instead of running them (see Ledger.batched).
	pending *writeBatch
	// committed runs once the transaction committed.
	committed []func()
}

// onCommit runs fn once the transaction has committed, never when it
// rolls back.
func (t *txn) onCommit(fn func()) { t.committed = append(t.committed, fn) }

// ExecContext runs a statement in the transaction, or queues it in the
// pending batch.
func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.pending != nil {
		t.pending.add(query, args)
		return queuedResult{}, nil
	}
	if st := t.pool.prepared(query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.pool.rebind(query), args...)
}

// QueryContext runs a query in the transaction.
func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.pool.prepared(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.pool.rebind(query), args...)
}

// QueryRowContext runs a query of at most one row in the transaction.
func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.pool.prepared(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.pool.rebind(query), args...)
}
