package ledger

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgx's own database/sql driver (github.com/jackc/pgx/v5/stdlib) needs
// github.com/jackc/puddle/v2, which the module does not require; this is
// the small part of it the ledger uses, over pgx connections. Statements
// are not prepared here: pgx prepares and caches them per connection.

// openPgxDB returns a database/sql pool of pgx connections to dsn.
func openPgxDB(dsn string) (*sql.DB, error) {
	config, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse postgres connection string: %w", err)
	}
	return sql.OpenDB(pgxConnector{config: config}), nil
}

// pgxConnector opens pgx connections for database/sql.
type pgxConnector struct{ config *pgx.ConnConfig }

// Connect implements driver.Connector.
func (c pgxConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, c.config.Copy())
	if err != nil {
		return nil, err
	}
	return &pgxConn{conn: conn}, nil
}

// Driver implements driver.Connector.
func (c pgxConnector) Driver() driver.Driver { return pgxDriver{} }

// pgxDriver opens connections by name, for database/sql's Driver.
type pgxDriver struct{}

// Open implements driver.Driver.
func (pgxDriver) Open(name string) (driver.Conn, error) {
	config, err := pgx.ParseConfig(name)
	if err != nil {
		return nil, err
	}
	return pgxConnector{config: config}.Connect(context.Background())
}

// pgxConn is one pgx connection seen by database/sql.
type pgxConn struct{ conn *pgx.Conn }

// Prepare implements driver.Conn.
func (c *pgxConn) Prepare(query string) (driver.Stmt, error) {
	return &pgxStmt{c: c, query: query}, nil
}

// PrepareContext implements driver.ConnPrepareContext.
func (c *pgxConn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	return &pgxStmt{c: c, query: query}, nil
}

// Close implements driver.Conn.
func (c *pgxConn) Close() error { return c.conn.Close(context.Background()) }

// Begin implements driver.Conn.
func (c *pgxConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx starts a transaction with database/sql's options.
func (c *pgxConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	o := pgx.TxOptions{}
	switch sql.IsolationLevel(opts.Isolation) {
	case sql.LevelDefault:
	case sql.LevelReadCommitted:
		o.IsoLevel = pgx.ReadCommitted
	case sql.LevelRepeatableRead, sql.LevelSnapshot:
		o.IsoLevel = pgx.RepeatableRead
	case sql.LevelSerializable:
		o.IsoLevel = pgx.Serializable
	default:
		return nil, fmt.Errorf("isolation level %d is not supported", opts.Isolation)
	}
	if opts.ReadOnly {
		o.AccessMode = pgx.ReadOnly
	}
	tx, err := c.conn.BeginTx(ctx, o)
	if err != nil {
		return nil, err
	}
	return pgxTx{tx: tx}, nil
}

// ExecContext implements driver.ExecerContext.
func (c *pgxConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	tag, err := c.conn.Exec(ctx, query, values(args)...)
	if err != nil {
		return nil, err
	}
	return driver.RowsAffected(tag.RowsAffected()), nil
}

// QueryContext implements driver.QueryerContext.
func (c *pgxConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.conn.Query(ctx, query, values(args)...)
	if err != nil {
		return nil, err
	}
	return &pgxRows{rows: rows}, nil
}

// Ping implements driver.Pinger.
func (c *pgxConn) Ping(ctx context.Context) error { return c.conn.Ping(ctx) }

// ResetSession refuses a closed connection, so database/sql drops it.
func (c *pgxConn) ResetSession(context.Context) error {
	if c.conn.IsClosed() {
		return driver.ErrBadConn
	}
	return nil
}

// IsValid implements driver.Validator.
func (c *pgxConn) IsValid() bool { return !c.conn.IsClosed() }

// values returns the arguments' values in order.
func values(args []driver.NamedValue) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

// pgxTx ends a transaction; pgx reports a COMMIT that rolled back.
type pgxTx struct{ tx pgx.Tx }

// Commit implements driver.Tx.
func (t pgxTx) Commit() error { return t.tx.Commit(context.Background()) }

// Rollback implements driver.Tx.
func (t pgxTx) Rollback() error { return t.tx.Rollback(context.Background()) }

// pgxStmt is a query run on its connection, which pgx prepares itself.
type pgxStmt struct {
	c     *pgxConn
	query string
}

// Close implements driver.Stmt.
func (s *pgxStmt) Close() error { return nil }

// NumInput implements driver.Stmt.
func (s *pgxStmt) NumInput() int { return -1 }

// Exec implements driver.Stmt.
func (s *pgxStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

// Query implements driver.Stmt.
func (s *pgxStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

// ExecContext implements driver.StmtExecContext.
func (s *pgxStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.c.ExecContext(ctx, s.query, args)
}

// QueryContext implements driver.StmtQueryContext.
func (s *pgxStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.c.QueryContext(ctx, s.query, args)
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

// pgxRows hands pgx's rows to database/sql as driver values.
type pgxRows struct{ rows pgx.Rows }

// Columns implements driver.Rows.
func (r *pgxRows) Columns() []string {
	fields := r.rows.FieldDescriptions()
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return names
}

// Close implements driver.Rows.
func (r *pgxRows) Close() error {
	r.rows.Close()
	return r.rows.Err()
}

// Next implements driver.Rows.
func (r *pgxRows) Next(dest []driver.Value) error {
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	vals, err := r.rows.Values()
	if err != nil {
		return err
	}
	for i, v := range vals {
		if dest[i], err = driverValue(v); err != nil {
			return err
		}
	}
	return nil
}

// driverValue converts a value pgx decoded to one database/sql takes.
func driverValue(v any) (driver.Value, error) {
	switch v := v.(type) {
	case nil, int64, float64, bool, []byte, string, time.Time:
		return v, nil
	case int32:
		return int64(v), nil
	case int16:
		return int64(v), nil
	case float32:
		return float64(v), nil
	}
	return nil, errors.New("a column has a type the ledger does not read")
}
