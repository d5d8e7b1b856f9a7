package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	_ "modernc.org/sqlite"
)

func files(names ...string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for i, name := range names {
		fsys[name] = &fstest.MapFile{Data: fmt.Appendf(nil, "CREATE TABLE t%d (x INTEGER);", i)}
	}
	return fsys
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    []int // versions; nil when Load must fail
		wantErr string
	}{
		{"in order", files("0002_b.sql", "0001_a.sql", "0003_c.sql", "README.md"), []int{1, 2, 3}, ""},
		{"a gap", files("0001_a.sql", "0003_c.sql"), nil, "want version 2"},
		{"not starting at 1", files("0002_b.sql"), nil, "want version 1"},
		{"a repeat", files("0001_a.sql", "0001_b.sql", "0002_c.sql"), nil, "want version 2"},
		{"no number", files("0001_a.sql", "init.sql"), nil, "not named NNNN_name.sql"},
		{"no name", files("0001.sql"), nil, "not named NNNN_name.sql"},
		{"version 0", files("0000_zero.sql", "0001_a.sql"), nil, "not named NNNN_name.sql"},
		{"no file", files(), nil, "no migrations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps, err := Load(tt.fsys)
			if tt.want == nil {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load() = %v, %v; want an error saying %q", steps, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load() = %v", err)
			}
			var got []int
			for _, s := range steps {
				got = append(got, s.Version)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Load() versions = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLatest(t *testing.T) {
	tests := []struct {
		name     string
		recorded []int
		want     int
		ok       bool
	}{
		{"new database", nil, 0, true},
		{"one step", []int{1}, 1, true},
		{"every step, any order", []int{3, 1, 2}, 3, true},
		{"a gap", []int{1, 3}, 0, false},
		{"a repeat", []int{1, 2, 2}, 0, false},
		{"not from 1", []int{2, 3}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Latest(tt.recorded)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("Latest(%v) = %d, %v; want %d, ok=%v", tt.recorded, got, err, tt.want, tt.ok)
			}
		})
	}
}

// sqliteDB opens the SQLite file at path with write transactions that
// begin IMMEDIATE, as the cache and the ledger do.
func sqliteDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	q := url.Values{"_pragma": {"busy_timeout(10000)"}, "_txlock": {"immediate"}}
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}).String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// userVersion is a Schema that records its version as SQLite's
// user_version, as the cache does.
func userVersion(db *sql.DB) Schema {
	return Schema{
		What:  "cache",
		Begin: func(ctx context.Context) (*sql.Tx, error) { return db.BeginTx(ctx, nil) },
		Version: func(ctx context.Context, tx *sql.Tx) (v int, err error) {
			err = tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
			return v, err
		},
		Record: func(ctx context.Context, tx *sql.Tx, v int) error {
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v))
			return err
		},
	}
}

func version(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func tables(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	return strings.Join(names, " ")
}

var threeSteps = []Step{
	{1, "a", "CREATE TABLE a (x INTEGER)"},
	{2, "b", "CREATE TABLE b (x INTEGER)"},
	{3, "c", "CREATE TABLE c (x INTEGER)"},
}

func TestRunAppliesMissingStepsOnce(t *testing.T) {
	ctx := context.Background()
	db := sqliteDB(t, filepath.Join(t.TempDir(), "x.db"))
	s := userVersion(db)
	var applied []int
	s.Applied = func(st Step) { applied = append(applied, st.Version) }
	if err := Run(ctx, s, threeSteps[:2]); err != nil {
		t.Fatalf("Run(2 steps) = %v", err)
	}
	if err := Run(ctx, s, threeSteps); err != nil {
		t.Fatalf("Run(3 steps) = %v", err)
	}
	if err := Run(ctx, s, threeSteps); err != nil {
		t.Fatalf("Run(3 steps) again = %v", err)
	}
	if v, got := version(t, db), tables(t, db); v != 3 || got != "a b c" {
		t.Errorf("after Run: version %d, tables %q; want 3, \"a b c\"", v, got)
	}
	if fmt.Sprint(applied) != "[1 2 3]" {
		t.Errorf("steps applied = %v, want [1 2 3], each once", applied)
	}
}

func TestRunRefusesNewerSchemaAndKeepsIt(t *testing.T) {
	ctx := context.Background()
	db := sqliteDB(t, filepath.Join(t.TempDir(), "x.db"))
	if err := Run(ctx, userVersion(db), threeSteps); err != nil {
		t.Fatal(err)
	}
	err := Run(ctx, userVersion(db), threeSteps[:2])
	var newer *NewerError
	if !errors.As(err, &newer) || newer.Found != 3 || newer.Known != 2 {
		t.Fatalf("Run(2 steps) on a schema at 3 = %v, want a *NewerError{Found: 3, Known: 2}", err)
	}
	want := "this cache was written by a newer instruct (schema 3, this one knows 2): upgrade instruct"
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if v, got := version(t, db), tables(t, db); v != 3 || got != "a b c" {
		t.Errorf("after the refusal: version %d, tables %q; want 3, \"a b c\" untouched", v, got)
	}
}

func TestRunRefusesNegativeVersion(t *testing.T) {
	db := sqliteDB(t, filepath.Join(t.TempDir(), "x.db"))
	if _, err := db.Exec("PRAGMA user_version = -4"); err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), userVersion(db), threeSteps); err == nil || !strings.Contains(err.Error(), "not a version") {
		t.Errorf("Run() on user_version -4 = %v, want a refusal", err)
	}
	if got := tables(t, db); got != "" {
		t.Errorf("tables after the refusal = %q, want none", got)
	}
}

