package ledger

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/instruct-dev/instruct/internal/migrate"
)

// migrate brings the schema up to date by the policy of package migrate:
// each migration in its own write transaction, which first takes the
// dialect's migration lock and records the migration's version as one
// more row of schema_version; a database written by a newer instruct is
// refused, untouched, with a *migrate.NewerError.
func (l *Ledger) migrate(ctx context.Context) error {
	steps, err := migrate.Load(l.d.migrations)
	if err != nil {
		return err
	}
	err = migrate.Run(ctx, migrate.Schema{
		What:    "database",
		Begin:   l.beginMigration,
		Version: l.schemaVersion,
		Record:  l.recordVersion,
		Applied: func(s migrate.Step) {
			l.log.Info("ledger schema migrated", "engine", l.d.name, "version", s.Version, "name", s.Name)
		},
	}, steps)
	if err != nil {
		return fmt.Errorf("open ledger: %w", err)
	}
	return nil
}

// beginMigration starts a write transaction and takes the dialect's
// migration lock in it.
func (l *Ledger) beginMigration(ctx context.Context) (*sql.Tx, error) {
	tx, err := l.writer.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if l.d.lockMigrations != "" {
		if _, err := tx.ExecContext(ctx, l.d.lockMigrations); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("lock migrations: %w", err)
		}
	}
	return tx, nil
}

// schemaVersion creates the schema_version table if need be and returns
// the version recorded in it, 0 for a new database. The table holds one
// row per migration applied; one missing is refused (see migrate.Latest).
func (l *Ledger) schemaVersion(ctx context.Context, tx *sql.Tx) (int, error) {
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_version`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var recorded []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return 0, err
		}
		recorded = append(recorded, v)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return migrate.Latest(recorded)
}

// recordVersion records that the migration of version is applied.
func (l *Ledger) recordVersion(ctx context.Context, tx *sql.Tx, version int) error {
	_, err := tx.ExecContext(ctx, l.d.rebind(`INSERT INTO schema_version (version) VALUES (?)`), version)
	return err
}
