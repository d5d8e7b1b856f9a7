package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/instruct-dev/instruct/internal/migrate"
)

// migrationFiles holds the schema, one file per version: NNNN_name.sql
// brings the schema from version NNNN-1 to NNNN.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// applicationID marks a SQLite file as an instruct cache ("INST").
const applicationID = 0x494e5354

// migrations returns the embedded migrations in version order (see
// migrate.Load).
func migrations() ([]migrate.Step, error) {
	dir, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	return migrate.Load(dir)
}

// schemaVersion returns the version the embedded migrations lead to.
func schemaVersion() (int, error) {
	ms, err := migrations()
	if err != nil {
		return 0, err
	}
	return len(ms), nil
}

// migrate brings the file's schema up to date by the policy of package
// migrate: each migration in one transaction that also stamps the
// application ID and the new version (PRAGMA user_version); a cache
// written by a newer instruct is refused, untouched, with a
// *migrate.NewerError.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	err = migrate.Run(ctx, migrate.Schema{
		What:    "cache",
		Begin:   func(ctx context.Context) (*sql.Tx, error) { return s.write.BeginTx(ctx, nil) },
		Version: recordedVersion,
		Record:  stampSchema,
	}, ms)
	if err != nil {
		return fmt.Errorf("open cache %s: %w", s.path, err)
	}
	return nil
}

// recordedVersion returns the schema version the file records.
func recordedVersion(ctx context.Context, tx *sql.Tx) (int, error) {
	var v int
	err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// stampSchema marks the file as a cache of ours at version.
func stampSchema(ctx context.Context, tx *sql.Tx, version int) error {
	stamp := fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, version)
	_, err := tx.ExecContext(ctx, stamp)
	return err
}
