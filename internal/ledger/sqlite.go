package ledger

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/sqlite/*.sql
var sqliteMigrations embed.FS

// busyTimeoutMillis is how long a connection waits for another process's
// lock (an admin command on the same file) before giving up.
const busyTimeoutMillis = 10000

// sqliteDialect returns the dialect of SQLite through modernc.org/sqlite.
func sqliteDialect() dialect {
	migrations, err := fs.Sub(sqliteMigrations, "migrations/sqlite")
	if err != nil {
		panic(err) // the embedded directory is fixed at build time
	}
	return dialect{
		name:              "sqlite",
		migrations:        migrations,
		rebind:            func(q string) string { return q },
		loadChain:         `SELECT n, head FROM seq WHERE id = 1`,
		saveChain:         `UPDATE seq SET n = ?, head = ? WHERE id = 1`,
		readTx:            &sql.TxOptions{ReadOnly: true},
		isUniqueViolation: sqliteUniqueViolation,
	}
}

func sqliteUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// Open opens, creating it if need be (mode 0600, its directory 0700),
// the SQLite ledger at path and brings its schema up to date. The file runs in WAL mode with foreign
// keys on and synchronous=FULL, so a committed decision survives a power
// cut. Writes go through one connection whose transactions begin
// IMMEDIATE; reads through a pool of read-only connections.
func Open(ctx context.Context, path string, opts ...Option) (*Ledger, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open ledger: the path must be a file name without '?' or '#'")
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	o := newOptions(opts)
	writer, err := openSQLite(path, o, true)
	if err != nil {
		return nil, err
	}
	reader, err := openSQLite(path, o, false)
	if err != nil {
		writer.Close()
		return nil, err
	}
	l, err := newLedger(ctx, sqliteDialect(), writer, reader, o)
	if err != nil {
		return nil, err
	}
	cp, err := openSQLite(path, options{readers: 1, synchronous: o.synchronous}, false)
	if err != nil {
		l.Close()
		return nil, err
	}
	cp.SetMaxOpenConns(1)
	l.checkpoints = startCheckpointer(cp, o.logger)
	l.dir = filepath.Dir(path)
	return l, nil
}

// openSQLite returns the writer pool (one connection, IMMEDIATE
// transactions) or the reader pool (n read-only connections) on path.
func openSQLite(path string, o options, write bool) (*sql.DB, error) {
	db, err := sql.Open("sqlite", path+"?"+sqliteParams(o, write).Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	if write {
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
	} else {
		db.SetMaxOpenConns(o.readers)
		db.SetMaxIdleConns(o.readers)
	}
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// sqliteParams returns the DSN parameters modernc.org/sqlite applies to
// each new connection.
func sqliteParams(o options, write bool) url.Values {
	p := url.Values{}
	p.Set("_busy_timeout", fmt.Sprint(busyTimeoutMillis))
	p.Set("_foreign_keys", "on")
	p.Set("_journal_mode", "WAL")
	p.Set("_synchronous", o.synchronous)
	if write {
		p.Set("_txlock", "immediate")
		// The checkpointer copies the log back, off the commit path.
		p.Add("_pragma", "wal_autocheckpoint(0)")
		p.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", walSizeLimit))
	} else {
		p.Set("_query_only", "on")
	}
	return p
}
