// Package storetest damages real cache files for tests, as a failing disk
// would, so that the tests of the store, the sync engine and the commands
// prove the same healing on the same damage. It is used only by tests.
package storetest

import (
	"database/sql"
	"os"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the driver the cache is written with
)

// DamageLeaves overwrites at most max leaf pages of table in the SQLite
// file at path (every one when max is 0), skipping the first skip of them,
// found with SQLite's dbstat. The file may be open elsewhere: the log is
// checkpointed first, so that the damaged pages are the ones read.
func DamageLeaves(t testing.TB, path, table string, skip, max int) {
	t.Helper()
	pageSize, pages := leafPages(t, path, table, skip, max)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", int(pageSize)/4))
	for _, n := range pages {
		if _, err := f.WriteAt(junk, (n-1)*pageSize); err != nil {
			t.Fatal(err)
		}
	}
}

// leafPages returns the page size of the file at path and the numbers of
// the leaf pages of table that DamageLeaves overwrites.
func leafPages(t testing.TB, path, table string, skip, max int) (int64, []int64) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatalf("checkpoint %s: %v", path, err)
	}
	var pageSize int64
	if err := db.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatalf("page size of %s: %v", path, err)
	}
	limit := max
	if limit == 0 {
		limit = -1
	}
	rows, err := db.Query("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' LIMIT ? OFFSET ?", table, limit, skip)
	if err != nil {
		t.Fatalf("find the pages of %s: %v", table, err)
	}
	defer rows.Close()
	var pages []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		pages = append(pages, n)
	}
	if err := rows.Err(); err != nil || len(pages) == 0 {
		t.Fatalf("find the pages of %s: %v (%d found)", table, err, len(pages))
	}
	return pageSize, pages
}
