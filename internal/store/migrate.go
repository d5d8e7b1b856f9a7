package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// migrationFiles holds the schema, one file per version: NNNN_name.sql
// brings the schema from version NNNN-1 to NNNN.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// applicationID marks a SQLite file as an instruct cache ("INST").
const applicationID = 0x494e5354

// migration is one step of the schema.
type migration struct {
	version int
	sql     string
}

// migrations returns the embedded migrations in version order, checking
// that versions run 1, 2, 3… without a gap.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	out := make([]migration, 0, len(names))
	for i, name := range names {
		m, err := readMigration(name)
		if err != nil {
			return nil, err
		}
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: want version %d", name, i+1)
		}
		out = append(out, m)
	}
	return out, nil
}

func readMigration(name string) (migration, error) {
	prefix, _, _ := strings.Cut(path.Base(name), "_")
	v, err := strconv.Atoi(prefix)
	if err != nil {
		return migration{}, fmt.Errorf("migration %s: no version number: %w", name, err)
	}
	body, err := migrationFiles.ReadFile(name)
	if err != nil {
		return migration{}, fmt.Errorf("read migration %s: %w", name, err)
	}
	return migration{version: v, sql: string(body)}, nil
}

// schemaVersion returns the version the embedded migrations lead to.
func schemaVersion() (int, error) {
	ms, err := migrations()
	if err != nil {
		return 0, err
	}
	return len(ms), nil
}

// migrate applies the migrations the file lacks, in one transaction that
// also stamps the application ID and the new version.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate cache: %w", err)
	}
	defer tx.Rollback()
	if err := migrateTx(ctx, tx, ms); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate cache: %w", err)
	}
	return nil
}

func migrateTx(ctx context.Context, tx *sql.Tx, ms []migration) error {
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	for _, m := range ms[min(current, len(ms)):] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migrate cache to version %d: %w", m.version, err)
		}
	}
	return stampSchema(ctx, tx, len(ms))
}

func stampSchema(ctx context.Context, tx *sql.Tx, version int) error {
	stamp := fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, version)
	if _, err := tx.ExecContext(ctx, stamp); err != nil {
		return fmt.Errorf("stamp schema version: %w", err)
	}
	return nil
}
