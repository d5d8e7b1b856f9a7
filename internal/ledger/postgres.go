package ledger

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

//go:embed migrations/postgres/*.sql
var postgresMigrations embed.FS

// postgresMigrationLock is the advisory lock that keeps server instances
// starting together from migrating the same database at once.
const postgresMigrationLock = 0x6c6564676572 // "ledger"

// postgresDialect returns the dialect of PostgreSQL through pgx. Every write transaction first locks the seq
// counter row, so writers from every server instance sharing the
// database run one at a time and commit their seqs in order; reads run in
// REPEATABLE READ snapshots.
func postgresDialect() dialect {
	migrations, err := fs.Sub(postgresMigrations, "migrations/postgres")
	if err != nil {
		panic(err) // the embedded directory is fixed at build time
	}
	return dialect{
		name:              "postgres",
		migrations:        migrations,
		rebind:            dollarPlaceholders,
		loadChain:         `SELECT n, head FROM seq WHERE id = 1 FOR UPDATE`,
		saveChain:         postgresSaveChain,
		joinWrites:        postgresJoinWrites,
		lockMigrations:    `SELECT pg_advisory_xact_lock(` + strconv.Itoa(postgresMigrationLock) + `)`,
		readTx:            &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
		skipLocked:        ` FOR UPDATE SKIP LOCKED`,
		isUniqueViolation: postgresUniqueViolation,
	}
}

func postgresUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// dollarPlaceholders numbers the ? placeholders of query outside quoted
// literals: $1, $2, …
func dollarPlaceholders(query string) string {
	var b strings.Builder
	n, quoted := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// OpenPostgres opens the ledger in the PostgreSQL database dsn names
// (a pgx connection string) and brings its schema up to date. Several
// server instances may share the database. Commits wait for the WAL
// flush (synchronous_commit on, PostgreSQL's default), so a committed
// decision survives a crash. Besides its pools, the ledger keeps one
// connection that listens for the changes every instance commits (see
// Changed).
func OpenPostgres(ctx context.Context, dsn string, opts ...Option) (*Ledger, error) {
	o := newOptions(opts)
	writer, err := openPostgres(ctx, dsn, 1)
	if err != nil {
		return nil, err
	}
	reader, err := openPostgres(ctx, dsn, o.readers)
	if err != nil {
		writer.Close()
		return nil, err
	}
	l, err := newLedger(ctx, postgresDialect(), writer, reader, o)
	if err != nil {
		return nil, err
	}
	if err := l.listen(ctx, dsn); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// listen starts the listener of the changes committed in the ledger's
// schema.
func (l *Ledger) listen(ctx context.Context, dsn string) error {
	var schema string
	if err := l.writer.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("read the schema to listen for: %w", err)
	}
	var err error
	l.changes, err = startListener(ctx, dsn, schema, l.log)
	return err
}

// openPostgres returns a pool of at most n connections to dsn.
func openPostgres(ctx context.Context, dsn string, n int) (*sql.DB, error) {
	db, err := openPgxDB(dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return db, nil
}