// TestRunFailedStepKeepsTheLastGoodVersion runs a step that fails half
// way: the steps before it stay, and nothing of it nor of its version.
func TestRunFailedStepKeepsTheLastGoodVersion(t *testing.T) {
	ctx := context.Background()
	db := sqliteDB(t, filepath.Join(t.TempDir(), "x.db"))
	steps := []Step{
		threeSteps[0],
		{2, "broken", "CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1);"},
		threeSteps[2],
	}
	err := Run(ctx, userVersion(db), steps)
	if err == nil || !strings.Contains(err.Error(), "version 2 (broken)") {
		t.Fatalf("Run() = %v, want the error of step 2", err)
	}
	if v, got := version(t, db), tables(t, db); v != 1 || got != "a" {
		t.Errorf("after the failed step: version %d, tables %q; want 1, \"a\"", v, got)
	}
}

// TestRunRecordFailsWithItsStep makes recording a version fail: the step
// it belongs to must not stay applied without its record.
func TestRunRecordFailsWithItsStep(t *testing.T) {
	ctx := context.Background()
	db := sqliteDB(t, filepath.Join(t.TempDir(), "x.db"))
	s := userVersion(db)
	record := s.Record
	s.Record = func(ctx context.Context, tx *sql.Tx, v int) error {
		if v == 2 {
			return errors.New("disk full")
		}
		return record(ctx, tx, v)
	}
	if err := Run(ctx, s, threeSteps); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Run() = %v, want the record's error", err)
	}
	if v, got := version(t, db), tables(t, db); v != 1 || got != "a" {
		t.Errorf("after the failed record: version %d, tables %q; want 1, \"a\"", v, got)
	}
}

// TestRunBesideAnotherMigration lets another program migrate the same
// file completely while one is between two of its transactions, as two
// programs starting together may: every step still runs once, because
// each transaction reads the version it starts from.
func TestRunBesideAnotherMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	steps := []Step{{1, "log", "CREATE TABLE log (step INTEGER)"}}
	for v := 2; v <= 5; v++ {
		steps = append(steps, Step{v, "insert", fmt.Sprintf("INSERT INTO log VALUES (%d)", v)})
	}
	other := userVersion(sqliteDB(t, path))
	first := userVersion(sqliteDB(t, path))
	begin, begins := first.Begin, 0
	first.Begin = func(ctx context.Context) (*sql.Tx, error) {
		if begins++; begins == 2 {
			if err := Run(ctx, other, steps); err != nil {
				t.Errorf("the other Run() = %v", err)
			}
		}
		return begin(ctx)
	}
	if err := Run(ctx, first, steps); err != nil {
		t.Fatalf("Run() = %v", err)
	}
	var n, distinct int
	if err := sqliteDB(t, path).QueryRow("SELECT COUNT(*), COUNT(DISTINCT step) FROM log").Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != 4 || distinct != 4 {
		t.Errorf("log holds %d rows, %d distinct; want 4, each step once", n, distinct)
	}
}
