package ledger

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// migration is one schema step: the SQL of file NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrate applies, each in its own write transaction, the migrations the
// database has not seen yet, recording the schema version as it goes. It
// refuses a database whose schema is newer than this program knows.
func (l *Ledger) migrate(ctx context.Context) error {
	steps, err := readMigrations(l.d.migrations)
	if err != nil {
		return err
	}
	current, err := l.schemaVersion(ctx)
	if err != nil {
		return err
	}
	if latest := steps[len(steps)-1].version; current > latest {
		return fmt.Errorf("the database schema is at version %d, newer than this program's %d", current, latest)
	}
	for _, m := range steps {
		if m.version <= current {
			continue
		}
		if err := l.inMigration(ctx, func(tx *txn) error { return l.step(ctx, tx, m) }); err != nil {
			return err
		}
		l.log.Info("ledger schema migrated", "engine", l.d.name, "version", m.version, "name", m.name)
	}
	return nil
}

// schemaVersion creates the schema_version table if need be and returns
// the version recorded in it, 0 for a new database.
func (l *Ledger) schemaVersion(ctx context.Context) (int, error) {
	var v int
	err := l.inMigration(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v)
	})
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// inMigration runs fn in a transaction that first takes the dialect's
// migration lock.
func (l *Ledger) inMigration(ctx context.Context, fn func(tx *txn) error) error {
	return l.inTx(ctx, func(tx *txn) error {
		if l.d.lockMigrations != "" {
			if _, err := tx.ExecContext(ctx, l.d.lockMigrations); err != nil {
				return fmt.Errorf("lock migrations: %w", err)
			}
		}
		return fn(tx)
	})
}

// step applies migration m and records its version.
func (l *Ledger) step(ctx context.Context, tx *txn, m migration) error {
	if _, err := tx.tx.ExecContext(ctx, m.sql); err != nil { // several statements: not prepared
		return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
		return fmt.Errorf("record schema version: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, m.version); err != nil {
		return fmt.Errorf("record schema version: %w", err)
	}
	return nil
}

// readMigrations returns the migrations of fsys ordered by version.
func readMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no migrations embedded: %v", err)
	}
	var steps []migration
	for _, name := range names {
		m, err := readMigration(fsys, name)
		if err != nil {
			return nil, err
		}
		steps = append(steps, m)
	}
	slices.SortFunc(steps, func(a, b migration) int { return a.version - b.version })
	return steps, nil
}

func readMigration(fsys fs.FS, name string) (migration, error) {
	prefix, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
	v, err := strconv.Atoi(prefix)
	if !ok || err != nil || v <= 0 {
		return migration{}, fmt.Errorf("migration %q is not named NNNN_name.sql", name)
	}
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return migration{}, fmt.Errorf("read migration %q: %w", name, err)
	}
	return migration{version: v, name: rest, sql: string(body)}, nil
}
