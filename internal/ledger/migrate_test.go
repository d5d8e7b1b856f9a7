package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/instruct-dev/instruct/internal/migrate"
)

// database is one ledger database of a test: open opens the ledger on
// it, raw opens it without the ledger, steps are its engine's migrations.
type database struct {
	open  func() (*Ledger, error)
	raw   func() (*sql.DB, error)
	steps []migrate.Step
}

func sqliteDatabase(t *testing.T) database {
	path := filepath.Join(t.TempDir(), "ledger.db")
	steps, err := migrate.Load(sqliteDialect().migrations)
	if err != nil {
		t.Fatal(err)
	}
	return database{
		open:  func() (*Ledger, error) { return Open(context.Background(), path) },
		raw:   func() (*sql.DB, error) { return sql.Open("sqlite", path) },
		steps: steps,
	}
}

func postgresDatabase(t *testing.T) database {
	dsn := postgresSchema(t)
	steps, err := migrate.Load(postgresDialect().migrations)
	if err != nil {
		t.Fatal(err)
	}
	return database{
		open:  func() (*Ledger, error) { return OpenPostgres(context.Background(), dsn) },
		raw:   func() (*sql.DB, error) { return sql.Open("pgx", dsn) },
		steps: steps,
	}
}

func TestSQLiteMigrationPolicy(t *testing.T) { runMigrationPolicy(t, sqliteDatabase) }

func TestPostgresMigrationPolicy(t *testing.T) {
	postgresDSN(t)
	runMigrationPolicy(t, postgresDatabase)
}

// runMigrationPolicy checks what every engine's migrations do with a
// database recording versions this program does not know.
func runMigrationPolicy(t *testing.T, newDatabase func(t *testing.T) database) {
	t.Run("RefusesNewerSchemaAndKeepsIt", func(t *testing.T) {
		db := newDatabase(t)
		known := len(db.steps)
		// A newer instruct records its two further migrations.
		record(t, db, known+1, known+2)
		_, err := db.open()
		var newer *migrate.NewerError
		if !errors.As(err, &newer) || newer.Found != known+2 || newer.Known != known {
			t.Fatalf("Open() = %v, want a *migrate.NewerError{Found: %d, Known: %d}", err, known+2, known)
		}
		want := fmt.Sprintf("this database was written by a newer instruct (schema %d, this one knows %d): upgrade instruct", known+2, known)
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open() error = %q, want it to say %q", err, want)
		}
		checkRecorded(t, db, known+2, known+2)
	})
	t.Run("RefusesGapInRecord", func(t *testing.T) {
		db := newDatabase(t)
		known := len(db.steps)
		record(t, db, known+2)
		if _, err := db.open(); err == nil || !strings.Contains(err.Error(), "without a gap") {
			t.Fatalf("Open() of a record missing version %d = %v, want a refusal naming the gap", known+1, err)
		}
		checkRecorded(t, db, known+2, known+1)
	})
	t.Run("ReopensWithoutMigratingAgain", func(t *testing.T) {
		db := newDatabase(t)
		record(t, db)
		record(t, db)
		checkRecorded(t, db, len(db.steps), len(db.steps))
	})
}

// record opens and closes the ledger, which migrates db, then records
// the further versions, as a newer instruct would.
func record(t *testing.T, db database, versions ...int) {
	t.Helper()
	l, err := db.open()
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	for _, v := range versions {
		exec(t, l, `INSERT INTO schema_version (version) VALUES (?)`, v)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// checkRecorded checks that schema_version holds rows rows, the highest
// last.
func checkRecorded(t *testing.T, db database, last, rows int) {
	t.Helper()
	raw, err := db.raw()
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n, highest int
	if err := raw.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_version`).Scan(&n, &highest); err != nil {
		t.Fatal(err)
	}
	if highest != last || n != rows {
		t.Errorf("schema_version records up to %d in %d rows, want up to %d in %d rows, as it was", highest, n, last, rows)
	}
}

// TestEnginesMigrateAlike checks that SQLite and PostgreSQL number and
// name their migrations alike, so that one version means one schema.
func TestEnginesMigrateAlike(t *testing.T) {
	names := func(d dialect) []string {
		steps, err := migrate.Load(d.migrations)
		if err != nil {
			t.Fatalf("%s migrations: %v", d.name, err)
		}
		var out []string
		for _, s := range steps {
			out = append(out, fmt.Sprintf("%04d_%s", s.Version, s.Name))
		}
		return out
	}
	if lite, pg := names(sqliteDialect()), names(postgresDialect()); !slices.Equal(lite, pg) {
		t.Errorf("SQLite migrations %v, PostgreSQL migrations %v: want the same", lite, pg)
	}
}

// TestPostgresInstancesStartingTogether opens one new database from
// several server instances at once: each migration runs once, under the
// migration lock, and every instance opens.
func TestPostgresInstancesStartingTogether(t *testing.T) {
	db := postgresDatabase(t)
	ledgers := make([]*Ledger, 4)
	errs := make([]error, len(ledgers))
	var wg sync.WaitGroup
	for i := range ledgers {
		wg.Go(func() { ledgers[i], errs[i] = db.open() })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("OpenPostgres() #%d = %v, want the database migrated once and opened", i, err)
			continue
		}
		ledgers[i].Close()
	}
	checkRecorded(t, db, len(db.steps), len(db.steps))
}
