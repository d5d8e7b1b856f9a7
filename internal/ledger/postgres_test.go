package ledger

import (
	"context"
	"testing"

	"github.com/instruct-dev/instruct/internal/pgtest"
)

// postgresDSN returns the DSN of the test PostgreSQL server (see
// internal/pgtest).
func postgresDSN(t testing.TB) string {
	t.Helper()
	return pgtest.Server(t)
}

// postgresSchema creates a schema of its own for one test, dropped when
// the test ends, and returns a DSN whose search path is that schema.
func postgresSchema(t testing.TB) string {
	t.Helper()
	return pgtest.Schema(t, "ledger_test")
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
