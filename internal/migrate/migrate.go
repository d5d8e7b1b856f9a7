// Package migrate brings a database's schema up to date from numbered SQL
// files, with one policy for the client's cache and the server's ledger:
//
//   - the files are named NNNN_name.sql and numbered 1, 2, 3… without a
//     gap or a repeat;
//   - a database whose recorded version is newer than the files know was
//     written by a newer instruct: it is refused, untouched, with an error
//     that says to upgrade (*NewerError);
//   - each migration runs in one transaction with the record of its
//     version, which is read again in that transaction, so a crash leaves
//     the schema at a version it records, and two processes starting at
//     once don't apply a step twice.
//
// It knows nothing of any engine: the caller says how to begin a write
// transaction and how its database records its version.
package migrate

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// Step is one migration: the SQL of file NNNN_name.sql, which brings the
// schema from version NNNN-1 to NNNN.
type Step struct {
	Version int
	Name    string
	SQL     string
}

// Load reads the *.sql files at the root of fsys and returns them in
// version order. It refuses a file not named NNNN_name.sql, and versions
// that do not run 1, 2, 3… without a gap or a repeat.
func Load(fsys fs.FS) ([]Step, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no migrations embedded")
	}
	steps := make([]Step, 0, len(names))
	for _, name := range names {
		s, err := readStep(fsys, name)
		if err != nil {
			return nil, err
		}
		steps = append(steps, s)
	}
	slices.SortStableFunc(steps, func(a, b Step) int { return a.Version - b.Version })
	for i, s := range steps {
		if s.Version != i+1 {
			return nil, fmt.Errorf("migration %04d_%s: want version %d (versions run 1, 2, 3… without a gap or a repeat)", s.Version, s.Name, i+1)
		}
	}
	return steps, nil
}

// readStep reads file name of fsys as a step.
func readStep(fsys fs.FS, name string) (Step, error) {
	prefix, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
	v, err := strconv.Atoi(prefix)
	if !ok || err != nil || v <= 0 || rest == "" {
		return Step{}, fmt.Errorf("migration %q is not named NNNN_name.sql", name)
	}
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Step{}, fmt.Errorf("read migration %q: %w", name, err)
	}
	return Step{Version: v, Name: rest, SQL: string(body)}, nil
}

// NewerError is the refusal of a database written by a newer instruct,
// whose schema this one does not know.
type NewerError struct {
	// What names the database to its user: "cache", "database".
	What string
	// Found is the version the database records; Known the newest this
	// program knows.
	Found, Known int
}

func (e *NewerError) Error() string {
	return fmt.Sprintf("this %s was written by a newer instruct (schema %d, this one knows %d): upgrade instruct", e.What, e.Found, e.Known)
}

// Schema is a database whose schema Run brings up to date.
type Schema struct {
	// What names the database in errors: "cache", "database".
	What string
	// Begin starts a write transaction, taking whatever lock keeps
	// other processes from migrating at the same time.
	Begin func(ctx context.Context) (*sql.Tx, error)
	// Version returns, in tx, the version the database records: 0 for a
	// new database.
	Version func(ctx context.Context, tx *sql.Tx) (int, error)
	// Record records, in tx, that the schema is now at version.
	Record func(ctx context.Context, tx *sql.Tx, version int) error
	// Applied, when set, hears of each step once it is committed.
	Applied func(Step)
}

// Run applies to s the steps it lacks, each in its own transaction with
// the record of its version. It refuses a database whose recorded version
// is newer than the last step (a *NewerError) or not a version at all,
// and then changes nothing.
func Run(ctx context.Context, s Schema, steps []Step) error {
	for {
		done, err := runNext(ctx, s, steps)
		if err != nil || done {
			return err
		}
	}
}

// runNext applies, in one transaction, the step after the version the
// database records, and reports done when there is none.
func runNext(ctx context.Context, s Schema, steps []Step) (done bool, err error) {
	tx, err := s.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("migrate %s: %w", s.What, err)
	}
	defer tx.Rollback()
	current, err := s.Version(ctx, tx)
	if err != nil {
		return false, fmt.Errorf("read the %s's schema version: %w", s.What, err)
	}
	if err := check(s.What, current, len(steps)); err != nil {
		return false, err
	}
	if current == len(steps) {
		return true, nil
	}
	next := steps[current]
	if err := apply(ctx, s, tx, next); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrate %s to version %d: %w", s.What, next.Version, err)
	}
	if s.Applied != nil {
		s.Applied(next)
	}
	return false, nil
}

// check refuses a recorded version that is not one of 0…known.
func check(what string, found, known int) error {
	switch {
	case found > known:
		return &NewerError{What: what, Found: found, Known: known}
	case found < 0:
		return fmt.Errorf("the %s records schema version %d, which is not a version", what, found)
	}
	return nil
}

// apply runs step in tx and records its version.
func apply(ctx context.Context, s Schema, tx *sql.Tx, step Step) error {
	if _, err := tx.ExecContext(ctx, step.SQL); err != nil {
		return fmt.Errorf("migrate %s to version %d (%s): %w", s.What, step.Version, step.Name, err)
	}
	if err := s.Record(ctx, tx, step.Version); err != nil {
		return fmt.Errorf("record the %s's schema version %d: %w", s.What, step.Version, err)
	}
	return nil
}

// Latest returns the version a database that records each applied step
// as one row is at: the highest of recorded, which must hold every
// version from 1 up to it once, without a gap. It is 0 when recorded is
// empty.
func Latest(recorded []int) (int, error) {
	sorted := slices.Sorted(slices.Values(recorded))
	for i, v := range sorted {
		if v != i+1 {
			return 0, fmt.Errorf("the schema versions recorded (%s) do not run 1, 2, 3… without a gap or a repeat", list(sorted))
		}
	}
	return len(sorted), nil
}

func list(vs []int) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ", ")
}
