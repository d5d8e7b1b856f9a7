package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// decided returns a feed item of r at version v with a decision of kind
// k by name, numbered seq.
func decided(r instruct.Request, v int64, k instruct.Kind, name string, seq int64) instruct.FeedItem {
	r.Version = v
	e := instruct.Event{Seq: seq, RequestID: r.ID, Kind: k, Actor: instruct.Actor{ID: "r-" + name, Name: name},
		At: base.Add(time.Duration(seq) * time.Minute)}
	return instruct.FeedItem{Seq: seq, Request: r, Events: []instruct.Event{e}}
}

// searchIDs returns the IDs the queue finds for text.
func searchIDs(t *testing.T, s *Store, text string) []string {
	t.Helper()
	items, err := s.Queue(context.Background(), instruct.QueueQuery{Text: text})
	if err != nil {
		t.Fatalf("Queue(Text: %q) = %v", text, err)
	}
	return ids(items)
}

// TestSearchMatchesWhoDecided: a search finds the requests a reviewer
// decided on, whichever decision and however many came since, and not
// those they only annotated.
func TestSearchMatchesWhoDecided(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	if err := s.PutDefinitions(ctx, testDefinitions()); err != nil {
		t.Fatal(err)
	}
	a, b, c := request(1001, "Ville de Lyon", 3), request(1002, "CCAS de Brest", 4), request(1003, "Mairie de Metz", 5)
	mustApply(t, s, a, b, c)
	page := []instruct.FeedItem{
		decided(a, 3, instruct.KindRequestChanges, "Karim Benali", 100),
		decided(b, 3, instruct.KindApprove, "Inès Fontaine", 101),
		decided(c, 2, instruct.KindNote, "Karim Benali", 102),
	}
	if err := s.ApplyPage(ctx, page, "d1"); err != nil {
		t.Fatal(err)
	}
	// A later decision by someone else, then an edit without one: the
	// earlier decider is still found.
	later := []instruct.FeedItem{decided(a, 4, instruct.KindApprove, "Inès Fontaine", 103)}
	later[0].Request.Status = instruct.StatusValidated
	edit := decided(a, 5, instruct.KindUpdate, "Camille Martin", 104)
	edit.Request.Status = instruct.StatusValidated
	if err := s.ApplyPage(ctx, append(later, edit), "d2"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"Benali", []string{"D1001"}},
		{"karim", []string{"D1001"}},
		{"Inès Fontaine", []string{"D1001", "D1002"}},
		{"ines", []string{"D1001", "D1002"}},
		{"Camille", nil},
	}
	for _, tc := range tests {
		got := searchIDs(t, s, tc.text)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("Queue(Text: %q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// TestDecidersOfACacheFromBefore: a cache written before the search knew
// deciders (schema 3) finds them once opened: the migration takes them
// from the cached events and Open rebuilds the index.
func TestDecidersOfACacheFromBefore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "instruct.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutDefinitions(ctx, testDefinitions()); err != nil {
		t.Fatal(err)
	}
	a := request(1001, "Ville de Lyon", 3)
	mustApply(t, s, a)
	if err := s.ApplyPage(ctx, []instruct.FeedItem{decided(a, 3, instruct.KindRefuse, "Karim Benali", 100)}, "d"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	downgrade(t, path)

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("Open(cache of schema 3) = %v", err)
	}
	defer s.Close()
	if got := searchIDs(t, s, "Benali"); !slices.Equal(got, []string{"D1001"}) {
		t.Errorf("after the migration, Queue(Text: Benali) = %v, want [D1001]", got)
	}
	if got := searchIDs(t, s, "lyon"); !slices.Equal(got, []string{"D1001"}) {
		t.Errorf("after the migration, Queue(Text: lyon) = %v, want [D1001]", got)
	}
}

// downgrade makes the cache at path what schema 3 wrote: no deciders
// column (nor the claims' columns of schema 5), an index without the
// deciders' names.
func downgrade(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range append(beforeClaims,
		"ALTER TABLE requests DROP COLUMN deciders",
		"INSERT INTO search (search) VALUES ('delete-all')",
		"INSERT INTO search (rowid, doc) SELECT id, 'D' || id || ' ' || id || ' ' || title || ' ' || org_name FROM requests",
		"PRAGMA user_version = 3",
	) {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}
