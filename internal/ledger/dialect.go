package ledger

import (
	"database/sql"
	"io/fs"
)

// dialect is what differs between database engines: how to connect, the
// schema migrations, placeholders, and the few statements whose syntax or
// locking differ. Everything else is portable SQL written with ?
// placeholders and passed through rebind.
type dialect struct {
	// name names the engine in errors.
	name string
	// migrations holds the NNNN_name.sql files, applied in order.
	migrations fs.FS
	// rebind turns the ? placeholders of a portable statement into the
	// engine's own.
	rebind func(query string) string
	// loadChain runs first in every write transaction and returns the
	// seq counter row (n, head). On PostgreSQL it also locks that row,
	// which serialises writers; SQLite's writer transactions begin
	// IMMEDIATE, which does.
	loadChain string
	// saveChain writes the seq counter row back (n, head) at the end of a
	// write transaction that took seqs. On PostgreSQL it also notifies
	// the other instances, at commit, that seqs moved.
	saveChain string
	// joinWrites, when not nil, makes one statement of several writes, so
	// that the writes of one change cost one round trip (see batched).
	joinWrites func(queries []string) string
	// lockMigrations, when not empty, runs first in each migration
	// transaction, so that instances starting together migrate one at a
	// time.
	lockMigrations string
	// readTx are the options of read transactions: a consistent snapshot
	// across the statements of one read.
	readTx *sql.TxOptions
	// skipLocked ends the subquery that picks deliveries to claim: rows
	// another transaction locks are skipped, not waited for.
	skipLocked string
	// isUniqueViolation reports whether err is a unique-constraint failure.
	isUniqueViolation func(err error) bool
}
