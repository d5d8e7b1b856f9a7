// Package pgtest gives a test a PostgreSQL schema of its own on the
// server that INSTRUCT_TEST_POSTGRES names (scripts/pg-start.sh starts one
// and prints it). Without that variable the test is skipped, or fails
// under INSTRUCT_REQUIRE_E2E, as in CI, where a skip would hide that
// PostgreSQL went untested (see package e2e).
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/instruct-dev/instruct/internal/e2e"
)

// Server returns the DSN of the test PostgreSQL server, skipping or
// failing tb without one.
func Server(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv("INSTRUCT_TEST_POSTGRES")
	if dsn == "" {
		e2e.Missing(tb, "INSTRUCT_TEST_POSTGRES is not set: no PostgreSQL server to test against (scripts/pg-start.sh starts one)")
	}
	return dsn
}

// Schema creates an empty schema named prefix followed by random
// letters, dropped when the test ends, and returns a DSN whose search
// path is that schema.
func Schema(tb testing.TB, prefix string) string {
	tb.Helper()
	dsn := Server(tb)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	schema := prefix + "_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		tb.Fatalf("create schema %s: %v", schema, err)
	}
	tb.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	return WithParam(tb, dsn, "search_path", schema)
}

// WithParam returns dsn with the connection parameter name set to value.
func WithParam(tb testing.TB, dsn, name, value string) string {
	tb.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("INSTRUCT_TEST_POSTGRES is not a URL: %v", err)
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}
