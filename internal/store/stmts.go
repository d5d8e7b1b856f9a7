package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// stmtCache holds statements prepared on the write pool, which every write
// transaction reuses: a small transaction (a decision, the server's answer
// to one) would otherwise spend a third of its time preparing its
// statements again. It learns a query from the transaction that first
// prepared it for itself, once the connection is free again. Long queries
// (a page's many-row inserts, prepared once a page anyway) and queries
// past the first maxCachedStmts are left out, bounding what it holds.
type stmtCache struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

const (
	maxCachedStmts = 64
	maxCachedQuery = 2048 // bytes
)

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}}
}

// get returns the statement of query, or nil when it is not cached.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[query]
}

// learn prepares the queries worth caching. It is called with the write
// connection free; a query it cannot prepare is left out (the transaction
// that needs it prepares it again, reporting the error).
func (c *stmtCache) learn(ctx context.Context, queries []string) {
	for _, query := range queries {
		if !c.wants(query) {
			continue
		}
		stmt, err := c.db.PrepareContext(ctx, query)
		if err != nil {
			return
		}
		c.mu.Lock()
		c.stmts[query] = stmt
		c.mu.Unlock()
	}
}

func (c *stmtCache) wants(query string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, cached := c.stmts[query]
	return !cached && len(query) <= maxCachedQuery && len(c.stmts) < maxCachedStmts
}

// close closes the cached statements.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for query, stmt := range c.stmts {
		errs = append(errs, stmt.Close())
		delete(c.stmts, query)
	}
	return errors.Join(errs...)
}
