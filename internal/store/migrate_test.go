package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/migrate"
)

// recordedSchema reads the schema version and the outbox size of the
// cache file at path, without going through Open.
func recordedSchema(t *testing.T, path string) (version, outbox int) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM outbox").Scan(&outbox); err != nil {
		t.Fatal(err)
	}
	return version, outbox
}

// checkRefusedAsNewer checks that err refuses a cache at schema found
// as written by a newer instruct, and that the file at path was left as
// it was: in place, at that version, its outbox whole.
func checkRefusedAsNewer(t *testing.T, err error, path string, found int) {
	t.Helper()
	known, kErr := schemaVersion()
	if kErr != nil {
		t.Fatal(kErr)
	}
	var newer *migrate.NewerError
	if !errors.As(err, &newer) || newer.Found != found || newer.Known != known {
		t.Fatalf("Open() = %v, want a *migrate.NewerError{Found: %d, Known: %d}", err, found, known)
	}
	want := fmt.Sprintf("this cache was written by a newer instruct (schema %d, this one knows %d): upgrade instruct", found, known)
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
		t.Errorf("Open() error = %q, want it to name %s and say %q", err, path, want)
	}
	if v, n := recordedSchema(t, path); v != found || n != 1 {
		t.Errorf("cache after the refusal: schema %d, %d outbox operation(s); want %d and the 1 unsent decision", v, n, found)
	}
	if moved, _ := filepath.Glob(path + ".broken-*"); len(moved) != 0 {
		t.Errorf("the newer cache was moved aside to %v; want it left in place", moved)
	}
}

// TestOpenRefusesCacheOfNewerInstruct opens a cache that a newer instruct
// migrated further: it must be refused and left whole for that instruct,
// its unsent decision included.
func TestOpenRefusesCacheOfNewerInstruct(t *testing.T) {
	path := filepath.Join(t.TempDir(), "instruct.db")
	cacheWithOutbox(t, path, 3)
	known, err := schemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	execSQL(t, path, fmt.Sprintf("PRAGMA user_version = %d", known+5))
	s, err := Open(context.Background(), path)
	if err == nil {
		s.Close()
	}
	checkRefusedAsNewer(t, err, path, known+5)
}

// TestSecondOpenRefusesNewerSchema opens a cache again while another
// Store has it open (so no inspection runs) after a newer instruct
// stamped a newer schema: the second Open must refuse it, not reset the
// version to its own.
func TestSecondOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "instruct.db")
	cacheWithOutbox(t, path, 3)
	first, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	known, err := schemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	execSQL(t, path, fmt.Sprintf("PRAGMA user_version = %d", known+5))
	second, err := Open(ctx, path)
	if err == nil {
		second.Close()
	}
	checkRefusedAsNewer(t, err, path, known+5)
}

// TestOpenMigratesOnceAndKeepsVersion opens a new cache twice: the
// schema is stamped with the version of the last migration and the
// cache's application ID, and a second Open changes neither.
func TestOpenMigratesOnceAndKeepsVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "instruct.db")
	cacheWithOutbox(t, path, 1)
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	known, err := schemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v, n := recordedSchema(t, path); v != known || n != 1 {
		t.Errorf("cache after two Opens: schema %d, %d outbox operation(s); want %d, 1", v, n, known)
	}
}
