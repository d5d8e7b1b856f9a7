package stats_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/review"
	"github.com/instruct-dev/instruct/internal/stats"
	"github.com/instruct-dev/instruct/internal/store"
)

// matchRequests is the size of the set the server's and the cache's
// figures are compared on; under -short or the race detector, 5,000
// (.ci/run runs the 100,000 without the race detector).
const matchRequests = 100_000

// TestServerAndCacheAgreeOn100k: 100,000 generated requests imported into
// a real SQLite ledger in bulk, pulled page by page from its change feed
// into a real cache as the sync engine stores them: the server's figures
// (review.Service.Stats, as GET /api/v1/stats computes them) and the
// cache's (stats.Load, as `instruct stats` and the S screen do) are the
// same, for a reporter of everything and an instructor of two APIs, over
// the default range and a year.
func TestServerAndCacheAgreeOn100k(t *testing.T) {
	n := matchRequests
	if testing.Short() || raceEnabled {
		n = 5_000
	}
	ctx := context.Background()
	now := time.Date(2026, 10, 15, 9, 0, 0, 0, time.UTC)
	defs, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	l, err := ledger.Open(ctx, filepath.Join(dir, "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	g := demo.New(7, defs, now)
	hs := make([]instruct.History, n)
	for i := range hs {
		hs[i] = g.History(i)
	}
	if err := l.Import(ctx, hs); err != nil {
		t.Fatal(err)
	}
	service := review.New(review.Config{Storage: l, Catalogue: defs, Now: func() time.Time { return now }})
	reporter := instruct.User{ID: "reporter", Name: "Julien Moreau", Roles: []instruct.Grant{{Definition: "*", Role: instruct.RoleReporter}}}
	st := pullInto(t, l, reporter, defs, filepath.Join(dir, "cache.db"))
	defer st.Close()
	// The instructor reads the same cache (one pull of 100,000 is enough):
	// the figures keep to the definitions the signed-in user sees.
	instructor := instruct.User{ID: "instructor", Name: "Marie Dupont", Roles: []instruct.Grant{
		{Definition: "api_particulier", Role: instruct.RoleInstructor}, {Definition: "api_entreprise", Role: instruct.RoleInstructor}}}
	for _, u := range []instruct.User{reporter, instructor} {
		if err := st.PutMe(ctx, u); err != nil {
			t.Fatal(err)
		}
		for _, q := range []review.StatsQuery{{}, {From: "2025-10-16"}} {
			want, err := service.Stats(ctx, u, q)
			if err != nil {
				t.Fatal(err)
			}
			r, err := stats.ParseRange(q.From, q.To, now)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := stats.Load(ctx, st, "", r)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s, %+v: the cache's figures differ from the server's (-server +cache):\n%s", u.ID, q, diff)
			}
			if total := submitted(want); total < n/20 {
				t.Errorf("%s, %+v: the server counts %d submissions of %d requests: the comparison proves little", u.ID, q, total, n)
			}
		}
	}
}

// pullInto fills a new cache at path with what user u sees of the
// ledger's change feed, page by page, as the sync engine stores it.
func pullInto(t *testing.T, l *ledger.Ledger, u instruct.User, defs []instruct.Definition, path string) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutDefinitions(ctx, defs); err != nil {
		t.Fatal(err)
	}
	if err := st.PutMe(ctx, u); err != nil {
		t.Fatal(err)
	}
	var after int64
	for more := true; more; {
		var items []instruct.FeedItem
		items, more, err = l.Changes(ctx, u.Viewer(), after, 2000)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) == 0 {
			break
		}
		after = items[len(items)-1].Seq
		if err := st.ApplyPage(ctx, review.ItemsFor(u, items), strconv.FormatInt(after, 10)); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func submitted(rep stats.Report) int {
	n := 0
	for _, f := range rep.Definitions {
		n += f.Submitted
	}
	return n
}
