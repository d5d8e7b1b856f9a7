package main

import (
	"testing"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/pgtest"
)

// postgresDatabase returns the DSN of an empty schema of its own on the
// test PostgreSQL server, dropped after the test (see internal/pgtest).
func postgresDatabase(t *testing.T) string {
	t.Helper()
	return pgtest.Schema(t, "e2e")
}

// TestServeOnPostgres runs the product on PostgreSQL: "serve --postgres
// --demo" seeds it, a reviewer's decision recorded in the cache lands
// exactly once, survives a restart of the server, and the audit chain
// verifies with "audit verify --postgres".
func TestServeOnPostgres(t *testing.T) {
	dsn := postgresDatabase(t)
	srv := startServer(t, dsn, true)
	marie := srv.client(t, demo.InstructorID)
	req := pickSubmitted(t, marie, "api_particulier")
	box := newSandbox(t)
	flags := connFlags(srv.URL, srv.token(t, demo.InstructorID), box.path("cache.db"))
	box.must(append([]string{"sync"}, flags...)...)
	comment := "Le cadre juridique cité ne couvre pas le quotient familial."
	box.must(append([]string{"decide", req.ID.String(), "refuse", "--comment", comment}, flags...)...)
	box.must(append([]string{"sync"}, flags...)...)

	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve on PostgreSQL exited %d after SIGTERM, want 0", code)
	}
	restarted, err := startServerAt(t, srv.addr, dsn, false)
	if err != nil {
		t.Fatalf("restart on PostgreSQL: %v", err)
	}
	box.must(append([]string{"sync"}, flags...)...)
	api := restarted.clientWith(srv.token(t, demo.InstructorID))
	if n := countEvents(eventsOf(t, api, req.ID), instruct.KindRefuse, comment); n != 1 {
		t.Errorf("the refusal of %s is on PostgreSQL %d times, want exactly once", req.ID, n)
	}
	if got := requestOf(t, api, req.ID).Status; got != instruct.StatusRefused {
		t.Errorf("%s is %s on PostgreSQL, want refused", req.ID, got)
	}
	if r := box.run("audit", "verify", "--postgres", dsn); r.code != 0 {
		t.Errorf("audit verify --postgres = %s, want exit 0", r)
	}
}
