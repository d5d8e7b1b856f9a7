package ledger

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
)

// postgresDSN returns the DSN of the test PostgreSQL server from
// INSTRUCT_TEST_POSTGRES, or skips the test when it is not set — and
// fails it instead under INSTRUCT_REQUIRE_E2E (CI), where a skip would
// hide that PostgreSQL went untested.
func postgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("INSTRUCT_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("INSTRUCT_REQUIRE_E2E") != "" {
			t.Fatal("INSTRUCT_TEST_POSTGRES is not set (scripts/pg-start.sh sets it)")
		}
		t.Skip("INSTRUCT_TEST_POSTGRES is not set: no PostgreSQL server to test against")
	}
	return dsn
}

// postgresSchema creates a schema of its own for one test, dropped when
// the test ends, and returns a DSN whose search path is that schema.
func postgresSchema(t testing.TB) string {
	t.Helper()
	dsn := postgresDSN(t)
	admin, err := openPgxDB(dsn)
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, 8)
	rand.Read(raw)
	schema := "ledger_test_" + hex.EncodeToString(raw)
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("INSTRUCT_TEST_POSTGRES is not a URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// openPostgresTest opens a new, empty ledger in a schema of its own.
func openPostgresTest(t *testing.T) *Ledger {
	t.Helper()
	l, err := OpenPostgres(context.Background(), postgresSchema(t))
	if err != nil {
		t.Fatalf("OpenPostgres() = %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestPostgresConformance(t *testing.T) {
	postgresDSN(t)
	runConformance(t, openPostgresTest)
}

func TestPostgresCommitsDurably(t *testing.T) {
	l := openPostgresTest(t)
	var got string
	if err := l.writer.QueryRowContext(context.Background(), `SHOW synchronous_commit`).Scan(&got); err != nil || got != "on" {
		t.Errorf("synchronous_commit = %q, %v, want on", got, err)
	}
}

func TestDollarPlaceholders(t *testing.T) {
	tests := []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`a = ? AND b IN (?, ?)`, `a = $1 AND b IN ($2, $3)`},
		{`search LIKE ? ESCAPE '\' AND x = '?' AND n > ?`, `search LIKE $1 ESCAPE '\' AND x = '?' AND n > $2`},
	}
	for _, tc := range tests {
		if got := dollarPlaceholders(tc.in); got != tc.want {
			t.Errorf("dollarPlaceholders(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
